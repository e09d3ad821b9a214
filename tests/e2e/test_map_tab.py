"""Browser tests of the Cluster map tab: the example (plot, keywords, agreement, neighbours of a clicked point, ctrl +
wheel zoom kept through redraws, exports), the language-neutral view and its switch, a bad seed that leaves the map
readable, an upload, too few documents, a bad file, model B's map beside A's with linked clicks and selections, and
Find, filters, a lasso and Stop, vectors the user already has, and a map big enough for WebGL."""

from __future__ import annotations

from playwright.sync_api import expect

from harrier_explorer.ui.common import SVG_MAX_POINTS
from harrier_explorer.ui.map.plots import MOTION_HASH
from tests.e2e.conftest import (
    SLOW,
    choose_model_b,
    dismiss_errors,
    open_tab,
    readable,
    screen_size,
    screenshot,
    upload,
    visible,
)

TAB = "Cluster map"
#: Plotly's own click event on the map, for the first document point of a trace: what a mouse click on that point
#: emits, chosen by its data (customdata[0] is the point number), not by a screen position.
CLICK_FIRST_POINT = """(traceIndex) => {
    const gd = document.querySelector('#map-plot .js-plotly-plot');
    const traces = gd._fullData.filter(t => t.customdata && t.customdata.length);
    const trace = traces[traceIndex];
    gd.emit('plotly_click', {points: [{customdata: trace.customdata[0], curveNumber: trace.index, pointNumber: 0}]});
    return String(trace.customdata[0][0]);
}"""
#: The point numbers of each trace of document points in the map, in the trace's order.
POINT_ORDER = """() => document.querySelector('#map-plot .js-plotly-plot').data
    .filter(t => Array.isArray(t.customdata) && Array.isArray(t.customdata[0]) && t.customdata[0].length === 6)
    .map(t => t.customdata.map(row => Number(row[0])))"""
#: How many points the map draws bright (plotly's selectedpoints over its traces): the ones a filter keeps.
KEPT_POINTS = """() => document.querySelector('#map-plot .js-plotly-plot').data
    .filter(t => Array.isArray(t.selectedpoints)).reduce((n, t) => n + t.selectedpoints.length, 0)"""
#: Plotly's click event on the document point numbered `number` in the map `#plotId`, found by its data.
CLICK_POINT = """([plotId, number]) => {
    const gd = document.querySelector(`#${plotId} .js-plotly-plot`);
    for (const trace of gd._fullData) {
        const j = (trace.customdata || []).findIndex(row => String(row[0]) === number);
        if (j >= 0) {
            gd.emit('plotly_click', {points: [{customdata: trace.customdata[j], curveNumber: trace.index,
                                               pointNumber: j}]});
            return true;
        }
    }
    return false;
}"""
#: Whether the map `#plotId` rings point `number` where that point is drawn in the same map (its ring trace sits on
#: the point's own coordinates).
RINGED = """([plotId, number]) => {
    const gd = document.querySelector(`#${plotId} .js-plotly-plot`);
    if (!gd || !gd.data) return false;
    const ring = gd.data.find(t => t.name === `point #${number}`);
    const trace = gd.data.find(t => (t.customdata || []).some(row => String(row[0]) === number));
    if (!ring || !trace) return false;
    const j = trace.customdata.findIndex(row => String(row[0]) === number);
    return ring.x[0] === trace.x[j] && ring.y[0] === trace.y[j];
}"""
#: Plotly's selection event (a box or lasso) in map `#plotId` over the document points numbered `numbers`.
SELECT_POINTS = """([plotId, numbers]) => {
    const gd = document.querySelector(`#${plotId} .js-plotly-plot`);
    const points = [];
    for (const trace of gd._fullData) {
        (trace.customdata || []).forEach((row, j) => {
            if (numbers.includes(String(row[0]))) points.push({customdata: row, curveNumber: trace.index,
                                                               pointNumber: j});
        });
    }
    gd.emit('plotly_selected', {points});
}"""
#: The width of the x range map A shows: the whole map, or what the user zoomed in to.
SHOWN_WIDTH = """() => { const range = document.querySelector('#map-plot .js-plotly-plot')._fullLayout.xaxis.range;
    return range[1] - range[0]; }"""
#: Whether map A shows a range the user zoomed to (plotly's relayout once the wheel stops ends the autorange).
ZOOMED_IN = """(whole) => document.querySelector('#map-plot .js-plotly-plot').layout.xaxis.autorange === false
    && (SHOWN)() < whole * 0.95""".replace("SHOWN", SHOWN_WIDTH)
#: The point numbers selected in map `#plotId` (plotly's selectedpoints of each document trace).
SELECTED = """(plotId) => {
    const gd = document.querySelector(`#${plotId} .js-plotly-plot`);
    if (!gd || !gd.data) return [];
    return gd.data.filter(t => t.customdata && t.selectedpoints)
        .flatMap(t => Array.from(t.selectedpoints, j => String(t.customdata[j][0]))).sort();
}"""


def test_example_map_keywords_agreement_neighbours_and_exports(page):
    screen_size(page)
    summary = open_tab(page, TAB, "map-summary")
    page.locator("#map-example").click()
    expect(summary).to_contain_text("294 texts: ", timeout=SLOW)
    plot = page.locator("#map-plot .js-plotly-plot")
    expect(plot).to_be_visible(timeout=SLOW)
    expect(plot).to_contain_text("queries", timeout=SLOW)  # the example query drawn as a star
    expect(visible(page, "Cluster keywords (c-TF-IDF, per language)")).to_be_visible()
    expect(visible(page, "V-measure (clusters)")).to_be_visible()
    expect(page.locator("#map-reading")).to_contain_text("Points group by")
    expect(page.locator('a[download="cluster_map_points.csv"]')).to_be_visible()
    expect(page.locator('a[download="cluster_map.html"]')).to_be_visible()
    screenshot(page, "map-example")

    expect(page.locator("#map-plot .js-plotly-plot[data-hx-click]")).to_have_count(1)  # the page script is ready
    for trace in (0, 2):  # two points in turn: each click lists that point's neighbours
        number = page.evaluate(CLICK_FIRST_POINT, trace)
        expect(page.locator("#map-picked")).to_contain_text(f"Point #{number} ", timeout=SLOW)
        expect(page.locator("#map-pick textarea, #map-pick input").first).to_have_value(number)
        expect(plot).to_contain_text(f"point #{number}", timeout=SLOW)
    screenshot(page, "map-click")

    # Over the map the plain wheel scrolls the page (plotly would have stopped the scroll, and zoomed at once);
    # ctrl + wheel zooms (plotly's scroll zoom), and the zoom outlives the server's redraws of the same map.
    whole = page.evaluate(SHOWN_WIDTH)
    page.locator("#map-plot .nsewdrag").first.hover()
    top = page.evaluate("() => window.scrollY")
    page.mouse.wheel(0, 100)
    page.wait_for_function(f"() => window.scrollY > {top}")
    assert page.evaluate(SHOWN_WIDTH) == whole
    page.locator("#map-plot .nsewdrag").first.hover()
    page.keyboard.down("Control")
    page.mouse.wheel(0, -100)  # one step: one relayout once the wheel stops
    page.keyboard.up("Control")
    page.wait_for_function(ZOOMED_IN, arg=whole)
    zoomed = page.evaluate(SHOWN_WIDTH)

    # Recolouring happens in the browser: with the server's answer held back, the legend already shows the groups.
    held = []
    page.route("**/gradio_api/queue/join*", lambda route: held.append(route))
    page.get_by_role("radio", name="language").click()  # the example starts coloured by label
    expect(plot).to_contain_text("zh (98)")
    expect(plot).to_contain_text(f"point #{number}")  # the picked point's rings stay
    for numbers in page.evaluate(POINT_ORDER):  # each group lists its points as the server's figure does
        assert numbers == sorted(numbers, key=lambda n: n * MOTION_HASH % 2**32) and len(numbers) > 1
    assert held  # the server's redraw was asked for, and waits
    for route in held:
        route.continue_()
    page.unroute("**/gradio_api/queue/join*")
    expect(page.locator("#map-status")).not_to_contain_text("rror")
    expect(page.locator('a[download="cluster_map.html"]')).to_be_visible(timeout=SLOW)  # the server's redraw too
    page.locator("#map-pick textarea, #map-pick input").first.fill("12")
    page.locator("#map-neighbours").click()
    expect(page.locator("#map-picked")).to_contain_text("Point #12", timeout=SLOW)
    expect(plot).to_contain_text("point #12", timeout=SLOW)
    # Still zoomed in, after the redraws of a recolouring and of a click (each a new plotly div, the view put back).
    page.wait_for_function(f"() => Math.abs(({SHOWN_WIDTH})() - {zoomed}) < {zoomed * 1e-6}")
    screenshot(page, "map-neighbours")

    # A filter fades the other points at once, in the browser; the server's next redraw keeps them faded.
    page.locator("#map-only input").click()
    page.get_by_role("option", name="language: zh").click()
    page.wait_for_function(f"() => ({KEPT_POINTS})() === 98")
    find = page.locator("#map-find-text textarea, #map-find-text input").first
    find.press_sequentially("比赛")  # typed words narrow the filter's points at once: the Chinese texts with "match"
    page.wait_for_function(f"() => ({KEPT_POINTS})() === 6")
    find.press("Backspace")
    find.press("Backspace")
    find.press_sequentially("2")  # and with a 2
    page.wait_for_function(f"() => ({KEPT_POINTS})() === 13")
    find.press("Backspace")
    page.wait_for_function(f"() => ({KEPT_POINTS})() === 98")
    page.locator("#map-pick textarea, #map-pick input").first.fill("13")
    page.locator("#map-neighbours").click()
    expect(plot).to_contain_text("point #13", timeout=SLOW)  # the server's figure
    assert page.evaluate(KEPT_POINTS) == 98


def test_the_language_neutral_view_shows_before_and_after_and_can_be_switched_off(page):
    summary = open_tab(page, TAB, "map-summary")
    page.locator("#map-example").click()
    expect(summary).to_contain_text("294 texts: ", timeout=SLOW)
    reading = page.locator("#map-reading")
    expect(reading).to_contain_text("Language-neutral view:", timeout=SLOW)
    expect(reading).to_contain_text("Raw embeddings:")
    expect(page.locator("#map-agreement")).to_contain_text("language-neutral")
    expect(page.locator("#map-keywords")).to_contain_text("zh: ")  # keywords per language
    expect(page.locator("#map-k-curve .js-plotly-plot")).to_contain_text("chosen k", timeout=SLOW)
    expect(page.locator("#map-plot .js-plotly-plot")).to_contain_text("language-neutral", timeout=SLOW)
    screenshot(page, "map-language-neutral")

    page.locator("#map-neutral input").uncheck()
    page.locator("#map-run").click()
    expect(reading).not_to_contain_text("Language-neutral view:", timeout=SLOW)
    expect(reading).to_contain_text("Points group by")
    expect(page.locator("#map-plot .js-plotly-plot")).not_to_contain_text("language-neutral", timeout=SLOW)


def test_a_bad_seed_is_named_and_the_map_stays_readable(page):
    summary = open_tab(page, TAB, "map-summary")
    # Opened first: the app mounts an accordion's inputs when it opens, and a value typed into one mid-mount was lost
    # (the build then ran with seed 42). A whole map build later they are long mounted.
    page.get_by_text("Layout and clustering").click()
    seed = page.locator("#map-seed input")
    expect(seed).to_have_value("42")
    page.locator("#map-docs textarea").first.fill("The fox is red.\nDer Fuchs ist rot.\nRain falls.\nIl pleut.")
    page.locator("#map-run").click()
    expect(summary).to_contain_text("4 texts: ", timeout=SLOW)
    expect(page.locator("#map-plot .js-plotly-plot")).to_be_visible(timeout=SLOW)
    seed.fill("-1")
    seed.press("Tab")
    expect(seed).to_have_value("-1")
    page.locator("#map-run").click()
    expect(page.locator("#map-status")).to_contain_text("Error", timeout=SLOW)
    expect(visible(page, "seed must be from 0 to 4294967295, got -1")).to_be_visible()  # stays until closed
    expect(summary).to_contain_text("4 texts: ")  # the last map is still there, not covered
    assert readable(page, "#map-summary") and readable(page, "#map-plot")
    screenshot(page, "map-bad-seed")


def test_upload_too_few_and_bad_file(page, tmp_path):
    summary = open_tab(page, TAB, "map-summary")
    docs = tmp_path / "docs.txt"
    docs.write_text("The fox is red.\nDer Fuchs ist rot.\nRain falls in April.\nIl pleut en avril.\n", encoding="utf-8")
    upload(page, "map-docs", docs)
    page.locator("#map-run").click()
    expect(summary).to_contain_text("4 texts: ", timeout=SLOW)
    expect(summary).to_contain_text("n_neighbors lowered")
    screenshot(page, "map-upload")

    page.locator("#map-docs button[aria-label='Clear']").first.click()
    page.locator("#map-docs textarea").first.fill("just one document")
    page.locator("#map-run").click()
    expect(visible(page, "at least 3 documents")).to_be_visible(timeout=SLOW)
    expect(summary).to_contain_text("4 texts: ")  # the previous map is still there
    screenshot(page, "map-too-few")
    dismiss_errors(page)

    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 20)
    page.locator("#map-docs textarea").first.fill("")
    upload(page, "map-docs", junk)
    page.locator("#map-run").click()
    expect(visible(page, "binary")).to_be_visible(timeout=SLOW)
    dismiss_errors(page)
    page.locator("#map-example").click()
    expect(summary).to_contain_text("294 texts: ", timeout=SLOW)


def test_vectors_you_already_have_are_mapped_and_a_bad_file_is_named(page, tmp_path):
    import numpy as np
    import pandas as pd

    texts = ["The apples are red.", "The pears are green.", "The berries are blue.", "Die Äpfel sind rot.",
             "Die Birnen sind grün.", "Die Beeren sind blau."]
    mine = tmp_path / "mine.parquet"
    pd.DataFrame({"text": texts, "vector": list(np.eye(6, 8) + 0.05)}).to_parquet(mine)
    summary = open_tab(page, TAB, "map-summary")
    upload(page, "map-vectors", mine)
    page.locator("#map-run").click()
    expect(summary).to_contain_text("vectors from mine.parquet, not embedded here): 6 texts, 8 dimensions",
                                    timeout=SLOW)
    expect(page.locator("#map-plot .js-plotly-plot")).to_be_visible(timeout=SLOW)
    screenshot(page, "map-own-vectors")

    junk = tmp_path / "junk.npy"
    junk.write_bytes(bytes(range(256)) * 4)
    page.locator("#map-vectors button[aria-label='Clear']").first.click()
    upload(page, "map-vectors", junk)
    page.locator("#map-run").click()
    expect(visible(page, "junk.npy is not a readable .npy array")).to_be_visible(timeout=SLOW)
    expect(summary).to_contain_text("6 texts, 8 dimensions")  # the last map stays
    dismiss_errors(page)


def test_a_map_of_many_vectors_draws_in_webgl_at_the_screens_pixels(page, tmp_path):
    """Above SVG_MAX_POINTS the map is WebGL, which plotly draws at two canvas pixels per CSS pixel by default; the
    page's webgl.js (run before Gradio loads plotly.js) makes it the screen's: here one."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    points = SVG_MAX_POINTS + 100
    many = tmp_path / "many.parquet"
    pd.DataFrame({"text": [f"text {i}" for i in range(points)],
                  "vector": list(rng.normal(size=(points, 8)))}).to_parquet(many)
    summary = open_tab(page, TAB, "map-summary")
    upload(page, "map-vectors", many)
    page.locator("#map-run").click()
    expect(summary).to_contain_text(f"{points:,} texts, 8 dimensions", timeout=SLOW)
    canvas = page.locator("#map-plot .gl-canvas-context")
    expect(canvas).to_have_count(1, timeout=SLOW)
    assert canvas.evaluate("(canvas) => [canvas.width / canvas.clientWidth, "
                           "canvas.getContext('webgl').getContextAttributes().antialias]") == [1, False]


def test_model_b_maps_beside_model_a_with_linked_clicks_selections_and_changes(page, tiny_gemma):
    screen_size(page)
    choose_model_b(page, f"{tiny_gemma}?dim=16")
    summary = open_tab(page, TAB, "map-summary")
    page.locator("#map-example").click()
    expect(summary).to_contain_text("294 texts: ", timeout=SLOW)
    expect(page.locator("#map-model-b-status")).to_contain_text("16 dims", timeout=SLOW)
    expect(page.locator("#map-model-b-status")).to_contain_text("Procrustes")
    for plot_id in ("map-plot", "map-plot-b"):
        expect(page.locator(f"#{plot_id} .js-plotly-plot[data-hx-click]")).to_have_count(1, timeout=SLOW)
    expect(page.locator("#map-plot-b .js-plotly-plot")).to_contain_text("Model B")
    expect(page.locator("#map-changes")).to_contain_text("10 nearest under B", timeout=SLOW)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    a_box = page.locator("#map-plot").bounding_box()
    b_box = page.locator("#map-plot-b").bounding_box()
    assert b_box["x"] >= a_box["x"] + a_box["width"] - 1 and abs(a_box["y"] - b_box["y"]) < 5  # side by side
    screenshot(page, "map-model-b")

    assert page.evaluate(CLICK_POINT, ["map-plot", "7"])  # a click in model A's map …
    expect(page.locator("#map-picked")).to_contain_text("Point #7 ", timeout=SLOW)
    expect(page.locator("#map-picked")).to_contain_text("nearest neighbours (Jaccard")
    for plot_id in ("map-plot", "map-plot-b"):  # … rings point 7 in both maps, where each map draws it
        page.wait_for_function(RINGED, arg=[plot_id, "7"], timeout=SLOW)
    assert page.evaluate(CLICK_POINT, ["map-plot-b", "12"])  # and a click in B's map works the same way
    page.wait_for_function(RINGED, arg=["map-plot", "12"], timeout=SLOW)

    page.evaluate(SELECT_POINTS, ["map-plot", ["3", "4", "5"]])  # a lasso in A's map selects the same in B's
    page.wait_for_function(f"() => ({SELECTED})('map-plot-b').join() === '3,4,5'", timeout=SLOW)
    assert page.evaluate(SELECTED, "map-plot") == ["3", "4", "5"]

    page.get_by_role("radio", name="neighbour overlap A↔B (Jaccard)").click()
    page.wait_for_function("""() => ['map-plot', 'map-plot-b'].every(id => {
        const gd = document.querySelector(`#${id} .js-plotly-plot`);
        return gd && gd.data && gd.data[0].marker.colorscale;
    })""", timeout=SLOW)
    screenshot(page, "map-model-b-jaccard")


def test_find_filters_a_lasso_and_stop(page):
    summary = open_tab(page, TAB, "map-summary")
    page.locator("#map-docs textarea").first.fill(
        "The apples are red.\nThe pears are green.\nThe berries are blue.\nDie Äpfel sind rot.\n"
        "Die Birnen sind grün.\nDie Beeren sind blau.")
    page.locator("#map-run").click()
    expect(summary).to_contain_text("6 texts: ", timeout=SLOW)
    expect(page.locator("#map-plot .js-plotly-plot[data-hx-click]")).to_have_count(1, timeout=SLOW)
    found, table = page.locator("#map-selection-summary"), page.locator("#map-selected")

    # Typed words light up their points at once, in the browser (with every request to the server held back);
    # Select lists them.
    expect(page.locator("#map-texts")).to_contain_text("the berries are blue.", timeout=SLOW)  # the map's texts
    held = []
    page.route("**/gradio_api/queue/join*", lambda route: held.append(route))
    page.locator("#map-find-text textarea, #map-find-text input").first.press_sequentially("BLUE")
    page.wait_for_function(f"() => ({SELECTED})('map-plot').join() === '2'")
    for route in held:
        route.continue_()
    page.unroute("**/gradio_api/queue/join*")
    page.locator("#map-find").click()
    expect(found).to_contain_text("1 of 6 points: containing BLUE", timeout=SLOW)
    expect(table).to_contain_text("The berries are blue.")
    page.wait_for_function(f"() => ({SELECTED})('map-plot').join() === '2'", timeout=SLOW)

    page.locator("#map-find-text textarea, #map-find-text input").first.fill("")
    page.locator("#map-only input").click()  # the filter's choices are this map's values
    page.get_by_role("option", name="language: de").click()
    page.locator("#map-find").click()
    expect(found).to_contain_text("3 of 6 points: language de", timeout=SLOW)
    expect(table).to_contain_text("Die Birnen sind grün.")
    expect(table).not_to_contain_text("The pears are green.")
    screenshot(page, "map-find")

    page.evaluate(SELECT_POINTS, ["map-plot", ["0", "1", "4"]])  # a lasso lists what it caught, of what is kept
    expect(found).to_contain_text("1 point selected in the map among those the filters keep", timeout=SLOW)
    expect(table).to_contain_text("Die Birnen sind grün.")
    expect(table).not_to_contain_text("The pears are green.")
    page.locator("#map-only button.token-remove, #map-only .token-remove").first.click()  # no filter: all of it
    page.evaluate(SELECT_POINTS, ["map-plot", ["0", "1"]])
    expect(found).to_contain_text("2 points selected in the map (", timeout=SLOW)
    expect(table).to_contain_text("The pears are green.")
    expect(table).not_to_contain_text("Die Birnen sind grün.")

    page.locator("#map-run").click()  # Stop: the status says so (tests/api/test_cancel.py: the worker stops too)
    page.locator("#map-stop").click()
    expect(page.locator("#map-status")).to_contain_text("Stopped", timeout=SLOW)
    expect(summary).to_contain_text("6 texts: ")  # the last map stays
