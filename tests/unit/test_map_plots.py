"""The map figure's points: SVG traces for a small map and WebGL for a big one, whose markers shrink as the map grows
(a dense map stays readable and draws faster), the same size in every trace and in the one-scale colouring; the
figure sends plotly's config (wheel zoom) to the page and keeps the user's view through redraws of the same
points; the marks over the points (queries, rings, lines) are drawn as the points are, after them, their labels
written as annotations (over WebGL)."""

import json

import gradio as gr
import numpy as np
import plotly.graph_objects as go

from harrier_explorer.ui.common import SVG_MAX_POINTS
from harrier_explorer.ui.map.plots import (
    MAP_CONFIG,
    MOTION_HASH,
    MapPoints,
    QueryMarks,
    RegionNames,
    map_figure,
    motion_order,
    point_size,
)


def points(n: int, values: bool = False) -> MapPoints:
    rng = np.random.default_rng(0)
    hover = np.array([[str(i), f"cluster {i % 3}", f"text {i}", "f.txt", "label", "en"] for i in range(n)],
                     dtype=object)
    return MapPoints(rng.normal(size=(n, 2)), [f"cluster {i % 3}" for i in range(n)], hover,
                     rng.random(n) if values else None)


def test_markers_shrink_as_the_map_grows_and_every_trace_draws_them_alike():
    sizes = [point_size(n, False) for n in (100, 10_000, 10_001, 30_001, 100_000)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == 7 and sizes[-1] < sizes[0]
    assert point_size(100_000, True) < point_size(100, True) <= point_size(100, False)
    for n, drawn in ((300, "scatter"), (SVG_MAX_POINTS, "scatter"), (SVG_MAX_POINTS + 1, "scattergl"),
                     (40_000, "scattergl")):
        grouped = map_figure(points(n), "cluster")
        assert [t.type for t in grouped.data] == [drawn] * 3  # SVG draws a small map sooner, WebGL a big one
        assert {t.marker.size for t in grouped.data} == {point_size(n, False)}
        assert map_figure(points(n, values=True), "overlap").data[0].marker.size == point_size(n, False)


def test_the_map_figure_sends_the_wheel_zoom_config_to_the_page_and_keeps_the_view_of_the_same_points():
    fig = map_figure(points(50), "cluster")
    sent = gr.Plot().postprocess(fig)  # what the page's plotly gets
    assert sent.type == "plotly" and json.loads(sent.plot)["config"] == dict(MAP_CONFIG) == {"scrollZoom": True}
    assert {k: v for k, v in json.loads(sent.plot).items() if k != "config"} == json.loads(go.Figure(fig).to_json())
    # A redraw of the same points (another colouring) keeps the user's zoom; other points start from the whole view.
    assert map_figure(points(50), "label").layout.xaxis.uirevision == fig.layout.xaxis.uirevision
    assert map_figure(points(51), "cluster").layout.xaxis.uirevision != fig.layout.xaxis.uirevision
    assert fig.layout.yaxis.uirevision == fig.layout.xaxis.uirevision and fig.layout.uirevision is None
    flat = points(50)
    deep = MapPoints(np.c_[flat.coords, flat.coords[:, :1]], flat.groups, flat.hover)
    assert map_figure(deep, "cluster").layout.scene.uirevision  # the 3-D camera too


def test_every_trace_lists_its_points_so_that_its_first_part_is_an_even_sample():
    """A big map draws only the first part of each trace while it moves (webgl.js): that part must be spread over
    the rows, whatever order they came in (here a block of rows per group, as files or languages come)."""
    order = motion_order(100_000)
    assert sorted(order) == list(range(100_000))
    first = np.histogram(order[:10_000], bins=10, range=(0, 100_000))[0]
    assert first.min() >= 950 and first.max() <= 1050  # about a thousand from each tenth of the rows
    n = 3000
    blocks = points(n)
    blocks = MapPoints(blocks.coords, [f"cluster {3 * i // n}" for i in range(n)], blocks.hover)
    for fig in (map_figure(blocks, "cluster"), map_figure(points(n, values=True), "overlap")):
        for trace in fig.data:
            numbers = [int(row[0]) for row in trace.customdata]
            assert numbers == sorted(numbers, key=lambda i: i * MOTION_HASH % 2**32)
            assert np.allclose(trace.x, blocks.coords[numbers, 0])  # each point keeps its place and fields
    grouped = map_figure(blocks, "cluster")
    assert [len(t.x) for t in grouped.data] == [1000, 1000, 1000]
    assert all(blocks.groups[int(row[0])] == t.name.split(" (")[0] for t in grouped.data for row in t.customdata)


def test_marks_are_drawn_as_the_points_are_after_them_and_labels_are_annotations_over_webgl():
    for n, drawn in ((300, "scatter"), (SVG_MAX_POINTS + 1, "scattergl")):
        flat = points(n)
        queries = [QueryMarks(flat.coords[:2] + 0.1, ["Q1 · A", "Q2 · A"], "<b>a</b>"),
                   QueryMarks(flat.coords[:2] - 0.1, ["Q1 · B", "Q2 · B"], "b")]
        fig = map_figure(flat, "cluster", queries, highlight=(0, [1, 2]),
                         regions=RegionNames(flat.coords[:1], ["0: <script>"]))
        names = [t.name for t in fig.data]
        assert names[3:] == ["queries · &lt;b&gt;a&lt;/b&gt;", "queries · b", "A → B", "to the neighbours",
                             "neighbours", "point #0"]  # after the documents: plotly draws them on top
        assert {t.type for t in fig.data} == {drawn}  # WebGL lies over SVG: one kind for all
        assert all(t.mode in ("markers", "lines") for t in fig.data)
        notes = [(note.name, note.text, note.x, note.y) for note in fig.layout.annotations]
        assert notes[0] == ("cluster names", "0: &lt;script&gt;", *flat.coords[0])
        assert notes[1:] == [(names[3 + side], label, *xy) for side, marks in enumerate(queries)
                             for label, xy in zip(marks.labels, marks.coords, strict=True)]
        a, b = (marks.coords[:, 0].tolist() for marks in queries)
        assert list(fig.data[5].x) == [a[0], b[0], None, a[1], b[1], None]  # A → B: a line per query, broken
    flat = points(50)
    deep = MapPoints(np.c_[flat.coords, flat.coords[:, :1]], flat.groups, flat.hover)
    fig = map_figure(deep, "cluster", [QueryMarks(deep.coords[:1], ["Q1 · A"], "a")],
                     regions=RegionNames(deep.coords[:1], ["0: x"]))
    assert not fig.layout.annotations  # 3-D: text in the scene, which turns with it
    assert [(t.type, t.mode, tuple(t.text)) for t in fig.data[3:]] == [("scatter3d", "text", ("0: x",)),
                                                                       ("scatter3d", "markers+text", ("Q1 · A",))]
