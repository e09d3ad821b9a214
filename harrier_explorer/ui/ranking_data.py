"""Queries, a corpus and relevance labels: their components, loaded and checked — what the ranking tabs (Instruction
A/B, Instruction lab) take — and the corpus embedded once per session."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr
import pandas as pd

from harrier_explorer.analysis import ab_report
from harrier_explorer.analysis.metrics import Qrels
from harrier_explorer.backend.core import Backend, EncodeResult
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.pairs import parse_qrels
from harrier_explorer.inputs.parsing import LoadResult
from harrier_explorer.ui.common import (
    TextSource,
    load_text_source,
    markdown_text,
    progress_to,
    text_source,
    whole_number,
)
from harrier_explorer.ui.forms import TextInput

LABELS_HELP = ("Upload qrels (TSV/CSV `query_id, doc_id[, relevance]` or BEIR JSONL) and/or type `query_id, doc_id` "
               "pairs of relevant documents below. Pasted items have ids `paste:1`, `paste:2`, …; uploaded ones use "
               "the id column or `<file>:<n>`.")


@dataclass
class RankingInputsLayout:
    """The components of a ranking tab's data; ``labels`` is the labels section, open to more components."""

    queries: TextSource
    corpus: TextSource
    labels: gr.Accordion
    qrels_file: gr.File
    qrels_rows: gr.Dataframe


def ranking_inputs(prefix: str, max_file_mb: float, lines: int = 4, labels_title: str = "Relevance labels",
                   labels_help: str = "") -> RankingInputsLayout:
    """Queries and corpus side by side (``#<prefix>-queries``, ``#<prefix>-corpus``), then a closed labels section
    with a qrels file (``#<prefix>-qrels``) and typed pairs."""
    with gr.Row():
        with gr.Column(elem_id=f"{prefix}-queries"):
            queries = text_source("Queries", placeholder="One query per line", lines=lines, max_file_mb=max_file_mb)
        with gr.Column(elem_id=f"{prefix}-corpus"):
            corpus = text_source("Corpus", placeholder="One document per line", lines=lines, max_file_mb=max_file_mb)
    with gr.Accordion(labels_title, open=False) as labels:
        gr.Markdown(" ".join(filter(None, (LABELS_HELP, labels_help))))
        with gr.Row():
            qrels_file = gr.File(label="qrels file", file_types=[".tsv", ".csv", ".txt", ".jsonl"], height=90,
                                 elem_id=f"{prefix}-qrels")
            qrels_rows = gr.Dataframe(headers=["query_id", "doc_id"], row_count=2, column_count=2,
                                      interactive=True, label="relevant (query_id, doc_id)")
    return RankingInputsLayout(queries, corpus, labels, qrels_file, qrels_rows)


def toggle_typed_label(rows, query_id: str, doc_id: str, query_label: str, rerun: str) -> tuple[pd.DataFrame, str]:
    """A clicked document toggled as relevant to ``query_id`` in the typed labels (``rows``, the labels table's
    value): (the new table, a status line saying so — the labels section may be closed — and how to score with it)."""
    table = rows.values.tolist() if isinstance(rows, pd.DataFrame) else (rows or [])
    pairs, marked = ab_report.toggle_label(table, query_id, doc_id)
    what = "marked relevant to" if marked else "no longer marked relevant to"
    note = (f"Document {markdown_text(doc_id)} {what} {query_label} ({len(pairs)} typed labels, under Relevance "
            f"labels): {rerun} again to score with them.")
    return pd.DataFrame(pairs or [["", ""]], columns=["query_id", "doc_id"]), note


@dataclass(frozen=True)
class RankingData:
    """What a ranking action takes: the queries, the corpus, relevance labels (optional) and the depth k."""

    queries: TextInput = field(default_factory=TextInput, metadata={"doc": "the queries"})
    corpus: TextInput = field(default_factory=TextInput, metadata={"doc": "the documents ranked"})
    qrels_file: str | None = field(default=None, metadata={
        "doc": "relevance labels (optional): TSV/CSV rows 'query_id, doc_id[, relevance]' or BEIR JSONL; pasted "
               "items have ids paste:1, paste:2, …, uploaded ones the id column or '<file>:<n>'"})
    qrels_rows: pd.DataFrame | list | None = field(default=None, metadata={
        "doc": "more relevance labels (optional): a table of (query_id, doc_id) pairs of relevant documents"})
    k: int = field(default=10, metadata={"doc": "top-k depth of the rankings (lowered to the corpus size)"})
    #: The session's last run of the tab (gr.State; an API call has none): its corpus vectors (``docs_encoded``) are
    #: reused when the corpus is unchanged.
    previous: object | None = None


@dataclass(frozen=True)
class RankingInputs:
    """A RankingData loaded and checked."""

    queries: LoadResult
    docs: LoadResult
    qrels: Qrels | None
    k: int
    notes: tuple[str, ...]


def load_ranking_data(backend: Backend, data: RankingData) -> RankingInputs:
    queries = load_text_source(backend, "Queries", data.queries)
    docs = load_text_source(backend, "Corpus", data.corpus)
    _require_unique(queries.ids, "query")
    _require_unique(docs.ids, "document")
    if len(docs.records) < 2:
        raise InputError("The corpus needs at least 2 documents to rank.")
    notes = [*queries.notes, *docs.notes]
    qrels = _qrels(backend, data, queries.ids, docs.ids, notes)
    k = whole_number(data.k, "k (top-k depth)", 1)
    if k > len(docs.records):
        notes.append(f"k lowered from {k} to the corpus size, {len(docs.records)}.")
        k = len(docs.records)
    return RankingInputs(queries, docs, qrels, k, tuple(notes))


def corpus_vectors(backend: Backend, previous: EncodeResult | None, docs: LoadResult, progress) -> EncodeResult:
    """The corpus embeddings (role document): the previous run's when the same documents were embedded, else fresh
    (cache-backed)."""
    prefix = backend.prompt(None, "document")
    if previous is not None and previous.prompts == [prefix + t for t in docs.texts]:
        old = previous
        return EncodeResult(old.vectors, old.n_tokens, old.truncated, old.prompts, cached=len(old.prompts))
    return backend.encode(docs.texts, None, "document", progress_to(progress, "Embedding the corpus"))


def _qrels(backend: Backend, data: RankingData, query_ids: list[str], doc_ids: list[str],
           notes: list[str]) -> Qrels | None:
    """Labels from the uploaded file and the typed table together; None when there are none. A file whose ids
    match none of the loaded queries or documents is refused; a partial match is reported."""
    qrels: dict[str, dict[str, int]] = {}
    if data.qrels_file:
        path = Path(data.qrels_file if isinstance(data.qrels_file, str) else data.qrels_file.name)
        from_file = parse_qrels(path, backend.settings.max_file_mb)
        notes.append(_match_or_refuse(path.name, from_file, query_ids, doc_ids))
        for qid, docs in from_file.items():
            qrels.setdefault(qid, {}).update(docs)
    rows = data.qrels_rows.values.tolist() if isinstance(data.qrels_rows, pd.DataFrame) else (data.qrels_rows or [])
    for qid, docs in ab_report.qrels_from_pairs(rows, query_ids, doc_ids).items():
        qrels.setdefault(qid, {}).update(docs)
    return qrels or None


def _match_or_refuse(name: str, qrels: Qrels, query_ids: list[str], doc_ids: list[str]) -> str:
    """How many of a qrels file's query and doc ids are loaded; InputError when none of either is."""
    labelled_docs = {d for docs in qrels.values() for d in docs}
    queries_hit, docs_hit = len(set(qrels) & set(query_ids)), len(labelled_docs & set(doc_ids))
    if not queries_hit or not docs_hit:
        what, example, loaded = (("query", next(iter(qrels)), query_ids[0]) if not queries_hit
                                 else ("doc", next(iter(labelled_docs)), doc_ids[0]))
        raise InputError(f"None of the {len(qrels) if not queries_hit else len(labelled_docs)} labelled {what} ids "
                         f"in {name} is loaded (it names e.g. {example!r}; loaded {what} ids look like "
                         f"{loaded!r}): check the id columns of the queries and the corpus.")
    return (f"Labels from {name}: {queries_hit} of {len(qrels)} labelled query ids and {docs_hit} of "
            f"{len(labelled_docs)} labelled doc ids match the loaded queries and corpus.")


def _require_unique(ids: list[str], what: str) -> None:
    duplicate, count = Counter(ids).most_common(1)[0]
    if count > 1:
        raise InputError(f"Each {what} needs its own id; {duplicate!r} appears more than once.")
