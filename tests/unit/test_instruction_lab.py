"""The lab's statistics by hand and against scipy and statsmodels: means, Holm, paired tests, held-out split, greedy
search."""

import gc

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ttest_rel
from statsmodels.stats.multitest import multipletests

from harrier_explorer.analysis.ab_grid import holm
from harrier_explorer.analysis.instruction_lab import (
    embedding_shift,
    greedy_search,
    held_out,
    score_variants,
    split_queries,
)
from harrier_explorer.analysis.significance import paired_test
from harrier_explorer.errors import InputError

QUERIES = [f"q{i}" for i in range(12)]


def _values() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    base = rng.uniform(0.3, 0.7, size=12)
    rows = {"(none)": base, "better": np.clip(base + 0.25, 0, 1), "same": base + rng.normal(0, 0.01, 12),
            "worse": base - 0.2}
    return pd.DataFrame(rows, index=QUERIES).T


def test_means_spread_and_which_variants_differ() -> None:
    values = _values()
    shifts = pd.Series({"(none)": 0.0, "better": 0.1, "same": 0.01, "worse": 0.2})
    scores = score_variants(values, shifts, baseline="(none)", n_resamples=2_000)
    means = values.mean(axis=1)
    assert scores.table["mean"].to_dict() == pytest.approx(means.to_dict())
    assert scores.best == "better"
    assert scores.spread == pytest.approx(means.max() - means.min())
    assert scores.std == pytest.approx(np.std(means.to_numpy(), ddof=1))
    assert scores.better_than_baseline() == ["better"] and scores.worse_than_baseline() == ["worse"]
    assert scores.tied_with_best() == ["better"]
    assert np.isnan(scores.table.loc["(none)", "p_baseline"]) and np.isnan(scores.table.loc["better", "p_best"])
    assert scores.table.loc["worse", "diff_best"] == pytest.approx(means["worse"] - means["better"])
    # Every interval holds its mean; the shift is passed through.
    assert (scores.table.ci_low <= scores.table["mean"]).all() and (scores.table["mean"] <= scores.table.ci_high).all()
    assert scores.table.loc["worse", "shift"] == 0.2


def test_holm_adjusted_p_values_are_at_least_the_raw_ones_and_agree_with_a_t_test_in_direction() -> None:
    values = _values()
    scores = score_variants(values, pd.Series(0.0, index=values.index), baseline="(none)", n_resamples=2_000)
    raw = ttest_rel(values.loc["same"], values.loc["(none)"]).pvalue
    assert scores.table.loc["same", "p_baseline"] >= min(raw, 1) * 0.5  # no significance appears from nothing
    assert scores.table.loc["same", "p_baseline"] > 0.05


def test_holm_is_statsmodels_holm_on_random_and_tied_p_values(monkeypatch) -> None:
    # statsmodels' Holm runs a full gc.collect() per call: 200 calls over the heap of a whole test session took over
    # 5 minutes on a busy 2-core machine (a faulthandler dump in every run), for nothing this test compares.
    monkeypatch.setattr(gc, "collect", lambda *args: 0)
    rng = np.random.default_rng(0)
    for m in (1, 2, 5, 20):
        for _ in range(50):
            p = rng.choice([rng.uniform(), 0.01, 0.04, 0.5], size=m) if m > 2 else rng.uniform(size=m)
            assert holm(p) == pytest.approx(multipletests(p, method="holm")[1])


def test_the_tables_p_values_are_statsmodels_holm_over_scipy_permutation_tests() -> None:
    values = _values()
    scores = score_variants(values, pd.Series(0.0, index=values.index), baseline="(none)", n_resamples=2_000, seed=4)
    others = ["better", "same", "worse"]
    raw = [paired_test(values.loc["(none)"].to_numpy(), values.loc[v].to_numpy(), 2_000, seed=4).p_value
           for v in others]
    assert scores.table.loc[others, "p_baseline"].tolist() == pytest.approx(multipletests(raw, method="holm")[1])


def test_unscorable_queries_are_left_out_and_too_few_are_refused() -> None:
    values = _values()
    values.loc["better", "q0"] = np.nan
    scores = score_variants(values, pd.Series(0.0, index=values.index), "(none)", n_resamples=500)
    assert scores.n_queries == 11
    with pytest.raises(InputError, match="at least 2"):
        score_variants(values[["q0", "q1"]].assign(q1=np.nan), pd.Series(0.0, index=values.index), "(none)")
    with pytest.raises(InputError, match="baseline"):
        score_variants(values, pd.Series(0.0, index=values.index), "missing")


def test_embedding_shift_is_one_minus_the_mean_cosine() -> None:
    a = np.array([[1.0, 0.0], [0.0, 1.0]])
    b = np.array([[1.0, 0.0], [1.0, 0.0]])
    assert embedding_shift(a, b) == pytest.approx(1 - (1 + 0) / 2)
    assert embedding_shift(a, a) == pytest.approx(0)


def test_split_is_reproducible_disjoint_and_bounded() -> None:
    train, test = split_queries(QUERIES, 0.25, seed=1)
    assert (train, test) == split_queries(QUERIES, 0.25, seed=1)
    assert len(test) == 3 and set(train) | set(test) == set(QUERIES) and not set(train) & set(test)
    assert train == [q for q in QUERIES if q in train]  # input order kept
    with pytest.raises(InputError, match="at least 2 queries on each side"):
        split_queries(QUERIES[:3], 0.5)


def test_held_out_picks_on_train_and_scores_on_test() -> None:
    values = _values()
    train, test = split_queries(QUERIES, 0.5, seed=0)
    result = held_out(values, train, test, "(none)")
    assert result.pick == "better"
    assert result.test_mean == pytest.approx(values.loc["better", test].mean())
    assert result.baseline_test_mean == pytest.approx(values.loc["(none)", test].mean())
    assert result.test.mean_difference == pytest.approx(result.test_mean - result.baseline_test_mean)


def test_greedy_search_climbs_while_it_improves_and_stops() -> None:
    calls = []

    def score(texts: list[str]) -> list[float]:  # shorter wording scores higher, down to two words
        calls.append(texts)
        return [-abs(len(t.split()) - 2) for t in texts]

    steps = greedy_search("Given a question, retrieve passages that answer the question", score, rounds=5)
    assert steps[0].kind == "start" and steps[-1].text == "Retrieve passages"
    assert [s.score for s in steps] == sorted(s.score for s in steps)  # never worse than the step before
    assert len(calls) <= 6 and len({t for batch in calls for t in batch}) == sum(len(b) for b in calls)  # no repeats
    with pytest.raises(InputError):
        greedy_search("x", score, rounds=0)
