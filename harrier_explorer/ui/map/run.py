"""What a built map holds: its points, their vectors, layout and clusters, placed queries and model B's side. The
session keeps it (gr.State) between building a map and everything done with it afterwards (``views``,
``selection``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from harrier_explorer.analysis.clusters import Clustering
from harrier_explorer.analysis.language_neutral import LanguageCentring
from harrier_explorer.analysis.model_compare import NeighbourhoodChange
from harrier_explorer.backend.core import EncodeResult
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.parsing import TextRecord
from harrier_explorer.ui.map.export import HtmlExport
from harrier_explorer.ui.map.plots import QueryMarks

NO_MAP = ("No map in this session yet: build one first (Embed and map, or /map_build). An API client keeps its "
          "session between calls; each MCP tool call is a session of its own.")


@dataclass(frozen=True)
class MapB:
    """Model B's side of a map: the same records embedded by B, B's layout turned onto A's, B's placed queries, and
    each point's neighbourhood under A and under B."""

    ref: str
    encoded: EncodeResult
    vectors: np.ndarray  # what was laid out: B's embeddings, language-neutral when A's are
    coords: np.ndarray  # in A's frame
    change: NeighbourhoodChange
    queries: tuple[QueryMarks, ...]
    title: str
    status: str  # Markdown: which model B, its instruction, what it embedded, how well its map fits A's


@dataclass(frozen=True)
class MapRun:
    """One map: the points (after chunking), their embeddings, layout, clusters, placed queries, model B's side (or
    None), and its export."""

    records: tuple[TextRecord, ...]
    languages: tuple[str, ...]
    encoded: EncodeResult
    vectors: np.ndarray  # what was laid out and clustered: the embeddings, or their language-neutral view
    coords: np.ndarray
    clustering: Clustering
    queries: tuple[QueryMarks, ...] = ()
    title: str = ""
    b: MapB | None = None
    centring: LanguageCentring | None = None  # the language-neutral view's means (a query found by meaning too)
    vectors_from: str = ""  # the uploaded file the vectors came from ("": embedded here by model A)
    region_names: dict[str, str] = field(default_factory=dict)  # per cluster, the name written on its region
    export: HtmlExport = field(default_factory=HtmlExport, compare=False)

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.records]


def session_map(run: MapRun | None) -> MapRun:
    if run is None:
        raise InputError(NO_MAP)
    return run
