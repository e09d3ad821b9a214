"""The instruction lab's statistics: how much the wording of an instruction matters on the user's queries, which
wording is best with an honest test, and which words carry the effect. Pure numpy / scipy / pandas: the scores come
in as a variant × query table (`instruction_sweep.sweep_instructions`), the vectors as arrays.

Honesty rules: every variant is compared with the baseline *and* with the best variant by a paired test over the
same queries, Holm-adjusted within each family of tests; picking the best wording on the queries it is scored on is
optimistic, so a held-out split scores the pick on queries it never saw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from harrier_explorer.analysis.ab_grid import holm
from harrier_explorer.analysis.instruction_variants import rewrites
from harrier_explorer.analysis.significance import PairedTest, mean_interval, paired_test
from harrier_explorer.errors import InputError

#: Significance level of the verdicts (after Holm's adjustment).
ALPHA = 0.05


@dataclass(frozen=True)
class LabScores:
    """One row per variant (in input order) with numeric columns: ``mean``, ``ci_low``, ``ci_high`` (95% percentile
    bootstrap of the mean over queries), ``shift`` (1 − mean cosine of its query vectors to the reference's),
    ``diff_baseline``, ``p_baseline`` (Holm), ``diff_best``, ``p_best`` (Holm); the baseline's and the best's own
    test cells are NaN. ``spread`` is best − worst mean, ``std`` the standard deviation of the variants' means."""

    table: pd.DataFrame
    baseline: str
    best: str
    spread: float
    std: float
    n_queries: int

    def better_than_baseline(self) -> list[str]:
        t = self.table
        return t.index[(t.p_baseline < ALPHA) & (t.diff_baseline > 0)].tolist()

    def worse_than_baseline(self) -> list[str]:
        t = self.table
        return t.index[(t.p_baseline < ALPHA) & (t.diff_baseline < 0)].tolist()

    def tied_with_best(self) -> list[str]:
        """The variants no test can tell from the best (the best included)."""
        t = self.table
        return t.index[~(t.p_best < ALPHA)].tolist()


def score_variants(values: pd.DataFrame, shifts: pd.Series, baseline: str, n_resamples: int = 5_000,
                   seed: int | None = 0) -> LabScores:
    """Compare every variant with the baseline and with the best, query by query.

    Args:
        values: variant × query metric (rows in display order); a query NaN for any variant is left out of all.
        shifts: per variant, 1 − mean cosine of its query embeddings to the reference embeddings.
        baseline: the row the others are tested against (e.g. the base instruction or "(none)").
        n_resamples, seed: of the bootstrap intervals and the paired permutation tests.
    """
    if baseline not in values.index:
        raise InputError(f"The baseline {baseline!r} is not among the variants.")
    if len(values.index) < 2:
        raise InputError("The lab needs at least 2 variants to compare.")
    scored = values.dropna(axis=1, how="any")
    if scored.shape[1] < 2:
        raise InputError(f"Only {scored.shape[1]} query can be scored: the lab's statistics need at least 2.")
    rng = np.random.default_rng(seed)
    matrix = scored.to_numpy(dtype=float)
    means = matrix.mean(axis=1)
    intervals = [mean_interval(row, n_resamples, rng) for row in matrix]
    best = str(scored.index[int(np.argmax(means))])
    table = pd.DataFrame({"mean": means, "ci_low": [i[0] for i in intervals], "ci_high": [i[1] for i in intervals],
                          "shift": shifts.reindex(scored.index).to_numpy(dtype=float)}, index=scored.index)
    for name, reference in (("baseline", baseline), ("best", best)):
        diffs, p_values = _tests_against(scored, reference, n_resamples, seed)
        table[f"diff_{name}"], table[f"p_{name}"] = diffs, p_values
    return LabScores(table, baseline, best, float(means.max() - means.min()), float(np.std(means, ddof=1)),
                     scored.shape[1])


def _tests_against(scored: pd.DataFrame, reference: str, n_resamples: int, seed: int | None):
    """mean(variant − reference) and the Holm-adjusted p of a paired test, for every variant (NaN for itself)."""
    ref = scored.loc[reference].to_numpy(dtype=float)
    others = [v for v in scored.index if v != reference]
    tests = [paired_test(ref, scored.loc[v].to_numpy(dtype=float), n_resamples, seed) for v in others]
    adjusted = dict(zip(others, holm([t.p_value for t in tests]), strict=True)) if tests else {}
    diff = {v: t.mean_difference for v, t in zip(others, tests, strict=True)}
    return ([diff.get(v, np.nan) for v in scored.index], [adjusted.get(v, np.nan) for v in scored.index])


def embedding_shift(vectors: np.ndarray, reference: np.ndarray) -> float:
    """1 − the mean cosine of each row to the same row of ``reference`` (both L2-normalised): 0 = unmoved."""
    if vectors.shape != reference.shape:
        raise InputError(f"Shift needs vectors of one shape, got {vectors.shape} and {reference.shape}.")
    return float(1.0 - np.mean(np.sum(vectors * reference, axis=1)))


# -- held-out split -----------------------------------------------------------------------------------------------
def split_queries(query_ids: Sequence[str], test_fraction: float, seed: int = 0) -> tuple[list[str], list[str]]:
    """A reproducible random split of the queries into (train, test), test ≈ ``test_fraction`` of them, each side
    at least 2 queries; the order within each side follows ``query_ids``."""
    if not 0 < test_fraction < 1:
        raise InputError(f"The held-out fraction must be between 0 and 1, got {test_fraction}.")
    n = len(query_ids)
    n_test = int(round(n * test_fraction))
    if n_test < 2 or n - n_test < 2:
        raise InputError(f"A held-out split needs at least 2 queries on each side; {n} queries at "
                         f"{test_fraction:.0%} held out gives {n - n_test} and {n_test}.")
    chosen = set(np.random.default_rng(seed).permutation(n)[:n_test].tolist())
    train = [q for i, q in enumerate(query_ids) if i not in chosen]
    return train, [q for i, q in enumerate(query_ids) if i in chosen]


@dataclass(frozen=True)
class HeldOut:
    """The variant picked by its mean on the train queries, scored on the test queries it was not picked on."""

    pick: str
    train_mean: float
    test_mean: float
    baseline_test_mean: float
    test: PairedTest  # of mean(pick − baseline) on the test queries
    n_train: int
    n_test: int


def held_out(values: pd.DataFrame, train: Sequence[str], test: Sequence[str], baseline: str,
             seed: int | None = 0) -> HeldOut:
    """Pick the best variant on ``train`` (query columns of ``values``) and test it against the baseline on
    ``test``; NaN queries are left out."""
    scored = values.dropna(axis=1, how="any")
    train = [q for q in train if q in scored.columns]
    test = [q for q in test if q in scored.columns]
    if len(train) < 2 or len(test) < 2:
        raise InputError(f"After leaving out unlabelled queries the split has {len(train)} train and {len(test)} "
                         "test queries; each side needs at least 2.")
    train_means = scored[train].mean(axis=1)
    pick = str(train_means.idxmax())
    pick_test, base_test = scored.loc[pick, test].to_numpy(float), scored.loc[baseline, test].to_numpy(float)
    return HeldOut(pick, float(train_means[pick]), float(pick_test.mean()), float(base_test.mean()),
                   paired_test(base_test, pick_test, seed=seed), len(train), len(test))


# -- greedy search ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchStep:
    """One round: the wording kept, the rule that made it, its train score, and how many rewrites were tried."""

    round: int
    kind: str
    text: str
    score: float
    tried: int


def greedy_search(start: str, score: Callable[[list[str]], list[float]], rounds: int = 3,
                  domain: str = "") -> list[SearchStep]:
    """Hill-climb on wording: rewrite the current best with every rule, score the new rewrites (``score`` maps
    instructions to their mean on the train queries), keep the best if it beats the current one, repeat up to
    ``rounds`` times. Stops early when no rewrite improves. Step 0 is the start."""
    if rounds < 1:
        raise InputError(f"The search needs at least 1 round, got {rounds}.")
    steps = [SearchStep(0, "start", start, score([start])[0], 1)]
    seen = {start.casefold()}
    for round_ in range(1, rounds + 1):
        candidates = [v for v in rewrites(steps[-1].text, domain) if v.text.casefold() not in seen]
        if not candidates:
            break
        seen.update(v.text.casefold() for v in candidates)
        scores = score([v.text for v in candidates])
        best = int(np.argmax(scores))
        if scores[best] <= steps[-1].score:
            break
        steps.append(SearchStep(round_, candidates[best].kind, candidates[best].text, float(scores[best]),
                                len(candidates)))
    return steps
