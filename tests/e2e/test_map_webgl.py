"""The Cluster map's WebGL in a browser without a GPU (webgl.js), in the map's standalone HTML export: plotly's
canvases draw without multisampling, at one canvas pixel per screen pixel, and a map of more than MOTION_POINTS
points draws an even sample of them while a drag moves it, and every point again once it rests. Waits on the
page's states, not on time. The marks over the points (queries' stars, rings) are drawn whole, over them, and
their labels (annotations, over the WebGL) follow the legend (labels.js)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.map_scale import FADE
from harrier_explorer.ui.map.export import standalone_html
from harrier_explorer.ui.map.plots import MOTION_POINTS, MapPoints, QueryMarks, RegionNames, map_figure

POINTS, GROUPS = MOTION_POINTS + 2_000, 3
#: The points plotly's WebGL draws now: the counts of its regl-scatter2d groups, which webgl.js samples.
DRAWN = """() => (document.querySelector('.js-plotly-plot')?._fullLayout?._plots?.xy?._scene?.scatter2d?.groups ?? [])
    .reduce((n, g) => n + (g ? g.count : 0), 0)"""
#: Records the points drawn at each step of a move, after webgl.js (whose listener came first) has sampled them.
RECORD = f"""() => {{ window.hxDrawn = [];
    document.querySelector('.js-plotly-plot').on('plotly_relayouting', () => hxDrawn.push(({DRAWN})())); }}"""
#: Whether Chromium draws WebGL in software here (webgl.js samples only then), read from the map's own context.
SOFTWARE = """() => { const gl = document.querySelector('.js-plotly-plot')._fullLayout._plots.xy._scene.scatter2d.gl;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    return /swiftshader|llvmpipe|softpipe|software/i.test(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)); }"""
#: How many points are bright and how many faded, over all traces.
BRIGHT_FADED = """() => { const scene = document.querySelector('.js-plotly-plot')._fullLayout._plots.xy._scene;
    const sum = (lists) => lists.reduce((n, l) => n + l.length, 0);
    return [sum(scene.selectBatch), sum(scene.unselectBatch)]; }"""
#: Records each drawing of the map's points: [moving, bright points drawn, faded points drawn], counting the points
#: plotly has regl-scatter2d draw by their numbers: the faded ones from the points' instance, the bright ones from
#: select2d. Set before the first move, so that webgl.js's own wrapping of their draw comes around it.
SPY = """() => { const plot = document.querySelector('.js-plotly-plot'), scene = plot._fullLayout._plots.xy._scene;
    window.hxDraws = []; const drawn = {bright: 0, faded: 0};
    const spy = (points, key) => { const draw = points.draw;
      points.draw = function (...args) {
        if (args.length === 1 && Array.isArray(args[0]))
          drawn[key] += args[0].reduce((n, l) => n + (Array.isArray(l) ? l.length : 0), 0);
        return draw.apply(this, args); }; };
    spy(scene.scatter2d, 'faded'); spy(scene.select2d, 'bright');
    const draw = scene.draw;
    scene.draw = function (...args) { const out = draw.apply(this, args);
      hxDraws.push([Boolean(plot.hxMoving), drawn.bright, drawn.faded]); drawn.bright = drawn.faded = 0;
      return out; }; }"""
MULTISAMPLED = """(selector) => { const canvas = selector ? document.querySelector(selector)
    : document.body.appendChild(document.createElement('canvas'));
    return canvas.getContext('webgl').getContextAttributes().antialias; }"""


def big_map(path, marks: bool = False):
    """The export of a map of POINTS points in GROUPS clusters; with ``marks``, also two sets of two queries, a point
    ringed with its ten neighbours, and the clusters' names."""
    rng = np.random.default_rng(0)
    groups = np.sort(rng.integers(GROUPS, size=POINTS))  # rows sorted by group, as files or languages come
    coords = rng.normal(size=(GROUPS, 2))[groups] * 4 + rng.normal(size=(POINTS, 2))
    hover = np.array([[i, f"cluster {g}", f"text {i}", "f.txt", "label", "en"] for i, g in enumerate(groups)],
                     dtype=object)
    extra = {}
    if marks:
        extra = {"queries": [QueryMarks(coords[[0, -1]] + shift, ["Q1 · " + side, "Q2 · " + side], side)
                             for shift, side in ((0.5, "A"), (-0.5, "B"))],
                 "highlight": (11, list(range(1, 11))),
                 "regions": RegionNames(coords[[0, -1]], ["0: football", "2: weather"])}
    path.write_text(standalone_html(map_figure(MapPoints(coords, [f"cluster {g}" for g in groups], hover),
                                               "cluster", **extra)), encoding="utf-8")
    return path


def open_map(browser, tmp_path, scale: float = 1, marks: bool = False):
    page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=scale)
    page.goto(big_map(tmp_path / "cluster_map.html", marks).as_uri())
    page.wait_for_function(f"() => document.querySelector('.js-plotly-plot[data-hx-motion]') && ({DRAWN})() > 0")
    return page


@pytest.mark.parametrize("scale", [1, 2])
def test_the_map_draws_one_canvas_pixel_per_screen_pixel(browser, tmp_path, scale):
    """Plotly's default is two canvas pixels per CSS pixel on any screen: four times the pixels to fill on a screen
    of one. webgl.js makes it the screen's own (a retina screen keeps two)."""
    page = open_map(browser, tmp_path, scale)
    width, css_width, ratio = page.evaluate("""() => { const canvas = document.querySelector('.gl-canvas-context');
        const plot = document.querySelector('.js-plotly-plot');
        return [canvas.width, canvas.clientWidth, plot._context.plotGlPixelRatio]; }""")
    assert (width, ratio) == (css_width * scale, scale)
    page.close()


def drag(page, points: int = POINTS) -> None:
    """Drag the map (plotly's pan) by ten moves of the mouse, then wait until it rests, every point drawn."""
    page.evaluate("() => Plotly.relayout(document.querySelector('.js-plotly-plot'), {dragmode: 'pan'})")
    box = page.locator(".nsewdrag").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + 10 * step, y + 5 * step)
    page.mouse.up()
    page.wait_for_function(f"() => !document.querySelector('.js-plotly-plot').hxMoving && ({DRAWN})() === {points}")


def test_a_big_map_draws_a_sample_while_it_moves_and_every_point_at_rest(browser, tmp_path):
    page = open_map(browser, tmp_path)
    assert page.evaluate(DRAWN) == POINTS
    assert page.evaluate(MULTISAMPLED, ".gl-canvas-context") is False  # plotly's canvas: no multisampling
    assert page.evaluate(MULTISAMPLED, None) is True  # any other canvas as it asks

    page.evaluate(RECORD)
    drag(page)
    drawn = page.evaluate("() => window.hxDrawn")
    assert drawn, "a drag moves the map step by step"
    if page.evaluate(SOFTWARE):
        assert all(MOTION_POINTS <= n <= MOTION_POINTS + GROUPS for n in drawn), drawn  # a ceiling per group
    else:
        assert set(drawn) == {POINTS}  # a GPU draws them all
    page.close()


def test_faded_and_bright_points_are_sampled_alike_while_the_map_moves(browser, tmp_path):
    """A filter fades points (as highlight.js does): plotly then draws the faded and the bright points of each trace
    by their numbers. While the map moves each list is cut to the same share, at rest drawn whole. The move is
    plotly's own event and the drawing that follows it, in one task of the page (a real drag is the test above)."""
    page = open_map(browser, tmp_path)
    page.evaluate(FADE, [True])
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullLayout._plots.xy._scene.select2d")
    bright, faded = page.evaluate(BRIGHT_FADED)
    assert 0 < bright < faded and bright + faded == POINTS
    page.evaluate(SPY)
    page.evaluate("""() => { const plot = document.querySelector('.js-plotly-plot');
        plot.emit('plotly_relayouting', {}); plot._fullLayout._plots.xy._scene.draw(); }""")
    page.wait_for_function(f"() => !document.querySelector('.js-plotly-plot').hxMoving && ({DRAWN})() === {POINTS}")
    draws = page.evaluate("() => window.hxDraws")  # [moving, bright drawn, faded drawn]
    share = MOTION_POINTS / POINTS if page.evaluate(SOFTWARE) else 1
    moving, b, f = draws[0]
    assert moving and bright * share <= b <= bright * share + GROUPS and faded * share <= f <= faded * share + GROUPS
    assert draws[-1] == [False, bright, faded]  # at rest, all of them
    page.close()


def test_marks_lie_over_the_points_drawn_whole_while_the_map_moves_and_their_labels_follow_the_legend(
        browser, tmp_path):
    """Plotly draws a plot's WebGL over its SVG traces: the stars and rings are WebGL traces after the documents'
    (drawn after them, whole while the map moves), the labels annotations in the SVG laid over the canvas."""
    page = open_map(browser, tmp_path, marks=True)
    counts = """() => document.querySelector('.js-plotly-plot')._fullLayout._plots.xy._scene.scatter2d.groups
        .map((g) => (g ? g.count : null))"""
    at_rest = page.evaluate(counts)
    assert at_rest[GROUPS:] == [2, 2, None, None, 10, 1]  # the stars, A → B and the links (lines), rings, the point
    page.evaluate(RECORD.replace(DRAWN, counts))
    drag(page, POINTS + 15)
    moving = page.evaluate("() => window.hxDrawn")
    assert moving and all(step[GROUPS:] == at_rest[GROUPS:] for step in moving)
    if page.evaluate(SOFTWARE):
        assert all(sum(step[:GROUPS]) <= MOTION_POINTS + GROUPS for step in moving)  # the documents are sampled
    over = """() => { const gl = document.querySelector('.gl-container');
        return [...document.querySelectorAll('.annotation')].map((note) =>
          Boolean(gl.compareDocumentPosition(note) & Node.DOCUMENT_POSITION_FOLLOWING)); }"""
    assert page.evaluate(over) == [True] * 6  # two names, four query labels: all in the SVG after the canvas
    shown = """() => document.querySelector('.js-plotly-plot').layout.annotations
        .filter((note) => note.visible !== false).map((note) => note.text)"""
    assert sorted(page.evaluate(shown)) == ["0: football", "2: weather", "Q1 · A", "Q1 · B", "Q2 · A", "Q2 · B"]
    toggle = page.locator(".legend .traces", has_text="queries · A").locator(".legendtoggle")
    toggle.click()  # hides the A stars: their labels go with them
    page.wait_for_function(f"() => ({shown})().length === 4")
    assert sorted(page.evaluate(shown)) == ["0: football", "2: weather", "Q1 · B", "Q2 · B"]
    toggle.click()
    page.wait_for_function(f"() => ({shown})().length === 6")
    page.close()
