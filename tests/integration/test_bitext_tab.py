"""The bitext tab's handlers, in process, over the tiny Gemma3 decoder."""

from __future__ import annotations

import functools

import gradio as gr
import pandas as pd
import plotly.graph_objects as go
import pytest

from harrier_explorer.analysis.bitext import MATCH_METHODS
from harrier_explorer.errors import InputError
from harrier_explorer.ui import bitext_align
from harrier_explorer.ui.bitext_handlers import (
    load_example,
    neighbours,
    pair_file_columns,
    run_bitext,
    show_pairs,
    threshold_range,
)
from harrier_explorer.ui.common import NONE, user_errors
from tests.helpers import start_backend

EMPTY_SOURCE = ["", None, NONE, NONE, NONE, NONE, "auto"]


def _source(paste: str) -> list:
    return [paste, *EMPTY_SOURCE[1:]]


@pytest.fixture(scope="module")
def backend(tiny_gemma, tmp_path_factory):
    """One backend for the module, so the example is embedded once (later runs come from its cache)."""
    return start_backend(tmp_path_factory.mktemp("cache"), model=str(tiny_gemma))


@pytest.fixture(scope="module")
def example_run(backend):
    return run_bitext(backend, NONE, load_example(), NONE, NONE, *EMPTY_SOURCE, *EMPTY_SOURCE)


def test_example_run_detects_languages_and_gold_order(example_run):
    run, status, gold = example_run
    assert run.cosine.shape == (80, 80) and gold
    assert "German (de)" in status and "English (en)" in status and "80 source × 80 target" in status


@pytest.mark.parametrize("method", MATCH_METHODS)
@pytest.mark.parametrize("score", ["cosine", "margin"])
def test_every_method_and_score_renders_pairs_with_both_scores(example_run, method, score):
    run = example_run[0]
    slider = threshold_range(run, method, score, 4)
    heatmap, histogram, pairs, tsv, accuracy, errors = show_pairs(run, method, score, 4, slider.value, True)
    assert isinstance(heatmap, go.Figure) and isinstance(histogram, go.Figure)
    assert {"#", "src", "tgt", "cosine", "margin", "matched", "source text", "target text"} <= set(pairs.columns)
    assert pairs["matched"].all()  # the threshold starts at the lowest score
    exported = pd.read_csv(tsv, sep="\t")
    assert len(exported) == len(pairs) and {"cosine", "margin"} <= set(exported.columns)
    assert list(accuracy["score"]) == ["cosine", "margin"]
    assert {"direction", "predicted text"} <= set(errors.columns)


def test_threshold_flags_pairs_below_it(example_run):
    run = example_run[0]
    pairs = show_pairs(run, "forward", "cosine", 4, 1.01, False)[2]
    assert not pairs["matched"].any()


def test_neighbours_of_a_row_explain_its_margin(example_run):
    text, table = neighbours(example_run[0], "forward", "margin", 3, 5)
    assert "Pair 5: source 5" in text and "margin =" in text
    assert len(table) == 6 and set(table["side"]) == {"targets nearest to source", "sources nearest to target"}
    with pytest.raises(InputError, match="not in the pairs table"):
        neighbours(example_run[0], "forward", "margin", 3, 500)


def test_two_pasted_lists_of_different_length(backend):
    run, _, gold = run_bitext(backend, NONE, None, NONE, NONE, *_source("a cat\na dog\na bird"),
                                   *_source("eine Katze\nein Hund"))
    assert not gold and run.cosine.shape == (3, 2)
    accuracy = show_pairs(run, "assignment", "cosine", 4, 0.0, True)[4]
    assert "same length" in accuracy["note"][0]


def test_bad_inputs_become_a_modal(backend, tmp_path):
    match = user_errors(functools.partial(run_bitext, backend))
    with pytest.raises(gr.Error, match="source list is empty"):
        match(NONE, None, NONE, NONE, *EMPTY_SOURCE, *_source("x\ny"))
    with pytest.raises(gr.Error, match="at least 2"):
        match(NONE, None, NONE, NONE, *_source("only one"), *_source("x\ny"))
    bad = tmp_path / "one_column.tsv"
    bad.write_text("de\nHallo\n", encoding="utf-8")
    with pytest.raises(gr.Error, match="two text columns"):
        match(NONE, str(bad), NONE, NONE, *EMPTY_SOURCE, *EMPTY_SOURCE)


def test_pair_file_columns_preselect_the_first_two(backend):
    source, target = pair_file_columns(backend, load_example())
    assert (source.value, target.value) == ("de", "en")


def test_views_wait_for_a_first_run():
    assert show_pairs(None, "mutual", "margin", 4, 0.0, False) == [gr.skip()] * 6


def test_alignment_of_the_example_documents(backend):
    text_a, _, text_b, _ = bitext_align.load_example()
    status, figure, table, tsv = bitext_align.align(backend, NONE, text_a, None, text_b, None, 0.2)
    assert "English" in status and "German" in status
    assert isinstance(figure, go.Figure) and len(figure.data) == 2  # heatmap + path
    assert {"block", "source", "target", "cosine"} <= set(table.columns)
    assert len(pd.read_csv(tsv, sep="\t")) == len(table)
    with pytest.raises(InputError, match="Document B is empty"):
        bitext_align.align(backend, NONE, text_a, None, "   ", None, 0.2)
