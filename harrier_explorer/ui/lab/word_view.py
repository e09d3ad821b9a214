"""The per-query view of the word ablation: one query of the session's last lab run with one word of the base
instruction dropped, as the A/B tab shows a query under two instructions; and the run the session keeps for it."""

from __future__ import annotations

from dataclasses import dataclass, field

import gradio as gr
import numpy as np
import pandas as pd

from harrier_explorer.analysis import ab_report
from harrier_explorer.analysis.ab_test import compare_instructions
from harrier_explorer.analysis.metrics import Qrels
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.backend.core import EncodeResult
from harrier_explorer.errors import InputError
from harrier_explorer.ui.ab.handlers import query_index
from harrier_explorer.ui.ab.present import query_choices, query_name
from harrier_explorer.ui.common import markdown_text, whole_number
from harrier_explorer.ui.lab import present
from harrier_explorer.ui.ranking_data import RankingInputs, toggle_typed_label


@dataclass(frozen=True)
class LabRun:
    """What the session keeps of a lab run: the corpus vectors (reused while the corpus is unchanged) and, for the
    per-query view of the word ablation, the queries, the labels and the query vectors with and without each word."""

    docs_encoded: EncodeResult
    data: RankingInputs
    qrels: Qrels | None
    base_vectors: np.ndarray | None = None
    words: tuple[str, ...] = ()
    without_word: tuple[np.ndarray, ...] = ()


@dataclass(frozen=True)
class WordQueryRequest:
    run: LabRun | None = None  # the session's last lab run (gr.State)
    word: int | str | None = field(default=None, metadata={
        "doc": "the word of the base instruction: its 0-based position, or the word itself (its first occurrence)"})
    query: str | None = field(default=None, metadata={"doc": "the query: its id or its name Q1, Q2, …"})


@dataclass(frozen=True)
class WordQueryResult:
    summary: str  # Markdown: how many documents enter and leave the top k
    changes: pd.DataFrame  # every document in either top k: ranks and scores with and without the word


def word_query_pickers(run: LabRun | None):
    """The word and query pickers after a run: every word of the base and every query, on the first of each."""
    if run is None or not run.words:
        return gr.Dropdown(choices=[], value=None), gr.Dropdown(choices=[], value=None)
    queries = run.data.queries
    return (gr.Dropdown(choices=[(f"{i + 1}. {w}", i) for i, w in enumerate(run.words)], value=0),
            gr.Dropdown(choices=query_choices(queries.ids, queries.texts), value=queries.ids[0]))


def first_word_view(run: LabRun | None) -> WordQueryResult:
    """After a run: the first word dropped for the first query, or nothing when the run had no word ablation."""
    if run is None or not run.words:
        return WordQueryResult("", pd.DataFrame())
    return word_query(WordQueryRequest(run, 0, run.data.queries.ids[0]))


def word_query(request: WordQueryRequest, progress=None) -> WordQueryResult:
    """One query of the session's last lab run with one word of the base instruction dropped: which documents
    enter or leave its top k, and how every document in either top k moves (the A/B tab's per-query view)."""
    run = request.run
    if run is None or not run.words:
        raise InputError("No word ablation in this session yet: run the lab with the word ablation on first.")
    word = _word_position(run.words, request.word)
    qids = run.data.queries.ids
    i = query_index(tuple(qids), request.query)
    comparison = compare_instructions(run.base_vectors, run.without_word[word], run.docs_encoded.vectors, qids,
                                      run.data.docs.ids, run.data.k)
    relevant = {d for d, grade in (run.qrels or {}).get(qids[i], {}).items() if grade > 0}
    changes = ab_report.changes_table(comparison, i, run.data.docs.texts, width=110, relevant=relevant)
    moves = changes["move"].tolist()
    entered, left = moves.count("new"), sum(m.startswith("out") for m in moves)
    summary = (f"Without **{markdown_text(run.words[word])}**, {entered} document(s) enter and {left} leave the top "
               f"{run.data.k} of {query_name(i)}: {markdown_text(snippet(run.data.queries.texts[i], 100))}")
    return WordQueryResult(summary, present.word_changes(changes))


def mark_relevant(run: LabRun | None, query: str | None, changes, rows, evt: gr.SelectData):
    """A click on a document in the per-query table toggles it as relevant to the shown query in the typed labels
    (the status line says so); the next run scores with them."""
    if run is None or evt.index is None or not isinstance(changes, pd.DataFrame) or "doc_id" not in changes:
        return gr.skip(), gr.skip()
    i = query_index(tuple(run.data.queries.ids), query)
    doc_id = str(changes["doc_id"].iloc[evt.index[0]])
    return toggle_typed_label(rows, run.data.queries.ids[i], doc_id, query_name(i), "run the lab")


def _word_position(words: tuple[str, ...], value: int | str | None) -> int:
    if isinstance(value, str) and not value.strip().isdigit():
        if value.strip() not in words:
            raise InputError(f"{value!r} is not a word of the base instruction ({' '.join(words)}).")
        return words.index(value.strip())
    return whole_number(int(value) if isinstance(value, str) else value, "word", 0, len(words) - 1)
