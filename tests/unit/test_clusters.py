"""Tests for KMeans/HDBSCAN clustering of embeddings: recovering separated blobs, choosing k, input errors."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from harrier_explorer.analysis import clusters
from harrier_explorer.analysis.clusters import NOISE, hdbscan, kmeans
from harrier_explorer.errors import InputError


@pytest.fixture
def blobs() -> tuple[np.ndarray, np.ndarray]:
    """Four tight groups of 15 unit vectors around the first four axes of 16-D (1.41 apart)."""
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(4), 15)
    points = np.eye(16)[groups] + 0.05 * rng.normal(size=(60, 16))
    return points / np.linalg.norm(points, axis=1, keepdims=True), groups


def test_kmeans_with_given_k_recovers_blobs(blobs) -> None:
    points, groups = blobs
    clustering = kmeans(points, k=4)
    assert clustering.n_clusters == 4 and clustering.silhouette_by_k == {}
    assert adjusted_rand_score(groups, clustering.labels) == 1.0


def test_kmeans_chooses_the_number_of_blobs_by_silhouette(blobs) -> None:
    points, groups = blobs
    clustering = kmeans(points)
    assert clustering.n_clusters == 4
    assert max(clustering.silhouette_by_k, key=clustering.silhouette_by_k.get) == 4
    assert adjusted_rand_score(groups, clustering.labels) == 1.0


def test_on_many_points_k_is_chosen_on_a_sample_and_every_point_is_clustered(blobs, monkeypatch) -> None:
    monkeypatch.setattr(clusters, "AUTO_K_SAMPLE", 30)
    points, groups = blobs
    clustering = kmeans(points)
    assert clustering.n_clusters == 4 and clustering.sampled == 30 and len(clustering.labels) == 60
    assert adjusted_rand_score(groups, clustering.labels) == 1.0
    assert kmeans(points[:30]).sampled == 0  # at most AUTO_K_SAMPLE points: every point scored


def test_hdbscan_recovers_blobs_and_marks_far_point_as_noise(blobs) -> None:
    points, groups = blobs
    # Unit vector opposite all four axes: 1.73 from every blob, farther than blobs are from each other.
    outlier = -np.r_[np.ones(4), np.zeros(12)] / 2
    clustering = hdbscan(np.vstack([points, outlier]), min_cluster_size=5)
    assert clustering.n_clusters == 4
    assert clustering.labels[-1] == NOISE
    assert adjusted_rand_score(groups, clustering.labels[:-1]) == 1.0


def test_kmeans_with_more_clusters_than_points_is_an_input_error() -> None:
    with pytest.raises(InputError, match="k=5"):
        kmeans(np.eye(3), k=5)


def test_hdbscan_with_fewer_points_than_min_cluster_size_is_an_input_error() -> None:
    with pytest.raises(InputError, match="min_cluster_size=5"):
        hdbscan(np.eye(4), min_cluster_size=5)
