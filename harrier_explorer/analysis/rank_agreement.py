"""How similar two rankings of the same corpus are: overlap@k, Kendall tau and rank-biased overlap.

Used by the instruction A/B comparison and the sweep to say how much an instruction reorders results,
independently of whether relevance labels exist.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from scipy.stats import kendalltau

from harrier_explorer.analysis.metrics import rank_by_score
from harrier_explorer.errors import InputError


def overlap_at_k(top_a: Sequence, top_b: Sequence, k: int) -> float:
    """Share of the top k of A that is also in the top k of B: |A_k ∩ B_k| / k."""
    return len(set(top_a[:k]).intersection(top_b[:k])) / k


def kendall_tau_of_union(scores_a: np.ndarray, scores_b: np.ndarray, k: int) -> float:
    """Kendall tau-b between two rankings of one corpus, over the union of both top k.

    The union (between k and 2k docs) is ranked by each side's full scores, so a doc that is in A's top k
    but ranked 500th by B still counts, with its true order under B.

    Args:
        scores_a: (n,) scores of every corpus doc under A.
        scores_b: (n,) scores of the same docs under B.
        k: top-k depth defining the union.

    Returns:
        tau in [-1, 1]; NaN when the union holds fewer than two docs (nothing to order).
    """
    union = np.union1d(rank_by_score(scores_a)[:k], rank_by_score(scores_b)[:k])
    if union.size < 2:
        return float("nan")
    with warnings.catch_warnings():
        # Constant inputs (all scores equal) make tau undefined; scipy warns and returns NaN, which we keep.
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(kendalltau(scores_a[union], scores_b[union]).statistic)


def rank_biased_overlap(top_a: Sequence, top_b: Sequence, p: float = 0.9) -> float:
    """Extrapolated rank-biased overlap (RBO_ext, Webber, Moffat & Zobel 2010, eq. 32) of two top-k lists.

    RBO_ext = (X_k / k) p^k + (1 - p) / p * sum_{d=1..k} (X_d / d) p^d, where X_d = |A_:d ∩ B_:d|.
    The extrapolated form (rather than the lower bound RBO_min) is used because it is 1 for identical
    lists and 0 for disjoint ones, which reads naturally on screen.

    Args:
        top_a, top_b: top-k lists of equal length k >= 1, without duplicates.
        p: persistence in (0, 1); 0.9 puts ~86% of the weight on the first 10 ranks.
    """
    if len(top_a) != len(top_b) or not top_a:
        raise InputError(f"RBO needs two non-empty lists of equal length, got {len(top_a)} and {len(top_b)}.")
    if not 0 < p < 1:
        raise InputError(f"RBO persistence p must be strictly between 0 and 1, got {p}.")
    seen_a: set = set()
    seen_b: set = set()
    overlap = 0
    weighted_sum = 0.0
    for depth, (a, b) in enumerate(zip(top_a, top_b, strict=True), start=1):
        # X_d grows by one for each element that is now in both prefixes (a == b counts once).
        overlap += (a in seen_b) + (b in seen_a) + (a == b)
        seen_a.add(a)
        seen_b.add(b)
        weighted_sum += overlap / depth * p**depth
    k = len(top_a)
    return overlap / k * p**k + (1 - p) / p * weighted_sum
