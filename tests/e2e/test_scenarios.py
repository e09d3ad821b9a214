"""Browser tests of saved scenarios: a link opens a curated demo on a page whose model cannot load (its results, tab
and story shown, no model run); the picker opens another; a tab saved as a scenario reopens from its file; a file
that is not a scenario, and a tab that cannot be saved, are messages that leave the page as it was."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SLOW, dismiss_errors, open_tab, run_app, screenshot


@pytest.fixture(scope="module")
def modelless_url(tmp_path_factory) -> str:
    """An app whose model cannot load: what a scenario shows comes from its file alone."""
    tmp = tmp_path_factory.mktemp("modelless")
    yield from run_app(str(tmp / "no-model-here"), tmp)


def open_file(page, path) -> None:
    """Open a file with the "Open a saved scenario…" button, as a user does (through the file chooser)."""
    with page.expect_file_chooser() as chooser:
        page.locator("#hx-scenario-open").click()
    chooser.value.set_files(str(path))


#: What a page learns of its recorded first frame: in the HTML as served (before any script), and its picture.
FRAME_LOG = """
window.hxFrameLog = {};
document.addEventListener("DOMContentLoaded", () => {
  window.hxFrameLog.served = !!document.getElementById("hx-first-frame");
});
document.addEventListener("load", (event) => {
  if (event.target.closest && event.target.closest("#hx-first-frame"))
    window.hxFrameLog.picture = `${event.target.currentSrc} ${event.target.naturalWidth}`;
}, true);
"""


def test_a_link_opens_a_curated_scenario_without_the_model(browser, modelless_url):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.add_init_script(FRAME_LOG)
    try:
        page.goto(modelless_url + "?scenario=mining-translations")
        # The recorded first frame shows from the first paint, and goes once the live page has drawn the plots.
        page.wait_for_function("() => window.hxFirstFrame && window.hxFirstFrame.drawn", timeout=SLOW)
        expect(page.locator("#hx-first-frame")).to_have_count(0)
        expect(page.locator("#bitext-heatmap .js-plotly-plot .main-svg").first).to_be_visible()
        log = page.evaluate("window.hxFrameLog")
        assert log["served"] and log["picture"].endswith("/mining-translations-light.webp 1440"), log
        expect(page.locator("#bitext-status")).to_contain_text("80 source × 80 target", timeout=SLOW)
        expect(page.get_by_role("tab", name="Bitext matching")).to_have_attribute("aria-selected", "true")
        notice = page.locator("#hx-scenario-notice")
        expect(notice).to_contain_text("Mining translations from two unaligned lists")
        expect(notice).to_contain_text("no model ran")
        story = page.locator("#hx-story-bitext")  # next to the results, which the page scrolls to
        expect(story).to_contain_text("80 of 80 right")
        expect(story).to_be_in_viewport()
        expect(page.locator("#hx-header")).to_contain_text("could not be loaded")
        expect(page.locator("#bitext-accuracy")).to_contain_text("margin")
        screenshot(page, "scenario-link")

        page.locator("#hx-scenario input").click()
        page.get_by_role("option", name="Topics, not languages").click()
        expect(page.locator("#map-summary")).to_contain_text("294 texts", timeout=SLOW)
        expect(page.get_by_role("tab", name="Cluster map")).to_have_attribute("aria-selected", "true")
        expect(page.locator("#map-plot .js-plotly-plot")).to_be_visible(timeout=SLOW)
        expect(notice).to_contain_text("Topics, not languages")
        expect(page.locator("#hx-story-map")).to_be_in_viewport()
        expect(page.locator("[data-testid=toast-body]")).to_have_count(0)  # no model, and still no error on the page

        page.locator("#map-docs textarea").first.press_sequentially("my own")  # the story told of the saved inputs
        expect(page.locator("#hx-story-map")).to_be_hidden()
    finally:
        page.close()


def test_a_dark_page_gets_the_dark_frame_and_a_page_without_a_scenario_none(browser, modelless_url):
    page = browser.new_page(viewport={"width": 1440, "height": 900}, color_scheme="dark")
    page.add_init_script(FRAME_LOG)
    try:
        page.goto(modelless_url + "?scenario=topics-not-languages")
        page.wait_for_function("() => window.hxFrameLog.picture", timeout=SLOW)
        assert page.evaluate("window.hxFrameLog.picture").endswith("/topics-not-languages-dark.webp 1440")
        page.goto(modelless_url)
        expect(page.locator("#hx-header")).to_be_visible(timeout=SLOW)
        assert page.evaluate("window.hxFrameLog") == {"served": False}
    finally:
        page.close()


def test_a_saved_tab_reopens_from_its_file_and_bad_files_are_messages(page, tmp_path):
    status = open_tab(page, "Cross-lingual search", "search-status")
    page.locator("#search-example").click()
    expect(status).to_contain_text("126 documents", timeout=SLOW)
    cells = [page.locator(f'#search-hits-1 [data-testid="cell-{row}-{column}"]') for row in range(5)
             for column in (1, 3)]  # each hit's score and text
    expect(cells[-1]).to_be_visible(timeout=SLOW)
    shown = [cell.inner_text() for cell in cells]

    page.locator("#hx-scenario-save").click()
    link = page.locator("#hx-scenario-file a").first
    expect(link).to_be_visible(timeout=SLOW)
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "search.zip"
    download.value.save_as(saved)

    not_a_scenario = tmp_path / "notes.zip"
    not_a_scenario.write_text("just text", encoding="utf-8")
    open_file(page, not_a_scenario)
    expect(page.get_by_text("notes.zip is not a saved scenario").first).to_be_visible(timeout=SLOW)
    dismiss_errors(page)
    expect(status).to_contain_text("126 documents")  # what the page showed stays

    page.get_by_role("tab", name="Model").click()
    page.locator("#hx-scenario-save").click()
    expect(page.get_by_text("This tab is not saved as a scenario").first).to_be_visible(timeout=SLOW)
    dismiss_errors(page)

    page.reload()
    open_file(page, saved)
    expect(page.locator("#hx-scenario-notice")).to_contain_text("replayed from a saved scenario", timeout=SLOW)
    expect(status).to_contain_text("126 texts: 126 from cache, 0 embedded", timeout=SLOW)
    expect(status).to_be_in_viewport()  # a file saved without a story: the page scrolls to the results
    expect(page.locator("#hx-story-search")).to_be_hidden()
    for cell, text in zip(cells, shown, strict=True):  # the same hits and scores, from the file
        expect(cell).to_have_text(text)
