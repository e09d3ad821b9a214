"""Handlers of the cross-lingual search tab: embed queries and corpus, rank, and render every view of the result."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr
import pandas as pd

from harrier_explorer.analysis import search as ranking
from harrier_explorer.backend.core import Backend
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.language import language_name, resolve_languages
from harrier_explorer.inputs.parsing import LoadResult
from harrier_explorer.models import NO_INSTRUCTION
from harrier_explorer.ui.common import (
    example_path,
    export_table,
    instruction_value,
    language_summary,
    load_text_source,
    progress_to,
)
from harrier_explorer.ui.forms import TextInput
from harrier_explorer.ui.search.plots import bias_figure, distribution_figure

MAX_QUERIES = 4
PER_LANGUAGE_K = 3
INSTRUCTION_DOC = ("put on the queries (documents stay in the model's document format): free text, a preset name "
                   "(e.g. 'retrieval (web)'), a preset's label ('name: task'), a prompt name saved with the model "
                   "(e.g. 'web_search_query'), '(none)' or '(raw text)'; the tab preselects the family's retrieval "
                   "preset")
#: Headers of the ranked tables (two per row): the text gets most of the width, the label (when given) a little.
RANKED_HEADERS = {"rank": "#", "language": "lang"}
RANKED_WIDTHS = {4: ["7%", "12%", "9%", "72%"], 5: ["7%", "12%", "9%", "57%", "15%"]}


@dataclass(frozen=True)
class SearchRequest:
    queries: str = field(default="", metadata={
        "doc": f"one query per line, 1 to {MAX_QUERIES} (typically one question in several languages)"})
    instruction: str = field(default=NO_INSTRUCTION, metadata={"doc": INSTRUCTION_DOC})
    k: int = field(default=5, metadata={"doc": "hits kept per query (clamped to the corpus size)"})
    corpus: TextInput = field(default_factory=TextInput, metadata={"doc": "the documents searched"})


@dataclass(frozen=True)
class SearchResult:
    """Everything the tab shows after a search; hits_N is query N's ranked table (hidden beyond the queries given)."""

    status: str
    hits_1: object
    hits_2: object
    hits_3: object
    hits_4: object
    parity: pd.DataFrame  # overlap@k and Kendall tau of every query pair
    by_language: pd.DataFrame  # each query's best hits within each document language
    bias: object  # plotly figure
    distribution: object  # plotly figure
    download: str  # CSV path of every query's hits


def parse_queries(text: str) -> list[str]:
    """One query per non-blank line, 1 to MAX_QUERIES of them."""
    queries = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not queries:
        raise InputError("Type at least one query (one per line, e.g. one question in several languages).")
    if len(queries) > MAX_QUERIES:
        raise InputError(f"Up to {MAX_QUERIES} queries side by side, got {len(queries)}: remove some lines.")
    return queries


def corpus_frame(load: LoadResult, languages: list[str], *, ids: bool) -> pd.DataFrame:
    """The columns shown for each hit: language, text, the id (``ids``, when the input named them), the label."""
    frame = pd.DataFrame({"language": languages, "text": load.texts})
    if ids and any(not r.id.startswith(f"{r.source}:") for r in load.records):  # from an id column, not numbered
        frame["id"] = load.ids
    if any(r.label for r in load.records):
        frame["label"] = [r.label or "" for r in load.records]
    return frame


def _ranked_table(hits: ranking.Hits, corpus: pd.DataFrame, label: str) -> gr.Dataframe:
    frame = ranking.ranked_frame(hits, corpus).round(3).rename(columns=RANKED_HEADERS)
    return gr.Dataframe(value=frame, visible=True, label=label, column_widths=RANKED_WIDTHS[frame.shape[1]])


def run_search(backend: Backend, request: SearchRequest, progress=gr.Progress()) -> SearchResult:
    """Rank one corpus for up to four queries (typically one question in several languages) and compare the
    rankings: each query's top-k, translation parity (overlap@k, Kendall tau), hits per document language,
    same-language bias and the score distributions. Queries get the instruction; documents are embedded bare."""
    queries = parse_queries(request.queries)
    load = load_text_source(backend, "The corpus", request.corpus)
    task = instruction_value(request.instruction)
    q = backend.encode(queries, task, "query", progress_to(progress, "Embedding queries"))
    d = backend.encode(load.texts, task, "document", progress_to(progress, "Embedding the corpus"))
    result = ranking.search(q.vectors, d.vectors, int(request.k))
    doc_languages = resolve_languages(load.texts, load.langs)
    query_languages = resolve_languages(queries)
    names = [f"Q{i + 1} ({lang})" for i, lang in enumerate(query_languages)]
    shown = corpus_frame(load, doc_languages, ids=False)

    tables = [_ranked_table(hits, shown, f"{name} {language_name(lang)}: {text}")
              for name, lang, text, hits in zip(names, query_languages, queries, result.hits, strict=True)]
    tables += [gr.Dataframe(value=None, visible=False)] * (MAX_QUERIES - len(queries))
    parity = (ranking.parity_frame(ranking.translation_parity(result), names).round(3) if len(queries) > 1
              else pd.DataFrame({"note": ["Translation parity compares queries: give two or more."]}))
    bias = ranking.bias_frame(result, doc_languages, query_languages, names)
    notes = "".join(f"\n- {html.escape(note)}" for note in load.notes)
    prompts = (f"Queries embedded as {html.escape(repr(backend.prompt(task, 'query')))} + query, documents as "
               f"{html.escape(repr(backend.prompt(task, 'document')))} + document.")
    status = (f"**{len(queries)} quer{'y' if len(queries) == 1 else 'ies'} × {len(load.texts)} documents, "
              f"top-{result.k}.** Queries: {q.summary}. Corpus: {d.summary}.\n\n{prompts}\n\n"
              f"Corpus languages: {language_summary(doc_languages)}.{notes}")
    exported = ranking.results_frame(result, corpus_frame(load, doc_languages, ids=True), queries)
    return SearchResult(
        status, *tables, parity=parity,
        by_language=ranking.language_hits_frame(result, doc_languages, shown, names, PER_LANGUAGE_K).round(3),
        bias=bias_figure(bias), distribution=distribution_figure(result, names),
        download=export_table(exported, "search_results.csv"))


@dataclass(frozen=True)
class SearchExample:
    corpus_paste: str
    corpus_files: list[str]
    queries: str


def load_example() -> SearchExample:
    """126 FLORES sentences in 4 languages (a TSV with id and topic columns) and one question in those languages."""
    queries = Path(example_path("search_queries.txt")).read_text(encoding="utf-8")
    return SearchExample("", [example_path("search_corpus.tsv")], queries)
