"""Browser tests of the Long documents tab: the example (a question whose paragraph sits past the model's limit)
shows the token count against the limit, the curve along the document, the chunks and the marked text; bad input
is a message and what was shown stays."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import SLOW, dismiss_errors, open_tab, screenshot

TAB = "Long documents"


def test_the_example_reads_along_the_document_and_bad_input_keeps_it(page):
    summary = open_tab(page, TAB, "longdoc-summary")
    page.locator("#longdoc-example").click()
    expect(summary).to_contain_text("Cosine to the whole document", timeout=SLOW)
    expect(summary).to_contain_text("tokens are not read")  # the tiny model reads 512 tokens of ~5,000
    expect(summary).to_contain_text("The best chunk lies past the limit")
    expect(page.locator("#longdoc-plot .js-plotly-plot")).to_contain_text("the model stops reading", timeout=SLOW)
    expect(page.locator('#longdoc-chunks [data-testid="cell-5-0"]')).to_have_text("6")
    expect(page.locator("#longdoc-text")).to_contain_text("not read whole")
    screenshot(page, "long-document")

    page.locator("#longdoc-query").locator("textarea").fill("")
    page.locator("#longdoc-run").click()
    expect(page.get_by_text("Give a query and a document").first).to_be_visible(timeout=SLOW)
    expect(summary).to_contain_text("Cosine to the whole document")  # the previous answer is still there
    dismiss_errors(page)


def test_the_corpus_example_ranks_whole_and_chunked_with_metrics(page):
    summary = open_tab(page, TAB, "longdoc-rank-summary")
    page.locator("#longdoc-rank-example").click()
    expect(summary).to_contain_text("on nDCG@10", timeout=SLOW)  # a verdict: labels came with the example
    expect(summary).to_contain_text("split into chunks of at most 64 tokens")
    expect(page.locator("#longdoc-rank-metrics")).to_contain_text("MRR@10")
    expect(page.locator('#longdoc-rank-per-query [data-testid="cell-0-0"]')).to_contain_text("Q1")
    screenshot(page, "long-document-corpus")
