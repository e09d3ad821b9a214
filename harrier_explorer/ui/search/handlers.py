"""Handlers of the cross-lingual search tab: embed queries and corpus, rank, and render every view of the result."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import pandas as pd

from harrier_explorer.analysis.search import (
    bias_frame,
    language_hits_frame,
    parity_frame,
    ranked_frame,
    results_frame,
    search,
    translation_parity,
)
from harrier_explorer.backend.core import Backend
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.language import language_name, resolve_languages
from harrier_explorer.inputs.parsing import LoadResult
from harrier_explorer.ui.common import (
    example_path,
    export_table,
    instruction_value,
    language_summary,
    load_text_source,
    progress_to,
)
from harrier_explorer.ui.search_plots import bias_figure, distribution_figure

MAX_QUERIES = 4
PER_LANGUAGE_K = 3
SHORT_NAMES = {"rank": "#", "language": "lang"}  # headers of the narrow side-by-side tables
#: rank, score, language, text (id and label scroll in from the right): the text gets most of a narrow column.
RANKED_WIDTHS = ["8%", "20%", "14%", "58%"]


@dataclass(frozen=True)
class SearchView:
    """Everything the tab shows after a search, in the order of the tab's outputs."""

    tables: list  # MAX_QUERIES gr.Dataframe updates (hidden beyond the number of queries)
    parity: pd.DataFrame
    by_language: pd.DataFrame
    bias: object  # plotly figure
    distribution: object  # plotly figure
    status: str
    download: str  # CSV path of every query's hits

    def outputs(self) -> list:
        return [*self.tables, self.parity, self.by_language, self.bias, self.distribution, self.status,
                self.download]


def parse_queries(text: str) -> list[str]:
    """One query per non-blank line, 1 to MAX_QUERIES of them."""
    queries = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not queries:
        raise InputError("Type at least one query (one per line, e.g. one question in several languages).")
    if len(queries) > MAX_QUERIES:
        raise InputError(f"Up to {MAX_QUERIES} queries side by side, got {len(queries)}: remove some lines.")
    return queries


def corpus_frame(load: LoadResult, languages: list[str]) -> pd.DataFrame:
    """The columns shown for each hit: language, text, and id / label when the input gave them."""
    frame = pd.DataFrame({"language": languages, "text": load.texts})
    if any(not r.id.startswith(f"{r.source}:") for r in load.records):  # ids from an id column, not numbered
        frame["id"] = load.ids
    if any(r.label for r in load.records):
        frame["label"] = [r.label or "" for r in load.records]
    return frame


def run_search(backend: Backend, queries_text: str, instruction: str, k: float, *corpus_inputs,
               progress=gr.Progress()) -> list:
    queries = parse_queries(queries_text)
    load = load_text_source(backend, "The corpus", *corpus_inputs)
    task = instruction_value(instruction)
    q = backend.encode(queries, task, "query", progress_to(progress, "Embedding queries"))
    d = backend.encode(load.texts, task, "document", progress_to(progress, "Embedding the corpus"))
    result = search(q.vectors, d.vectors, int(k))
    doc_languages = resolve_languages(load.texts, load.langs)
    query_languages = resolve_languages(queries)
    names = [f"Q{i + 1} ({lang})" for i, lang in enumerate(query_languages)]
    corpus = corpus_frame(load, doc_languages)

    tables = [gr.Dataframe(value=ranked_frame(hits, corpus).round(3).rename(columns=SHORT_NAMES), visible=True,
                           label=f"{name} {language_name(lang)}: {text}")
              for name, lang, text, hits in zip(names, query_languages, queries, result.hits, strict=True)]
    tables += [gr.Dataframe(value=None, visible=False)] * (MAX_QUERIES - len(queries))
    parity = (parity_frame(translation_parity(result), names).round(3) if len(queries) > 1
              else pd.DataFrame({"note": ["Translation parity compares queries: give two or more."]}))
    bias = bias_frame(result, doc_languages, query_languages, names)
    notes = "".join(f"\n- {note}" for note in load.notes)
    status = (f"**{len(queries)} quer{'y' if len(queries) == 1 else 'ies'} × {len(load.texts)} documents, "
              f"top-{result.k}.** "
              f"Queries: {q.summary}. Corpus: {d.summary}.\n\nCorpus languages: {language_summary(doc_languages)}."
              f"{notes}")
    return SearchView(
        tables=tables, parity=parity,
        by_language=language_hits_frame(result, doc_languages, corpus, names, PER_LANGUAGE_K).round(4),
        bias=bias_figure(bias), distribution=distribution_figure(result, names), status=status,
        download=export_table(results_frame(result, corpus, queries), "search_results.csv"),
    ).outputs()


def load_example() -> tuple[str, list[str], str]:
    """Example inputs: (paste box, corpus files, queries): 126 FLORES sentences in 4 languages, one question × 4."""
    queries = Path(example_path("search_queries.txt")).read_text(encoding="utf-8")
    return "", [example_path("search_corpus.tsv")], queries
