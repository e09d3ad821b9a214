"""Browser tests of the bitext tab: the example (pairs, heatmap, accuracy, a pair's margin neighbours by a row click
and by number), the document alignment, a two-column upload, and a bad upload the app survives. Every step waits on
a state the page shows (a status line, a file listed, an input's value, an explanation), never on time."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import (
    SLOW,
    choose_model_b,
    dismiss_errors,
    expect_no_sideways_scrolling,
    open_tab,
    plot_trace,
    screen_size,
    screenshot,
    upload,
)

TAB = "Bitext matching"


def _cell(page, table: str, row: int, column: int):
    return page.locator(f'#{table} [data-testid="cell-{row}-{column}"]')


def test_example_pairs_accuracy_neighbours_and_alignment(page):
    screen_size(page)
    status = open_tab(page, TAB, "bitext-status")
    page.locator("#bitext-example").click()
    expect(status).to_contain_text("80 source × 80 target", timeout=SLOW)
    expect(status).to_contain_text("German (de)")
    expect(page.locator("#bitext-accuracy")).to_contain_text("accuracy source → target", timeout=SLOW)
    expect(page.get_by_text("bitext_pairs").first).to_be_visible(timeout=SLOW)
    expect(page.locator(".js-plotly-plot")).to_have_count(2, timeout=SLOW)
    for table in ("bitext-pairs", "bitext-unmatched", "bitext-errors"):
        expect_no_sideways_scrolling(page, table)
    heatmap = plot_trace(page, "bitext-heatmap")
    assert heatmap["y"][0].startswith("1. ") and "source %{y}" in heatmap["hovertemplate"]
    assert "cosine %{customdata" in heatmap["hovertemplate"]  # the score not shown in colour, on hover
    # The glossary's line on hover, where the number is shown.
    expect(page.locator('#bitext-pairs th[title^="margin: Ratio margin"]')).to_have_count(1)
    screenshot(page, "bitext-example")

    # A row click fills the pair's numbers, opens the closed section and explains the pair.
    source, target = (_cell(page, "bitext-pairs", 1, column).inner_text() for column in (0, 2))
    _cell(page, "bitext-pairs", 1, 1).click()
    explanation = page.locator("#bitext-neighbours-explain")
    expect(explanation).to_contain_text(f"Source {source} → target {target}:", timeout=SLOW)
    expect(page.locator("#bitext-source-number input")).to_have_value(source, timeout=SLOW)
    expect(page.locator("text=targets nearest to source >> visible=true").first).to_be_visible(timeout=SLOW)
    # … and explains why the two sentences match, word by word, both under the bitext instruction.
    source_text = _cell(page, "bitext-pairs", 1, 1).inner_text()
    expect(page.locator("#bitext-why-summary")).to_contain_text("Cosine", timeout=SLOW)
    expect(page.locator("#bitext-why-query textarea")).to_have_value(source_text)
    expect(page.locator("#bitext-why-d")).to_be_visible()

    # Typed numbers count once the inputs show them (Tab commits each before the click).
    for elem_id, number in (("bitext-source-number", "3"), ("bitext-target-number", "4")):
        box = page.locator(f"#{elem_id} input")
        box.fill(number)
        box.press("Tab")
        expect(box).to_have_value(number)
    page.locator("#bitext-show-neighbours").click()
    expect(explanation).to_contain_text("Source 3 → target 4:", timeout=SLOW)
    screenshot(page, "bitext-neighbours")

    page.get_by_text("Ordered alignment of two parallel documents").click()
    page.locator("#align-example").click()
    expect(page.locator("#align-status")).to_contain_text("Blocks", timeout=SLOW)
    expect(page.locator(".js-plotly-plot")).to_have_count(3, timeout=SLOW)
    assert plot_trace(page, "align-path")["y"][0].startswith("1. ")  # numbered from 1 on the plot …
    expect(_cell(page, "align-blocks", 0, 1)).to_have_text("1", timeout=SLOW)  # … and in the table
    screenshot(page, "bitext-alignment")


def test_two_column_upload_then_bad_file_then_still_working(page, tmp_path):
    status = open_tab(page, TAB, "bitext-status")
    good = tmp_path / "pairs.tsv"
    good.write_text("de\ten\nHallo Welt\tHello world\nGuten Morgen\tGood morning\nDanke\tThank you\n",
                    encoding="utf-8")
    upload(page, "bitext-pair-file", good)
    page.locator("#bitext-run").click()
    expect(status).to_contain_text("3 source × 3 target", timeout=SLOW)
    screenshot(page, "bitext-upload")

    bad = tmp_path / "one_column.tsv"
    bad.write_text("de\nHallo\nDanke\n", encoding="utf-8")
    page.locator("#bitext-pair-file").get_by_label("Clear").click()
    upload(page, "bitext-pair-file", bad)
    page.locator("#bitext-run").click()
    expect(page.get_by_text("needs two text columns").first).to_be_visible(timeout=SLOW)
    expect(status).to_contain_text("3 source × 3 target")  # what the user had is still there
    screenshot(page, "bitext-bad-file")
    dismiss_errors(page)

    page.locator("#bitext-example").click()
    expect(status).to_contain_text("80 source × 80 target", timeout=SLOW)


def test_model_b_accuracy_disagreements_and_its_heatmap(page, tiny_gemma):
    screen_size(page)
    choose_model_b(page, f"{tiny_gemma}?dim=16")
    status = open_tab(page, TAB, "bitext-status")
    page.locator("#bitext-example").click()
    expect(status).to_contain_text("80 source × 80 target", timeout=SLOW)
    expect(page.locator("#bitext-model-b-status")).to_contain_text("Model B", timeout=SLOW)
    accuracy = page.locator("#bitext-accuracy-by-model")
    expect(accuracy).to_contain_text("accuracy source → target", timeout=SLOW)
    expect(_cell(page, "bitext-accuracy-by-model", 3, 0)).to_have_text("B", timeout=SLOW)  # rows A, A, B, B
    expect(page.locator("#bitext-disagreements")).to_contain_text("B's match", timeout=SLOW)
    expect(page.locator(".js-plotly-plot")).to_have_count(3, timeout=SLOW)  # A's heatmap, histogram, B's heatmap
    assert "source %{y}" in plot_trace(page, "bitext-heatmap-b")["hovertemplate"]
    expect_no_sideways_scrolling(page, "bitext-disagreements")
    screenshot(page, "bitext-model-b")
