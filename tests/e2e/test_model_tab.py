"""Browser tests of comparing two models: pick model B at the top of the page, see both in the header, and check
their parity in the Model tab."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import SLOW, choose_model_b, open_tab, screenshot


def test_a_second_model_shows_in_the_header_and_the_parity_check_compares_their_spaces(page, tiny_gemma):
    reference = f"{tiny_gemma}?dim=16"
    choose_model_b(page, reference)
    header = page.locator("#hx-header")
    expect(header).to_contain_text("(first 16 dims)", timeout=SLOW)
    expect(header).to_contain_text("A ")
    summary = open_tab(page, "Model", "model-parity-summary")
    page.locator("#model-parity").click()
    expect(summary).to_contain_text("Different spaces (64 vs 16 dims)", timeout=SLOW)
    expect(summary).to_contain_text("Spearman")
    screenshot(page, "model-parity")


def test_a_model_b_that_cannot_load_says_why_in_the_header(page, tmp_path):
    choose_model_b(page, str(tmp_path / "no-such-model"))
    expect(page.locator("#hx-header")).to_contain_text("could not be loaded", timeout=SLOW)
