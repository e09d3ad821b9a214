"""Instruction sweep: one metric per (instruction, query), for a heatmap of which instruction suits which query.

The metric depends on what is available: retrieval quality when qrels exist, agreement with the
no-instruction ranking when a baseline is given, else the top-1 similarity score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from harrier_explorer.analysis.metrics import RETRIEVAL_METRICS, Qrels, evaluate_rankings, rank_corpus
from harrier_explorer.analysis.rank_agreement import overlap_at_k
from harrier_explorer.errors import InputError

#: Metrics a sweep can report besides RETRIEVAL_METRICS.
OVERLAP = "overlap"
TOP1 = "top1"


@dataclass(frozen=True)
class SweepResult:
    """values.loc[instruction, query_id] = metric of that query under that instruction.

    NaN marks a query the metric cannot score (with qrels: no relevant doc).
    """

    values: pd.DataFrame
    metric: str
    k: int


def sweep_instructions(
    instruction_queries: Mapping[str, np.ndarray],
    corpus: np.ndarray,
    query_ids: Sequence[str],
    doc_ids: Sequence[str],
    qrels: Qrels | None = None,
    baseline: np.ndarray | None = None,
    metric: str | None = None,
    k: int = 10,
) -> SweepResult:
    """Compute a metric for every instruction × query.

    Args:
        instruction_queries: instruction label -> (m, d) L2-normalised query embeddings under it (same queries).
        corpus: (n, d) L2-normalised document embeddings; doc_ids names its rows.
        query_ids: m ids, in row order.
        qrels: relevance labels, needed for "ndcg", "mrr", "recall" (cutoff k).
        baseline: (m, d) query embeddings without instruction, needed for "overlap" (overlap@k with its ranking).
        metric: one of "ndcg", "mrr", "recall", "overlap", "top1"; default "ndcg" with qrels, else "overlap"
            with a baseline, else "top1".
        k: cutoff of every metric but "top1".
    """
    metric = metric or ("ndcg" if qrels is not None else OVERLAP if baseline is not None else TOP1)
    _check_inputs(instruction_queries, corpus, query_ids, doc_ids, qrels, baseline, metric, k)
    baseline_top = rank_corpus(baseline, corpus)[0][:, :k] if metric == OVERLAP else None
    rows = {}
    for label, queries in instruction_queries.items():
        order, scores = rank_corpus(queries, corpus)
        if metric == TOP1:
            rows[label] = scores.max(axis=1)
        elif metric == OVERLAP:
            rows[label] = [overlap_at_k(a, b, k) for a, b in zip(order[:, :k], baseline_top, strict=True)]
        else:
            rankings = {qid: [doc_ids[j] for j in row[:k]] for qid, row in zip(query_ids, order, strict=True)}
            per_query = evaluate_rankings(rankings, qrels, k, k).per_query[metric]
            rows[label] = per_query.reindex(query_ids).to_numpy()
    values = pd.DataFrame.from_dict(rows, orient="index", columns=list(query_ids), dtype=float)
    return SweepResult(values, metric, k)


def _check_inputs(
    instruction_queries: Mapping[str, np.ndarray],
    corpus: np.ndarray,
    query_ids: Sequence[str],
    doc_ids: Sequence[str],
    qrels: Qrels | None,
    baseline: np.ndarray | None,
    metric: str,
    k: int,
) -> None:
    """Raise InputError unless the metric's requirements and all shapes fit together."""
    if not instruction_queries:
        raise InputError("A sweep needs at least one instruction.")
    if metric not in (*RETRIEVAL_METRICS, OVERLAP, TOP1):
        raise InputError(f"Unknown sweep metric {metric!r}; choose one of {[*RETRIEVAL_METRICS, OVERLAP, TOP1]}.")
    if metric in RETRIEVAL_METRICS and qrels is None:
        raise InputError(f"The sweep metric {metric!r} needs relevance labels (qrels).")
    if metric == OVERLAP and baseline is None:
        raise InputError("The sweep metric 'overlap' needs baseline (no-instruction) query embeddings.")
    expected = (len(query_ids), corpus.shape[1])
    shapes = {label: q.shape for label, q in instruction_queries.items()}
    if baseline is not None:
        shapes["(baseline)"] = baseline.shape
    wrong = {label: shape for label, shape in shapes.items() if shape != expected}
    if wrong:
        raise InputError(f"Query embeddings must have shape {expected} (queries × corpus width); got {wrong}.")
    if len(doc_ids) != corpus.shape[0]:
        raise InputError(f"Got {len(doc_ids)} doc ids for {corpus.shape[0]} docs.")
    if not 1 <= k <= corpus.shape[0]:
        raise InputError(f"k must be between 1 and the corpus size {corpus.shape[0]}, got {k}.")
