"""Tests for the paired permutation test and bootstrap interval on per-query differences."""

from __future__ import annotations

import numpy as np
import pytest

from harrier_explorer.analysis.significance import paired_test
from harrier_explorer.errors import InputError


def test_identical_sides_give_p_value_one_and_zero_interval() -> None:
    values = np.linspace(0, 1, 15)
    result = paired_test(values, values)
    assert result.p_value == pytest.approx(1.0)
    assert result.mean_difference == 0.0
    assert (result.ci_low, result.ci_high) == (0.0, 0.0)


def test_consistent_gain_gives_exact_small_p_value() -> None:
    a = np.linspace(0.2, 0.5, 12)
    result = paired_test(a, a + 0.3)
    # 2**12 = 4096 sign flips <= n_resamples, so the test is exact: only "all +" and "all -" are as extreme.
    assert result.p_value == pytest.approx(2 / 4096)
    assert result.mean_difference == pytest.approx(0.3)
    assert result.ci_low == pytest.approx(0.3) and result.ci_high == pytest.approx(0.3)


def test_seed_makes_randomised_test_reproducible() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.random(30), rng.random(30)
    first = paired_test(a, b, n_resamples=999, seed=7)
    assert paired_test(a, b, n_resamples=999, seed=7) == first
    assert 0 < first.p_value <= 1 and first.ci_low < first.mean_difference < first.ci_high


def test_fewer_than_two_pairs_is_an_input_error() -> None:
    with pytest.raises(InputError, match="at least 2"):
        paired_test(np.array([0.1]), np.array([0.2]))
