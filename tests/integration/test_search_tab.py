"""The cross-lingual search tab's handlers, in process, over the tiny Gemma3 decoder."""

from __future__ import annotations

import functools

import gradio as gr
import pandas as pd
import plotly.graph_objects as go
import pytest

from harrier_explorer.errors import InputError
from harrier_explorer.ui.common import user_errors
from harrier_explorer.ui.forms import TextInput
from harrier_explorer.ui.search.handlers import (
    SearchRequest,
    cross_lingual_search,
    load_example,
    parse_queries,
    present_tables,
)
from tests.helpers import start_backend


@pytest.fixture(scope="module")
def backend(tiny_gemma, tmp_path_factory):
    """One backend for the module, so the example is embedded once (later runs come from its cache)."""
    return start_backend(tmp_path_factory.mktemp("cache"), model=str(tiny_gemma))


def _search(backend, queries, paste="", files=None, k=3):
    return cross_lingual_search(backend, SearchRequest(queries, k=k, corpus=TextInput(paste, files)))


def test_example_search_fills_every_view(backend):
    example = load_example()
    result = _search(backend, example.queries, example.corpus_paste, example.corpus_files, k=5)
    tables = [result.hits_1, result.hits_2, result.hits_3, result.hits_4]
    assert all(len(t) == 5 for t in tables)  # the example has 4 queries
    assert list(tables[0].columns) == ["#", "score", "lang", "text", "label"]  # ids only in the export
    assert len(result.parity) == 6 and {"overlap@k", "Kendall tau"} <= set(result.parity.columns)
    assert {"en", "de", "ja", "sw"} <= set(result.by_language["lang"])
    assert isinstance(result.bias, go.Figure) and isinstance(result.distribution, go.Figure)
    assert "126 documents" in result.status and "embedded" in result.status
    assert result.strings["input"].tolist() == ["Q1 (en)", "Q2 (de)", "Q3 (ja)", "Q4 (sw)", "document 1"]
    exported = pd.read_csv(result.download)
    assert len(exported) == 4 * 5 and exported["query #"].tolist()[:5] == [1] * 5 and "id" in exported


def test_one_pasted_query_hides_the_other_columns_and_explains_parity(backend):
    result = _search(backend, "red fox", paste="The fox is red.\nDer Fuchs ist rot.\nUn renard rouge.")
    assert len(result.hits_1) == 3 and (result.hits_2, result.hits_3, result.hits_4) == (None, None, None)
    assert "note" in result.parity.columns
    assert len(pd.read_csv(result.download)) == 3  # k clamped to the corpus size


def test_second_search_is_served_from_the_cache(backend):
    _search(backend, "fox", paste="a fox\na dog")
    assert "0 embedded" in _search(backend, "fox", paste="a fox\na dog").status


def test_the_tab_titles_one_table_per_query_hides_the_rest_and_gives_the_text_the_room(backend):
    result = _search(backend, "Where is the fox?\nWo ist der Fuchs?", paste="The fox is red.\nDer Fuchs ist rot.")
    *hits, by_language = present_tables("Where is the fox?\nWo ist der Fuchs?", result.hits_1, result.hits_2,
                                        pd.DataFrame(), pd.DataFrame(), result.by_language)
    assert [t.visible for t in hits] == [True, True, False, False]
    assert hits[1].label == "Q2 (de) German: Wo ist der Fuchs?"
    assert hits[0].column_widths == ["5%", "11%", "9%", "75%"]  # #, score, lang, text
    assert by_language.column_widths == ["10%", "9%", "5%", "11%", "65%"]  # query, lang, #, score, text


@pytest.mark.parametrize("queries, message", [("", "at least one query"), ("a\nb\nc\nd\ne", "Up to 4")])
def test_bad_queries_are_refused(queries, message):
    with pytest.raises(InputError, match=message):
        parse_queries(queries)


def test_empty_corpus_and_binary_upload_become_a_modal(backend, tmp_path):
    search = user_errors(functools.partial(cross_lingual_search, backend))
    with pytest.raises(gr.Error, match="corpus is empty"):
        search(SearchRequest("fox"))
    binary = tmp_path / "junk.txt"
    binary.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(gr.Error, match="binary"):
        search(SearchRequest("fox", corpus=TextInput(files=[str(binary)])))


def test_model_b_of_the_example_ranks_beside_model_a(backend, tiny_gemma):
    example = load_example()
    request = SearchRequest(example.queries, k=5, corpus=TextInput(example.corpus_paste, example.corpus_files),
                            model_b=f"{tiny_gemma}?dim=16")
    result = cross_lingual_search(backend, request)
    assert list(result.hits_1.columns) == ["#", "score", "B #", "lang", "text", "label"]
    assert list(result.model_b_hits.columns) == ["query", "#", "score", "A #", "lang", "text", "label"]
    assert len(result.model_b_hits) == 20 and len(result.agreement) == 4 and len(result.parity_by_model) == 6
    assert result.strings["input"].tolist()[-1] == "document 1 · B" and "16 dims" in result.model_b_status
    alone = _search(backend, "red fox", paste="The fox is red.\nDer Fuchs ist rot.")
    assert alone.model_b_hits is None and alone.model_b_status == "" and "B #" not in alone.hits_1
