"""Clustering of embeddings for the cluster plot: KMeans (k by hand or by silhouette) or HDBSCAN.

Inputs are L2-normalised, so Euclidean distance is a monotone function of cosine distance
(|a - b|^2 = 2 - 2 cos(a, b)): Euclidean KMeans/HDBSCAN on them groups by cosine similarity.

Choosing k by silhouette costs O(n²) per k, so on more than AUTO_K_SAMPLE points k is chosen on a seeded sample
and only the final KMeans sees every point. The sweep runs one k per core, each fit on one thread: on a sample this
small OpenMP's threads inside one fit cost more than they save (2 cores: 294 points 4× slower, 2,000 points 2×).
On multilingual data choose k on language-neutral vectors
(`language_neutral`): on raw ones the best-separated partition is often the languages.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import HDBSCAN, KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

from harrier_explorer.errors import InputError

#: Noise label of HDBSCAN (points in no cluster).
NOISE = -1
#: Range of k tried when KMeans chooses k itself (capped at n - 1, the largest k silhouette accepts).
AUTO_K_RANGE = range(2, 13)
#: Most points the automatic choice of k scores (a random sample beyond it): 2,000 keeps a sweep to seconds.
AUTO_K_SAMPLE = 2000


@dataclass(frozen=True)
class Clustering:
    """labels[i] = cluster of point i (NOISE for HDBSCAN outliers); n_clusters excludes noise.

    silhouette_by_k: k -> cosine silhouette, filled only when KMeans chose k automatically.
    sampled: how many points the choice of k scored (0: every point, or k was given).
    """

    labels: np.ndarray
    method: str
    n_clusters: int
    silhouette_by_k: dict[int, float] = field(default_factory=dict)
    sampled: int = 0


def kmeans(points: np.ndarray, k: int | None = None, seed: int = 0) -> Clustering:
    """KMeans with a given k, or with the k in AUTO_K_RANGE of highest cosine silhouette.

    Args:
        points: (n, d) vectors to cluster (usually the embeddings).
        k: number of clusters, 1 <= k <= n; None to choose it.
        seed: KMeans initialisation seed.
    """
    n = _check_points(points)
    if k is not None:
        if not 1 <= k <= n:
            raise InputError(f"KMeans needs 1 <= k <= number of points ({n}), got k={k}.")
        return Clustering(_kmeans_labels(points, k, seed), "kmeans", k)
    candidates = [k for k in AUTO_K_RANGE if k < n]
    if not candidates:
        raise InputError(f"Choosing k automatically needs at least {AUTO_K_RANGE.start + 1} points, got {n}.")
    sample = points
    if n > AUTO_K_SAMPLE:
        sample = points[np.sort(np.random.default_rng(seed).choice(n, AUTO_K_SAMPLE, replace=False))]
    with ThreadPoolExecutor(min(len(candidates), os.cpu_count() or 1), thread_name_prefix="kmeans-k") as pool:
        labels_by_k = dict(zip(candidates, pool.map(lambda k: _kmeans_labels(sample, k, seed, threads=1), candidates),
                               strict=True))
    silhouettes = {k: _silhouette_or_minus_one(sample, labels) for k, labels in labels_by_k.items()}
    # max() keeps the first of equal silhouettes, i.e. the smallest k: prefer the simpler partition.
    best = max(silhouettes, key=silhouettes.__getitem__)
    labels = labels_by_k[best] if sample is points else _kmeans_labels(points, best, seed)
    return Clustering(labels, "kmeans", best, silhouettes, 0 if sample is points else len(sample))


def hdbscan(points: np.ndarray, min_cluster_size: int = 5, min_samples: int | None = None) -> Clustering:
    """HDBSCAN density clustering; points in no dense region get the NOISE label.

    Args:
        points: (n, d) vectors, n >= min_cluster_size.
        min_cluster_size: smallest group reported as a cluster (>= 2).
        min_samples: neighbourhood size of the density estimate; None = min_cluster_size.
    """
    n = _check_points(points)
    if min_cluster_size < 2:
        raise InputError(f"HDBSCAN min_cluster_size must be at least 2, got {min_cluster_size}.")
    if n < min_cluster_size:
        raise InputError(f"HDBSCAN with min_cluster_size={min_cluster_size} needs at least that many points, got {n}.")
    labels = HDBSCAN(min_cluster_size=min_cluster_size, min_samples=min_samples, copy=True).fit_predict(points)
    return Clustering(labels, "hdbscan", len(set(labels.tolist()) - {NOISE}))


def _kmeans_labels(points: np.ndarray, k: int, seed: int, threads: int | None = None) -> np.ndarray:
    """Labels of one KMeans run (n_init=4: a few restarts avoid poor local optima at small cost); ``threads``: the
    OpenMP threads of this fit (an OpenMP setting of the calling thread only), None for all cores."""
    with threadpool_limits(threads, user_api="openmp"):
        return KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(points)


def _silhouette_or_minus_one(points: np.ndarray, labels: np.ndarray) -> float:
    """Cosine silhouette, or -1 (worst) when KMeans collapsed to one cluster (duplicate points)."""
    if len(np.unique(labels)) < 2:
        return -1.0
    return float(silhouette_score(points, labels, metric="cosine"))


def _check_points(points: np.ndarray) -> int:
    """Raise InputError unless points is a non-empty 2-D matrix; return its number of rows."""
    if points.ndim != 2 or len(points) == 0:
        raise InputError(f"Clustering needs a non-empty 2-D (points × dimensions) matrix, got shape {points.shape}.")
    return len(points)
