"""Cosine matrices and top-k selection shared by the search, bitext and alignment analyses.

Every embedding matrix this package handles is float32 and L2-normalised row by row, so cosine similarity is a plain
dot product; the helpers here validate that contract once instead of in each analysis.
"""

from __future__ import annotations

import numpy as np

from harrier_explorer.analysis.metrics import rank_by_score
from harrier_explorer.errors import InputError

#: How far a row's L2 norm may stray from 1 before it is rejected as "not normalised" (float32 rounding is ~1e-7).
_NORM_TOLERANCE = 1e-3


def check_embeddings(x: np.ndarray, name: str) -> np.ndarray:
    """Return `x` as a float32 (n, d) matrix, or raise InputError if it is not non-empty, finite and L2-normalised."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise InputError(f"{name} must be a non-empty (n, d) matrix of embeddings, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise InputError(f"{name} contains NaN or infinite values")
    norms = np.linalg.norm(x, axis=1)
    bad = np.flatnonzero(np.abs(norms - 1.0) > _NORM_TOLERANCE)
    if bad.size:
        raise InputError(f"{name} row {int(bad[0])} has L2 norm {norms[bad[0]]:.4f}; embeddings must be normalised")
    return x


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of every row of `a` with every row of `b`.

    Args:
        a: (n, d) L2-normalised embeddings.
        b: (m, d) L2-normalised embeddings.

    Returns:
        (n, m) float32 matrix with scores[i, j] = cos(a[i], b[j]).
    """
    a = check_embeddings(a, "first embedding matrix")
    b = check_embeddings(b, "second embedding matrix")
    if a.shape[1] != b.shape[1]:
        raise InputError(f"embedding sizes differ: {a.shape[1]} vs {b.shape[1]} (were they made by the same model?)")
    return a @ b.T


def normalise_rows(x: np.ndarray) -> np.ndarray:
    """Scale each row of `x` to unit L2 norm (used for the mean embedding of merged sentences)."""
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of the k largest entries of each row, best first.

    Ties are broken by the lower column index (`metrics.rank_by_score`, a stable sort), so results are reproducible.
    `k` larger than the row length is clamped to it.

    Args:
        scores: (n, m) score matrix, or a single (m,) row.
        k: how many entries to keep per row; must be >= 1.

    Returns:
        (indices, values), each (n, min(k, m)), or (min(k, m),) for one row; values[i, r] = scores[i, indices[i, r]].
    """
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}")
    scores = np.asarray(scores)
    order = rank_by_score(scores)[..., :k]
    return order, np.take_along_axis(scores, order, axis=-1)
