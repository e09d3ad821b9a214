"""Which points of a map a user means: the texts containing every typed word, the k closest in meaning to a query
vector, the points whose metadata (cluster, label, language, file) is among chosen values — combined by AND, as in
Embedding Atlas' search and filters. Pure numpy: the UI embeds the query and draws the result."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np

from harrier_explorer.analysis.similarity import top_k
from harrier_explorer.errors import InputError


def word_mask(texts: Sequence[str], words: str) -> np.ndarray:
    """True for every text containing each whitespace-separated word of ``words`` (case-insensitive substrings, so a
    CJK word matches inside unspaced text); all True when ``words`` is blank.

    Case is folded by Unicode's default lowercasing (``str.lower``), which JavaScript's ``toLowerCase`` also
    applies: the page highlights matches as the user types (ui/map/highlight.js) and must agree with this."""
    needles = [w.lower() for w in (words or "").split()]
    return np.array([all(n in text.lower() for n in needles) for text in texts], dtype=bool)


def field_mask(fields: Mapping[str, Sequence[str]], wanted: Mapping[str, Collection[str]]) -> np.ndarray:
    """True for the points whose value of every filtered field is among its wanted values (values of one field are
    alternatives, fields must all hold); all True without filters.

    Args:
        fields: per field name, one value per point.
        wanted: per field name, the values kept (a field absent or empty is not filtered).
    """
    n = len(next(iter(fields.values()))) if fields else 0
    mask = np.ones(n, dtype=bool)
    for name, values in wanted.items():
        if not values:
            continue
        if name not in fields:
            raise InputError(f"Unknown filter field {name!r}; the map has {', '.join(fields)}.")
        mask &= np.isin(np.asarray(fields[name], dtype=object), list(values))
    return mask


def closest(vectors: np.ndarray, query: np.ndarray, k: int, among: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` rows of ``vectors`` with the highest cosine to ``query`` (both L2-normalised), best first, taken
    among the rows where ``among`` is True (all rows by default): (indices, cosines)."""
    rows = np.arange(len(vectors)) if among is None else np.flatnonzero(among)
    if not len(rows):
        return rows, np.zeros(0, dtype=np.float32)
    order, scores = top_k(vectors[rows] @ query, k)
    return rows[order], scores
