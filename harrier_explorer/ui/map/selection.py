"""Selecting points of the session's map: a box or lasso drawn in either map, or a search — every text containing
the typed words, or the k closest in meaning to a query — narrowed by filters on cluster, label, language and file.
The selection lights up in both maps (the rest fades) and is listed as a table with a CSV of its rows."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from harrier_explorer.analysis.map_select import closest, field_mask, word_mask
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.backend.core import Backend
from harrier_explorer.errors import InputError
from harrier_explorer.models import NO_INSTRUCTION
from harrier_explorer.ui.common import INSTRUCTION_FORMS, export_table, instruction_value, markdown_text, whole_number
from harrier_explorer.ui.map.build import query_centre
from harrier_explorer.ui.map.fields import ONLY_DOC, fields, filters, passing
from harrier_explorer.ui.map.run import MapRun, session_map
from harrier_explorer.ui.map.views import ColourRequest, figure, points_table

MATCH = ("words", "meaning")
#: Rows of the selection shown in the page (the CSV has them all).
SHOWN_ROWS = 500


@dataclass(frozen=True)
class SelectRequest(ColourRequest):
    points: str = ""  # point numbers, comma-separated: a box or lasso selection in either map ("" clears it)


@dataclass(frozen=True)
class FindRequest(ColourRequest):
    find: str = field(default="", metadata={
        "doc": "words every selected text contains (match 'words'), or a query whose closest points are selected "
               "(match 'meaning'); empty: the filters alone"})
    match: str = field(default=MATCH[0], metadata={"doc": " or ".join(map(repr, MATCH))})
    k: int = field(default=20, metadata={"doc": "how many points a 'meaning' search selects (1 to 10,000)"})
    only: list[str] = field(default_factory=list, metadata={"doc": ONLY_DOC})
    instruction: str = field(default=NO_INSTRUCTION, metadata={
        "doc": f"put on a 'meaning' query (role query; the page's query instruction A): {INSTRUCTION_FORMS}"})


@dataclass(frozen=True)
class SelectionResult:
    summary: str  # Markdown: how many points are selected, and by what
    table: pd.DataFrame  # the selected points: point, (cosine,) cluster, label, language, source, text
    csv: str | None  # every selected point's full row (text, coordinates, cluster, …), or None for no selection
    plot: object
    plot_b: object


def select(request: SelectRequest, progress=None) -> SelectionResult:
    """The points of a box or lasso selection, drawn in either map, selected in both and listed; with filters, only
    the points they keep (the faded ones are not picked up)."""
    run = session_map(request.run)
    text = (request.points or "").strip()
    if not text:
        return _result(run, request.colour_by, None, "")
    numbers = {int(n) for n in text.split(",") if n.strip().isdigit() and int(n) < len(run.texts)}
    kept = passing(request.only, run)
    if kept is not None:
        numbers &= set(kept)
    numbers = sorted(numbers)
    among = "" if kept is None else " among those the filters keep"
    return _result(run, request.colour_by, np.array(numbers, dtype=int), f"**{len(numbers)}** "
                   f"point{'' if len(numbers) == 1 else 's'} selected in the map{among} (double-click the map to "
                   "clear).")


def find(backend: Backend, request: FindRequest, progress=None) -> SelectionResult:
    """Select the points whose texts contain every typed word, or the k closest in meaning to a query (embedded by
    model A under the query instruction, centred like the map's documents), among those passing the filters."""
    run = session_map(request.run)
    wanted = filters(request.only, run)
    mask = field_mask(fields(run), wanted)
    how = [f"{name} {' or '.join(map(markdown_text, values))}" for name, values in wanted.items()]
    text = (request.find or "").strip()
    scores = None
    if request.match not in MATCH:
        raise InputError(f"match must be one of {', '.join(MATCH)}; got {request.match!r}.")
    if text and request.match == "meaning":
        k = whole_number(request.k, "k", 1, 10_000)
        if run.vectors_from and run.encoded.vectors.shape[1] != backend.status.dim:
            raise InputError(f"The map's vectors ({run.vectors_from}) have {run.encoded.vectors.shape[1]} "
                             f"dimensions and model A's {backend.status.dim}: a query can't be compared with them. "
                             "Match words instead.")
        task = instruction_value(request.instruction)
        vector = backend.encode([text], task, "query").vectors
        centre = query_centre(run.centring)
        indices, scores = closest(run.vectors, (vector if centre is None else centre([text], vector))[0], k, mask)
        how.insert(0, f"the {k} closest in meaning to {markdown_text(text)}")
    else:
        if text:
            mask &= word_mask(run.texts, text)
            how.insert(0, f"containing {markdown_text(text)}")
        indices = np.flatnonzero(mask)
    if not how:
        return _result(run, request.colour_by, None, "Selection cleared.")
    rule = "; ".join(how)
    if not len(indices):
        return _result(run, request.colour_by, None, f"No point matches ({rule}); the maps are left as they were.")
    return _result(run, request.colour_by, indices, f"**{len(indices):,}** of {len(run.texts):,} points: {rule}.",
                   scores)


def _result(run: MapRun, colour_by: str, indices: np.ndarray | None, summary: str,
            scores: np.ndarray | None = None) -> SelectionResult:
    selected = None if indices is None else indices.tolist()
    plots = figure(run, colour_by, selected=selected), run.b and figure(run, colour_by, run.b, selected=selected)
    if indices is None:
        return SelectionResult(summary, _shown(pd.DataFrame(columns=["point", "text"])), None, *plots)
    rows = points_table(run).iloc[indices].reset_index(drop=True)
    if scores is not None:
        rows.insert(1, "cosine", np.round(scores.astype(float), 4))
    if len(rows) > SHOWN_ROWS:
        summary += f" The first {SHOWN_ROWS} are listed; the CSV has all {len(rows)}."
    return SelectionResult(summary, _shown(rows.head(SHOWN_ROWS)), export_table(rows, "map_selection.csv"), *plots)


def _shown(rows: pd.DataFrame) -> pd.DataFrame:
    """The page's columns: no coordinates, the text cut to a readable snippet."""
    shown = rows.drop(columns=[c for c in rows.columns if c[:1] in "xyz" and c[1:] in ("", " B")])
    return shown.assign(text=[snippet(t, 200) for t in shown["text"]])
