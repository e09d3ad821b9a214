"""Browser tests of the page's empty states (seen in screenshots at 1440×900): low upload boxes show their whole
prompt, download boxes stay low until there is a file, and an empty table names its columns."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import open_tab, screen_size

#: For every visible upload box: how far its prompt runs past the box's bottom or under the box's floating label, in
#: pixels (≤ 0: all of it shows).
PROMPT_OVERFLOW = """() => [...document.querySelectorAll('button.upload-container')].filter(b => b.offsetParent)
    .map(b => {
        const text = b.querySelector('[data-testid="upload-text"]').getBoundingClientRect();
        const label = b.parentElement.querySelector('[data-testid="block-label"]');
        const under = label ? label.getBoundingClientRect().bottom - text.top : 0;
        return Math.max(text.bottom - b.getBoundingClientRect().bottom, under);
    })"""
#: Heights of the visible download boxes that hold no file yet.
EMPTY_DOWNLOADS = """() => [...document.querySelectorAll('.hx-download')].filter(d => d.offsetParent
    && d.querySelector('.empty')).map(d => d.getBoundingClientRect().height)"""


def test_upload_prompts_show_whole_and_empty_downloads_stay_low(page):
    screen_size(page)
    for tab, ready in (("Cross-lingual search", "search-corpus"), ("Bitext matching", "bitext-pair-file"),
                       ("Cluster map", "map-vectors")):
        open_tab(page, tab, ready)
        expect(page.locator(f"#{ready}")).to_be_visible()
        overflow = page.evaluate(PROMPT_OVERFLOW)
        assert overflow and max(overflow) <= 1, (tab, overflow)
        heights = page.evaluate(EMPTY_DOWNLOADS)
        assert heights and max(heights) < 140, (tab, heights)
    expect(page.locator("#map-selected th").first).to_contain_text("point")  # not Gradio's "1 2 3"
