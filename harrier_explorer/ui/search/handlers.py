"""Handlers of the cross-lingual search tab: embed queries and corpus, rank, and render every view of the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr
import pandas as pd

from harrier_explorer.analysis import search as ranking
from harrier_explorer.analysis.model_compare import ranking_agreement, ranks
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
from harrier_explorer.ui.model_b import model_b_status
from harrier_explorer.ui.search.plots import bias_figure, distribution_figure
from harrier_explorer.workflows.model_b import instruction_for, model_b_ref

MAX_QUERIES = 4
PER_LANGUAGE_K = 3
INSTRUCTION_DOC = (f"put on the queries (role query; documents keep the model's document format): {INSTRUCTION_FORMS}. "
                   "The tab preselects the family's retrieval preset (Harrier: 'retrieval (web)', EmbeddingGemma: "
                   "'retrieval'); /model_info lists the model's saved prompts")
#: Short headers, and the widths (%) of the narrow columns of the result tables: the text gets the rest.
SHORT_HEADERS = {"rank": "#", "language": "lang"}
NARROW_COLUMNS = {"query": 10, "#": 5, "score": 11, "lang": 9, "label": 18, "A #": 8, "B #": 8}
MODEL_B_DOC = ("model B (the page's 'Compare with model B'): a Hugging Face id, folder, http(s)://…/v1 server or a "
               "?dim= / ?dtype= variant; empty: model A alone. B ranks the same corpus with its own family's retrieval "
               "preset where the instruction is model A's preset, else with the same instruction")


@dataclass(frozen=True)
class SearchRequest:
    queries: str = field(default="", metadata={
        "doc": f"one query per line, 1 to {MAX_QUERIES} (typically one question in several languages)"})
    instruction: str = field(default=NO_INSTRUCTION, metadata={"doc": INSTRUCTION_DOC})
    k: int = field(default=5, metadata={"doc": "hits kept per query, 1 to 50 (clamped to the corpus size)"})
    corpus: TextInput = field(default_factory=TextInput)  # the documents searched
    model_b: str = field(default="", metadata={"doc": MODEL_B_DOC})


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
    # Model B (all empty when none is chosen): what it embedded, its rankings, and how it agrees with model A.
    model_b_status: str = ""
    model_b_hits: pd.DataFrame | None = None  # every query's top-k under B, with each hit's rank under A
    agreement: pd.DataFrame | None = None  # per query: overlap@k, Kendall tau, RBO of A's and B's rankings
    parity_by_model: pd.DataFrame | None = None  # translation parity under A and under B
    bias_by_model: pd.DataFrame | None = None  # same-language bias under A and under B


@dataclass(frozen=True)
class Ranking:
    """One model's ranking of the corpus for the queries, and what it embedded."""

    queries: object  # backend EncodeResult
    corpus: object  # backend EncodeResult
    result: ranking.SearchResult


def rank_with(backend: Backend, model: str | None, queries: list[str], texts: list[str], task: str, k: int,
              progress) -> Ranking:
    """Embed queries (with the instruction) and corpus (bare) with one model and rank the corpus for each query."""
    q = backend.encode(queries, task, "query", progress_to(progress, "Embedding queries"), model=model)
    d = backend.encode(texts, task, "document", progress_to(progress, "Embedding the corpus"), model=model)
    return Ranking(q, d, ranking.search(q.vectors, d.vectors, k))


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


def present_model_b(model_b_hits: pd.DataFrame | None) -> tuple[gr.Column, gr.Dataframe]:
    """Model B's section shows only after a search that had a model B, with its table's columns sized."""
    shown = model_b_hits is not None and len(model_b_hits) > 0
    return (gr.Column(visible=shown),
            gr.Dataframe(column_widths=column_widths(model_b_hits)) if shown else gr.Dataframe())


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


def pick_pair(n: int):
    """The click handler of query ``n``'s hits (0-based): a click on a hit puts the query and the hit's text into
    "Why do these two match?" and opens it (a click that fills a closed section would look dead)."""

    def pick(queries_text: str, hits: pd.DataFrame | None, evt: gr.SelectData):
        if evt.index is None or not isinstance(hits, pd.DataFrame) or "text" not in hits or hits.empty:
            return gr.skip(), gr.skip(), gr.skip()
        queries = parse_queries(queries_text)
        if n >= len(queries):
            return gr.skip(), gr.skip(), gr.skip()
        return queries[n], str(hits["text"].iloc[evt.index[0]]), gr.Accordion(open=True)

    return pick


def cross_lingual_search(backend: Backend, request: SearchRequest, progress=gr.Progress()) -> SearchResult:
    """Rank one corpus for up to four queries (typically one question in several languages) and compare the
    rankings: each query's top-k, translation parity (overlap@k, Kendall tau), hits per document language,
    same-language bias and the score distributions. Queries get the instruction; documents are embedded bare."""
    queries = parse_queries(request.queries)
    k = whole_number(request.k, "k", 1)
    load = load_text_source(backend, "The corpus", request.corpus)
    task = instruction_value(request.instruction)
    a = rank_with(backend, None, queries, load.texts, task, k, progress)
    q, d, result = a.queries, a.corpus, a.result
    doc_languages = resolve_languages(load.texts, load.langs)
    query_languages = resolve_languages(queries)
    names = [f"Q{i + 1} ({lang})" for i, lang in enumerate(query_languages)]
    shown = corpus_frame(load, doc_languages, ids=False)

    tables = {f"hits_{i + 1}": ranked_table(hits, shown) for i, hits in enumerate(result.hits)}
    tables.update({f"hits_{i + 1}": None for i in range(len(queries), MAX_QUERIES)})
    parity = parity_table(result, names)
    bias = ranking.bias_frame(result, doc_languages, query_languages, names)
    notes = "".join(f"\n- {markdown_text(note)}" for note in load.notes)
    status = (f"**{len(queries)} quer{'y' if len(queries) == 1 else 'ies'} × {len(load.texts)} documents, "
              f"top-{result.k}.** Queries: {q.summary}. Corpus: {d.summary}.\n\n"
              f"Corpus languages: {language_summary(doc_languages)}.{notes}")
    strings = [*zip(names, q.prompts, strict=True), ("document 1", d.prompts[0])]
    by_language = ranking.language_hits_frame(result, doc_languages, shown, names, PER_LANGUAGE_K)
    exported = ranking.results_frame(result, corpus_frame(load, doc_languages, ids=True), queries)
    b = {}
    if ref_b := model_b_ref(backend, request.model_b):
        task_b = instruction_for(backend, task, "retrieval", ref_b)
        run_b = rank_with(backend, ref_b, queries, load.texts, task_b, k, progress)
        strings += [*((f"{name} · B", prompt) for name, prompt in zip(names, run_b.queries.prompts, strict=True)),
                    ("document 1 · B", run_b.corpus.prompts[0])]
        bias_b = ranking.bias_frame(run_b.result, doc_languages, query_languages, names)
        b = model_b_views(backend, ref_b, (task, task_b), (a, run_b), names, shown, (bias, bias_b))
    return SearchResult(
        status, strings_frame(strings), **{**tables, **b}, parity=parity,
        by_language=by_language.round(3).rename(columns=SHORT_HEADERS), bias=bias_figure(bias),
        distribution=distribution_figure(result, names), download=export_table(exported, "search_results.csv"))


def parity_table(result: ranking.SearchResult, names: list[str]) -> pd.DataFrame:
    """Translation parity of every query pair, or a note when there is one query."""
    if len(names) < 2:
        return pd.DataFrame({"note": ["Translation parity compares queries: give two or more."]})
    return ranking.parity_frame(ranking.translation_parity(result), names).round(3)


def by_model(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One table of A's and B's values side by side: the key columns, then each value column as "… A", "… B"."""
    merged = a.merge(b, on=keys, suffixes=(" A", " B"))
    values = [c for c in a.columns if c not in keys]
    return merged[[*keys, *(f"{c} {m}" for c in values for m in "AB")]]


def moved_tables(own: ranking.SearchResult, other: ranking.SearchResult, shown: pd.DataFrame,
                 column: str) -> list[pd.DataFrame]:
    """Each query's ranked table under one model, with every hit's rank under the other model after its score (the
    rank moves: 1 → 7 is a hit one model puts first and the other seventh)."""
    under_other = ranks(other.scores)
    tables = [ranked_table(hits, shown) for hits in own.hits]
    for i, (table, hits) in enumerate(zip(tables, own.hits, strict=True)):
        table.insert(2, column, under_other[i, hits.doc_indices])
    return tables


def model_b_views(backend: Backend, ref_b: str, tasks: tuple[str, str], runs: tuple[Ranking, Ranking],
                  names: list[str], shown: pd.DataFrame, biases: tuple[pd.DataFrame, pd.DataFrame]) -> dict:
    """Model B's fields of the result: A's tables with each hit's rank under B, B's top-k with each hit's rank under
    A, agreement per query, and parity and same-language bias under both models."""
    b, (ra, rb) = runs[1], (runs[0].result, runs[1].result)
    agreement = ranking_agreement(ra.scores, rb.scores, ra.k)
    a_tables = moved_tables(ra, rb, shown, "B #")
    parts = [part.assign(query=name)[["query", *part.columns]]
             for part, name in zip(moved_tables(rb, ra, shown, "A #"), names, strict=True)]
    parity = (by_model(parity_table(ra, names), parity_table(rb, names), ["query A", "query B"]) if len(names) > 1
              else parity_table(ra, names))
    status = model_b_status(backend, ref_b, tasks, f"queries {b.queries.summary}; corpus {b.corpus.summary}")
    return {**{f"hits_{i + 1}": table for i, table in enumerate(a_tables)},
            "model_b_status": status, "model_b_hits": pd.concat(parts, ignore_index=True),
            "agreement": pd.DataFrame({"query": names, "overlap@k": agreement.overlap,
                                       "Kendall tau": agreement.kendall_tau, "RBO": agreement.rbo}).round(3),
            "parity_by_model": parity,
            "bias_by_model": by_model(*biases, ["query", "language", "corpus share"]).round(3)}


@dataclass(frozen=True)
class SearchExample:
    corpus_paste: str
    corpus_files: list[str]
    queries: str


def load_example() -> SearchExample:
    """126 FLORES sentences in 9 languages (a TSV with id and topic columns) and one question in 4 of them."""
    queries = Path(example_path("search_queries.txt")).read_text(encoding="utf-8")
    return SearchExample("", [example_path("search_corpus.tsv")], queries)
