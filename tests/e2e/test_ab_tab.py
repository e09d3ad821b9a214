"""Browser tests of the Instruction A/B tab: the example (verdict, tables, plot, sweep), an upload, bad input."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import SLOW, download, open_tab, screenshot, visible

TAB = "Instruction A/B"


def test_example_verdict_per_query_across_queries_and_sweep(page):
    summary = open_tab(page, TAB, "ab-summary")
    page.locator("#ab-example").click()
    expect(summary).to_contain_text("Queries under B", timeout=SLOW)
    expect(summary).to_contain_text("60 texts: ")
    expect(page.locator("#ab-verdict")).to_contain_text("nDCG@10", timeout=SLOW)
    expect(page.locator("#ab-verdict")).to_contain_text("40 queries")
    expect(visible(page, "Top k under A and under B")).to_be_visible()
    expect(visible(page, "exact string embedded")).to_be_visible()
    screenshot(page, "ab-example")

    page.get_by_role("tab", name="Across queries").click()
    expect(visible(page, "Kendall τ")).to_be_visible()
    expect(visible(page, "MRR@10")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    expect(download(page, "ab_per_query.csv")).to_be_visible()
    expect(download(page, "ab_rankings.csv")).to_be_visible()
    screenshot(page, "ab-across")

    page.get_by_role("tab", name="Sweep").click()
    page.locator("#ab-sweep").click()
    expect(download(page, "instruction_sweep.csv")).to_be_visible(timeout=SLOW)
    expect(page.locator(".js-plotly-plot").last).to_contain_text("nDCG@10")
    screenshot(page, "ab-sweep")


def test_upload_then_bad_input_then_still_working(page, tmp_path):
    summary = open_tab(page, TAB, "ab-summary")
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("The fox is red.\nDer Fuchs ist rot.\nRain falls in April.\n", encoding="utf-8")
    page.locator("#ab-corpus input[type=file]").set_input_files(str(corpus))
    page.locator("#ab-queries textarea").fill("red fox\nweather in spring")
    page.locator("#ab-run").click()
    expect(summary).to_contain_text("Corpus (role document, embedded once): 3 texts: ", timeout=SLOW)
    expect(page.locator("#ab-verdict")).to_contain_text("share")  # no labels: agreement headline
    screenshot(page, "ab-upload")

    page.locator("#ab-queries textarea").fill("")
    page.locator("#ab-run").click()
    expect(visible(page, "Queries is empty")).to_be_visible()
    expect(summary).to_contain_text("3 texts: ")  # what the user had is still there
    screenshot(page, "ab-bad-input")


def test_bad_qrels_file_is_refused_and_app_keeps_serving(page, tmp_path):
    open_tab(page, TAB, "ab-summary")
    junk = tmp_path / "qrels.tsv"
    junk.write_bytes(bytes(range(256)) * 20)
    page.get_by_text("Relevance labels (optional)").click()
    page.locator("#ab-qrels input[type=file]").set_input_files(str(junk))
    page.locator("#ab-queries textarea").fill("red fox")
    page.locator("#ab-corpus textarea").fill("The fox is red.\nRain falls.")
    page.locator("#ab-run").click()
    expect(visible(page, "binary")).to_be_visible(timeout=SLOW)
    screenshot(page, "ab-bad-file")
    page.locator("#ab-example").click()
    expect(page.locator("#ab-verdict")).to_contain_text("nDCG@10", timeout=SLOW)
