"""Tests for retrieval metrics: nDCG against scikit-learn, MRR and Recall against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import ndcg_score

from harrier_explorer.analysis.metrics import (
    evaluate_rankings,
    mrr_at_k,
    ndcg_at_k,
    rank_corpus,
    recall_at_k,
)

RANKED = ["d1", "d2", "d3", "d4", "d5"]


def test_ndcg_matches_sklearn_when_every_judged_doc_is_ranked() -> None:
    relevance = {"d1": 0, "d2": 2, "d3": 1, "d4": 0, "d5": 3}
    # sklearn sees the same five docs, scored so that they sort in RANKED order.
    expected = ndcg_score([[0, 2, 1, 0, 3]], [[5, 4, 3, 2, 1]], k=3)
    assert ndcg_at_k(RANKED, relevance, k=3) == pytest.approx(expected)


def test_ndcg_counts_unretrieved_relevant_docs_in_the_ideal_ranking() -> None:
    # Only d2 (grade 1) is retrieved at rank 2; d9 (grade 1) was never retrieved.
    # DCG = 1/log2(3); ideal DCG = 1 + 1/log2(3).
    expected = (1 / np.log2(3)) / (1 + 1 / np.log2(3))
    assert ndcg_at_k(RANKED, {"d2": 1, "d9": 1}, k=10) == pytest.approx(expected)


def test_mrr_is_one_over_rank_of_first_relevant_within_k() -> None:
    assert mrr_at_k(RANKED, {"d3": 1, "d5": 2}, k=10) == pytest.approx(1 / 3)
    assert mrr_at_k(RANKED, {"d3": 1}, k=2) == 0.0


def test_recall_is_share_of_relevant_docs_in_top_k() -> None:
    relevance = {"d2": 1, "d4": 1, "d9": 2, "d1": 0}
    assert recall_at_k(RANKED, relevance, k=3) == pytest.approx(1 / 3)
    assert recall_at_k(RANKED, relevance, k=5) == pytest.approx(2 / 3)


def test_evaluate_excludes_queries_without_relevant_docs_from_means() -> None:
    rankings = {"q1": ["a", "b"], "q2": ["b", "a"], "q3": ["a", "b"], "q4": ["a"]}
    qrels = {"q1": {"a": 1}, "q2": {"a": 1}, "q3": {"a": 0}}
    scores = evaluate_rankings(rankings, qrels, k=10, recall_k=1)
    assert list(scores.per_query.index) == ["q1", "q2"]
    assert scores.excluded == ("q3", "q4") and scores.n_excluded == 2
    assert scores.means["mrr"] == pytest.approx((1 + 1 / 2) / 2)
    assert scores.means["recall"] == pytest.approx(0.5)
    assert scores.label("recall") == "Recall@1"


def test_rank_corpus_orders_by_dot_product_and_breaks_ties_by_index() -> None:
    corpus = np.array([[1, 0], [0, 1], [1, 0]], dtype=np.float32)
    order, scores = rank_corpus(np.array([[1, 0]], dtype=np.float32), corpus)
    assert order.tolist() == [[0, 2, 1]]
    assert scores.tolist() == [[1, 0, 1]]
