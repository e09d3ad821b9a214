"""Handlers of the Instruction A/B tab: compare two instructions, show one query, sweep many (layout in layout.py).

The corpus is embedded once, bare (role "document"); the queries under A and under B (role "query"). The compare
and sweep actions each take the whole input (queries, corpus, labels), so a script needs no session; within a
session the last run's corpus vectors are reused, and the embedding cache makes a repeat of any run cheap. With a
model B the compare action embeds everything with B too and grids the four rankings (model_b.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import gradio as gr
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
from harrier_explorer.backend.core import Backend, EncodeResult
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.parsing import LoadResult
from harrier_explorer.models import NO_INSTRUCTION
from harrier_explorer.ui.ab import plots, present
from harrier_explorer.ui.ab.model_b import ModelBRun, ModelBViews, model_b_views
from harrier_explorer.ui.common import (
    INSTRUCTION_FORMS,
    export_table,
    instruction_value,
    markdown_text,
    progress_to,
)
from harrier_explorer.ui.ranking_data import RankingData, corpus_vectors, load_ranking_data, toggle_typed_label
from harrier_explorer.workflows.model_b import model_b_ref

#: Most instructions one sweep takes (each one embeds every query again).
MAX_SWEEP = 20
QUERY_INSTRUCTION = f"put on every query (the corpus stays in the model's document format): {INSTRUCTION_FORMS}"
MODEL_B_DOC = ("model B (the page's 'Compare with model B'): a Hugging Face id, folder, http(s)://…/v1 server or a "
               "?dim= / ?dtype= variant; empty: model A alone. Model B embeds the same queries under A and B (its own "
               "family's preset where an instruction is one of model A's presets) and the corpus; the result adds a "
               "model × instruction grid: with labels nDCG@10 / MRR@10 per cell and a paired test of every two "
               "cells, else how much the cells' rankings agree")


@dataclass(frozen=True)
class ABRun:
    """Everything one comparison produced; kept in the session for the per-query view and the next run."""

    queries: LoadResult
    docs: LoadResult
    docs_encoded: EncodeResult
    under_a: EncodeResult
    under_b: EncodeResult
    comparison: ABComparison
    quality: ABQuality | None
    qrels: Qrels | None
    model_b: ModelBRun | None = None


@dataclass(frozen=True)
class ABRequest(RankingData):
    instruction_a: str = field(default=NO_INSTRUCTION, metadata={"doc": f"instruction A, {QUERY_INSTRUCTION}"})
    instruction_b: str = field(default=NO_INSTRUCTION, metadata={"doc": f"instruction B, {QUERY_INSTRUCTION}"})
    model_b: str = field(default="", metadata={"doc": MODEL_B_DOC})


@dataclass(frozen=True)
class QueryRequest:
    run: ABRun | None = None  # the session's last comparison (gr.State)
    query: str | None = field(default=None, metadata={
        "doc": "the query to show: its id (e.g. 'paste:2') or its name Q1, Q2, … from the last /ab_compare of "
               "this session"})


@dataclass(frozen=True)
class SweepRequest(RankingData):
    instructions: str = field(default=NO_INSTRUCTION, metadata={
        "doc": f"the instructions to try, one per line (at most {MAX_SWEEP}), each {INSTRUCTION_FORMS}"})


@dataclass(frozen=True)
class QueryResult:
    """One query's view: both top k side by side, every document's move, and the exact strings embedded."""

    side_by_side: pd.DataFrame
    changes: pd.DataFrame
    strings: pd.DataFrame


@dataclass(frozen=True)
class ABResult:
    run: ABRun
    summary: str  # Markdown: what was embedded, from cache or not, and notes
    verdict: str  # Markdown: which instruction retrieves better (with labels), else how much A and B agree
    side_by_side: pd.DataFrame  # the first query's view (see QueryResult)
    changes: pd.DataFrame
    strings: pd.DataFrame
    agreement: pd.DataFrame  # mean and median overlap@k, Kendall τ, RBO
    quality: pd.DataFrame  # nDCG / MRR / Recall under A and B (empty without labels)
    per_query: pd.DataFrame
    score_shift: object  # plotly figure
    per_query_csv: str
    rankings_csv: str
    # Model B (empty without one): which model B, what it got and embedded, and the model × instruction grid.
    model_b_status: str = ""
    grid: pd.DataFrame | None = None  # with labels nDCG / MRR per model and instruction, else agreement with A·A
    grid_pairs: pd.DataFrame | None = None  # every two cells: paired test per metric (labels), else agreement


@dataclass(frozen=True)
class SweepResult:
    summary: str  # Markdown: the metric and what was adapted
    heatmap: object  # plotly figure, queries named Q1 … Qn
    values: pd.DataFrame  # one row per query (Q1 … Qn, its text), one column per instruction
    values_csv: str  # the same with the query ids as columns


def run_ab(backend: Backend, request: ABRequest, progress) -> ABResult:
    """Rank one corpus with the queries embedded under instruction A and under instruction B: both rankings per
    query with rank and score moves, their agreement (overlap@k, Kendall τ, RBO), the score shift, and with
    relevance labels nDCG@10 / MRR@10 / Recall@k of each side with a paired significance test."""
    data = load_ranking_data(backend, request)
    task_a, task_b = instruction_value(request.instruction_a), instruction_value(request.instruction_b)
    if task_a == task_b:
        gr.Warning("A and B are the same instruction: the rankings will be identical.")
    docs_encoded = corpus_vectors(backend, _previous_docs(request), data.docs, progress)
    under_a = backend.encode(data.queries.texts, task_a, "query", progress_to(progress, "Embedding queries under A"))
    under_b = backend.encode(data.queries.texts, task_b, "query", progress_to(progress, "Embedding queries under B"))
    comparison = compare_instructions(under_a.vectors, under_b.vectors, docs_encoded.vectors, data.queries.ids,
                                      data.docs.ids, data.k)
    notes = list(data.notes)
    quality = _quality(comparison, data.qrels, notes)
    b = ModelBViews()
    if ref_b := model_b_ref(backend, request.model_b):
        b = model_b_views(backend, ref_b, (task_a, task_b), data.queries, data.docs, comparison,
                          data.qrels if quality else None, progress)
    run = ABRun(data.queries, data.docs, docs_encoded, under_a, under_b, comparison, quality, data.qrels, b.run)
    summary = present.summary([f"**Corpus** (role document, embedded once): {docs_encoded.summary}",
                               f"**Queries under A**, {markdown_text(task_a)}: {under_a.summary}",
                               f"**Queries under B**, {markdown_text(task_b)}: {under_b.summary}"], notes)
    per_query = ab_report.per_query_table(comparison, data.queries.texts, quality)
    metric = quality.scores_a.label(quality.metric) if quality else None
    view = show_query(QueryRequest(run, data.queries.ids[0]))
    return ABResult(run, summary, present.headline(comparison, quality), view.side_by_side, view.changes,
                    view.strings, present.rounded(ab_report.agreement_summary(comparison)),
                    present.rounded(ab_report.quality_table(quality)) if quality else pd.DataFrame(),
                    present.rounded(present.per_query_display(per_query, metric)),
                    plots.score_shift_figure(score_shift(comparison), data.k, data.queries.ids),
                    export_table(per_query, "ab_per_query.csv"),
                    export_table(ab_report.rankings_table(comparison), "ab_rankings.csv"), b.status, b.grid,
                    b.grid_pairs)


def query_picker(run: ABRun) -> gr.Dropdown:
    """The query picker after a comparison: every query by name, id and text, on the first one."""
    queries = run.queries
    return gr.Dropdown(choices=present.query_choices(queries.ids, queries.texts), value=queries.ids[0])


def show_query(request: QueryRequest, progress=None) -> QueryResult:
    """One query of this session's last comparison: both top k side by side (relevant documents marked ✓), every
    document's rank and score change, and the exact strings embedded."""
    run = request.run
    if run is None:
        raise InputError("No comparison in this session yet: run Compare A vs B (/ab_compare) first. An API "
                         "client keeps its session between calls; each MCP tool call is a session of its own.")
    i = query_index(run.comparison.query_ids, request.query)
    c, doc_texts = run.comparison, run.docs.texts
    relevant = {d for d, grade in (run.qrels or {}).get(c.query_ids[i], {}).items() if grade > 0}
    top_doc = int(c.order_b[i, 0])
    names = (f"query {c.query_ids[i]} under A", f"query {c.query_ids[i]} under B",
             f"document {c.doc_ids[top_doc]} (top 1 under B)")
    strings = _string_rows(names, (run.under_a, run.under_b, run.docs_encoded), (i, i, top_doc))
    if b := run.model_b:  # the same query and document as model B embedded them
        strings += _string_rows(tuple(f"{name} · model B" for name in names), (b.under_a, b.under_b, b.docs_encoded),
                                (i, i, top_doc))
    return QueryResult(present.rounded(ab_report.side_by_side(c, i, doc_texts, width=110, relevant=relevant)),
                       present.rounded(ab_report.changes_table(c, i, doc_texts, width=110, relevant=relevant)),
                       pd.DataFrame(strings, columns=["what", "exact string embedded", "tokens", "truncated"]))


def mark_relevant(run: ABRun | None, query: str | None, rows, evt: gr.SelectData):
    """A click on a document in the top-k table toggles it as relevant to the shown query in the typed labels; the
    status line says so (the labels section may be closed) and how to score with them."""
    if run is None or evt.index is None or evt.index[1] not in (1, 3):
        return gr.skip(), gr.skip()
    i = query_index(run.comparison.query_ids, query)
    order = run.comparison.order_a if evt.index[1] == 1 else run.comparison.order_b
    doc_id = run.comparison.doc_ids[int(order[i, evt.index[0]])]
    return toggle_typed_label(rows, run.comparison.query_ids[i], doc_id, present.query_name(i),
                              "run Compare A vs B")


def run_sweep(backend: Backend, request: SweepRequest, progress) -> SweepResult:
    """Every listed instruction × every query: nDCG@10 with relevance labels, else overlap@k with the
    no-instruction ranking; a heatmap and a table (queries named Q1 … Qn, as in /ab_compare's per-query table)."""
    labels = list(dict.fromkeys(line.strip() for line in (request.instructions or "").splitlines() if line.strip()))
    if not labels:
        raise InputError("List at least one instruction, one per line ('(none)' means no instruction).")
    if len(labels) > MAX_SWEEP:
        raise InputError(f"{len(labels)} instructions is more than {MAX_SWEEP} per sweep; split the list.")
    data = load_ranking_data(backend, request)
    docs = corpus_vectors(backend, _previous_docs(request), data.docs, progress).vectors
    texts, ids = data.queries.texts, data.queries.ids
    embedded = {label: backend.encode(texts, instruction_value(label), "query",
                                      progress_to(progress, f"Instruction {n}/{len(labels)}")).vectors
                for n, label in enumerate(labels, start=1)}
    if data.qrels:
        result = sweep_instructions(embedded, docs, ids, data.docs.ids, qrels=data.qrels, metric="ndcg",
                                    k=min(10, len(data.docs.ids)))
        metric = f"nDCG@{result.k}"
    else:
        baseline = backend.encode(texts, None, "query", progress_to(progress, "Baseline (no instruction)")).vectors
        result = sweep_instructions(embedded, docs, ids, data.docs.ids, baseline=baseline, metric=OVERLAP, k=data.k)
        metric = f"overlap@{result.k} with no instruction"
    export = result.values.copy()
    export.insert(0, "mean", export.mean(axis=1, skipna=True))
    summary = present.summary([f"**{metric}** of {len(ids)} queries under {len(labels)} instructions (hover a "
                               "cell for its query's id and text)"], data.notes)
    return SweepResult(summary, plots.sweep_heatmap(result, metric, texts),
                       present.rounded(present.sweep_display(result.values, texts)),
                       export_table(export.rename_axis("instruction").reset_index(), "instruction_sweep.csv"))


def _previous_docs(request: RankingData) -> EncodeResult | None:
    return request.previous.docs_encoded if request.previous is not None else None


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


def query_index(query_ids: tuple[str, ...], query: str | None) -> int:
    """The position of a query given by id or by its display name (Q1, Q2, …); InputError otherwise."""
    value = str(query if query is not None else "").strip()
    if value in query_ids:
        return query_ids.index(value)
    names = [present.query_name(i) for i in range(len(query_ids))]
    if value in names:
        return names.index(value)
    raise InputError(f"Pick a query from the list: {value!r} is neither a query id (e.g. {query_ids[0]!r}) nor a "
                     f"name Q1 … Q{len(query_ids)}.")


def _string_rows(names: tuple[str, ...], encoded: tuple[EncodeResult, ...], rows: tuple[int, ...]) -> list[list]:
    """The strings table's rows: each name, the exact string embedded at its row of its EncodeResult, its tokens."""
    return [[name, repr(e.prompts[j]), int(e.n_tokens[j]), _yes(e.truncated[j])]
            for name, e, j in zip(names, encoded, rows, strict=True)]


def _yes(flag) -> str:
    return "yes" if flag else "no"
