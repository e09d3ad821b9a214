"""Tests for the search analysis: top-k ranking, translation parity, per-language hits and same-language bias."""

from __future__ import annotations

import numpy as np
import pytest

from harrier_explorer.analysis.search import (
    Hits,
    hits_by_language,
    hits_frame,
    same_language_bias,
    score_distribution,
    search,
    translation_parity,
)
from harrier_explorer.errors import InputError


def _unit(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def random_corpus() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return _unit(rng.normal(size=(3, 8))), _unit(rng.normal(size=(30, 8)))


def test_top_k_matches_a_hand_argsort_of_the_dot_products(random_corpus):
    queries, corpus = random_corpus
    result = search(queries, corpus, k=5)
    expected_scores = queries @ corpus.T
    np.testing.assert_allclose(result.scores, expected_scores, rtol=1e-6)
    for q, hits in enumerate(result.hits):
        expected = np.argsort(expected_scores[q])[::-1][:5]
        np.testing.assert_array_equal(hits.doc_indices, expected)
        np.testing.assert_allclose(hits.scores, expected_scores[q, expected], rtol=1e-6)


def test_equal_scores_are_ranked_by_lower_document_index():
    corpus = _unit([[1, 0], [0, 1], [1, 0], [1, 0]])  # docs 0, 2 and 3 are identical
    result = search(_unit([[1, 0]]), corpus, k=3)
    np.testing.assert_array_equal(result.hits[0].doc_indices, [0, 2, 3])


def test_k_larger_than_the_corpus_is_clamped(random_corpus):
    queries, corpus = random_corpus
    result = search(queries, corpus[:4], k=10)
    assert result.k == 4
    assert all(len(h.doc_indices) == 4 for h in result.hits)


def test_hits_frame_lists_rank_doc_score_and_language(random_corpus):
    queries, corpus = random_corpus
    result = search(queries, corpus, k=2)
    languages = [f"l{i % 3}" for i in range(len(corpus))]
    frame = hits_frame(result, languages)
    assert list(frame.columns) == ["query", "rank", "doc", "score", "language"]
    assert len(frame) == 3 * 2
    first = frame.iloc[0]
    assert (first["query"], first["rank"], first["doc"]) == (0, 1, result.hits[0].doc_indices[0])
    assert first["language"] == languages[first["doc"]]


def test_translation_parity_gives_overlap_at_k_and_kendall_tau_over_the_union():
    # Corpus = basis vectors e0..e5, so a query's scores are its own coordinates.
    # q0 ∝ (3, 2, 1, 0, 0, 0): top-3 = {0, 1, 2}.  q1 ∝ (3, 2, 0, 1, 0, 0): top-3 = {0, 1, 3}.
    # overlap@3 = |{0, 1}| / 3 = 2/3.
    # Union {0, 1, 2, 3}: q0 scores (3, 2, 1, 0), q1 scores (3, 2, 0, 1). Of the 6 doc pairs only (2, 3) is
    # ordered differently, so tau = (5 concordant - 1 discordant) / 6 = 2/3.
    # q2 ∝ (0, 0, 0, 1, 2, 3): top-3 = {5, 4, 3}: overlap with q0 is 0.
    corpus = np.eye(6, dtype=np.float32)
    queries = _unit([[3, 2, 1, 0, 0, 0], [3, 2, 0, 1, 0, 0], [0, 0, 0, 1, 2, 3]])
    pairs = translation_parity(search(queries, corpus, k=3))
    assert [(p.a, p.b) for p in pairs] == [(0, 1), (0, 2), (1, 2)]
    assert pairs[0].overlap == pytest.approx(2 / 3)
    assert pairs[0].kendall_tau == pytest.approx(2 / 3)
    assert pairs[1].overlap == 0.0
    assert pairs[2].overlap == pytest.approx(1 / 3)


def test_translation_parity_of_a_single_query_is_refused(random_corpus):
    queries, corpus = random_corpus
    with pytest.raises(InputError, match="at least 2 queries"):
        translation_parity(search(queries[:1], corpus))


def test_hits_by_language_ranks_each_language_separately(random_corpus):
    queries, corpus = random_corpus
    languages = ["en", "de", "fr"] * 10
    result = search(queries, corpus)
    by_language = hits_by_language(result.scores[0], languages, k=3)
    assert list(by_language) == ["de", "en", "fr"]
    for language, hits in by_language.items():
        members = np.array([i for i, lang in enumerate(languages) if lang == language])
        expected = members[np.argsort(result.scores[0, members])[::-1][:3]]
        np.testing.assert_array_equal(hits.doc_indices, expected)


def test_hits_by_language_rejects_a_language_list_of_the_wrong_length(random_corpus):
    queries, corpus = random_corpus
    with pytest.raises(InputError, match="29 document languages for 30 documents"):
        hits_by_language(search(queries, corpus).scores[0], ["en"] * 29)


def test_same_language_bias_compares_top_k_share_with_corpus_share():
    # 4 of 10 docs are English (corpus share 0.4); 3 of the 4 hits are English (top-k share 0.75);
    # ratio = 0.75 / 0.4 = 1.875.
    languages = ["en", "en", "en", "en", "de", "de", "de", "de", "de", "de"]
    hits = Hits(doc_indices=np.array([0, 5, 1, 2]), scores=np.array([0.9, 0.8, 0.7, 0.6]))
    bias = same_language_bias(hits, languages, "en")
    assert (bias.top_k_share, bias.corpus_share) == (0.75, 0.4)
    assert bias.ratio == pytest.approx(1.875)


def test_same_language_bias_ratio_is_nan_when_the_language_is_absent_from_the_corpus():
    hits = Hits(doc_indices=np.array([0, 1]), scores=np.array([0.9, 0.8]))
    bias = same_language_bias(hits, ["de", "fr", "de"], "en")
    assert bias.top_k_share == 0.0 and bias.corpus_share == 0.0
    assert np.isnan(bias.ratio)


def test_score_distribution_marks_the_kth_best_score(random_corpus):
    queries, corpus = random_corpus
    result = search(queries, corpus, k=4)
    distribution = score_distribution(result, query=1)
    assert distribution.scores.shape == (30,)
    assert distribution.cutoff == pytest.approx(np.sort(result.scores[1])[::-1][3])
    assert (distribution.scores >= distribution.cutoff).sum() == 4
    with pytest.raises(InputError, match="query index 3"):
        score_distribution(result, query=3)


def test_embeddings_that_are_not_normalised_are_refused(random_corpus):
    queries, corpus = random_corpus
    with pytest.raises(InputError, match="norm"):
        search(queries * 2, corpus)
