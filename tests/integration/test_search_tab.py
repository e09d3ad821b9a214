"""The cross-lingual search tab's handlers, in process, over the tiny Gemma3 decoder."""

from __future__ import annotations

import functools

import gradio as gr
import pandas as pd
import plotly.graph_objects as go
import pytest

from harrier_explorer.errors import InputError
from harrier_explorer.ui.common import NONE, user_errors
from harrier_explorer.ui.search_handlers import (
    MAX_QUERIES,
    load_example,
    parse_queries,
    run_search,
)
from tests.helpers import start_backend

NO_COLUMNS = [NONE, NONE, NONE, NONE, "auto"]


@pytest.fixture(scope="module")
def backend(tiny_gemma, tmp_path_factory):
    """One backend for the module, so the example is embedded once (later runs come from its cache)."""
    return start_backend(tmp_path_factory.mktemp("cache"), model=str(tiny_gemma))


def _run(backend, queries, paste="", files=None, k=3):
    return run_search(backend, queries, NONE, k, paste, files, *NO_COLUMNS)


def test_example_search_fills_every_view(backend):
    paste, files, queries = load_example()
    out = _run(backend, queries, paste, files, k=5)
    tables, (parity, by_language, bias, distribution, status, download) = out[:MAX_QUERIES], out[MAX_QUERIES:]
    assert all(t.visible for t in tables)  # the example has 4 queries
    first = tables[0].value
    assert list(first["headers"])[:4] == ["#", "score", "lang", "text"]
    assert "id" in first["headers"] and "label" in first["headers"]  # the TSV has id and topic columns
    assert len(parity) == 6 and {"overlap@k", "Kendall tau"} <= set(parity.columns)
    assert {"en", "de", "ja", "sw"} <= set(by_language["language"])
    assert isinstance(bias, go.Figure) and isinstance(distribution, go.Figure)
    assert "126 documents" in status and "embedded" in status
    exported = pd.read_csv(download)
    assert len(exported) == 4 * 5 and exported["query #"].tolist()[:5] == [1] * 5


def test_one_pasted_query_hides_the_other_columns_and_explains_parity(backend):
    out = _run(backend, "red fox", paste="The fox is red.\nDer Fuchs ist rot.\nUn renard rouge.")
    assert out[0].visible and not any(t.visible for t in out[1:MAX_QUERIES])
    assert "note" in out[MAX_QUERIES].columns
    assert len(pd.read_csv(out[-1])) == 3  # k clamped to the corpus size


def test_second_search_is_served_from_the_cache(backend):
    _run(backend, "fox", paste="a fox\na dog")
    status = _run(backend, "fox", paste="a fox\na dog")[-2]
    assert "0 embedded" in status


@pytest.mark.parametrize("queries, message", [("", "at least one query"), ("a\nb\nc\nd\ne", "Up to 4")])
def test_bad_queries_are_refused(queries, message):
    with pytest.raises(InputError, match=message):
        parse_queries(queries)


def test_empty_corpus_and_binary_upload_become_a_modal(backend, tmp_path):
    search = user_errors(functools.partial(run_search, backend))
    with pytest.raises(gr.Error, match="corpus is empty"):
        search("fox", NONE, 3, "", None, *NO_COLUMNS)
    binary = tmp_path / "junk.txt"
    binary.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(gr.Error):
        search("fox", NONE, 3, "", [str(binary)], *NO_COLUMNS)
