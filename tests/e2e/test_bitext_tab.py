"""Browser tests of the bitext tab: the example (pairs, heatmap, accuracy, neighbours), the document alignment,
a two-column upload, and a bad upload the app survives."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import SLOW, open_tab, screenshot

TAB = "Bitext matching"


def test_example_pairs_accuracy_neighbours_and_alignment(page):
    status = open_tab(page, TAB, "bitext-status")
    page.locator("#bitext-example").click()
    expect(status).to_contain_text("80 source × 80 target", timeout=SLOW)
    expect(status).to_contain_text("German (de)")
    expect(page.get_by_text("accuracy source → target").first).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("bitext_pairs").first).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(2)

    page.get_by_text("Margin neighbourhood of a pair").click()
    page.get_by_label("row # of the pairs table").fill("2")
    page.get_by_role("button", name="Show neighbours").click()
    expect(page.get_by_text("Pair 2: source").first).to_be_visible(timeout=SLOW)
    expect(page.locator("text=targets nearest to source >> visible=true").first).to_be_visible()

    page.get_by_text("Ordered alignment of two parallel documents").click()
    page.locator("#align-example").click()
    expect(page.locator("#align-status")).to_contain_text("Blocks", timeout=SLOW)
    expect(page.locator(".js-plotly-plot")).to_have_count(3)
    screenshot(page, "bitext-example")


def test_two_column_upload_then_bad_file_then_still_working(page, tmp_path):
    status = open_tab(page, TAB, "bitext-status")
    good = tmp_path / "pairs.tsv"
    good.write_text("de\ten\nHallo Welt\tHello world\nGuten Morgen\tGood morning\nDanke\tThank you\n",
                    encoding="utf-8")
    page.locator("#bitext-pair-file input[type=file]").set_input_files(str(good))
    page.locator("#bitext-run").click()
    expect(status).to_contain_text("3 source × 3 target", timeout=SLOW)
    screenshot(page, "bitext-upload")

    bad = tmp_path / "one_column.tsv"
    bad.write_text("de\nHallo\nDanke\n", encoding="utf-8")
    page.locator("#bitext-pair-file").get_by_label("Clear").click()
    page.locator("#bitext-pair-file input[type=file]").set_input_files(str(bad))
    page.locator("#bitext-run").click()
    expect(page.get_by_text("needs two text columns").first).to_be_visible(timeout=SLOW)
    expect(status).to_contain_text("3 source × 3 target")  # what the user had is still there
    screenshot(page, "bitext-bad-file")

    page.locator("#bitext-example").click()
    expect(status).to_contain_text("80 source × 80 target", timeout=SLOW)
