"""Procrustes alignment of model B's map onto model A's, against hand-built transforms and scipy.spatial.procrustes."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import procrustes
from scipy.spatial.transform import Rotation

from harrier_explorer.analysis.map_compare import align_layout
from harrier_explorer.errors import InputError


def test_a_turned_mirrored_scaled_and_shifted_copy_lands_exactly_on_the_original():
    a = np.random.default_rng(0).normal(size=(12, 2))
    turn = np.array([[0.0, -1.0], [1.0, 0.0]]) @ np.diag([1.0, -1.0])  # a quarter turn and a mirror
    b = 3.0 * a @ turn + [5.0, -2.0]
    alignment = align_layout(a, b)
    np.testing.assert_allclose(alignment.apply(b), a, atol=1e-12)
    assert alignment.scale == pytest.approx(1 / 3) and alignment.disparity == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(alignment.apply(b.mean(axis=0)), [a.mean(axis=0)], atol=1e-12)  # a placed query too


def test_three_d_layouts_align_too():
    a = np.random.default_rng(1).normal(size=(20, 3))
    b = 0.5 * a @ Rotation.from_euler("xyz", [30, 60, 10], degrees=True).as_matrix() - 1.0
    np.testing.assert_allclose(align_layout(a, b).apply(b), a, atol=1e-12)


def test_disparity_is_scipys_and_the_target_stays_as_it_is():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(30, 2)), rng.normal(size=(30, 2))
    alignment = align_layout(a, b)
    assert alignment.disparity == pytest.approx(procrustes(a, b)[2])
    aligned = alignment.apply(b)
    np.testing.assert_allclose(aligned.mean(axis=0), a.mean(axis=0), atol=1e-12)
    # No other rotation and scale brings B closer: a small turn either way is worse.
    for degrees in (-2, 2):
        turn = Rotation.from_euler("z", degrees, degrees=True).as_matrix()[:2, :2]
        turned = (aligned - a.mean(axis=0)) @ turn + a.mean(axis=0)
        assert np.sum((turned - a) ** 2) > np.sum((aligned - a) ** 2)


def test_layouts_of_different_documents_are_refused():
    with pytest.raises(InputError, match="same documents"):
        align_layout(np.zeros((5, 2)), np.zeros((4, 2)))
