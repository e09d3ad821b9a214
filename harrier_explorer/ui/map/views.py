"""Drawing the session's map once built: recoloured, filtered, a point's nearest neighbours ringed, the points as a
table. Each call redraws model B's map alike, so that a point reads the same in both."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from harrier_explorer.analysis import map_report
from harrier_explorer.analysis.projection import nearest_neighbours
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.ui.map import present
from harrier_explorer.ui.map.fields import ONLY_DOC, fields, passing
from harrier_explorer.ui.map.plots import MapPoints, RegionNames, map_figure
from harrier_explorer.ui.map.run import MapB, MapRun, session_map

COLOUR_BY = ("cluster", "label", "language", "source file")
#: The colouring a map with model B adds (in both maps): each point's neighbour overlap under A and B.
JACCARD = "neighbour overlap A↔B (Jaccard)"
#: Neighbours listed for a picked point.
NEIGHBOURS = 10


@dataclass(frozen=True)
class ColourRequest:
    run: MapRun | None = None  # the session's map (gr.State)
    colour_by: str = field(default=COLOUR_BY[0], metadata={"doc": " or ".join(map(repr, COLOUR_BY))})
    only: list[str] = field(default_factory=list, metadata={"doc": ONLY_DOC + "; the rest of the points fade"})


@dataclass(frozen=True)
class NeighboursRequest(ColourRequest):
    point: str = field(default="", metadata={
        "doc": "the point: its number (shown on hover, 0-based) or words of its text"})


@dataclass(frozen=True)
class PlotResult:
    plot: object  # plotly figure
    plot_html: str  # the figure as a standalone HTML file (plotly.js inlined: opens offline)
    plot_b: object = None  # model B's map (None without a model B)


@dataclass(frozen=True)
class NeighboursResult:
    picked: str  # Markdown: the point's number, cluster, file and text
    neighbours: pd.DataFrame  # point, cosine, cluster, label, source, text
    plot: object  # the map with the point and its neighbours ringed
    plot_html: str
    plot_b: object = None  # model B's map with the same point and its neighbours under B ringed


def redraw(request: ColourRequest, progress=None, picked: int | None = None) -> PlotResult:
    """The session's map coloured by cluster, label, language or source file (or, with model B, by each point's
    neighbour overlap under A and B), model B's map coloured alike, and the standalone HTML export of A's."""
    run = session_map(request.run)
    kept = passing(request.only, run)
    fig = figure(run, request.colour_by, picked=picked, selected=kept)
    return PlotResult(fig, run.export.write(fig),
                      run.b and figure(run, request.colour_by, run.b, picked=picked, selected=kept))


def figure(run: MapRun, colour_by: str, side: MapB | None = None, picked: int | None = None,
            selected: list[int] | None = None):
    """Model A's map, or B's (``side``), coloured and ringed alike: a point reads the same in both. A picked point's
    rings mark its nearest neighbours under the map's own model."""
    own = run if side is None else side
    highlight = None
    if picked is not None:
        highlight = (picked, nearest_neighbours(own.vectors, picked, NEIGHBOURS)[0].tolist())
    anchors = map_report.region_anchors(own.coords, run.clustering.labels)
    named = [cluster for cluster in anchors if cluster in run.region_names]
    regions = RegionNames(np.array([anchors[c] for c in named]).reshape(len(named), own.coords.shape[1]),
                          [f"{c.removeprefix('cluster ')}: {run.region_names[c]}" for c in named])
    return map_figure(_points(run, colour_by, own.coords), colour_by, own.queries, highlight, own.title, selected,
                      regions)


def neighbours(request: NeighboursRequest, progress=None) -> NeighboursResult:
    """The nearest neighbours (cosine, in the full space of the vectors mapped: language-neutral or as embedded) of a
    point of the session's map, as a table and as rings on the map. The point is its number or words of its text."""
    run = session_map(request.run)
    index = map_report.find_point(request.point, run.texts)
    indices, scores = nearest_neighbours(run.vectors, index, NEIGHBOURS)
    labels, sources = [r.label for r in run.records], [r.source for r in run.records]
    table = map_report.neighbours_table(indices, scores, run.texts, run.clustering.labels, labels, sources)
    drawn = redraw(request, picked=index)
    heading = present.picked_heading(index, int(run.clustering.labels[index]), run.records[index],
                                     run.b and run.b.change)
    return NeighboursResult(heading, table.round(4), drawn.plot, drawn.plot_html, drawn.plot_b)


def _points(run: MapRun, colour_by: str, coords: np.ndarray) -> MapPoints:
    groups = fields(run)
    cluster_names = groups["cluster"]
    hover = np.array([[i, cluster_names[i], snippet(r.text, 140), r.source, groups["label"][i], run.languages[i]]
                      for i, r in enumerate(run.records)], dtype=object)
    values = run.b.change.jaccard if colour_by == JACCARD and run.b is not None else None
    return MapPoints(coords, groups.get(colour_by, cluster_names), hover, values)


def points_table(run: MapRun) -> pd.DataFrame:
    table = map_report.points_table(run.texts, run.coords, run.clustering.labels, [r.label for r in run.records],
                                    run.languages, [r.source for r in run.records])
    if run.b is None:
        return table
    b_coords = {f"{axis} B": run.b.coords[:, i] for i, axis in enumerate("xyz"[: run.b.coords.shape[1]])}
    return table.assign(**b_coords, **{"jaccard A-B": run.b.change.jaccard})
