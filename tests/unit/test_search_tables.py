"""Tests for the search tab's tables: ranked hits, parity, per-language hits, bias and the export."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from harrier_explorer.analysis.search import (
    bias_frame,
    language_hits_frame,
    parity_frame,
    ranked_frame,
    results_frame,
    search,
    translation_parity,
)

# Unit vectors on a circle: query 0 points at docs 0/1, query 1 at docs 2/3.
ANGLES = np.array([0.0, 0.1, 1.5, 1.6])
CORPUS = np.stack([np.cos(ANGLES), np.sin(ANGLES)], axis=1).astype(np.float32)
QUERIES = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
LANGS = ["en", "de", "en", "de"]
DOCS = pd.DataFrame({"language": LANGS, "text": ["a", "b", "c", "d"]})


@pytest.fixture
def result():
    return search(QUERIES, CORPUS, k=2)


def test_ranked_frame_puts_rank_and_score_before_the_corpus_columns(result):
    frame = ranked_frame(result.hits[1], DOCS)
    assert list(frame.columns) == ["rank", "score", "language", "text"]
    assert frame["text"].tolist() == ["d", "c"] and frame["rank"].tolist() == [1, 2]
    assert frame["score"].iloc[0] == pytest.approx(np.sin(1.6))


def test_parity_frame_names_each_pair(result):
    frame = parity_frame(translation_parity(result), ["Q1", "Q2"])
    assert frame.iloc[0][["query A", "query B", "overlap@k"]].tolist() == ["Q1", "Q2", 0.0]


def test_language_hits_frame_has_each_language_of_each_query(result):
    frame = language_hits_frame(result, LANGS, DOCS, ["Q1", "Q2"], k=1)
    assert list(frame.columns) == ["query", "language", "rank", "score", "text"]
    assert frame[["query", "language", "text"]].values.tolist() == [
        ["Q1", "de", "b"], ["Q1", "en", "a"], ["Q2", "de", "d"], ["Q2", "en", "c"]]


def test_bias_frame_compares_top_k_share_with_corpus_share(result):
    frame = bias_frame(result, LANGS, ["en", "fr"], ["Q1", "Q2"])
    assert frame["top-k share"].tolist() == [0.5, 0.0] and frame["corpus share"].tolist() == [0.5, 0.0]
    assert frame["ratio"].iloc[0] == 1.0 and np.isnan(frame["ratio"].iloc[1])  # French is absent


def test_results_frame_stacks_every_query(result):
    frame = results_frame(result, DOCS, ["north", "east"])
    assert list(frame.columns[:4]) == ["query #", "query", "rank", "score"]
    assert frame["query"].tolist() == ["north", "north", "east", "east"]
