"""Browser test of dark mode: plotly draws white paper and dark text of its own, so the page's stylesheet makes the
charts follow the theme. Waits on states (the example's status, the plots drawn), never on time."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import SLOW, open_tab, screenshot

#: For every plot on the page: its paper's background, and the fill of its axis / title / legend texts.
PLOT_COLOURS = """() => [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.offsetParent).map(p => ({
    paper: getComputedStyle(p.querySelector('.main-svg')).backgroundColor,
    texts: [...p.querySelectorAll(':is(.xtick, .ytick, .g-gtitle, .legend) text')]
        .map(t => getComputedStyle(t).fill),
}))"""


def _lightness(rgb: str) -> float:
    """0 (black) … 1 (white) for a computed "rgb(r, g, b)" colour."""
    r, g, b = (int(v) for v in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_charts_follow_the_dark_theme(page, app_url):
    page.goto(app_url + "?__theme=dark")
    page.get_by_text("self-check").first.wait_for()
    status = open_tab(page, "Cross-lingual search", "search-status")
    page.locator("#search-example").click()
    expect(status).to_contain_text("embedded", timeout=SLOW)
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].filter("
                           "p => p.offsetParent && p.querySelector('.xtick text')).length >= 2", timeout=SLOW)
    plots = page.evaluate(PLOT_COLOURS)
    assert len(plots) >= 2
    for plot in plots:
        assert plot["paper"] == "rgba(0, 0, 0, 0)"  # the page's dark background shows through
        assert plot["texts"] and min(map(_lightness, plot["texts"])) > 0.6, plot["texts"]
    screenshot(page, "search-dark")


def test_light_mode_keeps_plotlys_own_colours(page):
    status = open_tab(page, "Cross-lingual search", "search-status")
    page.locator("#search-example").click()
    expect(status).to_contain_text("embedded", timeout=SLOW)
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].some("
                           "p => p.offsetParent && p.querySelector('.xtick text'))", timeout=SLOW)
    for plot in page.evaluate(PLOT_COLOURS):
        assert plot["paper"] == "rgb(255, 255, 255)"
        assert all(_lightness(fill) < 0.5 for fill in plot["texts"]), plot["texts"]
