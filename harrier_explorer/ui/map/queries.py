"""Queries on the Cluster map: embedded with role "query" under instruction A (and B when it differs) by one model,
and placed on that model's layout (`Projection.place`) as stars — on model B's map, then moved onto A's frame."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from harrier_explorer.analysis.projection import Projection
from harrier_explorer.backend.core import Backend
from harrier_explorer.ui.common import instruction_value
from harrier_explorer.ui.map.plots import QueryMarks


def query_texts(text: str | None) -> list[str]:
    """One query per non-blank line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def query_sides(instruction_a: str | None, instruction_b: str | None) -> list[tuple[str, str]]:
    """Query instruction A, and B when it differs: (side, instruction) pairs."""
    sides = [("A", instruction_value(instruction_a))]
    if instruction_value(instruction_b) != sides[0][1]:
        sides.append(("B", instruction_value(instruction_b)))
    return sides


def place_queries(backend: Backend, layout: Projection, texts: list[str], sides: list[tuple[str, str]],
                  model: str | None = None,
                  moved: Callable[[np.ndarray], np.ndarray] | None = None,
                  centre: Callable[[list[str], np.ndarray], np.ndarray] | None = None) -> tuple[QueryMarks, ...]:
    """The queries under each side's instruction, embedded by one model, ``centre``d like the documents (a
    language-neutral map) and placed on its layout (then ``moved``, e.g. onto A's frame), as star markers labelled
    "Q1 · A"."""
    marks = []
    for side, task in sides if texts else ():
        vectors = backend.encode(texts, task, "query", model=model).vectors
        coords = layout.place(vectors if centre is None else centre(texts, vectors))
        labels = [f"Q{n}" + (f" · {side}" if len(sides) > 1 else "") for n in range(1, len(texts) + 1)]
        marks.append(QueryMarks(coords if moved is None else moved(coords), labels, f"{side}: {task}"))
    return tuple(marks)
