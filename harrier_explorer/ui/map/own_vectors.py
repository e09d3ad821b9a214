"""The map's own vectors: a .parquet or .npy a user uploads (``harrier-explorer embed``'s output or any tool's)
mapped as if embedded, and the checks every map's documents meet."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from harrier_explorer.analysis.projection import MIN_POINTS
from harrier_explorer.backend.core import Backend, EncodeResult
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.parsing import TextRecord
from harrier_explorer.inputs.vectors import load_vectors
from harrier_explorer.ui.common import load_text_source
from harrier_explorer.ui.forms import TextInput


def check_enough(records: Sequence[TextRecord]) -> None:
    if len(records) < MIN_POINTS:
        raise InputError(f"The map needs at least {MIN_POINTS} documents (or chunks); got {len(records)}. "
                         "Add more text, or split documents into sentences or chunks.")


def load(backend: Backend, path: str, documents: TextInput, notes: list[str]) -> tuple[list[TextRecord], EncodeResult]:
    """The uploaded vectors and their texts (the parquet's own, else the documents given, row for row), as if
    embedded: nothing is embedded, and the item limit does not apply to a parquet's rows."""
    s = backend.settings
    own = load_vectors(path, max_file_mb=s.max_file_mb, max_item_chars=s.max_item_chars)
    given = bool((documents.paste or "").strip() or documents.files)
    if own.records:
        records = list(own.records)
        if given:
            notes.append(f"The texts come from {own.name}; the documents box was not used.")
    elif not given:
        raise InputError(f"{own.name} holds vectors only: give their documents too, in the same order (paste or "
                         "upload), or upload a parquet file with a text column.")
    else:
        loaded = load_text_source(backend, "Documents", documents)
        records = list(loaded.records)
        notes += loaded.notes
        if len(records) != len(own.matrix):
            raise InputError(f"{own.name} has {len(own.matrix)} vectors but the documents are {len(records)} "
                             "texts; they must match row for row.")
    check_enough(records)
    notes += own.notes
    n = len(records)
    return records, EncodeResult(own.matrix, np.full(n, -1), np.zeros(n, dtype=bool), [r.text for r in records],
                                 cached=n)


def placeable(backend: Backend, texts: list[str], vectors: np.ndarray, vectors_from: str | None,
              notes: list[str]) -> list[str]:
    """The queries to place: all of them on the app's own embeddings; on uploaded vectors only when model A makes
    vectors of the same size (said in a note: they are comparable only if model A made the file)."""
    if not texts or not vectors_from:
        return texts
    if vectors.shape[1] != backend.status.dim:
        notes.append(f"Queries not placed: the uploaded vectors have {vectors.shape[1]} dimensions, model A's "
                     f"{backend.status.dim}.")
        return []
    notes.append("Queries are embedded by model A: their places mean something only if model A made the uploaded "
                 "vectors.")
    return texts
