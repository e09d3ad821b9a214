"""ab_report: rank-change labels, side-by-side and per-query tables, typed qrels; the A/B tab's verdict sentences."""

from __future__ import annotations

import numpy as np
import pytest

from harrier_explorer.analysis import ab_report
from harrier_explorer.analysis.ab_test import compare_instructions, compare_quality
from harrier_explorer.errors import InputError
from harrier_explorer.ui.ab.present import verdict


def unit(rows):
    x = np.asarray(rows, dtype=float)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


# Four docs on a circle; query 0 under A points at d0, under B at d2; query 1 is the same under both.
DOCS = unit([[1, 0], [0.9, 0.45], [0, 1], [-1, 0.1]])
QA = unit([[1, 0.05], [0.2, 1]])
QB = unit([[0.1, 1], [0.2, 1]])
TEXTS = ["zero", "one", "two", "three"]


def comparison(k=2):
    return compare_instructions(QA, QB, DOCS, ["q0", "q1"], ["d0", "d1", "d2", "d3"], k)


@pytest.mark.parametrize("a, b, label", [(5, 2, "new"), (1, 4, "out (↓3)"), (3, 1, "↑2"), (1, 2, "↓1"), (2, 2, "="),
                                         (9, 7, "↑2")])
def test_rank_change_label(a, b, label):
    assert ab_report.rank_change_label(a, b, k=3) == label


def test_side_by_side_and_changes():
    side = ab_report.side_by_side(comparison(), 0, TEXTS)
    assert list(side["under A"]) == ["d0: zero", "d1: one"]
    assert list(side["under B"]) == ["d2: two", "d1: one"]
    assert list(side["change (B vs A)"]) == ["new", "="]
    marked = ab_report.side_by_side(comparison(), 0, TEXTS, relevant={"d1"})
    assert list(marked["under A"]) == ["d0: zero", "✓ d1: one"] and list(marked["under B"]) == ["d2: two", "✓ d1: one"]
    changes = ab_report.changes_table(comparison(), 0, TEXTS)
    assert dict(zip(changes["doc_id"], changes["move"])) == {"d0": "out (↓2)", "d2": "new", "d1": "="}
    assert "text" in changes.columns and "rank_change" not in changes.columns


def test_per_query_quality_tables_and_verdict():
    c = comparison()
    qrels = {"q0": {"d2": 1}, "q1": {"d2": 1}}
    quality = compare_quality(c, qrels, k=2, recall_k=2, n_resamples=100)
    table = ab_report.per_query_table(c, ["first", "second"], quality)
    assert list(table["query_id"]) == ["q0", "q1"] and list(table["B vs A"]) == ["win", "tie"]
    assert table.loc[0, "nDCG@2 B"] == 1.0
    summary = ab_report.quality_table(quality)
    assert list(summary["metric"]) == ["nDCG@2", "MRR@2", "Recall@2"]
    sentence = verdict(quality)
    assert sentence.startswith("No significant difference between A and B on nDCG@2")  # 2 queries: p = 1
    assert "2 queries: 1 wins, 1 ties, 0 losses" in sentence
    assert set(ab_report.agreement_summary(c)["agreement of A and B"]) >= {"overlap@2", "RBO (p = 0.9)"}


def test_verdict_names_the_winner_when_significant():
    rng = np.random.default_rng(0)
    docs = unit(rng.standard_normal((30, 8)))
    ids = [f"d{j}" for j in range(30)]
    good = docs[:20] + 0.05 * rng.standard_normal((20, 8))  # B's query i sits on doc i
    bad = unit(rng.standard_normal((20, 8)))
    c = compare_instructions(bad, unit(good), docs, [f"q{i}" for i in range(20)], ids, 10)
    quality = compare_quality(c, {f"q{i}": {f"d{i}": 1} for i in range(20)}, n_resamples=2000)
    assert verdict(quality).startswith("B beats A on nDCG@10 by +")
    flipped = compare_quality(compare_instructions(unit(good), bad, docs, [f"q{i}" for i in range(20)], ids, 10),
                              {f"q{i}": {f"d{i}": 1} for i in range(20)}, n_resamples=2000)
    assert verdict(flipped).startswith("A beats B on nDCG@10 by +")


def test_rankings_table_is_long_form():
    table = ab_report.rankings_table(comparison())
    assert len(table) == 2 * 2 * 2 and list(table.columns) == ["query_id", "side", "rank", "doc_id", "score"]


def test_qrels_from_pairs():
    rows = [["q0", "d2"], ["", ""], [None, None], [" q1 ", "d0"]]
    assert ab_report.qrels_from_pairs(rows, ["q0", "q1"], ["d0", "d2"]) == {"q0": {"d2": 1}, "q1": {"d0": 1}}
    with pytest.raises(InputError, match="not loaded"):
        ab_report.qrels_from_pairs([["q9", "d0"]], ["q0"], ["d0"])


def test_a_p_value_reads_as_a_sentence_says_it():
    from harrier_explorer.ui.common import p_text

    assert [p_text(p) for p in (0.1234, 0.0123, 0.001, 0.0004)] == ["p = 0.12", "p = 0.012", "p = 0.001",
                                                                    "p < 0.001"]  # never "p = < 0.001"
