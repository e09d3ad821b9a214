"""Retrieval-quality metrics (nDCG, MRR, Recall) over ranked document ids and relevance labels (qrels).

Shared by the instruction A/B tab and the sweep, so that every figure on screen comes from one definition.
Conventions, following trec_eval and `sklearn.metrics.ndcg_score`: linear gain (gain = relevance grade),
log2 rank discount, and a relevance grade <= 0 counts as "not relevant".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: query_id -> {doc_id: relevance grade}; grades <= 0 mean "not relevant".
Qrels = Mapping[str, Mapping[str, int]]

#: Column names of `RetrievalScores.per_query`, in display order.
RETRIEVAL_METRICS = ("ndcg", "mrr", "recall")


def rank_corpus(queries: np.ndarray, corpus: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank every corpus row for every query by cosine similarity (inputs are L2-normalised).

    Args:
        queries: (m, d) query embeddings.
        corpus: (n, d) document embeddings.

    Returns:
        (order, scores): order[i, r] = corpus index at rank r (0-based) for query i;
        scores[i, j] = cos(queries[i], corpus[j]) (unsorted, by corpus index).
    """
    scores = np.atleast_2d(queries) @ corpus.T
    return rank_by_score(scores), scores


def rank_by_score(scores: np.ndarray) -> np.ndarray:
    """Indices that sort `scores` best first along the last axis.

    A stable sort of the negated scores: equal scores keep index order, so rankings are reproducible.
    """
    return np.argsort(-scores, axis=-1, kind="stable")


def ndcg_at_k(ranked: Sequence[str], relevance: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k of one ranking; the ideal ranking is built from all judged docs, retrieved or not."""
    gains = np.array([max(relevance.get(doc, 0), 0) for doc in ranked[:k]], dtype=float)
    ideal = np.sort(np.clip(np.fromiter(relevance.values(), dtype=float), 0, None))[::-1][:k]
    ideal_dcg = _dcg(ideal)
    return float(_dcg(gains) / ideal_dcg) if ideal_dcg > 0 else 0.0


def mrr_at_k(ranked: Sequence[str], relevance: Mapping[str, int], k: int = 10) -> float:
    """Reciprocal rank of the first relevant doc within the top k, else 0."""
    for rank, doc in enumerate(ranked[:k], start=1):
        if relevance.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def recall_at_k(ranked: Sequence[str], relevance: Mapping[str, int], k: int = 10) -> float:
    """Share of the relevant docs that appear in the top k (0 when nothing is relevant)."""
    relevant = {doc for doc, grade in relevance.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


@dataclass(frozen=True)
class RetrievalScores:
    """Per-query and mean retrieval metrics of one set of rankings.

    per_query: index = query id (only queries with at least one relevant doc), columns = RETRIEVAL_METRICS.
    means: metric -> mean over `per_query` (NaN when no query could be scored).
    excluded: ids of ranked queries left out because qrels give them no relevant doc.
    """

    per_query: pd.DataFrame
    means: dict[str, float]
    excluded: tuple[str, ...]
    k: int
    recall_k: int

    @property
    def n_excluded(self) -> int:
        """How many ranked queries had no relevant doc and were left out of the means."""
        return len(self.excluded)

    def label(self, metric: str) -> str:
        """Display name with its cutoff, e.g. "nDCG@10" for "ndcg"."""
        names = {"ndcg": f"nDCG@{self.k}", "mrr": f"MRR@{self.k}", "recall": f"Recall@{self.recall_k}"}
        return names[metric]


def evaluate_rankings(
    rankings: Mapping[str, Sequence[str]], qrels: Qrels, k: int = 10, recall_k: int = 10
) -> RetrievalScores:
    """Score every ranked query against the qrels.

    Args:
        rankings: query id -> doc ids, best first (at least max(k, recall_k) long for exact figures).
        qrels: relevance labels; queries absent from it, or with no grade > 0, are excluded.
        k: cutoff of nDCG and MRR.
        recall_k: cutoff of Recall.
    """
    rows: dict[str, tuple[float, float, float]] = {}
    excluded: list[str] = []
    for query_id, ranked in rankings.items():
        relevance = qrels.get(query_id, {})
        if not any(grade > 0 for grade in relevance.values()):
            excluded.append(query_id)
            continue
        rows[query_id] = (
            ndcg_at_k(ranked, relevance, k),
            mrr_at_k(ranked, relevance, k),
            recall_at_k(ranked, relevance, recall_k),
        )
    per_query = pd.DataFrame.from_dict(rows, orient="index", columns=list(RETRIEVAL_METRICS), dtype=float)
    means = {metric: float(per_query[metric].mean()) for metric in RETRIEVAL_METRICS}
    return RetrievalScores(per_query, means, tuple(excluded), k, recall_k)


def _dcg(gains: np.ndarray) -> float:
    """Discounted cumulative gain of gains listed in rank order: sum(gain_r / log2(r + 1)), r from 1."""
    return float(np.sum(gains / np.log2(np.arange(2, gains.size + 2))))
