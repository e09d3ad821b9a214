"""Browser tests of the cross-lingual search tab: the example, an upload, bad inputs the app survives, and user text
shown as text. Every step waits on a state the page shows (a status line, a file listed, a title), never on time."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import (
    SLOW,
    choose_model_b,
    dismiss_errors,
    expect_no_sideways_scrolling,
    open_tab,
    screen_size,
    screenshot,
    upload,
    visible,
)

TAB = "Cross-lingual search"


def _search(page, queries: str) -> None:
    page.get_by_label("Queries: one per line").fill(queries)
    page.locator("#search-run").click()


def test_example_fills_tables_parity_and_plots_and_the_texts_fit(page):
    screen_size(page)
    status = open_tab(page, TAB, "search-status")
    page.locator("#search-example").click()
    expect(status).to_contain_text("4 queries × 126 documents", timeout=SLOW)
    expect(status).to_contain_text("embedded")
    for query in ("Q1 (en) English", "Q2 (de) German", "Q3 (ja) Japanese", "Q4 (sw) Swahili"):
        expect(visible(page, query)).to_be_visible(timeout=SLOW)  # the titles come with the column widths
    for table in ("search-hits-1", "search-hits-2", "search-hits-3", "search-hits-4", "search-by-language"):
        expect(page.locator(f"#{table}")).to_contain_text("label", timeout=SLOW)
        expect_no_sideways_scrolling(page, table)
    expect(page.get_by_text("overlap@k").first).to_be_visible(timeout=SLOW)
    expect(page.locator(".js-plotly-plot")).to_have_count(2, timeout=SLOW)
    expect(page.get_by_text("search_results").first).to_be_visible(timeout=SLOW)
    screenshot(page, "search-example")

    # Why do these two match? A click on Q1's top hit fills both texts, opens the section and explains the pair.
    page.locator('#search-hits-1 [data-testid="cell-0-0"]').click()
    expect(page.locator("#search-why-summary")).to_contain_text("Cosine", timeout=SLOW)
    expect(page.locator("#search-why-query textarea")).to_have_value(re.compile(r"^How much of the water .*Amazon\?$"))
    expect(page.locator("#search-why-q")).to_contain_text("Amazon")
    expect(page.locator("#search-why-units")).to_contain_text("cosine without")
    screenshot(page, "search-why")


def test_upload_then_bad_input_then_still_working(page, tmp_path):
    status = open_tab(page, TAB, "search-status")
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("The fox is red.\nDer Fuchs ist rot.\nLe renard est rouge.\n", encoding="utf-8")
    upload(page, "search-corpus", corpus)
    _search(page, "red fox")
    expect(status).to_contain_text("1 query × 3 documents", timeout=SLOW)
    expect(page.locator("#search-hits-2")).to_be_hidden()
    screenshot(page, "search-upload")

    _search(page, "a\nb\nc\nd\ne")
    expect(page.get_by_text("Up to 4 queries").first).to_be_visible(timeout=SLOW)
    expect(status).to_contain_text("1 query × 3 documents")  # what the user had is still there
    screenshot(page, "search-bad-input")
    dismiss_errors(page)

    page.locator("#search-example").click()
    expect(status).to_contain_text("4 queries × 126 documents", timeout=SLOW)


def test_binary_upload_is_refused(page, tmp_path):
    status = open_tab(page, TAB, "search-status")
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 20)
    upload(page, "search-corpus", junk)
    _search(page, "red fox")
    expect(page.get_by_text("looks binary").first).to_be_visible(timeout=SLOW)
    screenshot(page, "search-bad-file")
    dismiss_errors(page)
    page.locator("#search-example").click()
    expect(status).to_contain_text("126 documents", timeout=SLOW)


def test_markup_in_texts_queries_and_file_names_is_shown_as_text(page, tmp_path):
    status = open_tab(page, TAB, "search-status")
    corpus = tmp_path / "n_<b>bold.txt"  # a cp1252 file: the status names it in a note (Gradio drops the < >)
    corpus.write_bytes("<i>Café</i> au lait\n**crème** brûlée\n".encode("cp1252"))
    upload(page, "search-corpus", corpus)
    _search(page, "<img src=x>café")
    expect(status).to_contain_text("bold.txt: not UTF-8, decoded as cp1252", timeout=SLOW)
    expect(page.locator("#search-hits-1")).to_contain_text("<i>Café</i> au lait", timeout=SLOW)
    expect(visible(page, ": <img src=x>café")).to_be_visible(timeout=SLOW)  # the table's title
    for markup in ("#search-status b", "#search-status img", "#search-hits-1 i", "img[src=x]"):
        expect(page.locator(markup)).to_have_count(0)


def test_model_b_ranks_beside_model_a_with_their_agreement(page, tiny_gemma):
    screen_size(page)
    choose_model_b(page, f"{tiny_gemma}?dim=16")
    status = open_tab(page, TAB, "search-status")
    page.locator("#search-example").click()
    expect(status).to_contain_text("4 queries × 126 documents", timeout=SLOW)
    expect(page.locator("#search-model-b-status")).to_contain_text("Model B", timeout=SLOW)
    expect(page.locator("#search-model-b-status")).to_contain_text("16 dims")
    expect(page.locator("#search-agreement")).to_contain_text("RBO", timeout=SLOW)
    expect(page.locator("#search-agreement")).to_contain_text("Q4 (sw)", timeout=SLOW)
    expect(page.locator("#search-model-b-hits")).to_contain_text("A #", timeout=SLOW)
    expect(page.locator("#search-parity-by-model")).to_contain_text("overlap@k B", timeout=SLOW)
    expect(page.locator("#search-bias-by-model")).to_contain_text("ratio B", timeout=SLOW)
    expect(visible(page, "Q1 (en) English")).to_be_visible(timeout=SLOW)  # model A's tables are still there …
    expect(page.locator("#search-hits-1")).to_contain_text("B #", timeout=SLOW)  # … with each hit's rank under B
    for table in ("search-model-b-hits", "search-parity-by-model", "search-bias-by-model", "search-hits-1"):
        expect_no_sideways_scrolling(page, table)
    screenshot(page, "search-model-b")
