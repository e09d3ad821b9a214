"""The model × instruction grid of an A/B comparison run with two models (issue 9): each cell is one model's ranking
under one instruction, so "does B's instruction help?" and "does model B help?" are read off one table.

With relevance labels every cell gets nDCG@k / MRR@k with a bootstrap interval of its mean, and every two cells a
paired test (`significance.paired_test`: the queries are the same, so their per-query values are paired), with
Holm's correction over the pairs of one metric. Without labels every two cells get the agreement of their rankings.
Pure numpy / scipy: no model, no UI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from harrier_explorer.analysis.ab_test import ABComparison
from harrier_explorer.analysis.metrics import Qrels, RetrievalScores, evaluate_rankings
from harrier_explorer.analysis.model_compare import ranking_agreement
from harrier_explorer.analysis.significance import PairedTest, mean_interval, paired_test
from harrier_explorer.errors import InputError

#: (model, instruction), e.g. ("B", "A"): model B's ranking with the queries under instruction A.
Cell = tuple[str, str]
#: The metrics of a cell (`metrics.RETRIEVAL_METRICS` names); Recall@k stays in the two-instruction view.
GRID_METRICS = ("ndcg", "mrr")
_SIDES = {"A": "a", "B": "b"}  # instruction -> the side of an ABComparison


@dataclass(frozen=True)
class CellQuality:
    """One cell's scores and, per metric, the 95% percentile-bootstrap interval of its mean over queries."""

    scores: RetrievalScores
    intervals: dict[str, tuple[float, float]]


@dataclass(frozen=True)
class PairTest:
    """`test` is of mean(second − first) on `metric`; `p_holm` its p-value Holm-adjusted over the pairs of `metric`."""

    first: Cell
    second: Cell
    metric: str
    test: PairedTest
    p_holm: float


@dataclass(frozen=True)
class QualityGrid:
    """Every cell's quality (``cells``, in grid order: model A's cells first) and every pair of cells tested."""

    cells: dict[Cell, CellQuality]
    pairs: tuple[PairTest, ...]  # for each metric of GRID_METRICS, the pairs in `combinations(cells)` order

    def label(self, metric: str) -> str:
        """The metric with its cutoff, e.g. "nDCG@10"."""
        return next(iter(self.cells.values())).scores.label(metric)


@dataclass(frozen=True)
class PairAgreement:
    """Mean over queries of overlap@k, Kendall τ (union of both top k; NaN taus left out) and RBO of two cells."""

    first: Cell
    second: Cell
    overlap: float
    kendall_tau: float
    rbo: float


@dataclass(frozen=True)
class AgreementGrid:
    """Every pair of cells' agreement, in `combinations(cells)` order; the first cell is the reference."""

    cells: tuple[Cell, ...]
    pairs: tuple[PairAgreement, ...]
    k: int

    def with_reference(self, cell: Cell) -> PairAgreement | None:
        """How ``cell`` agrees with the first cell (None for the first cell itself)."""
        return next((p for p in self.pairs if p.first == self.cells[0] and p.second == cell), None)


def grid_cells(comparisons: Mapping[str, ABComparison]) -> tuple[Cell, ...]:
    """The cells of the models' comparisons: each model under instruction A, then under B, model by model."""
    return tuple((model, instruction) for model in comparisons for instruction in _SIDES)


def quality_grid(comparisons: Mapping[str, ABComparison], qrels: Qrels, k: int = 10, n_resamples: int = 10_000,
                 seed: int | None = 0) -> QualityGrid:
    """Score every cell against the qrels and test every two cells, query by query.

    Args:
        comparisons: model name -> its `ab_test.compare_instructions` over the same queries and documents.
        qrels: relevance labels; queries without a relevant document are left out of every cell alike.
        k: cutoff of nDCG and MRR.
        n_resamples, seed: of the bootstrap intervals and of `significance.paired_test`.
    """
    _check_same_items(comparisons)
    rng = np.random.default_rng(seed)
    cells = {}
    for model, instruction in grid_cells(comparisons):
        scores = evaluate_rankings(comparisons[model].top_docs(_SIDES[instruction], k), qrels, k, k)
        cells[model, instruction] = CellQuality(scores, {m: mean_interval(scores.per_query[m].to_numpy(), n_resamples,
                                                                        rng) for m in GRID_METRICS})
    pairs = []
    for metric in GRID_METRICS:
        tests = [(first, second, paired_test(cells[first].scores.per_query[metric].to_numpy(),
                                             cells[second].scores.per_query[metric].to_numpy(), n_resamples, seed))
                 for first, second in combinations(cells, 2)]
        adjusted = holm([test.p_value for _, _, test in tests])
        pairs += [PairTest(first, second, metric, test, float(p)) for (first, second, test), p in
                  zip(tests, adjusted, strict=True)]
    return QualityGrid(cells, tuple(pairs))


def agreement_grid(comparisons: Mapping[str, ABComparison]) -> AgreementGrid:
    """The agreement of every two cells' rankings at the comparisons' depth k (no labels needed)."""
    k = _check_same_items(comparisons)
    scores = {(model, instruction): getattr(comparisons[model], f"scores_{_SIDES[instruction]}")
              for model, instruction in grid_cells(comparisons)}
    pairs = []
    for first, second in combinations(scores, 2):
        agreement = ranking_agreement(scores[first], scores[second], k)
        taus = agreement.kendall_tau[~np.isnan(agreement.kendall_tau)]
        pairs.append(PairAgreement(first, second, float(agreement.overlap.mean()),
                                   float(taus.mean()) if taus.size else float("nan"), float(agreement.rbo.mean())))
    return AgreementGrid(tuple(scores), tuple(pairs), k)


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjustment (Holm 1979), in the input's order: the i-th smallest of m p-values times
    (m − i + 1), never below the one before it, at most 1. It bounds the chance of any false "significant" among
    the m tests without assuming they are independent — the grid's pairs share cells, so they are not."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate(p[order] * np.arange(p.size, 0, -1))
    adjusted = np.empty_like(p)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


def _check_same_items(comparisons: Mapping[str, ABComparison]) -> int:
    """The comparisons' common depth k; InputError unless they rank the same documents for the same queries."""
    first, *others = comparisons.values()
    for other in others:
        if (other.query_ids, other.doc_ids, other.k) != (first.query_ids, first.doc_ids, first.k):
            raise InputError("The models' comparisons must rank the same documents for the same queries at one k.")
    return first.k
