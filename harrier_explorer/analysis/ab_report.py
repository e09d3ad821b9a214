"""Tables of an instruction A/B comparison: what the A/B tab shows and exports, and the benchmark prints.

Pure functions over `ab_test` results (no model, no UI): the per-query side-by-side rankings with rank-change
arrows and relevant documents marked, the per-query metrics table, the long rankings table and the quality summary.
The tab's sentences (the verdict) are made in ui/ab.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import numpy as np
import pandas as pd

from harrier_explorer.analysis.ab_test import (
    ABComparison,
    ABQuality,
    _full_ranks,
    document_changes,
)
from harrier_explorer.analysis.metrics import RETRIEVAL_METRICS, Qrels
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.errors import InputError

#: Prefix of a document labelled relevant for the query, in both rankings.
RELEVANT = "✓ "


def rank_change_label(rank_a: int, rank_b: int, k: int) -> str:
    """How a doc moved from A to B: "new" (enters B's top k), "out" (leaves it), "↑3", "↓2" or "=" (1-based ranks)."""
    if rank_a > k >= rank_b:
        return "new"
    if rank_b > k >= rank_a:
        return f"out (↓{rank_b - rank_a})"
    if rank_a == rank_b:
        return "="
    return f"↑{rank_a - rank_b}" if rank_b < rank_a else f"↓{rank_b - rank_a}"


def side_by_side(comparison: ABComparison, query_index: int, doc_texts: Sequence[str], width: int = 160,
                 relevant: Collection[str] = ()) -> pd.DataFrame:
    """The top k under A and under B next to each other, one row per rank; documents in ``relevant`` (ids) are
    marked ``RELEVANT``.

    Columns: rank, doc under A (id: snippet), score A, doc under B, score B, change (the B doc's move from its A rank).
    """
    k = comparison.k
    order_a, order_b = comparison.order_a[query_index, :k], comparison.order_b[query_index, :k]
    ranks_a = _full_ranks(comparison.order_a[query_index])
    rows = []
    for rank, (ja, jb) in enumerate(zip(order_a, order_b, strict=True), start=1):
        rows.append([rank, _doc(comparison.doc_ids[ja], doc_texts[ja], width, relevant),
                     comparison.scores_a[query_index, ja], _doc(comparison.doc_ids[jb], doc_texts[jb], width, relevant),
                     comparison.scores_b[query_index, jb],
                     rank_change_label(int(ranks_a[jb]), rank, k)])
    return pd.DataFrame(rows, columns=["rank", "under A", "score A", "under B", "score B", "change (B vs A)"])


def changes_table(comparison: ABComparison, query_index: int, doc_texts: Sequence[str], width: int = 120,
                  relevant: Collection[str] = ()) -> pd.DataFrame:
    """`document_changes` for one query with a readable movement label and a text snippet per doc (marked
    ``RELEVANT`` for the ids in ``relevant``)."""
    table = document_changes(comparison, query_index)
    position = {doc_id: j for j, doc_id in enumerate(comparison.doc_ids)}
    table.insert(1, "text", [_mark(d, relevant) + snippet(doc_texts[position[d]], width) for d in table["doc_id"]])
    table.insert(4, "move", [rank_change_label(int(a), int(b), comparison.k)
                             for a, b in zip(table["rank_a"], table["rank_b"], strict=True)])
    return table.drop(columns="rank_change")


def per_query_table(comparison: ABComparison, query_texts: Sequence[str],
                    quality: ABQuality | None = None) -> pd.DataFrame:
    """One row per query: agreement of A and B (overlap@k, Kendall tau, RBO, top-1 scores) and, with labels,
    every retrieval metric under A and B plus the outcome of `quality.metric` (win / tie / loss for B)."""
    table = comparison.per_query.copy()
    table.columns = [f"overlap@{comparison.k}", "kendall_tau", "rbo", "top1_score_a", "top1_score_b"]
    table.insert(0, "query", list(query_texts))
    if quality is not None:
        for metric in RETRIEVAL_METRICS:
            label = quality.scores_a.label(metric)
            table[f"{label} A"] = quality.scores_a.per_query[metric]
            table[f"{label} B"] = quality.scores_b.per_query[metric]
        a = quality.scores_a.per_query[quality.metric]
        b = quality.scores_b.per_query[quality.metric]
        outcome = np.where(np.isclose(a, b, rtol=0.0, atol=1e-12), "tie", np.where(b > a, "win", "loss"))
        table["B vs A"] = pd.Series(outcome, index=a.index)
        table["B vs A"] = table["B vs A"].fillna("no relevant doc")
    return table.rename_axis("query_id").reset_index()


def agreement_summary(comparison: ABComparison) -> pd.DataFrame:
    """Mean and median over queries of overlap@k, Kendall tau and RBO (NaN taus ignored)."""
    per_query = comparison.per_query
    rows = [[f"overlap@{comparison.k}", *_mean_median(per_query["overlap"])],
            [f"Kendall τ (union of top {comparison.k})", *_mean_median(per_query["kendall_tau"])],
            ["RBO (p = 0.9)", *_mean_median(per_query["rbo"])]]
    return pd.DataFrame(rows, columns=["agreement of A and B", "mean", "median"])


def quality_table(quality: ABQuality) -> pd.DataFrame:
    """Mean of every retrieval metric under A and B, and B − A."""
    rows = [[quality.scores_a.label(m), quality.scores_a.means[m], quality.scores_b.means[m],
             quality.scores_b.means[m] - quality.scores_a.means[m]] for m in RETRIEVAL_METRICS]
    return pd.DataFrame(rows, columns=["metric", "A", "B", "B − A"])


def rankings_table(comparison: ABComparison, depth: int | None = None) -> pd.DataFrame:
    """Both rankings in long form (query_id, side, rank, doc_id, score), `depth` deep (default k)."""
    depth = comparison.k if depth is None else depth
    rows = [(qid, side, rank, comparison.doc_ids[j], float(scores[i, j]))
            for side, order, scores in (("A", comparison.order_a, comparison.scores_a),
                                        ("B", comparison.order_b, comparison.scores_b))
            for i, qid in enumerate(comparison.query_ids)
            for rank, j in enumerate(order[i, :depth], start=1)]
    return pd.DataFrame(rows, columns=["query_id", "side", "rank", "doc_id", "score"])


def qrels_from_pairs(pairs: Iterable[Sequence[object]], query_ids: Sequence[str], doc_ids: Sequence[str]) -> Qrels:
    """Relevance labels from (query_id, doc_id) rows typed in the UI; blank rows are skipped.

    Raises:
        InputError: a row names a query or a doc that is not loaded (the message lists a few).
    """
    known_queries, known_docs = set(query_ids), set(doc_ids)
    qrels: dict[str, dict[str, int]] = {}
    unknown: list[str] = []
    for row in pairs:
        query_id, doc_id = (str(v).strip() if v is not None else "" for v in (list(row) + ["", ""])[:2])
        if not query_id and not doc_id:
            continue
        if query_id not in known_queries or doc_id not in known_docs:
            unknown.append(f"({query_id!r}, {doc_id!r})")
            continue
        qrels.setdefault(query_id, {})[doc_id] = 1
    if unknown:
        raise InputError(f"{len(unknown)} relevance rows name a query or doc id that is not loaded: "
                         f"{', '.join(unknown[:3])}. Query ids look like {query_ids[0]!r}, "
                         f"doc ids like {doc_ids[0]!r}.")
    return qrels


def toggle_label(rows: Iterable[Sequence[object]], query_id: str, doc_id: str) -> tuple[list[list[str]], bool]:
    """The typed (query_id, doc_id) rows with this pair added, or removed if it was there; blank rows dropped.
    Returns (rows, whether the pair is now marked relevant)."""
    pairs = [[str(r[0]).strip(), str(r[1]).strip()] for r in rows
             if len(r) >= 2 and r[0] is not None and r[1] is not None and str(r[0]).strip() and str(r[1]).strip()]
    if [query_id, doc_id] in pairs:
        return [p for p in pairs if p != [query_id, doc_id]], False
    return [*pairs, [query_id, doc_id]], True


def _mean_median(values: pd.Series) -> list[float]:
    values = values.dropna()
    return [float(values.mean()), float(values.median())] if len(values) else [float("nan")] * 2


def _doc(doc_id: str, text: str, width: int, relevant: Collection[str]) -> str:
    return f"{_mark(doc_id, relevant)}{doc_id}: {snippet(text, width)}"


def _mark(doc_id: str, relevant: Collection[str]) -> str:
    return RELEVANT if doc_id in relevant else ""
