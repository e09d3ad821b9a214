"""Browser tests of the Instruction A/B tab: the example (verdict, tables, plot, sweep), an upload, bad input that
leaves the earlier results readable, user text shown as text, a bad qrels file, model B's model × instruction grid."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import (
    SLOW,
    choose_model_b,
    dismiss_errors,
    download,
    expect_no_sideways_scrolling,
    open_tab,
    readable,
    screen_size,
    screenshot,
    upload,
    visible,
)

TAB = "Instruction A/B"


def test_example_verdict_per_query_across_queries_and_sweep(page):
    screen_size(page)
    summary = open_tab(page, TAB, "ab-summary")
    page.locator("#ab-example").click()
    expect(summary).to_contain_text("Queries under B", timeout=SLOW)
    expect(summary).to_contain_text("60 texts: ")
    expect(summary).to_contain_text("40 of 40 labelled query ids")
    expect(page.locator("#ab-verdict")).to_contain_text("nDCG@10", timeout=SLOW)
    expect(page.locator("#ab-verdict")).to_contain_text("40 queries")
    expect(visible(page, "Top k under A and under B")).to_be_visible()
    expect(visible(page, "exact string embedded")).to_be_visible()
    expect(page.locator("#ab-query input")).to_have_value(re.compile(r"^Q1 · "))
    screenshot(page, "ab-example")

    page.locator("#ab-query input").click()
    page.get_by_role("option").nth(2).click()  # the third query: its view replaces the first one's
    expect(page.locator("#ab-query input")).to_have_value(re.compile(r"^Q3 · "))
    query_id = page.locator("#ab-query input").input_value().removeprefix("Q3 · ").split(": ")[0]
    expect(visible(page, f"query {query_id} under B")).to_be_visible(timeout=SLOW)

    # A click on a document marks it relevant to the shown query (and a second click unmarks it), said on the status
    # line because the labels section is closed.
    top_a = page.locator('#ab-side [data-testid="cell-0-1"]')
    top_a.click()
    expect(page.locator("#ab-status")).to_contain_text("marked relevant to Q3 (1 typed labels", timeout=SLOW)
    top_a.click()
    expect(page.locator("#ab-status")).to_contain_text("no longer marked relevant to Q3 (0 typed labels", timeout=SLOW)

    page.get_by_role("tab", name="Across queries").click()
    expect(visible(page, "Kendall τ")).to_be_visible()
    expect(visible(page, "MRR@10")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=SLOW)  # plotly.js loads on first use
    expect(download(page, "ab_per_query.csv")).to_be_visible()
    expect(download(page, "ab_rankings.csv")).to_be_visible()
    expect_no_sideways_scrolling(page, "ab-per-query")  # no column hides behind a horizontal scroll bar
    screenshot(page, "ab-across")

    page.get_by_role("tab", name="Sweep").click()
    page.locator("#ab-sweep").click()
    expect(download(page, "instruction_sweep.csv")).to_be_visible(timeout=SLOW)
    expect(page.locator(".js-plotly-plot").last).to_contain_text("nDCG@10", timeout=SLOW)
    expect(page.locator("#ab-sweep-summary")).to_contain_text("40 queries")
    expect(visible(page, "Q40")).to_be_visible()  # the table names queries as the plot does, with their text
    screenshot(page, "ab-sweep")


def test_upload_then_bad_input_leaves_the_results_readable(page, tmp_path):
    summary = open_tab(page, TAB, "ab-summary")
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("The fox is red.\nDer Fuchs ist rot.\nRain falls in April.\n", encoding="utf-8")
    upload(page, "ab-corpus", corpus)
    page.locator("#ab-queries textarea").fill("red fox\nweather in spring")
    page.locator("#ab-run").click()
    expect(summary).to_contain_text("Corpus (role document, embedded once): 3 texts: ", timeout=SLOW)
    expect(page.locator("#ab-verdict")).to_contain_text("share")  # no labels: agreement headline
    screenshot(page, "ab-upload")

    page.locator("#ab-queries textarea").fill("")
    page.locator("#ab-run").click()
    expect(visible(page, "Queries is empty")).to_be_visible(timeout=SLOW)
    expect(page.locator("#ab-status")).to_contain_text("Error")  # the error is marked on the status line …
    expect(summary).to_contain_text("3 texts: ")  # … and what the user had is still there, not covered
    assert readable(page, "#ab-summary") and readable(page, "#ab-verdict")
    screenshot(page, "ab-bad-input")
    dismiss_errors(page)


def test_an_instruction_with_a_link_and_an_image_is_shown_as_text(page):
    summary = open_tab(page, TAB, "ab-summary")
    instruction = "See [this](http://example.com) ![x](http://example.com/x.png) <b>now</b>"
    page.locator("#ab-queries textarea").fill("red fox")
    page.locator("#ab-corpus textarea").fill("The fox is red.\nRain falls.")
    box = page.get_by_label("Instruction B")
    box.fill(instruction)
    box.press("Enter")
    page.locator("#ab-run").click()
    expect(summary).to_contain_text(f"Queries under B, {instruction}: 1 texts", timeout=SLOW)
    expect(summary.locator("a, img, b")).to_have_count(0)


def test_bad_qrels_file_is_refused_and_app_keeps_serving(page, tmp_path):
    open_tab(page, TAB, "ab-summary")
    junk = tmp_path / "qrels.tsv"
    junk.write_bytes(bytes(range(256)) * 20)
    page.get_by_text("Relevance labels (optional)").click()
    upload(page, "ab-qrels", junk)
    page.locator("#ab-queries textarea").fill("red fox")
    page.locator("#ab-corpus textarea").fill("The fox is red.\nRain falls.")
    page.locator("#ab-run").click()
    expect(visible(page, "binary")).to_be_visible(timeout=SLOW)
    screenshot(page, "ab-bad-file")
    dismiss_errors(page)
    page.locator("#ab-example").click()
    expect(page.locator("#ab-verdict")).to_contain_text("nDCG@10", timeout=SLOW)


def test_model_b_grids_both_models_under_both_instructions_with_every_pair_tested(page, tiny_gemma):
    screen_size(page)
    choose_model_b(page, f"{tiny_gemma}?dim=16")
    open_tab(page, TAB, "ab-summary")
    expect(page.locator("#ab-model-b")).to_be_hidden()  # nothing of model B before a run
    page.locator("#ab-example").click()
    expect(page.locator("#ab-verdict")).to_contain_text("nDCG@10", timeout=SLOW)  # model A's verdict, as before
    status = page.locator("#ab-model-b-status")
    expect(status).to_contain_text("16 dims", timeout=SLOW)
    expect(status).to_contain_text("Best nDCG@10: model ")
    grid = page.locator("#ab-grid")
    expect(grid).to_contain_text("MRR@10", timeout=SLOW)
    expect(grid).to_contain_text("model B")
    expect(grid).to_contain_text("A low (95%)")
    pairs = page.locator("#ab-grid-pairs")
    expect(pairs).to_contain_text("nDCG@10 p (Holm)", timeout=SLOW)
    expect(pairs).to_contain_text("model B · instruction B")
    for table in ("ab-grid", "ab-grid-pairs"):
        expect_no_sideways_scrolling(page, table)
    screenshot(page, "ab-model-b")
