"""Browser tests of the Instruction lab: the example (verdict, table, plot, word ablation, click-to-label, exports,
search), own wordings proposed from a typed base, Stop, and bad input that leaves the earlier results readable."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import (
    SLOW,
    choose_model_b,
    download,
    expect_no_sideways_scrolling,
    open_tab,
    readable,
    screen_size,
    screenshot,
    visible,
)

TAB = "Instruction lab"


def test_example_scores_every_wording_ablates_words_and_searches(page):
    screen_size(page)
    verdict = open_tab(page, TAB, "lab-verdict")
    page.locator("#lab-example").click()
    expect(verdict).to_contain_text("Wording moves nDCG@10 by up to", timeout=SLOW)
    expect(verdict).to_contain_text("40 queries")
    expect(verdict).to_contain_text("Held out:")
    expect(page.locator("#lab-summary")).to_contain_text("40 of 40 labelled query ids")
    expect(page.locator("#lab-table")).to_contain_text("preset: retrieval (web)")
    expect(page.locator("#lab-table")).to_contain_text("swap the verb")
    expect(page.locator("#lab-plot .js-plotly-plot")).to_be_visible(timeout=SLOW)
    expect(page.locator("#lab-words")).to_contain_text("question")  # the base, word by word
    expect(download(page, "instruction_lab.csv")).to_be_visible()
    expect(download(page, "instruction_lab.html")).to_be_visible()
    expect_no_sideways_scrolling(page, "lab-table")  # the instruction column wraps; no column hides
    screenshot(page, "lab-example")

    # Which documents enter or leave a query's top k without a word: the first word at once, then a picked one.
    expect(page.locator("#lab-word-summary")).to_contain_text("Without Given,", timeout=SLOW)
    page.locator("#lab-word input").click()
    page.get_by_role("option", name="3. question,").click()
    expect(page.locator("#lab-word-summary")).to_contain_text("Without question,", timeout=SLOW)
    expect(page.locator("#lab-word-changes")).to_contain_text("rank without")
    # A click on a document marks it relevant to the shown query in the typed labels; a second click unmarks it.
    first_doc = page.locator('#lab-word-changes [data-testid="cell-0-0"]')
    first_doc.click()
    expect(page.locator("#lab-status")).to_contain_text("marked relevant to Q1 (1 typed labels", timeout=SLOW)
    first_doc.click()
    expect(page.locator("#lab-status")).to_contain_text("no longer marked relevant to Q1 (0 typed labels",
                                                        timeout=SLOW)

    page.get_by_text("Search for a better wording").click()
    page.locator("#lab-search").click()
    expect(page.locator("#lab-search-summary")).to_contain_text("held-out queries", timeout=SLOW)
    expect(page.locator("#lab-steps")).to_contain_text("start")
    screenshot(page, "lab-search")


def test_propose_from_a_typed_base_then_bad_input_keeps_the_results(page):
    verdict = open_tab(page, TAB, "lab-verdict")
    page.locator("#lab-queries textarea").fill("red fox\nweather in spring")
    page.locator("#lab-corpus textarea").fill("The fox is red.\nRain falls in April.\nBread is baked.")
    # A wording no preset contains: Enter keeps it as typed (on a preset's words the open list could pick the preset).
    base = page.locator("#lab-base input")
    base.fill("Given a claim, find articles that refute it")
    base.press("Enter")
    expect(base).to_have_value("Given a claim, find articles that refute it")
    page.locator("#lab-propose").click()
    variants = page.locator("#lab-variants textarea")
    expect(variants).to_have_value(re.compile(r"^\(none\)\nGiven a claim, find articles that refute it\n"),
                                   timeout=SLOW)
    expect(variants).to_have_value(re.compile("Find articles that refute it, given a claim"))
    page.locator("#lab-run").click()
    expect(verdict).to_contain_text("No relevance labels", timeout=SLOW)  # agreement, not quality
    screenshot(page, "lab-own")

    # Stop: the run is cancelled (tests/api/test_cancel.py shows its worker stops), the status says so and what the
    # user had stays.
    page.locator("#lab-variants textarea").fill("(none)\nFind articles that refute a claim\nRefute the claim")
    page.locator("#lab-run").click()
    page.locator("#lab-stop").click()
    expect(page.locator("#lab-status")).to_contain_text("Stopped", timeout=SLOW)
    expect(verdict).to_contain_text("No relevance labels")

    page.locator("#lab-queries textarea").fill("")
    page.locator("#lab-run").click()
    expect(visible(page, "Queries is empty")).to_be_visible(timeout=SLOW)
    expect(page.locator("#lab-status")).to_contain_text("Error")
    expect(verdict).to_contain_text("No relevance labels")  # what the user had is still there
    assert readable(page, "#lab-verdict")


def test_model_b_scores_the_same_wordings_beside_model_a(page, tiny_gemma):
    choose_model_b(page, f"{tiny_gemma}?dim=16")
    verdict = open_tab(page, TAB, "lab-verdict")
    expect(page.locator("#lab-model-b")).to_be_hidden()  # nothing of model B before a run
    page.locator("#lab-queries textarea").fill("red fox\nweather in spring\nfresh bread")
    page.locator("#lab-corpus textarea").fill("The fox is red.\nRain falls in April.\nBread is baked.")
    visible(page, "Relevance labels").click()  # open the section
    page.locator("#lab-rows input").check()  # parallel data as labels: query i ↔ document i
    page.locator("#lab-variants textarea").fill("(none)\nRetrieve passages")
    page.locator("#lab-run").click()
    expect(verdict).to_contain_text("Wording moves nDCG@10", timeout=SLOW)
    expect(page.locator("#lab-model-b-verdict")).to_contain_text("16 dims", timeout=SLOW)
    expect(page.locator("#lab-model-b-table")).to_contain_text("model B got")
    screenshot(page, "lab-model-b")
