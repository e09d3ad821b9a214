"""Comparison statistics of two models, against hand-computed answers and scipy/sklearn."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.neighbors import NearestNeighbors

from harrier_explorer.analysis.model_compare import (
    neighbour_overlap,
    neighbourhood_change,
    parity,
    ranking_agreement,
    similarity_agreement,
)
from harrier_explorer.errors import InputError


def unit(rng, n, d):
    v = rng.normal(size=(n, d))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_parity_of_a_model_with_itself_is_one_and_keeps_every_neighbour():
    a = unit(np.random.default_rng(0), 20, 8)
    p = parity(a, a.copy())
    np.testing.assert_allclose(p.cosine, 1.0, atol=1e-12)
    assert p.same_nearest.all() and p.min == pytest.approx(1.0)


def test_parity_is_the_per_text_dot_product():
    a = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    b = np.array([[0.0, 1.0], [0.0, 1.0], [0.8, 0.6]])
    np.testing.assert_allclose(parity(a, b).cosine, [0.0, 1.0, 0.96])


def test_parity_refuses_different_dimensions_with_a_hint():
    with pytest.raises(InputError, match="compare the similarity matrices"):
        parity(np.ones((3, 4)), np.ones((3, 2)))


def test_similarity_agreement_is_spearman_of_the_upper_triangles_and_works_across_dimensions():
    rng = np.random.default_rng(1)
    a, b = unit(rng, 15, 16), unit(rng, 15, 4)
    upper = np.triu_indices(15, k=1)
    expected = spearmanr((a @ a.T)[upper], (b @ b.T)[upper]).statistic
    assert similarity_agreement(a, b) == pytest.approx(expected)
    assert similarity_agreement(a, a) == pytest.approx(1.0)


def test_neighbour_overlap_matches_sklearn_neighbours_and_is_one_for_the_same_model():
    rng = np.random.default_rng(2)
    a, b = unit(rng, 30, 8), unit(rng, 30, 8)
    k = 5
    jaccard = neighbour_overlap(a, b, k)
    nn = [NearestNeighbors(n_neighbors=k + 1, metric="cosine").fit(x).kneighbors(x)[1][:, 1:] for x in (a, b)]
    expected = [len(set(x) & set(y)) / len(set(x) | set(y)) for x, y in zip(*nn, strict=True)]
    np.testing.assert_allclose(jaccard, expected)
    np.testing.assert_allclose(neighbour_overlap(a, a, k), 1.0)


def test_ranking_agreement_of_identical_and_reversed_rankings():
    scores = np.array([[0.9, 0.8, 0.7, 0.6, 0.5]])
    same = ranking_agreement(scores, scores, k=3)
    assert (same.overlap[0], same.kendall_tau[0], same.rbo[0]) == (1.0, pytest.approx(1.0), pytest.approx(1.0))
    reversed_ = ranking_agreement(scores, -scores, k=2)
    assert reversed_.overlap[0] == 0.0 and reversed_.rbo[0] == 0.0
    assert reversed_.kendall_tau[0] == pytest.approx(-1.0)


def test_ranks_are_scipys_ordinal_ranks_of_the_negated_scores():
    from scipy.stats import rankdata

    from harrier_explorer.analysis.model_compare import ranks

    scores = np.round(np.random.default_rng(3).normal(size=(3, 12)), 1)  # rounded: ties, which go to the lower index
    np.testing.assert_array_equal(ranks(scores), rankdata(-scores, method="ordinal", axis=1))


def test_gold_disagreement_lists_the_rows_only_one_model_matches_to_their_partner():
    from harrier_explorer.analysis.model_compare import gold_disagreement

    a = np.array([[0.9, 0.1, 0.0], [0.8, 0.2, 0.0], [0.0, 0.1, 0.9]])  # rows 0 and 2 right, row 1 → 0
    b = np.array([[0.1, 0.9, 0.0], [0.0, 0.9, 0.1], [0.0, 0.1, 0.9]])  # rows 1 and 2 right, row 0 → 1
    d = gold_disagreement(a, b)
    assert d.a_only.tolist() == [0] and d.b_only.tolist() == [1]
    assert d.predicted_a.tolist() == [0, 0, 2] and d.predicted_b.tolist() == [1, 1, 2]
    same = gold_disagreement(a, a)
    assert same.a_only.size == same.b_only.size == 0
    with pytest.raises(InputError, match="gold order"):
        gold_disagreement(a[:2], b[:2])


def on_circle(degrees) -> np.ndarray:
    radians = np.deg2rad(degrees)
    return np.stack([np.cos(radians), np.sin(radians)], axis=1)


def test_neighbourhood_change_lists_each_texts_neighbours_and_their_jaccard_by_hand():
    # A: 0° 10° 90° 100°; B swaps the middle two. Two nearest under A: {1,2} {0,2} {3,1} {2,1}; under B: {2,1}
    # {3,2} {0,1} {1,2}; Jaccard 2/2, 1/3, 1/3, 2/2.
    change = neighbourhood_change(on_circle([0, 10, 90, 100]), on_circle([0, 90, 10, 100]), k=2)
    assert change.k == 2
    assert change.near_a.tolist() == [[1, 2], [0, 2], [3, 1], [2, 1]]
    assert change.near_b.tolist() == [[2, 1], [3, 2], [0, 1], [1, 2]]
    np.testing.assert_allclose(change.jaccard, [1, 1 / 3, 1 / 3, 1])
    assert change.most_changed().tolist() == [1, 2, 0, 3]  # lowest first, ties to the lower index


def test_neighbourhood_change_agrees_with_neighbour_overlap_and_lowers_k_for_small_sets():
    rng = np.random.default_rng(3)
    a, b = unit(rng, 30, 8), unit(rng, 30, 5)
    np.testing.assert_allclose(neighbourhood_change(a, b, 5).jaccard, neighbour_overlap(a, b, 5))
    assert neighbourhood_change(a[:4], b[:4], 10).k == 3
    with pytest.raises(InputError, match="same texts"):
        neighbourhood_change(a, b[:10])
