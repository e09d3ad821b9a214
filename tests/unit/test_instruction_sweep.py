"""Tests for the instruction sweep: matrix shape, metric choice and values per (instruction, query)."""

from __future__ import annotations

import numpy as np
import pytest

from harrier_explorer.analysis.instruction_sweep import sweep_instructions
from harrier_explorer.errors import InputError


@pytest.fixture
def corpus() -> np.ndarray:
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(15, 8)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


QUERY_IDS = ["q0", "q1", "q2"]
DOC_IDS = [f"d{j}" for j in range(15)]


def test_sweep_with_qrels_gives_ndcg_per_instruction_and_query(corpus) -> None:
    instructions = {"toward": corpus[:3], "away": -corpus[:3]}
    qrels = {"q0": {"d0": 1}, "q1": {"d1": 1}}  # q2 has no relevant doc
    result = sweep_instructions(instructions, corpus, QUERY_IDS, DOC_IDS, qrels=qrels, k=5)
    assert result.metric == "ndcg"
    assert result.values.shape == (2, 3)
    assert result.values.loc["toward", ["q0", "q1"]].tolist() == [1.0, 1.0]
    assert result.values.loc["away", ["q0", "q1"]].tolist() == [0.0, 0.0]
    assert result.values["q2"].isna().all()


def test_sweep_without_qrels_compares_with_the_baseline_ranking(corpus) -> None:
    instructions = {"same": corpus[:3], "opposite": -corpus[:3]}
    result = sweep_instructions(instructions, corpus, QUERY_IDS, DOC_IDS, baseline=corpus[:3], k=5)
    assert result.metric == "overlap"
    assert result.values.loc["same"].tolist() == [1.0, 1.0, 1.0]
    assert (result.values.loc["opposite"] == 0.0).all()


def test_sweep_with_nothing_else_reports_top1_score(corpus) -> None:
    result = sweep_instructions({"self": corpus[:3]}, corpus, QUERY_IDS, DOC_IDS)
    assert result.metric == "top1"
    np.testing.assert_allclose(result.values.loc["self"], 1.0, atol=1e-6)


def test_retrieval_metric_without_qrels_is_an_input_error(corpus) -> None:
    with pytest.raises(InputError, match="qrels"):
        sweep_instructions({"x": corpus[:3]}, corpus, QUERY_IDS, DOC_IDS, metric="recall")
