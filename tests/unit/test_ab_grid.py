"""The model × instruction grid against hand-computed answers and scikit-learn's nDCG.

Four queries, three documents, one relevant document (d0) per query. Each cell puts d0 at these ranks:
model A under instruction A: 1 1 1 1; under B: 2 2 2 2; model B under A: 1 1 3 3; under B: 1 1 1 1.
With one relevant document, nDCG = 1 / log2(rank + 1) and MRR = 1 / rank.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import ndcg_score

from harrier_explorer.analysis.ab_grid import agreement_grid, grid_cells, holm, quality_grid
from harrier_explorer.analysis.ab_test import compare_instructions
from harrier_explorer.errors import InputError

QUERIES = ["q1", "q2", "q3", "q4"]
DOCS = ["d0", "d1", "d2"]
QRELS = {q: {"d0": 1} for q in QUERIES}
#: Scores of (d0, d1, d2) that put d0 at rank 1, 2 or 3 (and so d1 first whenever d0 is not).
AT_RANK = {1: [3, 2, 1], 2: [2, 3, 1], 3: [1, 3, 2]}
RANKS = {("A", "A"): [1, 1, 1, 1], ("A", "B"): [2, 2, 2, 2], ("B", "A"): [1, 1, 3, 3], ("B", "B"): [1, 1, 1, 1]}
AA, AB, BA, BB = RANKS


def _queries(ranks: list[int]) -> np.ndarray:
    rows = np.array([AT_RANK[r] for r in ranks], dtype=float)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _comparisons(k: int = 1) -> dict:
    """Both models' comparisons; the corpus is the identity, so a query's scores are its own (normalised) row."""
    return {model: compare_instructions(_queries(RANKS[model, "A"]), _queries(RANKS[model, "B"]), np.eye(3),
                                        QUERIES, DOCS, k) for model in "AB"}


def test_holm_multiplies_the_ith_smallest_by_m_minus_i_plus_1_keeps_the_order_and_caps_at_1():
    # Sorted 0.005, 0.01, 0.03, 0.04 → × 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 → never below the one before.
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.4]) == pytest.approx([0.8, 0.8])  # 0.4 × 2 = 0.8; then max(0.8, 0.5 × 1)
    assert holm([0.9, 0.6, 0.01]) == pytest.approx([1.0, 1.0, 0.03])
    assert holm([0.2]) == pytest.approx([0.2])


def test_cells_are_model_by_model_each_under_instruction_a_then_b():
    assert grid_cells(_comparisons()) == (AA, AB, BA, BB)


def test_each_cells_ndcg_and_mrr_are_the_hand_computed_ones_and_sklearns():
    grid = quality_grid(_comparisons(), QRELS, k=3, n_resamples=2000)
    expected_ndcg = {cell: [1 / math.log2(r + 1) for r in ranks] for cell, ranks in RANKS.items()}
    for cell, ranks in RANKS.items():
        scores = grid.cells[cell].scores
        assert scores.per_query["ndcg"].tolist() == pytest.approx(expected_ndcg[cell])
        assert scores.means["mrr"] == pytest.approx(np.mean([1 / r for r in ranks]))
        y_score = np.array([AT_RANK[r] for r in ranks])
        assert scores.means["ndcg"] == pytest.approx(ndcg_score(np.tile([1, 0, 0], (4, 1)), y_score, k=3))
    assert grid.cells[BA].scores.means["mrr"] == pytest.approx(2 / 3)
    assert grid.label("ndcg") == "nDCG@3" and grid.label("mrr") == "MRR@3"


def test_each_cell_has_a_bootstrap_interval_around_its_mean():
    grid = quality_grid(_comparisons(), QRELS, k=3, n_resamples=2000)
    assert grid.cells[AA].intervals["ndcg"] == (1.0, 1.0)  # every query scores 1: nothing to resample
    low, high = grid.cells[BA].intervals["ndcg"]
    assert 0.5 <= low < grid.cells[BA].scores.means["ndcg"] < high <= 1.0


def test_every_two_cells_are_tested_pairwise_with_exact_p_values_and_holm():
    grid = quality_grid(_comparisons(), QRELS, k=3)
    ndcg = [p for p in grid.pairs if p.metric == "ndcg"]
    assert [(p.first, p.second) for p in ndcg] == [(AA, AB), (AA, BA), (AA, BB), (AB, BA), (AB, BB), (BA, BB)]
    drop = 1 - 1 / math.log2(3)  # rank 1 → rank 2
    assert [p.test.mean_difference for p in ndcg] == pytest.approx(
        [-drop, -0.25, 0.0, (2 * drop - 2 * (1 / math.log2(3) - 0.5)) / 4, drop, 0.25])
    # Exact sign-flip tests over 2⁴ = 16 flips: four equal differences reach the observed mean in 1 flip of 16 on
    # each side (p = 2/16); two equal non-zero ones in 4 of 16 (p = 8/16); all zero: p = 1.
    assert [p.test.p_value for p in ndcg] == pytest.approx([0.125, 0.5, 1.0, 0.5, 0.125, 0.5])
    # Holm over the six: the two 0.125s × 6 and × 5 → 0.75, 0.625 → 0.75 (never below the one before); 0.5 × 4 = 2
    # and the rest → capped at 1.
    assert [p.p_holm for p in ndcg] == pytest.approx([0.75, 1.0, 1.0, 1.0, 0.75, 1.0])
    mrr = [p for p in grid.pairs if p.metric == "mrr"]
    assert [p.test.mean_difference for p in mrr] == pytest.approx([-0.5, -1 / 3, 0.0, 1 / 6, 0.5, 1 / 3])
    assert all(p.test.n_pairs == 4 for p in grid.pairs)


def test_queries_without_a_relevant_document_are_left_out_of_every_cell_alike():
    grid = quality_grid(_comparisons(), {"q1": {"d0": 1}, "q3": {"d0": 1}, "q4": {"d1": 0}}, k=3)
    assert all(list(cell.scores.per_query.index) == ["q1", "q3"] for cell in grid.cells.values())
    assert all(p.test.n_pairs == 2 for p in grid.pairs)


def test_without_labels_every_two_cells_agree_by_overlap_rbo_and_tau():
    grid = agreement_grid(_comparisons(k=1))  # top 1: d0 where it is ranked first, else d1
    assert [(p.first, p.second, p.overlap) for p in grid.pairs] == [
        (AA, AB, 0.0), (AA, BA, 0.5), (AA, BB, 1.0), (AB, BA, 0.5), (AB, BB, 0.0), (BA, BB, 0.5)]
    assert [p.rbo for p in grid.pairs] == pytest.approx([p.overlap for p in grid.pairs])  # RBO of one item = overlap
    assert grid.with_reference(AB).kendall_tau == -1.0  # d0 and d1 swap places
    assert math.isnan(grid.with_reference(BB).kendall_tau)  # the same top 1: nothing to order
    assert grid.with_reference(AA) is None and grid.k == 1


def test_comparisons_of_different_queries_are_refused():
    comparisons = _comparisons()
    comparisons["B"] = compare_instructions(_queries([1, 1, 1]), _queries([1, 1, 1]), np.eye(3), QUERIES[:3], DOCS, 1)
    with pytest.raises(InputError, match="same documents for the same queries"):
        quality_grid(comparisons, QRELS, k=3)
