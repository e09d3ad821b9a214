"""The bitext tab's handlers, in process, over the tiny Gemma3 decoder."""

from __future__ import annotations

import functools

import gradio as gr
import pandas as pd
import plotly.graph_objects as go
import pytest

from harrier_explorer.analysis.bitext import MATCH_METHODS
from harrier_explorer.errors import InputError
from harrier_explorer.ui.bitext import align
from harrier_explorer.ui.bitext.handlers import (
    BitextRequest,
    NeighboursRequest,
    RematchRequest,
    load_example,
    margin_neighbours,
    match_bitext,
    pair_file_columns,
    rematch_bitext,
)
from harrier_explorer.ui.common import user_errors
from harrier_explorer.ui.forms import TextInput
from tests.helpers import start_backend


def _lists(source: str, target: str) -> dict:
    return {"source": TextInput(source), "target": TextInput(target)}


@pytest.fixture(scope="module")
def backend(tiny_gemma, tmp_path_factory):
    """One backend for the module, so the example is embedded once (later runs come from its cache)."""
    return start_backend(tmp_path_factory.mktemp("cache"), model=str(tiny_gemma))


@pytest.fixture(scope="module")
def example(backend):
    return match_bitext(backend, BitextRequest(pair_file=load_example()))


def test_example_match_detects_languages_and_reports_accuracy_in_one_call(example):
    assert example.run.cosine.shape == (80, 80)
    assert "German (de)" in example.status and "English (en)" in example.status
    assert "80 source × 80 target" in example.status
    assert list(example.accuracy["score"]) == ["cosine", "margin"]  # gold order is on by default
    assert example.strings["input"].tolist() == ["source 1", "target 1"]


@pytest.mark.parametrize("method", MATCH_METHODS)
@pytest.mark.parametrize("score", ["cosine", "margin"])
def test_every_method_and_score_renders_pairs_with_both_scores(example, method, score):
    view = rematch_bitext(RematchRequest(method=method, score=score, run=example.run))
    assert isinstance(view.heatmap, go.Figure) and isinstance(view.histogram, go.Figure)
    assert list(view.pairs.columns) == ["source #", "source", "target #", "target", "cosine", "margin", "matched"]
    assert view.pairs["matched"].all()  # threshold 0 is below every chosen score: it moves to the lowest
    assert view.threshold.value == view.threshold.minimum
    exported = pd.read_csv(view.download, sep="\t")
    assert len(exported) == len(view.pairs) and {"cosine", "margin"} <= set(exported.columns)
    assert {"direction", "matched text"} <= set(view.errors.columns)
    assert set(view.unmatched.columns) == {"side", "#", "text", "why"}


def test_threshold_flags_pairs_below_it_and_lists_their_sentences_unmatched(example):
    view = rematch_bitext(RematchRequest(method="forward", score="cosine", threshold=1.01, run=example.run))
    assert not view.pairs["matched"].any() and view.threshold.value == view.threshold.maximum
    assert (view.unmatched["side"] == "source").sum() == 80


def test_neighbours_of_a_pair_explain_its_margin(example):
    result = margin_neighbours(NeighboursRequest(5, 6, k=3, run=example.run))
    assert "Source 5 → target 6" in result.explanation and "margin =" in result.explanation
    table = result.neighbours
    assert len(table) == 6 and set(table["side"]) == {"targets nearest to source", "sources nearest to target"}
    with pytest.raises(InputError, match="source # must be from 1 to 80"):
        margin_neighbours(NeighboursRequest(500, 1, run=example.run))
    with pytest.raises(InputError, match="Match two lists first"):
        margin_neighbours(NeighboursRequest(1, 1))


def test_two_pasted_lists_of_different_length(backend):
    result = match_bitext(backend, BitextRequest(method="assignment", score="cosine",
                                                 **_lists("a cat\na dog\na bird", "eine Katze\nein Hund")))
    assert result.run.cosine.shape == (3, 2)
    assert "same length" in result.accuracy["note"][0]
    assert result.unmatched[["side", "why"]].values.tolist() == [["source", "in no pair"]]  # 1-1: 2 pairs of 3


def test_bad_inputs_become_a_modal(backend, tmp_path):
    match = user_errors(functools.partial(match_bitext, backend))
    with pytest.raises(gr.Error, match="source list is empty"):
        match(BitextRequest(**_lists("", "x\ny")))
    with pytest.raises(gr.Error, match="at least 2"):
        match(BitextRequest(**_lists("only one", "x\ny")))
    bad = tmp_path / "one_column.tsv"
    bad.write_text("de\nHallo\n", encoding="utf-8")
    with pytest.raises(gr.Error, match="two text columns"):
        match(BitextRequest(pair_file=str(bad)))


def test_pair_file_columns_preselect_the_first_two_and_go_back_to_auto(backend):
    source, target = pair_file_columns(backend, load_example())
    assert (source.value, target.value) == ("de", "en")
    assert [d.value for d in pair_file_columns(backend, None)] == ["(auto)", "(auto)"]


def test_alignment_of_the_example_documents(backend):
    example = align.load_example()
    request = align.AlignRequest(text_a=example.text_a, text_b=example.text_b)
    result = align.align_documents(backend, request)
    assert "English" in result.status and "German" in result.status
    assert isinstance(result.path, go.Figure) and len(result.path.data) == 2  # heatmap + path
    assert {"block", "source", "target", "cosine"} <= set(result.blocks.columns)
    assert len(pd.read_csv(result.download, sep="\t")) == len(result.blocks)
    with pytest.raises(InputError, match="Document B is empty"):
        align.align_documents(backend, align.AlignRequest(text_a=example.text_a, text_b="   "))


def test_model_b_views_follow_a_rechoice_and_need_gold_order(backend, tiny_gemma):
    from harrier_explorer.ui.bitext.handlers import RematchBothRequest, rematch_both

    result = match_bitext(backend, BitextRequest(pair_file=load_example(), model_b=f"{tiny_gemma}?dim=16"))
    assert result.run_b.cosine.shape == (80, 80) and "16 dims" in result.model_b_status
    assert result.accuracy_by_model[["model", "score"]].values.tolist() == [
        ["A", "cosine"], ["A", "margin"], ["B", "cosine"], ["B", "margin"]]
    view = rematch_both(RematchBothRequest(method="forward", score="cosine", run=result.run, run_b=result.run_b))
    assert view.heatmap_b.layout.title.text.startswith("Model B: cosine")
    forward = view.disagreements[view.disagreements["direction"] == "source → target"]
    cosine = result.accuracy_by_model[result.accuracy_by_model["score"] == "cosine"].set_index("model")
    gap = cosine.loc["A", "accuracy source → target"] - cosine.loc["B", "accuracy source → target"]
    assert round(((forward["right"] == "A").sum() - (forward["right"] == "B").sum()) / 80, 4) == round(gap, 4)
    off = rematch_both(RematchBothRequest(gold=False, run=result.run, run_b=result.run_b))
    assert "gold order" in off.accuracy_by_model["note"][0] and off.heatmap_b is not None
    alone = match_bitext(backend, BitextRequest(pair_file=load_example()))
    assert alone.run_b is None and alone.model_b_status == "" and alone.heatmap_b is None
