"""A language-neutral view of multilingual embeddings: each language's mean vector removed, then re-normalised.

Multilingual encoders put every language in its own offset region of the space, so on parallel data the strongest
structure is the language and clustering finds the languages. Subtracting each language's centroid removes that
offset and leaves what the texts say (Libovický et al., 2020, "On the Language Neutrality of Pre-trained
Multilingual Representations"). Rows are L2-normalised again so that cosine geometry (and the clustering's
Euclidean-on-unit-vectors) still holds.

A text whose own language's centroid would zero it (the only text of its language, or identical texts) is centred
on the mean of the language centroids instead: it keeps its direction in the shared, centred frame rather than
becoming a zero vector with no direction. With fewer than two languages there is no language offset to remove, and
the vectors are returned unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from harrier_explorer.errors import InputError

#: Below this norm a centred vector counts as zero (float32 round-off of v - v).
ZERO_NORM = 1e-6


@dataclass(frozen=True)
class LanguageCentring:
    """The per-language centroids of a corpus, to centre its texts and new ones (queries) alike.

    means: language -> centroid of its texts; fallback: the mean of the centroids (each language weighing the same),
    used for languages the corpus does not have and for texts their own centroid would zero.
    """

    means: dict[str, np.ndarray]
    fallback: np.ndarray

    @property
    def active(self) -> bool:
        """Whether centring changes anything: only with two or more languages."""
        return len(self.means) >= 2

    def apply(self, vectors: np.ndarray, languages: Sequence[str]) -> np.ndarray:
        """vectors[i] minus its language's centroid, L2-normalised (unchanged when not active)."""
        vectors = np.asarray(vectors)
        if len(languages) != len(vectors):
            raise InputError(f"Got {len(languages)} languages for {len(vectors)} vectors.")
        if not self.active:
            return vectors.copy()
        offsets = np.stack([self.means.get(lang, self.fallback) for lang in languages]) if len(vectors) else vectors
        centred = vectors - offsets
        zeroed = np.linalg.norm(centred, axis=1) < ZERO_NORM
        centred[zeroed] = vectors[zeroed] - self.fallback
        norms = np.linalg.norm(centred, axis=1, keepdims=True)
        return (centred / np.where(norms < ZERO_NORM, 1, norms)).astype(vectors.dtype, copy=False)


def fit_centring(vectors: np.ndarray, languages: Sequence[str]) -> LanguageCentring:
    """The centroid of each language's vectors, and their mean."""
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or len(vectors) == 0:
        raise InputError(f"Centring needs a non-empty 2-D (texts × dimensions) matrix, got shape {vectors.shape}.")
    if len(languages) != len(vectors):
        raise InputError(f"Got {len(languages)} languages for {len(vectors)} vectors.")
    codes = np.asarray(languages, dtype=object)
    means = {str(lang): vectors[codes == lang].mean(axis=0) for lang in dict.fromkeys(languages)}
    return LanguageCentring(means, np.mean(list(means.values()), axis=0))


def centre_by_language(vectors: np.ndarray, languages: Sequence[str]) -> np.ndarray:
    """Each vector minus its language's mean vector, L2-normalised; unchanged with fewer than two languages."""
    return fit_centring(vectors, languages).apply(vectors, languages)
