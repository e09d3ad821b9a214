"""Handlers of the Instruction A/B tab: embed, compare, show one query, sweep. Layout lives in ab_tab.py.

The corpus is embedded once, bare (role "document"); the queries are embedded under A and under B (role "query").
A run keeps the corpus vectors, so changing only the instructions re-embeds only the queries (and the embedding
cache makes a repeat of any earlier run instant).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import gradio as gr
import numpy as np
import pandas as pd

from harrier_explorer.analysis import ab_report
from harrier_explorer.analysis.ab_test import (
    ABComparison,
    ABQuality,
    compare_instructions,
    compare_quality,
    score_shift,
)
from harrier_explorer.analysis.instruction_sweep import OVERLAP, sweep_instructions
from harrier_explorer.analysis.metrics import Qrels
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.backend.core import Backend, EncodeResult
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.pairs import parse_qrels
from harrier_explorer.inputs.parsing import LoadResult
from harrier_explorer.ui import ab_plots
from harrier_explorer.ui.common import (
    NONE,
    export_table,
    instruction_value,
    load_text_source,
    progress_to,
)

#: Most instructions one sweep takes (each one embeds every query again).
MAX_SWEEP = 20


@dataclass(frozen=True)
class ABRun:
    """Everything one comparison produced; kept in a gr.State for the per-query view and the sweep."""

    queries: LoadResult
    docs: LoadResult
    docs_encoded: EncodeResult
    under_a: EncodeResult
    under_b: EncodeResult
    comparison: ABComparison
    quality: ABQuality | None
    qrels: Qrels | None


def run_ab(backend: Backend, previous: ABRun | None, q_paste, q_files, q_text, q_id, q_label, q_lang, q_split,
           d_paste, d_files, d_text, d_id, d_label, d_lang, d_split, qrels_file, qrels_rows, instruction_a,
           instruction_b, k, progress=gr.Progress()):
    queries = load_text_source(backend, "Queries", q_paste, q_files, q_text, q_id, q_label, q_lang, q_split)
    docs = load_text_source(backend, "Corpus", d_paste, d_files, d_text, d_id, d_label, d_lang, d_split)
    _require_unique(queries.ids, "query")
    _require_unique(docs.ids, "document")
    if len(docs.records) < 2:
        raise InputError("The corpus needs at least 2 documents to rank.")
    qrels = _qrels(backend, qrels_file, qrels_rows, queries.ids, docs.ids)
    notes = list(queries.notes + docs.notes)
    k = int(k)
    if k > len(docs.records):
        notes.append(f"k lowered from {k} to the corpus size, {len(docs.records)}.")
        k = len(docs.records)
    task_a, task_b = instruction_value(instruction_a), instruction_value(instruction_b)
    if task_a == task_b:
        gr.Warning("A and B are the same instruction: the rankings will be identical.")
    docs_encoded = _corpus(backend, previous, docs, progress)
    under_a = backend.encode(queries.texts, task_a, "query", progress_to(progress, "Embedding queries under A"))
    under_b = backend.encode(queries.texts, task_b, "query", progress_to(progress, "Embedding queries under B"))
    comparison = compare_instructions(under_a.vectors, under_b.vectors, docs_encoded.vectors, queries.ids, docs.ids, k)
    quality = _quality(comparison, qrels, notes)
    run = ABRun(queries, docs, docs_encoded, under_a, under_b, comparison, quality, qrels)
    summary = (f"**Corpus** (role document, embedded once): {docs_encoded.summary}  \n"
               f"**Queries under A** ({task_a or NONE}): {under_a.summary}  \n"
               f"**Queries under B** ({task_b or NONE}): {under_b.summary}"
               + "".join(f"  \n_{note}_" for note in notes))
    per_query = ab_report.per_query_table(comparison, queries.texts, quality)
    picker = gr.Dropdown(choices=[(f"{qid}: {snippet(text, 90)}", i) for i, (qid, text)
                                  in enumerate(zip(queries.ids, queries.texts, strict=True))], value=0)
    return (run, summary, _verdict_markdown(run), picker, *show_query(run, 0),
            _rounded(ab_report.agreement_summary(comparison)),
            _rounded(ab_report.quality_table(quality)) if quality else pd.DataFrame(), _rounded(per_query),
            ab_plots.score_shift_figure(score_shift(comparison), k, queries.ids),
            export_table(per_query, "ab_per_query.csv"), export_table(ab_report.rankings_table(comparison),
                                                                       "ab_rankings.csv"))


def show_query(run: ABRun | None, index) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Side-by-side rankings, per-document changes and the exact strings embedded, for one query."""
    if run is None:
        raise InputError("Run the comparison first.")
    if index is None or not 0 <= int(index) < len(run.queries.records):
        raise InputError("Pick a query from the list.")
    i = int(index)
    c, doc_texts = run.comparison, run.docs.texts
    top_doc = int(c.order_b[i, 0])
    strings = [[f"query {c.query_ids[i]} under A", repr(run.under_a.prompts[i]), int(run.under_a.n_tokens[i]),
                _yes(run.under_a.truncated[i])],
               [f"query {c.query_ids[i]} under B", repr(run.under_b.prompts[i]), int(run.under_b.n_tokens[i]),
                _yes(run.under_b.truncated[i])],
               [f"document {c.doc_ids[top_doc]} (top 1 under B)", repr(run.docs_encoded.prompts[top_doc]),
                int(run.docs_encoded.n_tokens[top_doc]), _yes(run.docs_encoded.truncated[top_doc])]]
    return (_rounded(ab_report.side_by_side(c, i, doc_texts, width=110)),
            _rounded(ab_report.changes_table(c, i, doc_texts, width=110)),
            pd.DataFrame(strings, columns=["what", "exact string embedded", "tokens", "truncated"]))


def run_sweep(backend: Backend, run: ABRun | None, lines: str, progress=gr.Progress()):
    """Every listed instruction × every query: nDCG@10 with labels, else overlap@k with the no-instruction ranking."""
    if run is None:
        raise InputError("Run the A/B comparison first: the sweep reuses its queries and corpus.")
    labels = list(dict.fromkeys(line.strip() for line in (lines or "").splitlines() if line.strip()))
    if not labels:
        raise InputError("List at least one instruction, one per line ('(none)' means no instruction).")
    if len(labels) > MAX_SWEEP:
        raise InputError(f"{len(labels)} instructions is more than {MAX_SWEEP} per sweep; split the list.")
    texts = run.queries.texts
    embedded = {label: backend.encode(texts, instruction_value(label), "query",
                                      progress_to(progress, f"Instruction {n}/{len(labels)}")).vectors
                for n, label in enumerate(labels, start=1)}
    c = run.comparison
    if run.qrels:
        result = sweep_instructions(embedded, run.docs_encoded.vectors, c.query_ids, c.doc_ids, qrels=run.qrels,
                                    metric="ndcg", k=min(10, len(c.doc_ids)))
        metric_label = f"nDCG@{result.k}"
    else:
        baseline = backend.encode(texts, None, "query", progress_to(progress, "Baseline (no instruction)")).vectors
        result = sweep_instructions(embedded, run.docs_encoded.vectors, c.query_ids, c.doc_ids, baseline=baseline,
                                    metric=OVERLAP, k=c.k)
        metric_label = f"overlap@{result.k} with no instruction"
    table = result.values.copy()
    table.insert(0, "mean", table.mean(axis=1, skipna=True))
    table = table.rename_axis("instruction").reset_index()
    return (ab_plots.sweep_heatmap(result, metric_label, texts), _rounded(table),
            export_table(table, "instruction_sweep.csv"))


def _corpus(backend: Backend, previous: ABRun | None, docs: LoadResult, progress) -> EncodeResult:
    """The corpus embeddings: the previous run's when the same documents were embedded, else fresh (cache-backed)."""
    prefix = backend.prompt(None, "document")
    if previous is not None and previous.docs_encoded.prompts == [prefix + t for t in docs.texts]:
        old = previous.docs_encoded
        return EncodeResult(old.vectors, old.n_tokens, old.truncated, old.prompts, cached=len(old.prompts))
    return backend.encode(docs.texts, None, "document", progress_to(progress, "Embedding the corpus"))


def _qrels(backend: Backend, qrels_file, qrels_rows, query_ids: list[str], doc_ids: list[str]) -> Qrels | None:
    """Labels from the uploaded file and the typed table together; None when there are none."""
    qrels: dict[str, dict[str, int]] = {}
    if qrels_file:
        path = qrels_file if isinstance(qrels_file, str) else qrels_file.name
        for qid, docs in parse_qrels(path, backend.settings.max_file_mb).items():
            qrels.setdefault(qid, {}).update(docs)
    rows = qrels_rows.values.tolist() if isinstance(qrels_rows, pd.DataFrame) else (qrels_rows or [])
    for qid, docs in ab_report.qrels_from_pairs(rows, query_ids, doc_ids).items():
        qrels.setdefault(qid, {}).update(docs)
    if qrels and not set(qrels) & set(query_ids):
        raise InputError(f"None of the {len(qrels)} labelled query ids matches a loaded query "
                         f"(labels name e.g. {next(iter(qrels))!r}, queries are e.g. {query_ids[0]!r}).")
    return qrels or None


def _quality(comparison: ABComparison, qrels: Qrels | None, notes: list[str]) -> ABQuality | None:
    if not qrels:
        return None
    labelled = [qid for qid in comparison.query_ids if any(g > 0 for g in qrels.get(qid, {}).values())]
    if len(labelled) < 2:
        notes.append(f"Only {len(labelled)} query has a relevant document: quality figures need at least 2.")
        return None
    quality = compare_quality(comparison, qrels, metric="ndcg", k=min(10, len(comparison.doc_ids)),
                              recall_k=comparison.k)
    if quality.scores_a.n_excluded:
        notes.append(f"{quality.scores_a.n_excluded} queries have no relevant document and are left out of the "
                     "quality figures.")
    return quality


def _verdict_markdown(run: ABRun) -> str:
    if run.quality is None:
        mean_overlap = float(np.mean(run.comparison.per_query["overlap"]))
        return (f"### A and B share {mean_overlap:.0%} of their top {run.comparison.k} on average\n"
                "Add relevance labels (a qrels file or the table) to see which instruction retrieves better.")
    return f"### {ab_report.verdict(run.quality)}"


def _require_unique(ids: list[str], what: str) -> None:
    duplicate, count = Counter(ids).most_common(1)[0]
    if count > 1:
        raise InputError(f"Each {what} needs its own id; {duplicate!r} appears more than once.")


def _rounded(table: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    """For display: float columns as float64 rounded to `digits` (float32 would show as 0.8801000118255615)."""
    floats = table.select_dtypes("floating").columns
    return table.astype({column: float for column in floats}).round(digits)


def _yes(flag) -> str:
    return "yes" if flag else "no"
