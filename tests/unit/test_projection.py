"""Tests for 2-D/3-D layouts: small-set adaptation, seeded determinism, caching, placing new points, neighbours."""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest
from tqdm import tqdm

from harrier_explorer.analysis import projection
from harrier_explorer.analysis.projection import ProjectionParams, clear_cache, nearest_neighbours, project
from harrier_explorer.errors import InputError


def _blobs(per_blob: int, dim: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three tight, well-separated groups of unit vectors, and the group of each row."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, dim))
    groups = np.repeat(np.arange(3), per_blob)
    points = centres[groups] + 0.05 * rng.normal(size=(3 * per_blob, dim))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32), groups


def test_few_points_lower_n_neighbors_and_say_so() -> None:
    points, _ = _blobs(2, 8)  # 6 points
    layout = project(points, ProjectionParams(n_neighbors=15))
    assert layout.coords.shape == (6, 2)
    assert layout.umap.n_neighbors == 5
    assert any("lowered from 15 to 5" in note for note in layout.notes)


@pytest.mark.parametrize("n", [1, 2])
def test_fewer_than_three_points_is_an_input_error(n: int) -> None:
    with pytest.raises(InputError, match="at least 3 points"):
        project(np.eye(n, 4, dtype=np.float32))


@pytest.mark.parametrize("params, message", [
    (ProjectionParams(seed=-1), "seed must be from 0 to 4294967295"),  # numpy's range, not its ValueError
    (ProjectionParams(seed=2**32), "seed must be from 0"),
    (ProjectionParams(n_neighbors=1), "n_neighbors of at least 2"),
    (ProjectionParams(min_dist=1.5), "min_dist must be from 0 to 1"),
])
def test_parameters_out_of_range_are_input_errors(params, message) -> None:
    with pytest.raises(InputError, match=message):
        project(_blobs(2, 8)[0], params)


def test_three_points_in_three_dimensions_still_get_a_layout() -> None:
    points, _ = _blobs(1, 8)
    assert project(points, ProjectionParams(n_components=3)).coords.shape == (3, 3)


def test_same_seed_gives_same_layout_and_cache_returns_it_instantly() -> None:
    points, _ = _blobs(10, 8)
    first = project(points)
    assert project(points.copy()) is first
    clear_cache()
    second = project(points)
    assert second is not first
    np.testing.assert_allclose(second.coords, first.coords)


def test_placing_a_copy_of_a_training_point_lands_in_its_group() -> None:
    points, groups = _blobs(10, 8)
    layout = project(points)
    placed = layout.place(points[[0, 15, 25]])
    nearest = np.argmin(np.linalg.norm(layout.coords[None] - placed[:, None], axis=2), axis=1)
    assert groups[nearest].tolist() == [0, 1, 2]


def test_wide_vectors_go_through_pca_first_also_when_placing(monkeypatch) -> None:
    monkeypatch.setattr(projection, "PCA_MIN_POINTS", 10)
    points, _ = _blobs(20, 64)
    layout = project(points)
    assert layout.pca is not None and layout.pca.n_components_ == projection.PCA_DIM
    assert any("PCA" in note for note in layout.notes)
    assert layout.place(points[:2]).shape == (2, 2)


def test_pca_layout_places_points_by_the_same_linear_map() -> None:
    points, _ = _blobs(5, 8)
    layout = project(points, ProjectionParams(method="pca"))
    assert layout.umap is None
    np.testing.assert_allclose(layout.place(points), layout.coords, atol=1e-5)


def test_nearest_neighbours_exclude_the_point_and_sort_by_cosine() -> None:
    points = np.array([[1, 0], [0.8, 0.6], [0, 1], [0.6, 0.8]], dtype=np.float32)
    indices, scores = nearest_neighbours(points, 0, k=2)
    assert indices.tolist() == [1, 3]
    np.testing.assert_allclose(scores, [0.8, 0.6])


def test_umap_reports_its_epochs_and_a_raising_listener_stops_the_fit() -> None:
    points, _ = _blobs(20, 8)
    clear_cache()
    seen: list[tuple[int, int]] = []
    layout = project(points, ProjectionParams(seed=3), on_epoch=lambda done, total: seen.append((done, total)))
    total = seen[-1][1]
    assert seen[-1] == (total, total) and total >= 200
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    count = len(seen)
    layout.place(points[:2])  # placing queries later says nothing to the finished fit's listener
    assert len(seen) == count

    class Stop(Exception):
        pass

    def stop_at_once(done: int, total: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        project(points, ProjectionParams(seed=4), on_epoch=stop_at_once)
    assert project(points, ProjectionParams(seed=4)).coords.shape == (60, 2)  # nothing half-made was cached
    # tqdm's lock is free again: a bar in another thread (a model loading, say) still runs to its end.
    other = threading.Thread(target=lambda: list(tqdm(range(3), file=io.StringIO())), daemon=True)
    other.start()
    other.join(timeout=30)
    assert not other.is_alive()
