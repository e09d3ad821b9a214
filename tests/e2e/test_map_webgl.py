"""The Cluster map's WebGL in a browser without a GPU (webgl.js), in the map's standalone HTML export: plotly's
canvases draw without multisampling, and a map of more than MOTION_POINTS points draws an even sample of them
while a drag moves it, and every point again once it rests. Waits on the page's states, not on time."""

from __future__ import annotations

import numpy as np

from harrier_explorer.ui.map.export import standalone_html
from harrier_explorer.ui.map.plots import MOTION_POINTS, MapPoints, map_figure

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
MULTISAMPLED = """(selector) => { const canvas = selector ? document.querySelector(selector)
    : document.body.appendChild(document.createElement('canvas'));
    return canvas.getContext('webgl').getContextAttributes().antialias; }"""


def big_map(path):
    rng = np.random.default_rng(0)
    groups = np.sort(rng.integers(GROUPS, size=POINTS))  # rows sorted by group, as files or languages come
    coords = rng.normal(size=(GROUPS, 2))[groups] * 4 + rng.normal(size=(POINTS, 2))
    hover = np.array([[i, f"cluster {g}", f"text {i}", "f.txt", "label", "en"] for i, g in enumerate(groups)],
                     dtype=object)
    path.write_text(standalone_html(map_figure(MapPoints(coords, [f"cluster {g}" for g in groups], hover),
                                               "cluster")), encoding="utf-8")
    return path


def test_a_big_map_draws_a_sample_while_it_moves_and_every_point_at_rest(browser, tmp_path):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(big_map(tmp_path / "cluster_map.html").as_uri())
    page.wait_for_function(f"() => document.querySelector('.js-plotly-plot[data-hx-motion]') && ({DRAWN})() > 0")
    assert page.evaluate(DRAWN) == POINTS
    assert page.evaluate(MULTISAMPLED, ".gl-canvas-context") is False  # plotly's canvas: no multisampling
    assert page.evaluate(MULTISAMPLED, None) is True  # any other canvas as it asks

    page.evaluate(RECORD)
    page.evaluate("() => Plotly.relayout(document.querySelector('.js-plotly-plot'), {dragmode: 'pan'})")
    box = page.locator(".nsewdrag").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + 10 * step, y + 5 * step)
    page.mouse.up()
    drawn = page.evaluate("() => window.hxDrawn")
    assert drawn, "a drag moves the map step by step"
    if page.evaluate(SOFTWARE):
        assert all(MOTION_POINTS <= n <= MOTION_POINTS + GROUPS for n in drawn), drawn  # a ceiling per group
    else:
        assert set(drawn) == {POINTS}  # a GPU draws them all
    page.wait_for_function(f"() => !document.querySelector('.js-plotly-plot').hxMoving && ({DRAWN})() === {POINTS}")
    page.close()
