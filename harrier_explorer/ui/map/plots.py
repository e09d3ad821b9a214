"""The cluster map figure: a 2-D scatter (SVG up to ``SVG_MAX_POINTS`` documents, WebGL beyond) or Scatter3d (3-D),
one trace per colour group (or one trace on a colour scale for a number per point), queries as stars.

Plotly renders tags in names and hover text, so user text (document text, file names, labels, instructions) is
HTML-escaped here.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative

from harrier_explorer.analysis.clusters import Clustering
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.ui.common import failsafe_plot, scatter_type
from harrier_explorer.ui.map.fields import SEPARATOR

PALETTE = qualitative.Plotly + qualitative.D3 + qualitative.Set3
NOISE_COLOUR = "#b8b8b8"
#: Where a point's customdata holds each colouring and filter field (the order of ``MapPoints.hover``), for the page
#: scripts below.
HOVER_FIELDS = {"cluster": 1, "source file": 3, "label": 4, "language": 5}
#: How many fields a point's customdata holds.
HOVER_WIDTH = 6
#: The page scripts' test for a trace of document points (not the queries' stars, not a ring): rows of hover fields.
_IS_POINTS = ("(t) => Array.isArray(t.customdata) && Array.isArray(t.customdata[0]) "
              f"&& t.customdata[0].length === {HOVER_WIDTH}")
_MAP_DIR = Path(__file__).parent


def _page_script(name: str, **values) -> str:
    """A page script of this folder with its ``__NAME__`` placeholders filled in (values as JSON)."""
    script = (_MAP_DIR / name).read_text(encoding="utf-8").replace("__IS_POINTS__", _IS_POINTS)
    for key, value in {"fields": HOVER_FIELDS, **values}.items():
        script = script.replace(f"__{key.upper()}__", json.dumps(value))
    return script


#: A map of more points than this draws this many of them while it moves (webgl.js: ``WEBGL_JS``).
MOTION_POINTS = 10_000
#: Knuth's multiplicative hash (2³² over the golden ratio): the order ``motion_order`` draws points in.
MOTION_HASH = 2654435761
#: The browser's recolouring of a drawn map (groups as ``_group_traces`` draws them, the same colours).
RECOLOUR_JS = _page_script("recolour.js", palette=PALETTE, noise=NOISE_COLOUR, motion_hash=MOTION_HASH)
#: The browser's fading of the points that the "only" filters leave out (as ``fields.filters`` reads them) or whose
#: texts lack the words typed in Find (as ``map_select.word_mask`` matches them).
HIGHLIGHT_JS = _page_script("highlight.js", separator=SEPARATOR)
#: How the map's WebGL draws fast without a GPU, given the selector of its plots: no multisampling, and an even
#: sample of a big map's points while it moves. Runs on the page and in the HTML export, before plotly draws.
WEBGL_JS = _page_script("webgl.js", motion_points=MOTION_POINTS)
#: The query labels' following of their stars, shown and hidden from the legend (``_annotate``).
LABELS_JS = _page_script("labels.js")
HOVER = ("#%{customdata[0]} · %{customdata[1]}<br>%{customdata[2]}<br>"
         "<i>file</i> %{customdata[3]} · <i>label</i> %{customdata[4]} · <i>lang</i> %{customdata[5]}<extra></extra>")
#: Low values (neighbourhoods that change) red, high ones blue.
VALUE_SCALE = "RdYlBu"
#: plotly's config for the map, on the page and in its HTML export: the mouse wheel zooms, as in Embedding Atlas
#: (on the page only with ctrl or ⌘, or a pinch: events.js). On WebGL plotly draws a wheel zoom the way it draws a
#: drag, by moving the camera, and relayouts once the wheel pauses; the zoom buttons relayout at each click (both
#: measured in ``benchmarks.map_scale``).
MAP_CONFIG = MappingProxyType({"scrollZoom": True})  # read-only: plotly's write_html adds to a config it gets


def plot_scripts(selector: str) -> str:
    """The statements that set up the map's plots matched by the CSS ``selector`` (on the page and in the HTML
    export, before plotly draws): its WebGL, its labels."""
    plots = json.dumps(selector)
    return f"({WEBGL_JS})({plots});\n({LABELS_JS})({plots});"


class MapFigure(go.Figure):
    """A plotly figure whose JSON carries ``MAP_CONFIG``: gr.Plot sends a figure's ``to_json()`` (data and layout)
    to the page, whose plotly applies a ``config`` found beside them."""

    def to_json(self, *args, **kwargs) -> str:
        text = super().to_json(*args, **kwargs).rstrip()  # an object: one more key before its last brace
        return f'{text[:-1]}, "config": {json.dumps(dict(MAP_CONFIG))}}}'


@dataclass(frozen=True)
class MapPoints:
    """What the figure draws: coords (n, 2|3), and per point a colour group and hover fields."""

    coords: np.ndarray
    groups: Sequence[str]
    hover: np.ndarray  # (n, HOVER_WIDTH): index, cluster, snippet, file, label, language (escaped by map_figure)
    values: np.ndarray | None = None  # a number from 0 to 1 per point: coloured on a scale instead of by group


@dataclass(frozen=True)
class QueryMarks:
    """Queries placed on the map: coords (m, 2|3) and a short label each ("Q1 · A")."""

    coords: np.ndarray
    labels: Sequence[str]
    instruction: str


@dataclass(frozen=True)
class RegionNames:
    """Cluster names written on their regions of the map: coords (c, 2|3) and a name each."""

    coords: np.ndarray
    names: Sequence[str]


@failsafe_plot
def map_figure(points: MapPoints, colour_by: str, queries: Sequence[QueryMarks] = (),
               highlight: tuple[int, Sequence[int]] | None = None, title: str = "",
               selected: Sequence[int] | None = None, regions: RegionNames | None = None) -> go.Figure:
    """The map; `highlight` = (picked point, its neighbours) rings them and links them; `selected` points (a box or
    lasso selection, in this map or the other model's) stay bright and the rest fade; `regions` names the
    clusters where they lie."""
    three_d = points.coords.shape[1] == 3
    fig = MapFigure()
    chosen = None if selected is None else {str(i) for i in selected}  # hover fields are (escaped) strings
    for trace in (_value_trace if points.values is not None else _group_traces)(points, colour_by, three_d):
        if chosen is not None:
            trace.update(selectedpoints=[j for j, row in enumerate(trace.customdata) if row[0] in chosen],
                         unselected={"marker": {"opacity": 0.12}})
        fig.add_trace(trace)
    mark = functools.partial(_scatter, three_d, points=len(points.groups))  # drawn as the points are, over them
    if regions is not None and len(regions.names):
        names, font = [html.escape(name) for name in regions.names], {"size": 13, "color": "#111827"}
        if three_d:  # text in the scene, which turns with it
            fig.add_trace(mark(regions.coords, name="cluster names", mode="text", text=names, textfont=font,
                               showlegend=False, hoverinfo="skip"))
        else:
            _annotate(fig, regions.coords, names, "cluster names", font)
    for n, marks in enumerate(queries):
        name = f"queries · {html.escape(snippet(marks.instruction, 48))}"
        colour = ("#111827", "#dc2626")[n % 2]
        fig.add_trace(mark(marks.coords, name=name, mode="markers+text" if three_d else "markers",
                           text=list(marks.labels), textposition="top center",
                           marker={"symbol": "diamond" if three_d else "star", "size": 9 if three_d else 18,
                                   "color": colour, "line": {"width": 1, "color": "white"}},
                           hovertemplate="%{text}<extra>%{fullData.name}</extra>"))
        if not three_d:
            _annotate(fig, marks.coords, list(marks.labels), name, {"color": colour}, above=True)
    if len(queries) == 2 and len(queries[0].coords) == len(queries[1].coords):
        fig.add_trace(_segments(mark, queries[0].coords, queries[1].coords, "A → B",
                                {"dash": "dash", "color": "#6b7280", "width": 2}))
    if highlight is not None:
        picked, neighbours = highlight
        ends = points.coords[list(neighbours)]
        fig.add_trace(_segments(mark, np.repeat(points.coords[[picked]], len(ends), axis=0), ends,
                                "to the neighbours", {"color": "#f59e0b", "width": 1.5}))
        fig.add_trace(mark(points.coords[list(neighbours)], name="neighbours", mode="markers",
                           marker={"size": 8 if three_d else 14, "color": "rgba(0,0,0,0)",
                                   "line": {"width": 2, "color": "#f59e0b"}}, hoverinfo="skip"))
        fig.add_trace(mark(points.coords[[picked]], name=f"point #{picked}", mode="markers",
                           marker={"size": 10 if three_d else 18, "color": "rgba(0,0,0,0)",
                                   "line": {"width": 3, "color": "#dc2626"}}, hoverinfo="skip"))
    fig.update_layout(height=620, margin={"t": 40, "b": 10, "l": 10, "r": 10}, legend_title_text=colour_by,
                      title_text=title, title_x=0.5, legend={"itemsizing": "constant"})
    # The user's zoom, pan or 3-D camera outlives the server's redraws of the same points (a click, a recolouring,
    # a filter); another map starts from the whole view. The points' digest names the view: plotly keeps it through
    # a react, and the page puts it back on the new div gr.Plot draws each figure in (events.js). Only the view: the
    # legend follows the new groups.
    view = hashlib.blake2b(np.ascontiguousarray(points.coords).tobytes(), digest_size=8).hexdigest()
    if three_d:
        fig.update_scenes(uirevision=view)
    else:
        fig.update_xaxes(showticklabels=False, title_text="", uirevision=view)
        fig.update_yaxes(showticklabels=False, title_text="", uirevision=view)
    return fig


@failsafe_plot
def silhouette_figure(clustering: Clustering, language_neutral: bool) -> go.Figure | None:
    """Silhouette against k when KMeans chose k (None otherwise), the chosen k marked: how clear the choice was,
    and whether a k (e.g. the number of languages) stands out."""
    if not clustering.silhouette_by_k:
        return None
    ks = sorted(clustering.silhouette_by_k)
    space = "language-neutral vectors" if language_neutral else "embeddings"
    sample = f", on a sample of {clustering.sampled} points" if clustering.sampled else ""
    fig = go.Figure(go.Scatter(x=ks, y=[clustering.silhouette_by_k[k] for k in ks], mode="lines+markers",
                               name="silhouette", hovertemplate="k = %{x}: %{y:.3f}<extra></extra>"))
    fig.add_vline(x=clustering.n_clusters, line_dash="dash", line_color="#dc2626",
                  annotation_text=f"chosen k = {clustering.n_clusters}"
                  + (" (the largest tried)" if clustering.n_clusters == ks[-1] else ""))
    fig.update_layout(height=260, margin={"t": 40, "b": 40, "l": 50, "r": 10}, showlegend=False, title_x=0.5,
                      title_text=f"KMeans: cosine silhouette by k ({space}{sample})")
    fig.update_xaxes(title_text="k", dtick=1)
    fig.update_yaxes(title_text="silhouette")
    return fig


def _group_traces(points: MapPoints, colour_by: str, three_d: bool) -> list:
    """One trace per colour group, in natural order, noise last and grey."""
    order = motion_order(len(points.groups))
    hover, groups = _escaped(points.hover)[order], np.asarray(points.groups, dtype=object)[order]
    names = sorted(set(groups), key=lambda g: (g == "noise", _natural(g)))
    traces = []
    for n, name in enumerate(names):
        mask = groups == name
        rows = order[mask]
        colour = NOISE_COLOUR if name == "noise" else PALETTE[n % len(PALETTE)]
        traces.append(_scatter(three_d, points.coords[rows], name=f"{html.escape(name)} ({len(rows)})",
                               mode="markers", marker={"size": point_size(len(groups), three_d), "color": colour,
                                                       "opacity": 0.8},
                               customdata=hover[mask], hovertemplate=HOVER, points=len(groups)))
    return traces


def _value_trace(points: MapPoints, colour_by: str, three_d: bool) -> list:
    """Every point in one trace, coloured by its value on a 0-to-1 scale (the bar below the map, where it leaves the
    legend its room), the value in its hover text."""
    bar = {"title": {"text": html.escape(colour_by), "side": "top"}, "orientation": "h", "len": 0.6, "thickness": 12,
           "y": -0.02, "yanchor": "top"}
    order = motion_order(len(points.values))
    marker = {"size": point_size(len(points.values), three_d), "color": points.values[order],
              "colorscale": VALUE_SCALE, "cmin": 0, "cmax": 1, "opacity": 0.9, "colorbar": bar}
    hover = HOVER.replace("<extra>", f"<br>{html.escape(colour_by)}: %{{marker.color:.2f}}<extra>")
    return [_scatter(three_d, points.coords[order], name=html.escape(colour_by), mode="markers", marker=marker,
                     customdata=_escaped(points.hover)[order], hovertemplate=hover, showlegend=False,
                     points=len(points.coords))]


def motion_order(n: int) -> np.ndarray:
    """The order a map's traces list its n points in: by a multiplicative hash of the point's number, so that the
    first part of any trace is an even sample of its points whatever order they came in (by file, by language). A
    big map draws only such a first part while it moves (webgl.js); recolour.js regroups points in the same order."""
    return np.argsort(np.arange(n, dtype=np.uint64) * MOTION_HASH % 2**32, kind="stable")


def point_size(n: int, three_d: bool) -> int:
    """Marker size in pixels for a map of n points: smaller as maps grow, so that a dense map still shows its
    structure instead of a blot, and draws faster: a browser drawing WebGL in software is bound by the pixels it
    fills (benchmarks.map_scale)."""
    if n <= 10_000:
        return 4 if three_d else 7
    return (3 if three_d else 5) if n <= 30_000 else (2 if three_d else 3)


def _escaped(hover: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda value: html.escape(str(value)), otypes=[object])(hover)


def _scatter(three_d: bool, coords: np.ndarray, points: int = 0, **kwargs
             ) -> go.Scatter3d | go.Scattergl | go.Scatter:
    """A 3-D trace, or a 2-D one of a map of ``points`` documents, drawn as ``scatter_type`` draws that many: every
    trace of a plot in one type, so that the marks (queries, rings, lines), added after the documents, lie over
    them: plotly draws a plot's WebGL over all of its SVG traces."""
    if three_d:
        return go.Scatter3d(x=coords[:, 0], y=coords[:, 1], z=coords[:, 2], **kwargs)
    return scatter_type(points)(x=coords[:, 0], y=coords[:, 1], **kwargs)


def _annotate(fig: go.Figure, coords: np.ndarray, texts: list[str], name: str, font: dict,
              above: bool = False) -> None:
    """Texts written at 2-D ``coords`` (above them if ``above``) for the trace ``name``, as annotations: plotly draws
    them over WebGL too, here on a pale ground that keeps them legible over dense points and that the page's
    stylesheet darkens for dark mode. An annotation takes its trace's name: labels.js shows it while that trace
    shows (the legend hides and shows traces)."""
    for (x, y), text in zip(coords, texts, strict=True):
        fig.add_annotation(x=x, y=y, text=text, name=name, showarrow=False, font=font, borderpad=1,
                           bgcolor="rgba(255, 255, 255, 0.6)", **({"yanchor": "bottom", "yshift": 9} if above else {}))


def _segments(mark, start: np.ndarray, end: np.ndarray, name: str, line: dict
              ) -> go.Scatter3d | go.Scattergl | go.Scatter:
    """A line from each row of ``start`` to the same row of ``end`` (None breaks the line between them), drawn by
    ``mark`` (a ``_scatter`` of the map's kind)."""
    segments = np.full((3 * len(start), start.shape[1]), None, dtype=object)
    segments[0::3], segments[1::3] = start, end
    return mark(segments, mode="lines", name=name, line=line, hoverinfo="skip")


def _natural(name: str) -> tuple:
    """Sort key that puts "cluster 2" before "cluster 10"."""
    head, _, tail = name.rpartition(" ")
    return (head, int(tail), "") if tail.isdigit() else (name, -1, name)
