"""The language-neutral view: hand-computed centring, one language, a single-text language, queries, and clusters
that find topics instead of languages once the language offsets are gone."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import v_measure_score

from harrier_explorer.analysis.clusters import kmeans
from harrier_explorer.analysis.language_neutral import centre_by_language, fit_centring
from harrier_explorer.errors import InputError


def test_each_language_loses_its_mean_and_rows_are_unit_again():
    # en mean (2, 0), de mean (1, 2): both languages become (0, 1), (0, -1).
    vectors = np.array([[2, 1], [2, -1], [1, 3], [1, 1]], dtype=np.float32)
    centred = centre_by_language(vectors, ["en", "en", "de", "de"])
    np.testing.assert_allclose(centred, [[0, 1], [0, -1], [0, 1], [0, -1]], atol=1e-7)
    assert centred.dtype == np.float32


def test_rows_are_normalised_after_centring():
    # en mean (1, 1): (3, 1) - (1, 1) = (2, 0) -> (1, 0); de mean (0, 0): (0, 2) -> (0, 1).
    centred = centre_by_language(np.array([[3.0, 1], [-1, 1], [0, 2], [0, -2]]), ["en", "en", "de", "de"])
    np.testing.assert_allclose(centred, [[1, 0], [-1, 0], [0, 1], [0, -1]])


def test_one_language_leaves_the_vectors_as_they_are():
    vectors = np.array([[0.6, 0.8], [1.0, 0.0], [0.0, 1.0]])
    assert not fit_centring(vectors, ["de"] * 3).active
    np.testing.assert_array_equal(centre_by_language(vectors, ["de"] * 3), vectors)


def test_a_language_with_one_text_is_centred_on_the_mean_of_the_language_means():
    # en mean (2, 0); fr's own mean would zero its only text, so it takes the mean of the means, (1, 1.5):
    # (0, 3) - (1, 1.5) = (-1, 1.5).
    centred = centre_by_language(np.array([[2.0, 1], [2, -1], [0, 3]]), ["en", "en", "fr"])
    np.testing.assert_allclose(centred[2], np.array([-1, 1.5]) / np.hypot(1, 1.5))
    np.testing.assert_allclose(centred[:2], [[0, 1], [0, -1]])


def test_new_texts_take_their_languages_mean_or_the_mean_of_the_means():
    centring = fit_centring(np.array([[2.0, 1], [2, -1], [1, 3], [1, 1]]), ["en", "en", "de", "de"])
    # A German query minus (1, 2); a Japanese one (no Japanese in the corpus) minus (1.5, 1).
    placed = centring.apply(np.array([[1.0, 5], [1.5, 4]]), ["de", "ja"])
    np.testing.assert_allclose(placed, [[0, 1], [0, 1]])


def test_clusters_find_topics_once_language_offsets_are_removed():
    """Three topics in three languages, the language offset larger than the topic difference: KMeans with k = 3
    finds the languages on the raw vectors and the topics on the centred ones."""
    rng = np.random.default_rng(0)
    topics = np.tile(np.repeat(np.arange(3), 10), 3)
    languages = np.repeat(["en", "de", "zh"], 30)
    axes = np.eye(12)
    x = (axes[topics] + 3 * axes[3 + np.repeat(np.arange(3), 30)] + 0.05 * rng.standard_normal((90, 12)))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    raw = kmeans(x, 3).labels
    neutral = kmeans(centre_by_language(x, list(languages)), 3).labels
    assert v_measure_score(languages, raw) == pytest.approx(1) and v_measure_score(topics, raw) < 0.01
    assert v_measure_score(topics, neutral) == pytest.approx(1) and v_measure_score(languages, neutral) < 0.01


def test_mismatched_lengths_are_an_input_error():
    with pytest.raises(InputError, match="2 languages for 3 vectors"):
        centre_by_language(np.eye(3), ["en", "de"])
