"""Two maps of the same documents made to read alike: model B's layout turned onto model A's.

A UMAP or PCA layout is defined only up to rotation, reflection, scale and shift, so two models' maps of the same
documents can look unrelated where the models agree. An orthogonal Procrustes fit (scipy) finds the rotation (or
reflection), the one scale and the shift that bring B's points closest to A's in least squares, and nothing else:
distances within B's map keep their proportions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import orthogonal_procrustes

from harrier_explorer.errors import InputError


@dataclass(frozen=True)
class Alignment:
    """x ↦ scale · (x − source_centre) @ rotation + target_centre.

    disparity: the squared distance between the aligned source and the target over the target's squared spread
    around its centre (0: the same shape; 1: nothing in common), as ``scipy.spatial.procrustes`` defines it.
    """

    rotation: np.ndarray
    scale: float
    source_centre: np.ndarray
    target_centre: np.ndarray
    disparity: float

    def apply(self, coords: np.ndarray) -> np.ndarray:
        """Move (m, d) points of the source layout (e.g. queries placed on it) onto the target's frame."""
        return self.scale * (np.atleast_2d(coords) - self.source_centre) @ self.rotation + self.target_centre


def align_layout(target: np.ndarray, source: np.ndarray) -> Alignment:
    """The Procrustes alignment of ``source`` (n, d) onto ``target`` (n, d): row i of each is the same document.

    Args:
        target: model A's layout, which stays as it is.
        source: model B's layout of the same documents, in the same order.

    Returns:
        The alignment; ``alignment.apply(source)`` is B's layout in A's frame.
    """
    if target.shape != source.shape or target.ndim != 2 or len(target) < 2:
        raise InputError(f"Both layouts must place the same documents (at least 2): got {target.shape} and "
                         f"{source.shape}.")
    target_centre, source_centre = target.mean(axis=0), source.mean(axis=0)
    t, s = target - target_centre, source - source_centre
    spread_t, spread_s = float(np.sum(t**2)), float(np.sum(s**2))
    rotation, singular_sum = orthogonal_procrustes(s, t)
    # The least-squares scale; a layout collapsed onto one point has none (it stays collapsed, at A's centre).
    scale = float(singular_sum) / spread_s if spread_s else 1.0
    residual = float(np.sum((scale * s @ rotation - t) ** 2))
    return Alignment(rotation, scale, source_centre, target_centre, residual / spread_t if spread_t else 0.0)
