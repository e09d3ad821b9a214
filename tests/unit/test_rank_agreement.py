"""Tests for ranking agreement: overlap@k, Kendall tau over the union of top k (vs scipy), and RBO by hand."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import kendalltau

from harrier_explorer.analysis.rank_agreement import kendall_tau_of_union, overlap_at_k, rank_biased_overlap
from harrier_explorer.errors import InputError


def test_overlap_counts_shared_docs_in_both_top_k() -> None:
    assert overlap_at_k([1, 2, 3, 9], [3, 4, 1, 2], k=3) == pytest.approx(2 / 3)


def test_rbo_of_swapped_second_and_third_matches_hand_computation() -> None:
    # X = (1, 1, 3); RBO_ext = (3/3)*0.9^3 + (0.1/0.9)*(1*0.9 + (1/2)*0.81 + (3/3)*0.729) = 0.729 + 0.226
    expected = 0.729 + (0.1 / 0.9) * (0.9 + 0.405 + 0.729)
    assert rank_biased_overlap(["a", "b", "c"], ["a", "c", "b"]) == pytest.approx(expected)
    assert expected == pytest.approx(0.955, abs=1e-3)


def test_rbo_is_one_for_identical_and_zero_for_disjoint_lists() -> None:
    assert rank_biased_overlap([1, 2, 3, 4], [1, 2, 3, 4], p=0.8) == pytest.approx(1.0)
    assert rank_biased_overlap([1, 2], [3, 4]) == 0.0


def test_rbo_rejects_lists_of_different_length() -> None:
    with pytest.raises(InputError, match="equal length"):
        rank_biased_overlap([1, 2], [1])


def test_kendall_tau_uses_full_scores_of_the_union_of_top_k() -> None:
    scores_a = np.array([0.9, 0.8, 0.7, 0.1, 0.0])
    scores_b = np.array([0.1, 0.8, 0.9, 0.7, 0.0])
    # top-2 of A = {0, 1}, of B = {2, 1}; union {0, 1, 2}, compared on all their scores.
    expected = kendalltau([0.9, 0.8, 0.7], [0.1, 0.8, 0.9]).statistic
    assert kendall_tau_of_union(scores_a, scores_b, k=2) == pytest.approx(expected)
    assert expected == pytest.approx(-1.0)


def test_kendall_tau_is_nan_when_union_has_one_doc() -> None:
    assert np.isnan(kendall_tau_of_union(np.array([1.0, 0.0]), np.array([1.0, 0.5]), k=1))
