"""Paired significance test for per-query metric differences (is instruction B really better than A?).

Kept separate from the A/B logic so that any two paired per-query series (two models, two instructions,
two chunkings) can be compared the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import bootstrap, permutation_test

from harrier_explorer.errors import InputError


@dataclass(frozen=True)
class PairedTest:
    """Outcome of a paired comparison of per-query values b[i] vs a[i].

    mean_difference: mean(b - a). p_value: two-sided paired sign-flip permutation test of mean(b - a) = 0.
    ci_low / ci_high: 95% paired-bootstrap percentile interval of mean(b - a).
    """

    mean_difference: float
    p_value: float
    ci_low: float
    ci_high: float
    n_pairs: int
    n_resamples: int


def paired_test(a: np.ndarray, b: np.ndarray, n_resamples: int = 10_000, seed: int | None = 0) -> PairedTest:
    """Paired permutation test and bootstrap interval for mean(b - a).

    The permutation test is `scipy.stats.permutation_test(permutation_type="samples")`, which swaps A and B
    within each pair (a sign flip of the difference); it is exact when 2**n_pairs <= n_resamples.

    Args:
        a, b: (n,) values of the same queries under A and under B (NaN-free).
        n_resamples: resamples of both the permutation test and the bootstrap.
        seed: makes the p-value and interval reproducible; None for fresh randomness.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise InputError(f"Paired values must be two 1-D arrays of equal length, got {a.shape} and {b.shape}.")
    if a.size < 2:
        raise InputError(f"A paired test needs at least 2 queries, got {a.size}.")
    rng = np.random.default_rng(seed)
    permutation = permutation_test(
        (b, a), _mean_difference, permutation_type="samples", n_resamples=n_resamples, random_state=rng
    )
    # Percentile rather than BCa: BCa is undefined when every difference is equal (e.g. identical A and B).
    interval = bootstrap(
        (b, a), _mean_difference, paired=True, n_resamples=n_resamples, method="percentile", random_state=rng
    ).confidence_interval
    return PairedTest(
        mean_difference=float(np.mean(b - a)),
        p_value=float(permutation.pvalue),
        ci_low=float(interval.low),
        ci_high=float(interval.high),
        n_pairs=int(a.size),
        n_resamples=n_resamples,
    )


def mean_interval(values: np.ndarray, n_resamples: int = 10_000,
                  rng: np.random.Generator | int | None = 0) -> tuple[float, float]:
    """95% percentile-bootstrap interval of the mean of ``values`` (one per query)."""
    # Percentile, as in paired_test: BCa is undefined when every query scores the same.
    ci = bootstrap((np.asarray(values, dtype=float),), np.mean, n_resamples=n_resamples, method="percentile",
                   random_state=rng)
    return float(ci.confidence_interval.low), float(ci.confidence_interval.high)


def _mean_difference(b: np.ndarray, a: np.ndarray, axis: int = -1) -> np.ndarray:
    """Vectorised statistic for scipy: mean of b - a along `axis`."""
    return np.mean(b - a, axis=axis)
