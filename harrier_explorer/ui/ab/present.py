"""What the A/B tab says and how its tables are shown: the verdict and summary sentences (user text escaped), the
queries' display names (Q1, Q2, … in the picker, the per-query table, the sweep plot and its table) and which
columns come first at screen width. `analysis.ab_report` builds the tables; this module only picks and names.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from harrier_explorer.analysis.ab_test import ABComparison, ABQuality
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.ui.common import markdown_text

#: p-value under which the verdict calls a difference significant.
ALPHA = 0.05


def query_name(index: int) -> str:
    """The display name of the query at 0-based ``index``: Q1, Q2, …"""
    return f"Q{index + 1}"


def query_choices(query_ids: Sequence[str], texts: Sequence[str]) -> list[tuple[str, str]]:
    """(label, query id) for the query picker: "Q3 · id: text"."""
    return [(f"{query_name(i)} · {qid}: {snippet(text, 90)}", qid)
            for i, (qid, text) in enumerate(zip(query_ids, texts, strict=True))]


def verdict(quality: ABQuality) -> str:
    """One sentence, e.g. "B beats A on nDCG@10 by +0.042 (p = 0.03, 40 queries: 12 wins, 3 losses)."."""
    test, name = quality.test, quality.scores_a.label(quality.metric)
    counts = (f"p = {_p(test.p_value)}, {test.n_pairs} queries: {quality.wins} wins, {quality.ties} ties, "
              f"{quality.losses} losses for B; 95% CI of B − A [{test.ci_low:+.3f}, {test.ci_high:+.3f}]")
    if test.p_value < ALPHA and test.mean_difference > 0:
        return f"B beats A on {name} by {test.mean_difference:+.3f} ({counts})."
    if test.p_value < ALPHA and test.mean_difference < 0:
        return f"A beats B on {name} by {-test.mean_difference:+.3f} ({counts})."
    return f"No significant difference between A and B on {name}: B − A = {test.mean_difference:+.3f} ({counts})."


def headline(comparison: ABComparison, quality: ABQuality | None) -> str:
    """The verdict as a heading, or without labels how much A and B agree and how to get a verdict."""
    if quality is not None:
        return f"### {verdict(quality)}"
    mean_overlap = float(np.mean(comparison.per_query["overlap"]))
    return (f"### A and B share {mean_overlap:.0%} of their top {comparison.k} on average\n"
            "Add relevance labels (a qrels file or the table) to see which instruction retrieves better.")


def summary(lines: Sequence[str], notes: Sequence[str]) -> str:
    """Markdown lines (user text in them already escaped) and then the notes in italics, escaped: notes name
    files and columns."""
    return "  \n".join([*lines, *(f"_{markdown_text(note)}_" for note in notes)])


def per_query_display(table: pd.DataFrame, metric_label: str | None) -> pd.DataFrame:
    """`ab_report.per_query_table` for the screen, narrow enough for one: Q-name, a short query text, with labels the
    verdict's metric under A and B and the outcome, then the agreement of the two rankings. Every other column
    (MRR, Recall, top-1 scores, query ids) is in the CSV export."""
    agreement = [c for c in table.columns if c.startswith("overlap@")] + ["kendall_tau", "rbo"]
    quality = [f"{metric_label} A", f"{metric_label} B", "B vs A"] if metric_label else []
    shown = table[["query", *quality, *agreement]].rename(columns={"kendall_tau": "Kendall τ", "rbo": "RBO"})
    shown.insert(0, "Q", [query_name(i) for i in range(len(table))])
    shown["query"] = [snippet(text, 70) for text in table["query"]]
    return shown


def sweep_display(values: pd.DataFrame, query_texts: Sequence[str]) -> pd.DataFrame:
    """The sweep for the screen: one row per query (its Q-name, as on the heatmap, and its text), one column per
    instruction, headed by the instruction and its mean."""
    table = values.T.reset_index(drop=True)
    table.columns = [f"{label} (mean {mean:.3f})" for label, mean in values.mean(axis=1, skipna=True).items()]
    table.insert(0, "query", [snippet(text, 60) for text in query_texts])
    table.insert(0, "Q", [query_name(i) for i in range(len(query_texts))])
    return table


def _p(p_value: float) -> str:
    return f"{p_value:.2g}" if p_value >= 0.001 else "< 0.001"
