"""Tests for label agreement: silhouette vs sklearn, leave-one-out kNN, cluster-vs-label scores, topic vs language."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import silhouette_score

from harrier_explorer.analysis.label_agreement import cluster_label_match, label_agreement, topic_or_language
from harrier_explorer.errors import InputError


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def parallel_corpus() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """4 topics × 3 languages × 2 sentences; vectors = strong topic direction + weak language direction."""
    rng = np.random.default_rng(0)
    topic_dirs, language_dirs = rng.normal(size=(4, 32)), rng.normal(size=(3, 32))
    topics = np.repeat(np.arange(4), 6)
    languages = np.tile(np.repeat(np.arange(3), 2), 4)
    points = topic_dirs[topics] + 0.3 * language_dirs[languages] + 0.05 * rng.normal(size=(24, 32))
    return _unit(points), topics, languages


def test_silhouette_matches_sklearn_cosine(parallel_corpus) -> None:
    points, topics, _ = parallel_corpus
    names = np.array(["w", "x", "y", "z"])[topics]  # string labels are accepted
    expected = silhouette_score(points, topics, metric="cosine")
    assert label_agreement(points, names).silhouette == pytest.approx(expected)


def test_knn_accuracy_leaves_each_point_out() -> None:
    # Two pairs on a line; with k=1 each point's nearest other point is its partner.
    points = _unit(np.array([[1, 0.01], [1, 0.02], [0.01, 1], [0.02, 1]]))
    assert label_agreement(points, [0, 0, 1, 1], k=1).knn_accuracy == 1.0
    # Labelled across the pairs, every partner disagrees: accuracy and neighbour share drop to 0.
    crossed = label_agreement(points, [0, 1, 0, 1], k=1)
    assert crossed.knn_accuracy == 0.0 and crossed.neighbour_share == 0.0
    assert crossed.chance_share == pytest.approx(1 / 3)  # 2 * (2*1) / (4*3)


def test_cluster_label_match_is_perfect_for_relabelled_clusters() -> None:
    match = cluster_label_match([5, 5, 7, 7, -1], ["a", "a", "b", "b", "c"])
    assert match.v_measure == pytest.approx(1.0) and match.adjusted_rand == pytest.approx(1.0)


def test_parallel_data_groups_by_topic_more_than_by_language(parallel_corpus) -> None:
    points, topics, languages = parallel_corpus
    result = topic_or_language(points, topics, languages, k=5)
    assert result.topic.knn_accuracy == 1.0 and result.topic.neighbour_share == 1.0
    assert result.language.neighbour_share < result.topic.neighbour_share
    assert result.topic.chance_share == pytest.approx(4 * 6 * 5 / (24 * 23))


def test_single_label_is_an_input_error(parallel_corpus) -> None:
    points, _, _ = parallel_corpus
    with pytest.raises(InputError, match="distinct labels, got 1"):
        label_agreement(points, np.zeros(24))


def test_above_the_sample_size_the_figures_are_those_of_a_seeded_sample(monkeypatch) -> None:
    from harrier_explorer.analysis import label_agreement as module

    rng = np.random.default_rng(3)
    labels = rng.integers(3, size=300)
    vectors = rng.normal(size=(3, 8))[labels] + rng.normal(size=(300, 8))
    monkeypatch.setattr(module, "SAMPLE", 60)
    got = label_agreement(vectors, labels, k=4)
    rows = np.sort(np.random.default_rng(0).choice(300, 60, replace=False))
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = unit[rows] @ unit.T  # brute force, each sampled point left out of its own neighbours
    similarity[np.arange(60), rows] = -np.inf
    near = np.argsort(-similarity, axis=1, kind="stable")[:, :4]
    assert got.neighbour_share == pytest.approx(np.mean(labels[near] == labels[rows][:, None]))
    assert got.silhouette == pytest.approx(silhouette_score(vectors, labels, metric="cosine", sample_size=60,
                                                            random_state=0))
    assert label_agreement(vectors, labels, k=4) == got  # seeded: the same sample every time


def test_the_neighbour_search_finds_scikit_learns_neighbours_block_by_block(monkeypatch) -> None:
    from sklearn.neighbors import NearestNeighbors

    from harrier_explorer.analysis import label_agreement as module

    monkeypatch.setattr(module, "_BLOCK", 7)  # 50 points: several blocks and a short last one
    vectors = np.random.default_rng(4).normal(size=(50, 16))
    expected = NearestNeighbors(n_neighbors=5, metric="cosine").fit(vectors).kneighbors(return_distance=False)
    found = module.nearest_others(vectors, 5)
    assert [set(row) for row in found] == [set(row) for row in expected]
    rows = np.array([3, 17, 49])
    assert [set(row) for row in module.nearest_others(vectors, 5, rows)] == [set(row) for row in expected[rows]]
