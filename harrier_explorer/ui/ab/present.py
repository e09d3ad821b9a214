"""What the A/B tab says and how its tables are shown: the verdict and summary sentences (user text escaped), the
queries' display names (Q1, Q2, … in the picker, the per-query table, the sweep plot and its table), which
columns come first at screen width, and model B's model × instruction grid as tables of numbers (API clients get
the numbers; the screen shows them rounded). `analysis.ab_report` and `analysis.ab_grid` compute; this module only
picks and names.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from harrier_explorer.analysis.ab_grid import GRID_METRICS, AgreementGrid, Cell, PairTest, QualityGrid
from harrier_explorer.analysis.ab_test import ABComparison, ABQuality
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.ui.common import markdown_text, p_text

#: p-value under which the verdict calls a difference significant.
ALPHA = 0.05


def query_name(index: int) -> str:
    """The display name of the query at 0-based ``index``: Q1, Q2, …"""
    return f"Q{index + 1}"


def query_choices(query_ids: Sequence[str], texts: Sequence[str]) -> list[tuple[str, str]]:
    """(label, query id) for the query picker: "Q3 · id: text"."""
    return [(f"{query_name(i)} · {qid}: {snippet(text, 90)}", qid)
            for i, (qid, text) in enumerate(zip(query_ids, texts, strict=True))]


def verdict(quality: ABQuality, a: str = "A", b: str = "B") -> str:
    """One sentence, e.g. "B beats A on nDCG@10 by +0.042 (p = 0.03, 40 queries: 12 wins, 3 losses)."; ``a`` and
    ``b`` name the two sides (two instructions, or a corpus embedded whole and chunked)."""
    test, name = quality.test, quality.scores_a.label(quality.metric)
    counts = (f"{p_text(test.p_value)}, {test.n_pairs} queries: {quality.wins} wins, {quality.ties} ties, "
              f"{quality.losses} losses for {b}; 95% CI of {b} − {a} [{test.ci_low:+.3f}, {test.ci_high:+.3f}]")
    if test.p_value < ALPHA and test.mean_difference > 0:
        return f"{b} beats {a} on {name} by {test.mean_difference:+.3f} ({counts})."
    if test.p_value < ALPHA and test.mean_difference < 0:
        return f"{a} beats {b} on {name} by {-test.mean_difference:+.3f} ({counts})."
    return (f"No significant difference between {a} and {b} on {name}: {b} − {a} = {test.mean_difference:+.3f} "
            f"({counts}).")


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


#: Model B's headline without labels: what the grid shows instead, and how to get the metrics.
AGREEMENT_HEADLINE = ("nDCG@10 and MRR@10 of the four cells need relevance labels of at least 2 queries (a qrels "
                      "file or the table). Without them the grid shows how much each cell's top k agrees with model A "
                      "under instruction A, and the table below how much every two cells agree.")


def cell_name(cell: Cell) -> str:
    """A cell of the grid by name: "model B · instruction A"."""
    return f"model {cell[0]} · instruction {cell[1]}"


def model_b_failed(ref_b: str, error: Exception) -> str:
    """Model B's status line when it could not be used (user text escaped)."""
    return (f"**Model B ({markdown_text(ref_b)}) could not be used:** {markdown_text(str(error).rstrip('.'))}. Model "
            "A's results above are complete; choose another model B, or none.")


def grid_headline(grid: QualityGrid) -> str:
    """The best cell on nDCG and which other cells it beats in the paired tests after Holm's correction."""
    metric = GRID_METRICS[0]
    best = max(grid.cells, key=lambda cell: grid.cells[cell].scores.means[metric])
    low, high = grid.cells[best].intervals[metric]
    tests = [pair for pair in grid.pairs if pair.metric == metric and best in (pair.first, pair.second)]
    beaten = [_other(pair, best) for pair in tests if pair.p_holm < ALPHA and _favours(pair, best)]
    rest = [_other(pair, best) for pair in tests if _other(pair, best) not in beaten]
    if not beaten:
        against = f"not significantly better than any other cell (Holm-adjusted p ≥ {ALPHA} against each)"
    else:
        against = (f"significantly better than {_names(beaten)} (Holm-adjusted p < {ALPHA})"
                   + (f", not than {_names(rest)}" if rest else ""))
    n = tests[0].test.n_pairs
    return (f"### Best {grid.label(metric)}: {cell_name(best)}, {grid.cells[best].scores.means[metric]:.3f} "
            f"(95% CI {low:.3f}–{high:.3f}), {against}; paired tests over {n} queries.")


def grid_table(grid: QualityGrid) -> pd.DataFrame:
    """One row per model and metric; per instruction the mean over queries and its 95% bootstrap interval."""
    rows = []
    for model in dict.fromkeys(model for model, _ in grid.cells):
        for metric in GRID_METRICS:
            row = [f"model {model}", grid.label(metric)]
            for instruction in "AB":
                cell = grid.cells[model, instruction]
                row += [cell.scores.means[metric], *cell.intervals[metric]]
            rows.append(row)
    return pd.DataFrame(rows, columns=["model", "metric", "instruction A", "A low (95%)", "A high (95%)",
                                       "instruction B", "B low (95%)", "B high (95%)"])


def grid_pairs_table(grid: QualityGrid) -> pd.DataFrame:
    """One row per two cells; per metric the mean difference (cell 2 − cell 1), its p-value and Holm's."""
    table = None
    for metric in GRID_METRICS:
        label = grid.label(metric)
        part = pd.DataFrame([[cell_name(p.first), cell_name(p.second), p.test.mean_difference, p.test.p_value,
                              p.p_holm] for p in grid.pairs if p.metric == metric],
                            columns=["cell 1", "cell 2", f"{label}: 2 − 1", f"{label} p", f"{label} p (Holm)"])
        table = part if table is None else table.merge(part, on=["cell 1", "cell 2"])
    return table


def agreement_grid_table(grid: AgreementGrid) -> pd.DataFrame:
    """One row per model and agreement measure; per instruction the cell's mean agreement with the first cell."""
    reference = cell_name(grid.cells[0])
    rows = []
    for model in dict.fromkeys(model for model, _ in grid.cells):
        for measure, name in (("overlap", f"overlap@{grid.k} with {reference}"), ("rbo", f"RBO with {reference}")):
            row = [f"model {model}", name]
            for instruction in "AB":
                pair = grid.with_reference((model, instruction))
                row.append(getattr(pair, measure) if pair else 1.0)  # the reference agrees with itself
            rows.append(row)
    return pd.DataFrame(rows, columns=["model", "metric", "instruction A", "instruction B"])


def agreement_pairs_table(grid: AgreementGrid) -> pd.DataFrame:
    """One row per two cells: the mean overlap@k, Kendall τ and RBO of their rankings."""
    return pd.DataFrame([[cell_name(p.first), cell_name(p.second), p.overlap, p.kendall_tau, p.rbo]
                         for p in grid.pairs], columns=["cell 1", "cell 2", f"overlap@{grid.k}", "Kendall τ", "RBO"])


def rounded(table: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    """For display: float columns as float64 rounded to `digits` (float32 would show as 0.8801000118255615)."""
    floats = table.select_dtypes("floating").columns
    return table.astype({column: float for column in floats}).round(digits)


def _favours(pair: PairTest, cell: Cell) -> bool:
    """Whether the pair's difference (second − first) is in favour of ``cell``."""
    difference = pair.test.mean_difference
    return difference > 0 if pair.second == cell else difference < 0


def _other(pair: PairTest, cell: Cell) -> Cell:
    return pair.second if pair.first == cell else pair.first


def _names(cells: Sequence[Cell]) -> str:
    names = [cell_name(cell) for cell in cells]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"

