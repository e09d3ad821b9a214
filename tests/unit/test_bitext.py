"""Tests for bitext matching: ratio margin, nearest-neighbour and optimal matching, gold-order accuracy."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from harrier_explorer.analysis.bitext import gold_accuracy, match, pair_neighbourhood, pairs_frame, ratio_margin
from harrier_explorer.analysis.similarity import cosine_matrix
from harrier_explorer.errors import InputError

# A 3 × 3 cosine matrix for the hand-computed margin (rows = sources, columns = targets).
COSINE_3X3 = np.array([
    [0.9, 0.5, 0.1],
    [0.2, 0.8, 0.4],
    [0.6, 0.0, 0.7],
])

# Target 1 is a "hub": by cosine both sources prefer it; by margin the diagonal wins.
HUB_2X2 = np.array([
    [0.78, 0.80],
    [0.70, 0.85],
])


def test_ratio_margin_matches_the_hand_computed_3x3_example():
    # k = 2. Each neighbourhood term is (sum of the 2 best cosines) / (2k = 4):
    #   sources (rows):    s0 = (0.9 + 0.5) / 4 = 0.35,  s1 = (0.8 + 0.4) / 4 = 0.30,  s2 = (0.7 + 0.6) / 4 = 0.325
    #   targets (columns): t0 = (0.9 + 0.6) / 4 = 0.375, t1 = (0.8 + 0.5) / 4 = 0.325, t2 = (0.7 + 0.4) / 4 = 0.275
    # margin[i, j] = cos[i, j] / (s_i + t_j), e.g. margin[0, 0] = 0.9 / 0.725 = 1.2414,
    # margin[2, 0] = 0.6 / 0.7 = 0.8571, margin[1, 2] = 0.4 / 0.575 = 0.6957, margin[2, 1] = 0 / 0.65 = 0.
    margins = ratio_margin(COSINE_3X3, k=2)
    s = np.array([0.35, 0.30, 0.325])
    t = np.array([0.375, 0.325, 0.275])
    expected = np.array([
        [0.9 / (s[0] + t[0]), 0.5 / (s[0] + t[1]), 0.1 / (s[0] + t[2])],
        [0.2 / (s[1] + t[0]), 0.8 / (s[1] + t[1]), 0.4 / (s[1] + t[2])],
        [0.6 / (s[2] + t[0]), 0.0 / (s[2] + t[1]), 0.7 / (s[2] + t[2])],
    ])
    np.testing.assert_allclose(margins.margin, expected)
    assert margins.margin[0, 0] == pytest.approx(1.2413793)
    assert margins.margin[2, 0] == pytest.approx(0.8571429)
    assert (margins.k_src, margins.k_tgt) == (2, 2)


def test_ratio_margin_clamps_k_to_each_list_size():
    # 3 sources × 2 targets with k = 10: sources average over their 2 targets, targets over their 3 sources.
    cosine = COSINE_3X3[:, :2]
    margins = ratio_margin(cosine, k=10)
    assert (margins.k_src, margins.k_tgt) == (2, 3)
    # margin[0, 0] = 0.9 / ((0.9 + 0.5) / 4 + (0.9 + 0.2 + 0.6) / 6)
    assert margins.margin[0, 0] == pytest.approx(0.9 / (1.4 / 4 + 1.7 / 6))


def test_pair_neighbourhood_returns_the_neighbours_that_form_the_margin():
    pair = pair_neighbourhood(ratio_margin(COSINE_3X3, k=2), src=2, tgt=0)
    assert (pair.cosine, pair.margin) == (pytest.approx(0.6), pytest.approx(0.6 / 0.7))
    np.testing.assert_array_equal(pair.src_neighbours, [2, 0])  # source 2's best targets: 0.7, 0.6
    np.testing.assert_allclose(pair.src_neighbour_scores, [0.7, 0.6])
    np.testing.assert_array_equal(pair.tgt_neighbours, [0, 2])  # target 0's best sources: 0.9, 0.6
    np.testing.assert_allclose(pair.tgt_neighbour_scores, [0.9, 0.6])
    with pytest.raises(InputError, match=r"\(3, 0\)"):
        pair_neighbourhood(ratio_margin(COSINE_3X3), src=3, tgt=0)


def test_forward_backward_and_mutual_nearest_neighbours():
    scores = np.array([
        [0.9, 0.1, 0.2],
        [0.8, 0.3, 0.1],  # also prefers target 0, but target 0 prefers source 0
        [0.1, 0.2, 0.7],
    ])
    forward = match(scores, "forward")
    np.testing.assert_array_equal(np.c_[forward.src, forward.tgt], [[0, 0], [1, 0], [2, 2]])
    backward = match(scores, "backward")  # target 1's best source is 1 (0.3)
    np.testing.assert_array_equal(np.c_[backward.src, backward.tgt], [[0, 0], [1, 1], [2, 2]])
    mutual = match(scores, "mutual")
    np.testing.assert_array_equal(np.c_[mutual.src, mutual.tgt], [[0, 0], [2, 2]])
    np.testing.assert_allclose(mutual.score, [0.9, 0.7])


def test_margin_matching_resolves_a_hub_that_cosine_matching_takes_twice():
    # k = 2 on HUB_2X2: s0 = (0.78 + 0.80) / 4 = 0.395, s1 = (0.70 + 0.85) / 4 = 0.3875,
    # t0 = (0.78 + 0.70) / 4 = 0.37, t1 = (0.80 + 0.85) / 4 = 0.4125.
    # margin[0, 0] = 0.78 / 0.765 = 1.0196 > margin[0, 1] = 0.80 / 0.8075 = 0.9907, so source 0 goes to target 0.
    assert match(HUB_2X2, "forward").tgt.tolist() == [1, 1]
    assert match(ratio_margin(HUB_2X2, k=2).margin, "forward").tgt.tolist() == [0, 1]


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 3), (1, 4)])
def test_assignment_finds_the_best_one_to_one_matching_found_by_brute_force(shape):
    rng = np.random.default_rng(sum(shape))
    scores = rng.uniform(-1, 1, size=shape)
    n, m = shape
    if n <= m:
        best = max(itertools.permutations(range(m), n), key=lambda tgt: scores[range(n), tgt].sum())
        expected = list(zip(range(n), best))
    else:
        best = max(itertools.permutations(range(n), m), key=lambda src: scores[src, range(m)].sum())
        expected = sorted(zip(best, range(m)))
    result = match(scores, "assignment")
    assert list(zip(result.src.tolist(), result.tgt.tolist())) == expected


def test_threshold_flags_low_scoring_pairs_as_unmatched_and_keeps_them():
    result = match(COSINE_3X3, "forward", threshold=0.75)
    np.testing.assert_allclose(result.score, [0.9, 0.8, 0.7])
    assert result.matched.tolist() == [True, True, False]
    assert match(COSINE_3X3, "forward").matched.all()


def test_unknown_matching_method_is_refused():
    with pytest.raises(InputError, match="'nearest'"):
        match(COSINE_3X3, "nearest")


def test_gold_accuracy_of_perfect_pairs_is_one_both_ways():
    rng = np.random.default_rng(1)
    src = rng.normal(size=(6, 8)).astype(np.float32)
    src /= np.linalg.norm(src, axis=1, keepdims=True)
    accuracy = gold_accuracy(cosine_matrix(src, src))
    assert (accuracy.src_to_tgt, accuracy.tgt_to_src) == (1.0, 1.0)
    assert accuracy.src_to_tgt_errors == accuracy.tgt_to_src_errors == ()


def test_gold_accuracy_of_shuffled_pairs_counts_fixed_points_and_lists_the_errors():
    # tgt[j] = src[perm[j]] with a 3-cycle on rows 0-2 and rows 3-4 in place: 2 of 5 rows right both ways.
    # Forward, source i's translation sits at the j with perm[j] = i: 0 -> 2, 1 -> 0, 2 -> 1.
    # Backward, target j's translation is source perm[j]: 0 -> 1, 1 -> 2, 2 -> 0.
    src = np.eye(5, dtype=np.float32)
    perm = [1, 2, 0, 3, 4]
    accuracy = gold_accuracy(cosine_matrix(src, src[perm]))
    assert (accuracy.src_to_tgt, accuracy.tgt_to_src) == (0.4, 0.4)
    assert [(e.row, e.predicted) for e in accuracy.src_to_tgt_errors] == [(0, 2), (1, 0), (2, 1)]
    assert [(e.row, e.predicted) for e in accuracy.tgt_to_src_errors] == [(0, 1), (1, 2), (2, 0)]
    # Orthogonal basis: the gold partner scores 0, the wrongly predicted one is the true translation (1).
    assert all((e.gold_score, e.predicted_score) == (0.0, 1.0) for e in accuracy.src_to_tgt_errors)


def test_gold_accuracy_under_margin_can_beat_cosine():
    cosine = gold_accuracy(HUB_2X2)
    assert (cosine.src_to_tgt, cosine.tgt_to_src) == (0.5, 1.0)
    assert [(e.row, e.predicted) for e in cosine.src_to_tgt_errors] == [(0, 1)]
    margin = gold_accuracy(ratio_margin(HUB_2X2, k=2).margin)
    assert (margin.src_to_tgt, margin.tgt_to_src) == (1.0, 1.0)


def test_gold_accuracy_needs_lists_of_equal_length():
    with pytest.raises(InputError, match="same length"):
        gold_accuracy(COSINE_3X3[:, :2])


def test_pairs_frame_has_cosine_margin_and_matched_per_pair():
    margins = ratio_margin(COSINE_3X3, k=2)
    frame = pairs_frame(match(margins.margin, "mutual", threshold=1.2), margins, "abc", "xyz")
    assert list(frame.columns) == ["source #", "source", "target #", "target", "cosine", "margin", "matched"]
    assert frame[["source #", "target #"]].values.tolist() == [[1, 1], [2, 2], [3, 3]]  # numbered from 1
    np.testing.assert_allclose(frame["cosine"], [0.9, 0.8, 0.7])
    np.testing.assert_allclose(frame["margin"], [0.9 / 0.725, 0.8 / 0.625, 0.7 / 0.6])
    assert frame["matched"].tolist() == [True, True, False]  # 1.2414, 1.28 >= 1.2 > 1.1667
