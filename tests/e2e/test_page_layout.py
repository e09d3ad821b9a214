"""Browser tests of the page's empty states (seen in screenshots at 1440×900): low upload boxes show their whole
prompt, download boxes stay low until there is a file, and an empty table names its columns or shows none."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import open_tab, screen_size

#: For every visible upload box: how far its prompt runs past the box's bottom, past its own clipped height, or under
#: the box's floating label, in pixels (≤ 0: all of it shows).
PROMPT_OVERFLOW = """() => [...document.querySelectorAll('button.upload-container')].filter(b => b.offsetParent)
    .map(b => {
        const prompt = b.querySelector('[data-testid="upload-text"]');
        const text = prompt.getBoundingClientRect();
        const label = b.parentElement.querySelector('[data-testid="block-label"]');
        const under = label ? label.getBoundingClientRect().bottom - text.top : 0;
        const clipped = prompt.scrollHeight - prompt.clientHeight;
        return Math.max(text.bottom - b.getBoundingClientRect().bottom, under, clipped);
    })"""
#: Heights of the visible download boxes that hold no file yet.
EMPTY_DOWNLOADS = """() => [...document.querySelectorAll('.hx-download')].filter(d => d.offsetParent
    && d.querySelector('.empty')).map(d => d.getBoundingClientRect().height)"""


def test_upload_prompts_show_whole_and_empty_downloads_stay_low(page):
    screen_size(page)
    for tab, ready in (("Cross-lingual search", "search-corpus"), ("Bitext matching", "bitext-pair-file"),
                       ("Instruction A/B", "ab-queries"), ("Cluster map", "map-vectors"),
                       ("Long documents", "longdoc-queries"), ("Model", "model-pair-file")):
        open_tab(page, tab, ready)
        expect(page.locator(f"#{ready} button.upload-container")).to_be_visible()
        overflow = page.evaluate(PROMPT_OVERFLOW)
        assert overflow and max(overflow) <= 1, (tab, overflow)
        if tab in ("Cross-lingual search", "Bitext matching", "Cluster map"):  # their downloads show on the tab
            heights = page.evaluate(EMPTY_DOWNLOADS)
            assert heights and max(heights) < 140, (tab, heights)
    expect(page.locator("#map-selected th").first).to_contain_text("point")  # not Gradio's "1 2 3"


#: Header rows of the visible tables that read "1 | 2 | 3 …": Gradio's placeholder for a table without columns.
NUMBERED_HEADERS = """() => [...document.querySelectorAll('table')].filter(t => t.offsetParent)
    .map(t => [...t.querySelectorAll('thead th')].map(h => h.innerText.trim()).join('|'))
    .filter(h => h.startsWith('1|2'))"""


def test_no_empty_table_is_headed_1_2_3(page):
    for tab, ready in (("Cross-lingual search", "search-corpus"), ("Bitext matching", "bitext-pair-file"),
                       ("Instruction A/B", "ab-summary"), ("Instruction lab", "lab-summary"),
                       ("Cluster map", "map-vectors"), ("Model", "model-pair-file")):
        open_tab(page, tab, ready)
        expect(page.locator(f"#{ready}")).to_be_attached()
        expect(page.locator("table").filter(visible=True).first).to_be_visible()
        assert page.evaluate(NUMBERED_HEADERS) == [], tab
