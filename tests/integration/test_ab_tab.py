"""Instruction A/B handlers in-process over the tiny random decoder: example run, per-query view, sweep, bad input."""

from __future__ import annotations

import gradio as gr
import pandas as pd
import pytest

from harrier_explorer.ui import ab_handlers, ab_tab
from harrier_explorer.ui.common import NONE, user_errors


def no_progress(*_args, **_kwargs):
    return None


def run(backend, previous=None, queries="", corpus="", q_files=None, d_files=None, qrels_file=None, qrels_rows=None,
        a=NONE, b="Given a question, retrieve passages that answer the question", k=10):
    return ab_handlers.run_ab(backend, previous, queries, q_files, NONE, NONE, NONE, NONE, "auto", corpus, d_files,
                              NONE, NONE, NONE, NONE, "auto", qrels_file, qrels_rows, a, b, k, progress=no_progress)


@pytest.fixture
def backend(make_backend, tiny_gemma):
    return make_backend(tiny_gemma)


def test_example_with_labels_gives_verdict_tables_and_downloads(backend):
    q_files, d_files, qrels, a, _ = ab_tab.load_example(backend)
    out = run(backend, q_files=q_files, d_files=d_files, qrels_file=qrels, a=a)
    state, summary, verdict, _, side, _, strings, agreement, quality, per_query, _, pq_file, rk_file = out
    assert len(state.queries.records) == 40 and len(state.docs.records) == 60
    assert "Corpus" in summary and "60 embedded" in summary
    assert "nDCG@10" in verdict and "p = " in verdict and "queries" in verdict
    assert len(side) == 10 and {"under A", "under B", "change (B vs A)"} <= set(side.columns)
    assert set(quality["metric"]) == {"nDCG@10", "MRR@10", "Recall@10"}
    assert {"nDCG@10 A", "nDCG@10 B", "B vs A"} <= set(per_query.columns)
    under_a, under_b, document = strings["exact string embedded"]
    assert under_a == repr(state.queries.texts[0])  # no instruction: the bare query
    assert "Given a question" in under_b and under_b.endswith(repr(state.queries.texts[0])[1:])  # family template
    assert "Given a question" not in document  # documents stay bare
    assert pd.read_csv(pq_file).shape[0] == 40 and pd.read_csv(rk_file).shape[0] == 40 * 10 * 2
    assert len(agreement) == 3


def test_second_run_reuses_corpus_and_only_embeds_queries(backend):
    first = run(backend, queries="capital of France\nbig cats", corpus="Paris is in France\nLions\nTigers\nRain")
    again = run(backend, previous=first[0], queries="capital of France\nbig cats",
                corpus="Paris is in France\nLions\nTigers\nRain", b="another instruction", k=3)
    assert "4 from cache" in again[1] and again[0].comparison.k == 3
    assert "share" in again[2]  # no labels: the agreement headline instead of a verdict


def test_labels_typed_in_the_table_and_k_clamped(backend):
    rows = pd.DataFrame([["paste:1", "paste:1"], ["paste:2", "paste:3"], ["", ""]], columns=["query_id", "doc_id"])
    out = run(backend, queries="capital of France\nbig cats", corpus="Paris\nRain\nLions", qrels_rows=rows, k=25)
    assert "k lowered from 25 to the corpus size, 3" in out[1]
    assert "nDCG@3" in out[2]


def test_show_query_and_sweep(backend):
    state = run(backend, queries="capital of France\nbig cats\nrainy weather", corpus="Paris\nLions\nRain\nSnow",
                k=2)[0]
    side, changes, strings = ab_handlers.show_query(state, 2)
    assert len(side) == 2 and "doc_id" in changes.columns and len(strings) == 3
    fig, table, path = ab_handlers.run_sweep(backend, state, "(none)\nfind weather\nfind animals",
                                             progress=no_progress)
    assert list(table["instruction"]) == ["(none)", "find weather", "find animals"]
    assert (table.loc[0, ["paste:1", "paste:2", "paste:3"]] == 1.0).all()  # (none) vs the no-instruction baseline
    assert fig.data[0].type == "heatmap" and path.endswith(".csv")


@pytest.mark.parametrize("kwargs, message", [
    ({"queries": "", "corpus": "a\nb"}, "Queries is empty"),
    ({"queries": "q", "corpus": "only one"}, "at least 2 documents"),
    ({"queries": "q", "corpus": "a\nb", "qrels_rows": [["nope", "paste:1"]]}, "not loaded"),
])
def test_bad_input_is_a_user_error(backend, kwargs, message):
    with pytest.raises(gr.Error, match=message):
        user_errors(run)(backend, **kwargs)


def test_bad_qrels_file_and_sweep_before_run(backend, tmp_path):
    bad = tmp_path / "qrels.tsv"
    bad.write_text("q1\td1\tlots\n")
    with pytest.raises(gr.Error, match="not a number"):
        user_errors(run)(backend, queries="q", corpus="a\nb", qrels_file=str(bad))
    with pytest.raises(gr.Error, match="Run the A/B comparison first"):
        user_errors(ab_handlers.run_sweep)(backend, None, "(none)", progress=no_progress)
