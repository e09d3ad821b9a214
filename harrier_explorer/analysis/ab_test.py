"""Instruction A/B testing: how ranking the same corpus changes when queries are embedded under instruction A vs B.

Harrier models take a task instruction on the query side; this module answers "what does changing it do?"
without labels (rank/score changes, overlap, Kendall tau, RBO, score shift) and, with qrels, "is it better?"
(nDCG/MRR/Recall per side, win/tie/loss and a paired significance test).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from harrier_explorer.analysis.metrics import Qrels, RetrievalScores, evaluate_rankings, rank_by_score
from harrier_explorer.analysis.rank_agreement import kendall_tau_of_union, overlap_at_k, rank_biased_overlap
from harrier_explorer.analysis.significance import PairedTest, paired_test
from harrier_explorer.errors import InputError

Side = Literal["a", "b"]


@dataclass(frozen=True)
class ABComparison:
    """Both full rankings of the corpus for every query, and how much they agree.

    scores_a[i, j] = cos(query i under A, doc j); order_a[i, r] = index of the doc at rank r (0-based) under A;
    likewise for B. Shapes: (m queries, n docs).
    per_query: index = query ids; columns "overlap" (overlap@k), "kendall_tau" (over the union of both top k,
    see `rank_agreement.kendall_tau_of_union`), "rbo" (extrapolated RBO of the top k), "top1_a", "top1_b".
    """

    query_ids: tuple[str, ...]
    doc_ids: tuple[str, ...]
    k: int
    scores_a: np.ndarray
    scores_b: np.ndarray
    order_a: np.ndarray
    order_b: np.ndarray
    per_query: pd.DataFrame

    def top_docs(self, side: Side, depth: int | None = None) -> dict[str, list[str]]:
        """query id -> doc ids best first under one side, `depth` long (default k)."""
        order = self.order_a if side == "a" else self.order_b
        depth = self.k if depth is None else depth
        return {qid: [self.doc_ids[j] for j in row[:depth]] for qid, row in zip(self.query_ids, order, strict=True)}


@dataclass(frozen=True)
class ScoreShift:
    """How the similarity scores move from A to B (a global re-scaling is common when instructions change).

    top1_a[i] / top1_b[i]: best score of query i; topk_a / topk_b: (m, k) top-k scores, for histograms.
    """

    top1_a: np.ndarray
    top1_b: np.ndarray
    topk_a: np.ndarray
    topk_b: np.ndarray
    mean_top1_a: float
    mean_top1_b: float
    median_top1_a: float
    median_top1_b: float


@dataclass(frozen=True)
class ABQuality:
    """Retrieval quality of A and B against qrels, compared query by query on `metric`.

    wins / ties / losses count queries where B is better / equal / worse than A; test is a paired test of
    mean(B - A) over the queries both sides could score.
    """

    metric: str
    scores_a: RetrievalScores
    scores_b: RetrievalScores
    wins: int
    ties: int
    losses: int
    test: PairedTest


def compare_instructions(
    queries_a: np.ndarray,
    queries_b: np.ndarray,
    corpus: np.ndarray,
    query_ids: Sequence[str],
    doc_ids: Sequence[str],
    k: int = 10,
    rbo_p: float = 0.9,
) -> ABComparison:
    """Rank the corpus for each query under A and under B and measure their agreement.

    Args:
        queries_a, queries_b: (m, d) L2-normalised embeddings of the same queries under each instruction.
        corpus: (n, d) L2-normalised document embeddings (shared by both sides).
        query_ids, doc_ids: m and n ids, in row order.
        k: depth of "top k" for overlap, Kendall tau and RBO; 1 <= k <= n.
        rbo_p: RBO persistence.
    """
    _check_shapes(queries_a, queries_b, corpus, query_ids, doc_ids)
    return compare_rankings(queries_a @ corpus.T, queries_b @ corpus.T, query_ids, doc_ids, k, rbo_p)


def compare_rankings(
    scores_a: np.ndarray,
    scores_b: np.ndarray,
    query_ids: Sequence[str],
    doc_ids: Sequence[str],
    k: int = 10,
    rbo_p: float = 0.9,
) -> ABComparison:
    """Two score matrices (m queries × n docs) of one corpus — two instructions, or the corpus embedded whole and
    chunked — ranked, with their agreement per query (see `ABComparison`)."""
    if scores_a.shape != scores_b.shape or scores_a.shape != (len(query_ids), len(doc_ids)):
        raise InputError(f"Score matrices {scores_a.shape} and {scores_b.shape} must both be "
                         f"{len(query_ids)} queries × {len(doc_ids)} documents.")
    if not 1 <= k <= len(doc_ids):
        raise InputError(f"k must be between 1 and the corpus size {len(doc_ids)}, got {k}.")
    order_a, order_b = rank_by_score(scores_a), rank_by_score(scores_b)
    rows = [
        (
            overlap_at_k(top_a, top_b, k),
            kendall_tau_of_union(row_a, row_b, k),
            rank_biased_overlap(list(top_a), list(top_b), rbo_p),
            row_a[top_a[0]],
            row_b[top_b[0]],
        )
        for top_a, top_b, row_a, row_b in zip(order_a[:, :k], order_b[:, :k], scores_a, scores_b, strict=True)
    ]
    per_query = pd.DataFrame(rows, index=list(query_ids), columns=["overlap", "kendall_tau", "rbo", "top1_a", "top1_b"])
    return ABComparison(tuple(query_ids), tuple(doc_ids), k, scores_a, scores_b, order_a, order_b, per_query)


def document_changes(comparison: ABComparison, query_index: int) -> pd.DataFrame:
    """How each doc in either top k moved for one query.

    Returns:
        One row per doc in the union of both top k, sorted by its best rank on either side; columns doc_id,
        rank_a, rank_b (1-based full ranks, so possibly > k), rank_change (rank_a - rank_b: positive = B ranks
        it higher), score_a, score_b, score_change (score_b - score_a).
    """
    k = comparison.k
    order_a, order_b = comparison.order_a[query_index], comparison.order_b[query_index]
    union = np.union1d(order_a[:k], order_b[:k])
    rank_a, rank_b = _full_ranks(order_a)[union], _full_ranks(order_b)[union]
    score_a, score_b = comparison.scores_a[query_index, union], comparison.scores_b[query_index, union]
    table = pd.DataFrame(
        {
            "doc_id": [comparison.doc_ids[j] for j in union],
            "rank_a": rank_a,
            "rank_b": rank_b,
            "rank_change": rank_a - rank_b,
            "score_a": score_a,
            "score_b": score_b,
            "score_change": score_b - score_a,
        }
    )
    # Tie-break on rank_a so that a doc ranked equally well on both sides lists A's order first.
    best = np.minimum(rank_a, rank_b)
    return table.iloc[np.lexsort((rank_a, best))].reset_index(drop=True)


def score_shift(comparison: ABComparison) -> ScoreShift:
    """Top-1 and top-k score distributions of A and B, with the mean and median top-1 of each."""
    k = comparison.k
    topk_a = np.take_along_axis(comparison.scores_a, comparison.order_a[:, :k], axis=1)
    topk_b = np.take_along_axis(comparison.scores_b, comparison.order_b[:, :k], axis=1)
    top1_a, top1_b = topk_a[:, 0], topk_b[:, 0]
    return ScoreShift(
        top1_a=top1_a,
        top1_b=top1_b,
        topk_a=topk_a,
        topk_b=topk_b,
        mean_top1_a=float(np.mean(top1_a)),
        mean_top1_b=float(np.mean(top1_b)),
        median_top1_a=float(np.median(top1_a)),
        median_top1_b=float(np.median(top1_b)),
    )


def compare_quality(
    comparison: ABComparison,
    qrels: Qrels,
    metric: str = "ndcg",
    k: int = 10,
    recall_k: int = 10,
    n_resamples: int = 10_000,
    seed: int | None = 0,
) -> ABQuality:
    """Score A and B against qrels and test whether B differs from A on `metric`.

    Args:
        comparison: from `compare_instructions`.
        qrels: relevance labels; queries without a relevant doc are excluded (see RetrievalScores.excluded).
        metric: one of metrics.RETRIEVAL_METRICS, used for win/tie/loss and the test.
        k, recall_k: cutoffs of nDCG/MRR and of Recall.
        n_resamples, seed: passed to `significance.paired_test`.
    """
    depth = max(k, recall_k)
    scores_a = evaluate_rankings(comparison.top_docs("a", depth), qrels, k, recall_k)
    scores_b = evaluate_rankings(comparison.top_docs("b", depth), qrels, k, recall_k)
    if metric not in scores_a.per_query.columns:
        raise InputError(f"Unknown metric {metric!r}; choose one of {list(scores_a.per_query.columns)}.")
    values_a = scores_a.per_query[metric].to_numpy()
    values_b = scores_b.per_query[metric].to_numpy()
    # Metrics are ratios of small integers, so genuinely equal values can differ by float rounding only.
    ties = np.isclose(values_a, values_b, rtol=0.0, atol=1e-12)
    return ABQuality(
        metric=metric,
        scores_a=scores_a,
        scores_b=scores_b,
        wins=int(np.sum(~ties & (values_b > values_a))),
        ties=int(np.sum(ties)),
        losses=int(np.sum(~ties & (values_b < values_a))),
        test=paired_test(values_a, values_b, n_resamples, seed),
    )


def _full_ranks(order: np.ndarray) -> np.ndarray:
    """Inverse of a ranking: ranks[j] = 1-based rank of doc j, given order[r] = doc at rank r (0-based)."""
    ranks = np.empty_like(order)
    ranks[order] = np.arange(1, order.size + 1)
    return ranks


def _check_shapes(
    queries_a: np.ndarray,
    queries_b: np.ndarray,
    corpus: np.ndarray,
    query_ids: Sequence[str],
    doc_ids: Sequence[str],
) -> None:
    """Raise InputError unless both query matrices, the corpus and the ids fit together (k: `compare_rankings`)."""
    if queries_a.shape != queries_b.shape:
        raise InputError(f"Query matrices under A and B differ in shape: {queries_a.shape} vs {queries_b.shape}.")
    if queries_a.ndim != 2 or corpus.ndim != 2 or queries_a.shape[1] != corpus.shape[1]:
        raise InputError(f"Queries {queries_a.shape} and corpus {corpus.shape} must be 2-D with the same width.")
    if len(query_ids) != queries_a.shape[0] or len(doc_ids) != corpus.shape[0]:
        raise InputError(
            f"Got {len(query_ids)} query ids for {queries_a.shape[0]} queries "
            f"and {len(doc_ids)} doc ids for {corpus.shape[0]} docs."
        )
