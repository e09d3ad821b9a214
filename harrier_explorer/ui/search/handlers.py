"""Handlers of the cross-lingual search tab: embed queries and corpus, rank, and render every view of the result."""

from __future__ import annotations

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
    INSTRUCTION_FORMS,
    example_path,
    export_table,
    instruction_value,
    language_summary,
    load_text_source,
    markdown_text,
    progress_to,
    whole_number,
)
from harrier_explorer.ui.embedded import strings_frame
from harrier_explorer.ui.forms import TextInput
from harrier_explorer.ui.search.plots import bias_figure, distribution_figure

MAX_QUERIES = 4
PER_LANGUAGE_K = 3
INSTRUCTION_DOC = (f"put on the queries (role query; documents keep the model's document format): {INSTRUCTION_FORMS}. "
                   "The tab preselects the family's retrieval preset (Harrier: 'retrieval (web)', EmbeddingGemma: "
                   "'retrieval'); /model_info lists the model's saved prompts")
#: Short headers, and the widths (%) of the narrow columns of the result tables: the text gets the rest.
SHORT_HEADERS = {"rank": "#", "language": "lang"}
NARROW_COLUMNS = {"query": 10, "#": 5, "score": 11, "lang": 9, "label": 18}


@dataclass(frozen=True)
class SearchRequest:
    queries: str = field(default="", metadata={
        "doc": f"one query per line, 1 to {MAX_QUERIES} (typically one question in several languages)"})
    instruction: str = field(default=NO_INSTRUCTION, metadata={"doc": INSTRUCTION_DOC})
    k: int = field(default=5, metadata={"doc": "hits kept per query, 1 to 50 (clamped to the corpus size)"})
    corpus: TextInput = field(default_factory=TextInput)  # the documents searched


@dataclass(frozen=True)
class SearchResult:
    """Everything the tab shows after a search; hits_N is query N's ranked table (empty beyond the queries given)."""

    status: str
    strings: pd.DataFrame  # the exact strings embedded: every query and the first document
    hits_1: pd.DataFrame
    hits_2: pd.DataFrame | None
    hits_3: pd.DataFrame | None
    hits_4: pd.DataFrame | None
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


def ranked_table(hits: ranking.Hits, corpus: pd.DataFrame) -> pd.DataFrame:
    return ranking.ranked_frame(hits, corpus).round(3).rename(columns=SHORT_HEADERS)


def column_widths(frame: pd.DataFrame) -> list[str]:
    """Widths that give the text column what the narrow columns leave."""
    narrow = [NARROW_COLUMNS.get(column) for column in frame.columns]
    rest = 100 - sum(width for width in narrow if width)
    return [f"{width or rest}%" for width in narrow]


def present_tables(queries_text: str, *tables: pd.DataFrame) -> list[gr.Dataframe]:
    """After a search, the tab titles each query's table with the query and hides the others, and sizes the columns
    of those and of the per-language table (the endpoint returns plain tables, so API clients get values)."""
    *hits, by_language = tables
    queries = parse_queries(queries_text)
    given = zip(resolve_languages(queries), queries, hits[:len(queries)], strict=True)
    titled = [gr.Dataframe(visible=True, label=f"Q{i + 1} ({lang}) {language_name(lang)}: {text}",
                           column_widths=column_widths(frame)) for i, (lang, text, frame) in enumerate(given)]
    hidden = [gr.Dataframe(visible=False)] * (MAX_QUERIES - len(queries))
    return [*titled, *hidden, gr.Dataframe(column_widths=column_widths(by_language))]


def cross_lingual_search(backend: Backend, request: SearchRequest, progress=gr.Progress()) -> SearchResult:
    """Rank one corpus for up to four queries (typically one question in several languages) and compare the
    rankings: each query's top-k, translation parity (overlap@k, Kendall tau), hits per document language,
    same-language bias and the score distributions. Queries get the instruction; documents are embedded bare."""
    queries = parse_queries(request.queries)
    k = whole_number(request.k, "k", 1)
    load = load_text_source(backend, "The corpus", request.corpus)
    task = instruction_value(request.instruction)
    q = backend.encode(queries, task, "query", progress_to(progress, "Embedding queries"))
    d = backend.encode(load.texts, task, "document", progress_to(progress, "Embedding the corpus"))
    result = ranking.search(q.vectors, d.vectors, k)
    doc_languages = resolve_languages(load.texts, load.langs)
    query_languages = resolve_languages(queries)
    names = [f"Q{i + 1} ({lang})" for i, lang in enumerate(query_languages)]
    shown = corpus_frame(load, doc_languages, ids=False)

    tables = [ranked_table(hits, shown) for hits in result.hits] + [None] * (MAX_QUERIES - len(queries))
    parity = (ranking.parity_frame(ranking.translation_parity(result), names).round(3) if len(queries) > 1
              else pd.DataFrame({"note": ["Translation parity compares queries: give two or more."]}))
    bias = ranking.bias_frame(result, doc_languages, query_languages, names)
    notes = "".join(f"\n- {markdown_text(note)}" for note in load.notes)
    status = (f"**{len(queries)} quer{'y' if len(queries) == 1 else 'ies'} × {len(load.texts)} documents, "
              f"top-{result.k}.** Queries: {q.summary}. Corpus: {d.summary}.\n\n"
              f"Corpus languages: {language_summary(doc_languages)}.{notes}")
    strings = [*zip(names, q.prompts, strict=True), ("document 1", d.prompts[0])]
    by_language = ranking.language_hits_frame(result, doc_languages, shown, names, PER_LANGUAGE_K)
    exported = ranking.results_frame(result, corpus_frame(load, doc_languages, ids=True), queries)
    return SearchResult(
        status, strings_frame(strings), *tables, parity=parity,
        by_language=by_language.round(3).rename(columns=SHORT_HEADERS), bias=bias_figure(bias),
        distribution=distribution_figure(result, names), download=export_table(exported, "search_results.csv"))


@dataclass(frozen=True)
class SearchExample:
    corpus_paste: str
    corpus_files: list[str]
    queries: str


def load_example() -> SearchExample:
    """126 FLORES sentences in 9 languages (a TSV with id and topic columns) and one question in 4 of them."""
    queries = Path(example_path("search_queries.txt")).read_text(encoding="utf-8")
    return SearchExample("", [example_path("search_corpus.tsv")], queries)
