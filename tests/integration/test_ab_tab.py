"""Instruction A/B handlers in-process over the tiny random decoder: example run, per-query view, sweep, bad input,
model B (the same decoder truncated to 16 dims)."""

from __future__ import annotations

import gradio as gr
import pandas as pd
import pytest

from harrier_explorer.ui.ab import handlers, layout
from harrier_explorer.ui.ab.handlers import ABRequest, QueryRequest, SweepRequest
from harrier_explorer.ui.common import NONE, user_errors
from harrier_explorer.ui.forms import TextInput
from tests.helpers import plain

QA = "Given a question, retrieve passages that answer the question"


def no_progress(*_args, **_kwargs):
    return None


def data(queries="", corpus="", q_files=None, d_files=None, **fields) -> dict:
    return dict(queries=TextInput(paste=queries, files=q_files), corpus=TextInput(paste=corpus, files=d_files),
                **fields)


def run(backend, a=NONE, b=QA, **inputs):
    return handlers.run_ab(backend, ABRequest(**data(**inputs), instruction_a=a, instruction_b=b), no_progress)


def sweep(backend, instructions, **inputs):
    return handlers.run_sweep(backend, SweepRequest(**data(**inputs), instructions=instructions), no_progress)


@pytest.fixture
def backend(make_backend, tiny_gemma):
    return make_backend(tiny_gemma)


def test_example_with_labels_gives_verdict_tables_and_downloads(backend):
    q_files, d_files, qrels, a, _ = layout.load_example(backend)
    out = run(backend, q_files=q_files, d_files=d_files, qrels_file=qrels, a=a)
    assert len(out.run.queries.records) == 40 and len(out.run.docs.records) == 60
    assert "Corpus" in out.summary and "60 embedded" in out.summary
    assert "40 of 40 labelled query ids and 40 of 40 labelled doc ids match" in plain(out.summary)
    assert "nDCG@10" in out.verdict and "p = " in out.verdict and "queries" in out.verdict
    assert len(out.side_by_side) == 10 and {"under A", "under B", "change (B vs A)"} <= set(out.side_by_side.columns)
    assert set(out.quality["metric"]) == {"nDCG@10", "MRR@10", "Recall@10"}
    # On screen the outcome and the quality figures come first, queries by their Q-name (the CSV keeps every column).
    assert list(out.per_query.columns) == ["Q", "query", "nDCG@10 A", "nDCG@10 B", "B vs A", "overlap@10", "Kendall τ",
                                           "RBO"]
    assert out.per_query["Q"].iloc[-1] == "Q40" and out.per_query.columns.is_unique
    under_a, under_b, document = out.strings["exact string embedded"]
    assert under_a == repr(out.run.queries.texts[0])  # no instruction: the bare query
    assert "Given a question" in under_b and under_b.endswith(repr(out.run.queries.texts[0])[1:])  # family template
    assert "Given a question" not in document  # documents stay bare
    per_query = pd.read_csv(out.per_query_csv)
    assert per_query.shape[0] == 40 and {"query_id", "top1_score_a"} <= set(per_query.columns)
    assert pd.read_csv(out.rankings_csv).shape[0] == 40 * 10 * 2
    assert len(out.agreement) == 3


def test_model_b_grids_both_models_under_both_instructions_and_shows_its_strings(backend, tiny_gemma):
    q_files, d_files, qrels, a, b = layout.load_example(backend)
    out = run(backend, q_files=q_files, d_files=d_files, qrels_file=qrels, a=a, b=b, model_b=f"{tiny_gemma}?dim=16")
    assert "16 dims" in out.model_b_status and "Best nDCG@10: model " in out.model_b_status
    assert list(out.grid["model"]) == ["model A", "model A", "model B", "model B"] and len(out.grid_pairs) == 6
    model_a = out.quality.set_index("metric")  # model A's cells are its own A/B figures
    assert out.grid.iloc[0][["instruction A", "instruction B"]].tolist() == pytest.approx(
        model_a.loc["nDCG@10", ["A", "B"]].tolist(), abs=1e-4)
    view = handlers.show_query(QueryRequest(out.run, "Q2"))
    assert view.strings["what"].tolist()[3:] == [f"{name} · model B" for name in view.strings["what"].tolist()[:3]]
    assert view.strings["exact string embedded"].tolist()[3:] == view.strings["exact string embedded"].tolist()[:3]
    alone = run(backend, q_files=q_files, d_files=d_files, qrels_file=qrels, a=a, b=b)
    assert alone.model_b_status == "" and alone.grid is None and alone.run.model_b is None
    assert alone.verdict == out.verdict and alone.per_query.equals(out.per_query)  # model A's results are unchanged


def test_second_run_reuses_corpus_and_only_embeds_queries(backend):
    inputs = dict(queries="capital of France\nbig cats", corpus="Paris is in France\nLions\nTigers\nRain")
    first = run(backend, **inputs)
    again = run(backend, **inputs, previous=first.run, b="another instruction", k=3)
    assert "4 from cache" in again.summary and again.run.comparison.k == 3
    assert "share" in again.verdict  # no labels: the agreement headline instead of a verdict


def test_labels_typed_in_the_table_k_clamped_and_relevant_documents_marked_in_both_rankings(backend):
    rows = pd.DataFrame([["paste:1", "paste:1"], ["paste:2", "paste:3"], ["", ""]], columns=["query_id", "doc_id"])
    out = run(backend, queries="capital of France\nbig cats", corpus="Paris\nRain\nLions", qrels_rows=rows, k=25)
    assert "k lowered from 25 to the corpus size, 3." in plain(out.summary)
    assert "nDCG@3" in out.verdict
    for side in ("under A", "under B"):  # k = the corpus: every document is in both top k, one of them relevant
        assert sorted(cell[:10] for cell in out.side_by_side[side] if cell.startswith("✓")) == ["✓ paste:1:"]
    assert sum(text.startswith("✓ ") for text in out.changes["text"]) == 1


def test_show_query_by_id_or_name_and_a_standalone_sweep(backend):
    inputs = dict(queries="capital of France\nbig cats\nrainy weather", corpus="Paris\nLions\nRain\nSnow", k=2)
    state = run(backend, **inputs).run
    by_id = handlers.show_query(QueryRequest(state, "paste:3"))
    assert len(by_id.side_by_side) == 2 and "doc_id" in by_id.changes.columns and len(by_id.strings) == 3
    assert by_id.strings.equals(handlers.show_query(QueryRequest(state, "Q3")).strings)
    out = sweep(backend, "(none)\nfind weather\nfind animals", **inputs)
    assert list(out.values["Q"]) == ["Q1", "Q2", "Q3"]  # the heatmap's names, with each query's text
    assert list(out.values["query"]) == ["capital of France", "big cats", "rainy weather"]
    assert [column.split(" (mean ")[0] for column in out.values.columns[2:]] == ["(none)", "find weather",
                                                                              "find animals"]
    assert out.values.columns[2] == "(none) (mean 1.000)"
    assert (out.values.iloc[:, 2] == 1.0).all()  # (none) vs the no-instruction baseline
    assert out.heatmap.data[0].type == "heatmap" and list(out.heatmap.data[0].x) == ["Q1", "Q2", "Q3"]
    assert list(pd.read_csv(out.values_csv).columns) == ["instruction", "mean", "paste:1", "paste:2", "paste:3"]
    assert "overlap@2" in plain(out.summary)


def test_user_text_is_escaped_in_the_summary(backend):
    link = "[click](http://example.com) ![x](http://example.com/x.png) <img src=x>"
    out = run(backend, queries="q", corpus="a\nb", a=link)
    assert r"\!\[x\]\(http\:" in out.summary and r"\<img" in out.summary and plain(out.summary).count(link) == 1


@pytest.mark.parametrize("inputs, message", [
    ({"queries": "", "corpus": "a\nb"}, "Queries is empty"),
    ({"queries": "q", "corpus": "only one"}, "at least 2 documents"),
    ({"queries": "q", "corpus": "a\nb", "qrels_rows": [["nope", "paste:1"]]}, "not loaded"),
    ({"queries": "q", "corpus": "a\nb", "k": 0}, "k \\(top-k depth\\) must be at least 1"),
    ({"queries": "q", "corpus": "a\nb", "k": None}, "must be a whole number"),
])
def test_bad_input_is_a_user_error(backend, inputs, message):
    with pytest.raises(gr.Error, match=message):
        user_errors(run)(backend, **inputs)


def test_qrels_files_that_are_broken_or_name_nothing_loaded_are_refused(backend, tmp_path):
    bad = tmp_path / "qrels.tsv"
    bad.write_text("q1\td1\tlots\n")
    with pytest.raises(gr.Error, match="not a number"):
        user_errors(run)(backend, queries="q", corpus="a\nb", qrels_file=str(bad))
    unknown = tmp_path / "other.tsv"
    unknown.write_text("q1\td1\t1\nq2\td2\t1\n")
    with pytest.raises(gr.Error, match="None of the 2 labelled query ids in other.tsv is loaded"):
        user_errors(run)(backend, queries="q", corpus="a\nb", qrels_file=str(unknown))
    wrong_docs = tmp_path / "docs.tsv"
    wrong_docs.write_text("paste:1\td1\t1\n")
    with pytest.raises(gr.Error, match="None of the 1 labelled doc ids in docs.tsv is loaded"):
        user_errors(run)(backend, queries="q", corpus="a\nb", qrels_file=str(wrong_docs))


def test_show_query_needs_a_comparison_in_the_session(backend):
    with pytest.raises(gr.Error, match="No comparison in this session yet"):
        user_errors(handlers.show_query)(QueryRequest(None, "paste:1"))
    state = run(backend, queries="q", corpus="a\nb").run
    with pytest.raises(gr.Error, match="neither a query id"):
        user_errors(handlers.show_query)(QueryRequest(state, "Q9"))
