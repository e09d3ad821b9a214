"""Tests for instruction A/B comparison: rank and score changes, agreement per query, and quality vs qrels."""

from __future__ import annotations

import numpy as np
import pytest

from harrier_explorer.analysis.ab_report import toggle_label
from harrier_explorer.analysis.ab_test import compare_instructions, compare_quality, document_changes, score_shift
from harrier_explorer.errors import InputError


def _at_angles(degrees: list[float]) -> np.ndarray:
    radians = np.deg2rad(degrees)
    return np.stack([np.cos(radians), np.sin(radians)], axis=1).astype(np.float32)


@pytest.fixture
def opposite_rankings():
    """Five docs at 0..80 degrees; query A at 0 degrees ranks them 0..4, query B at 80 degrees ranks them 4..0."""
    corpus = _at_angles([0, 20, 40, 60, 80])
    return compare_instructions(_at_angles([0]), _at_angles([80]), corpus, ["q"], list("vwxyz"), k=2)


def test_reversed_rankings_share_nothing_and_anticorrelate(opposite_rankings) -> None:
    row = opposite_rankings.per_query.loc["q"]
    assert row["overlap"] == 0.0
    assert row["rbo"] == 0.0
    assert row["kendall_tau"] == pytest.approx(-1.0)
    assert row["top1_a"] == pytest.approx(1.0) and row["top1_b"] == pytest.approx(1.0)


def test_document_changes_give_full_ranks_beyond_k(opposite_rankings) -> None:
    table = document_changes(opposite_rankings, 0)
    # Union of top-2s is {v, w, y, z}; sorted by best rank on either side, then by rank under A.
    assert table["doc_id"].tolist() == ["v", "z", "w", "y"]
    assert table["rank_a"].tolist() == [1, 5, 2, 4]
    assert table["rank_b"].tolist() == [5, 1, 4, 2]
    assert table["rank_change"].tolist() == [-4, 4, -2, 2]
    score_a = np.cos(np.deg2rad([0, 80, 20, 60]))  # angles from query A (0 degrees)
    score_b = np.cos(np.deg2rad([80, 0, 60, 20]))  # angles from query B (80 degrees)
    np.testing.assert_allclose(table["score_change"], score_b - score_a, atol=1e-6)


def test_score_shift_reports_top_k_scores_per_query(opposite_rankings) -> None:
    shift = score_shift(opposite_rankings)
    assert shift.topk_a.shape == (1, 2)
    np.testing.assert_allclose(shift.topk_b[0], np.cos(np.deg2rad([0, 20])), atol=1e-6)
    assert shift.mean_top1_a == pytest.approx(1.0) and shift.median_top1_b == pytest.approx(1.0)


@pytest.fixture
def labelled_corpus():
    rng = np.random.default_rng(0)
    corpus = rng.normal(size=(20, 16)).astype(np.float32)
    corpus /= np.linalg.norm(corpus, axis=1, keepdims=True)
    query_ids = [f"q{i}" for i in range(12)]
    doc_ids = [f"d{j}" for j in range(20)]
    qrels = {f"q{i}": {f"d{i}": 1} for i in range(12)}
    return corpus, query_ids, doc_ids, qrels


def test_identical_instructions_tie_everywhere_with_p_value_one(labelled_corpus) -> None:
    corpus, query_ids, doc_ids, qrels = labelled_corpus
    comparison = compare_instructions(corpus[:12], corpus[:12], corpus, query_ids, doc_ids)
    np.testing.assert_allclose(comparison.per_query[["overlap", "kendall_tau", "rbo"]], 1.0)
    quality = compare_quality(comparison, qrels)
    assert (quality.wins, quality.ties, quality.losses) == (0, 12, 0)
    assert quality.test.p_value == pytest.approx(1.0)


def test_better_instruction_wins_every_query_with_small_p_value(labelled_corpus) -> None:
    corpus, query_ids, doc_ids, qrels = labelled_corpus
    # A points away from each query's relevant doc (ranked last), B straight at it (ranked first).
    comparison = compare_instructions(-corpus[:12], corpus[:12], corpus, query_ids, doc_ids)
    quality = compare_quality(comparison, qrels, metric="mrr")
    assert quality.scores_a.means["mrr"] == 0.0 and quality.scores_b.means["mrr"] == 1.0
    assert (quality.wins, quality.ties, quality.losses) == (12, 0, 0)
    assert quality.test.p_value < 0.01


def test_unknown_metric_and_oversized_k_are_input_errors(labelled_corpus) -> None:
    corpus, query_ids, doc_ids, qrels = labelled_corpus
    with pytest.raises(InputError, match="corpus size 20"):
        compare_instructions(corpus[:12], corpus[:12], corpus, query_ids, doc_ids, k=21)
    comparison = compare_instructions(corpus[:12], corpus[:12], corpus, query_ids, doc_ids)
    with pytest.raises(InputError, match="Unknown metric"):
        compare_quality(comparison, qrels, metric="map")


def test_toggle_label_adds_then_removes_a_pair_and_drops_blank_rows():
    rows, marked = toggle_label([["", ""], ["q1", "d1"], [None, None]], "q2", "d7")
    assert (rows, marked) == ([["q1", "d1"], ["q2", "d7"]], True)
    assert toggle_label(rows, "q2", "d7") == ([["q1", "d1"]], False)
