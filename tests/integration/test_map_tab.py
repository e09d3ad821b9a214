"""Cluster map handlers in-process over the tiny random decoder: example, chunking, queries, neighbours, bad input."""

from __future__ import annotations

import gradio as gr
import pandas as pd
import pytest

from harrier_explorer.ui import map_handlers, map_tab
from harrier_explorer.ui.common import NONE, user_errors

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"]


def no_progress(*_args, **_kwargs):
    return None


def build(backend, previous=None, paste="", files=None, long_docs=map_handlers.LONG_DOCS[0], chunk=256, overlap=32,
          instruction="Identify the category of documents", dims=2, method="UMAP", cluster="KMeans", k=0, size=5,
          space="embeddings", colour="cluster", queries="", qa=NONE, qb=NONE):
    return map_handlers.run_map(backend, previous, paste, files, NONE, NONE, NONE, NONE, "auto", long_docs, chunk,
                                overlap, instruction, method, dims, 15, 0.1, 42, cluster, k, size, space, colour,
                                queries, qa, qb, progress=no_progress)


@pytest.fixture
def backend(make_backend, tiny_gemma):
    return make_backend(tiny_gemma)


def test_example_map_with_labels_languages_queries_and_exports(backend):
    files, colour, queries, instruction = map_tab.load_example(backend)
    assert colour == "label"
    out = build(backend, files=files, colour=colour, queries=queries, qa=NONE, qb="find sports news",
                instruction=instruction)
    run, summary, fig, html_path, keywords, agreement, reading, csv_path = out
    assert len(run.records) == 294 and "294 embedded" in summary
    assert {t.type for t in fig.data} >= {"scattergl"}
    assert [t.name for t in fig.data if t.name.startswith("queries")] == ["queries · A: (none)",
                                                                          "queries · B: find sports news"]
    assert set(agreement["grouping"]) == {"labels", "languages"}
    assert "Points group by" in reading
    assert keywords["size"].sum() == 294
    points = pd.read_csv(csv_path)
    assert list(points.columns) == ["point", "text", "x", "y", "cluster", "label", "language", "source"]
    assert set(points["language"]) == {"en", "de", "zh"} and set(points["source"]) == {"map_docs.jsonl"}
    with open(html_path, encoding="utf-8") as f:
        html = f.read()
    assert "plotly" in html.lower() and len(html) > 1_000_000  # plotly.js inlined: works offline
    for colour_by in map_handlers.COLOUR_BY:
        assert map_handlers.redraw(run, colour_by)[0].layout.legend.title.text == colour_by
    heading, table, fig, _ = map_handlers.neighbours(run, "3", "label")
    assert heading.startswith("**Point #3**") and len(table) == 10 and 3 not in set(table["point"])
    assert any(t.name == "point #3" for t in fig.data)
    heading, _, _, _ = map_handlers.neighbours(run, "goals", "cluster")
    assert "goals" in heading.lower()


def test_chunking_3d_hdbscan_and_reuse(backend):
    long_doc = " ".join(f"Sentence {w} talks about {w} things." for w in WORDS)
    paste = f"{long_doc}\nshort one\nanother short one\na third short text"
    run, summary, fig, *_ = build(backend, paste=paste, long_docs=map_handlers.LONG_DOCS[1], chunk=32, overlap=8,
                                  dims=3, cluster="HDBSCAN", size=50)
    assert len(run.records) > 4 and "chunks of at most 32 tokens" in summary
    assert "min cluster size lowered" in summary
    assert fig.data[0].type == "scatter3d" and run.coords.shape[1] == 3
    again = build(backend, previous=run, paste=paste, long_docs=map_handlers.LONG_DOCS[1], chunk=32, overlap=8,
                  method="PCA")
    assert f"{len(run.records)} from cache" in again[1]


def test_small_sets_adapt_and_say_so(backend):
    _, summary, *_ = build(backend, paste="one\ntwo\nthree\nfour", k=9)
    assert "n_neighbors lowered" in summary and "KMeans k lowered from 9 to 4" in summary


@pytest.mark.parametrize("paste, message", [("", "Documents is empty"), ("just one document", "at least 3"),
                                            ("one\ntwo", "at least 3")])
def test_too_few_documents_is_a_clear_message(backend, paste, message):
    with pytest.raises(gr.Error, match=message):
        user_errors(build)(backend, paste=paste)


def test_neighbours_need_a_map_and_a_valid_point(backend):
    with pytest.raises(gr.Error, match="Build the map first"):
        user_errors(map_handlers.neighbours)(None, "1", "cluster")
    run = build(backend, paste="red\ngreen\nblue\nyellow")[0]
    with pytest.raises(gr.Error, match="no point 99"):
        user_errors(map_handlers.neighbours)(run, "99", "cluster")
    with pytest.raises(gr.Error, match="No point has a text containing"):
        user_errors(map_handlers.neighbours)(run, "purple", "cluster")
