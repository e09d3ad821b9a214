"""Browser tests of the cross-lingual search tab: the example, an upload, and a bad upload the app survives."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import SLOW, open_tab, screenshot

TAB = "Cross-lingual search"


def test_example_fills_tables_parity_and_plots(page):
    status = open_tab(page, TAB, "search-status")
    page.locator("#search-example").click()
    expect(status).to_contain_text("4 queries × 126 documents", timeout=SLOW)
    expect(status).to_contain_text("embedded")
    for query in ("Q1 (en)", "Q2 (de)", "Q3 (ja)", "Q4 (sw)"):
        expect(page.get_by_text(query).first).to_be_visible()
    expect(page.get_by_text("overlap@k").first).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(2)
    screenshot(page, "search-example")
    expect(page.get_by_text("search_results").first).to_be_visible()


def test_upload_then_bad_upload_then_still_working(page, tmp_path):
    status = open_tab(page, TAB, "search-status")
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("The fox is red.\nDer Fuchs ist rot.\nLe renard est rouge.\n", encoding="utf-8")
    page.locator("#search-corpus input[type=file]").set_input_files(str(corpus))
    page.get_by_label("Queries: one per line").fill("red fox")
    page.locator("#search-run").click()
    expect(status).to_contain_text("1 query × 3 documents", timeout=SLOW)
    screenshot(page, "search-upload")

    page.get_by_label("Queries: one per line").fill("a\nb\nc\nd\ne")
    page.locator("#search-run").click()
    expect(page.get_by_text("Up to 4 queries").first).to_be_visible()
    expect(status).to_contain_text("1 query × 3 documents")  # what the user had is still there
    screenshot(page, "search-bad-input")

    page.locator("#search-example").click()
    expect(status).to_contain_text("4 queries × 126 documents", timeout=SLOW)


def test_binary_upload_is_refused(page, tmp_path):
    status = open_tab(page, TAB, "search-status")
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 20)
    page.locator("#search-corpus input[type=file]").set_input_files(str(junk))
    page.get_by_label("Queries: one per line").fill("red fox")
    page.locator("#search-run").click()
    expect(page.get_by_text("looks binary").first).to_be_visible(timeout=SLOW)
    screenshot(page, "search-bad-file")
    page.locator("#search-example").click()
    expect(status).to_contain_text("126 documents", timeout=SLOW)
