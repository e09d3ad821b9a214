"""What the Instruction lab says and how its tables are shown: where each wording came from, the verdict in plain
words (spread, what differs significantly, the held-out check), the word ablation as highlighted text. Numbers stay
numbers in the tables (API clients and the CSV get them); `analysis.instruction_lab` computes, this module names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from harrier_explorer.analysis.instruction_lab import ALPHA, HeldOut, LabScores, SearchStep
from harrier_explorer.analysis.instruction_variants import Variant
from harrier_explorer.analysis.significance import PairedTest
from harrier_explorer.models import NO_INSTRUCTION
from harrier_explorer.ui.ab.present import rounded
from harrier_explorer.ui.common import markdown_text, p_text
from harrier_explorer.ui.ranking_data import RankingInputs

METRIC_LABELS = {"ndcg": "nDCG@10", "mrr": "MRR@10", "recall": "Recall@k", "overlap": "overlap@k with the baseline"}


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric)


def origins(lines: Sequence[str], base: str, presets: Mapping[str, str], proposed: Sequence[Variant]) -> list[str]:
    """Where each wording came from: no instruction, the base, a preset of the family, a rewrite rule, or yours."""
    by_task = {task: name for name, task in presets.items()}
    by_text = {v.text: v.kind for v in proposed}
    out = []
    for line in lines:
        if line == NO_INSTRUCTION:
            out.append("no instruction")
        elif line == base:
            out.append("base")
        elif line in by_task:
            out.append(f"preset: {by_task[line]}")
        else:
            out.append(by_text.get(line, "yours"))
    return out


def variants_table(scores: LabScores, origins_: Sequence[str], metric: str) -> pd.DataFrame:
    """One row per wording, in the order run: its number, origin and text, the metric with its interval, the tests
    against the baseline and the best (Holm-adjusted p), and its embedding shift from no instruction."""
    t = scores.table
    name = metric_label(metric)
    return pd.DataFrame({
        "#": np.arange(1, len(t) + 1), "origin": list(origins_), "instruction": t.index.tolist(),
        name: t["mean"].round(4), "95% low": t.ci_low.round(4), "95% high": t.ci_high.round(4),
        "vs baseline": t.diff_baseline.round(4), "p vs baseline (Holm)": t.p_baseline.round(4),
        "vs best": t.diff_best.round(4), "p vs best (Holm)": t.p_best.round(4),
        "shift from no instruction": t["shift"].round(4)})


def model_b_table(scores: LabScores, given: Mapping[str, str], metric: str) -> pd.DataFrame:
    """Model B's row per wording (numbered as model A's): what B was given, its metric with interval and tests."""
    t = scores.table
    return pd.DataFrame({
        "#": np.arange(1, len(t) + 1), "instruction (model A)": t.index.tolist(),
        "model B got": [given[line] for line in t.index], metric_label(metric): t["mean"].round(4),
        "95% low": t.ci_low.round(4), "95% high": t.ci_high.round(4), "vs baseline": t.diff_baseline.round(4),
        "p vs baseline (Holm)": t.p_baseline.round(4), "shift from no instruction": t["shift"].round(4)})


def summary(data: RankingInputs, n_variants: int, n_scored: int, notes: Sequence[str]) -> str:
    lines = [f"**{n_variants} wordings** × **{len(data.queries.ids)} queries** against **{len(data.docs.ids)} "
             f"documents**; {n_scored} queries scored (the others have no relevant document)."]
    return "  \n".join([*lines, *(f"_{markdown_text(note)}_" for note in notes)])


def verdict(scores: LabScores, split: HeldOut | None, metric: str, labelled: bool) -> str:
    """The lab's answer in sentences: how much wording matters, which wordings differ, and the held-out check."""
    name, t = metric_label(metric), scores.table
    best, baseline = scores.best, scores.baseline
    lines = [f"### Wording moves {name} by up to {scores.spread:.3f} (best − worst; std {scores.std:.3f} across "
             f"{len(t)} wordings, {scores.n_queries} queries)"]
    if not labelled:
        lines.append("No relevance labels: the figure is how much each wording's top k agrees with the baseline's. "
                     "Add labels (a qrels file, the table, or parallel data as labels) to see which retrieves better.")
    better, worse = scores.better_than_baseline(), scores.worse_than_baseline()
    if labelled:
        if better:
            lines.append(f"Significantly better than the baseline {_quoted(baseline)} (paired permutation test, "
                         f"Holm-adjusted, p < {ALPHA}): {_numbered(better, t)}.")
        else:
            lines.append(f"**No wording is significantly better than the baseline** {_quoted(baseline)} "
                         f"(paired permutation test, Holm-adjusted over {len(t) - 1} comparisons, p < {ALPHA}).")
        if worse:
            lines.append(f"Significantly worse: {_numbered(worse, t)}.")
    tied = scores.tied_with_best()
    lines.append(f"Best: #{_number(best, t)} {_quoted(best)} ({t.loc[best, 'mean']:.3f}); "
                 + (f"no test tells it from {len(tied) - 1} other wordings ({_numbered(tied, t, skip=best)})."
                    if len(tied) > 1 else "every other wording is significantly below it."))
    if split is not None and split.pick == baseline:
        lines.append(f"**Held out:** on {split.n_train} train queries no wording beat the baseline "
                     f"{_quoted(baseline)}, so there is no pick to check on the {split.n_test} held-out queries.")
    elif split is not None:
        test = split.test
        lines.append(f"**Held out:** picked on {split.n_train} queries, #{_number(split.pick, t)} "
                     f"{_quoted(split.pick)} scores {split.test_mean:.3f} on the {split.n_test} held-out queries "
                     f"(on its own queries {split.train_mean:.3f}) against the baseline's "
                     f"{split.baseline_test_mean:.3f}: {test.mean_difference:+.3f}, {p_text(test.p_value)}, 95% CI "
                     f"[{test.ci_low:+.3f}, {test.ci_high:+.3f}].")
    return "\n\n".join(lines)


def highlighted_words(words: pd.DataFrame | None) -> list[tuple[str, float | None]]:
    """The base instruction word by word for gr.HighlightedText: red where dropping the word lowers the metric (the
    word helps), blue where it raises it; shades scaled to the largest change."""
    if words is None or words.empty:
        return []
    scale = float(np.abs(words.delta_metric).max()) or 1.0
    # Dropping a helpful word lowers the metric: its importance is minus the change.
    return [(f"{w} ", float(-d / scale)) for w, d in zip(words.word, words.delta_metric, strict=True)]


def word_table(words: pd.DataFrame | None, metric: str) -> pd.DataFrame:
    if words is None or words.empty:
        return pd.DataFrame()
    return pd.DataFrame({"word": words.word,
                         f"{metric_label(metric)} without it − with it": words.delta_metric.round(4),
                         "embedding shift without it": words.delta_embedding.round(4)})


def word_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """`ab_report.changes_table` of a dropped word: A is the base instruction, B the base without the word."""
    return rounded(changes.rename(columns={"rank_a": "rank with", "rank_b": "rank without",
                                           "move": "move without the word", "score_a": "score with",
                                           "score_b": "score without", "score_change": "score change"}))


def search_summary(steps: Sequence[SearchStep], test: PairedTest, n_train: int, n_test: int, metric: str) -> str:
    name, start, end = metric_label(metric), steps[0], steps[-1]
    if len(steps) == 1:
        found = (f"### No rewrite of {_quoted(start.text)} beat it on the {n_train} train queries "
                 f"({name} {start.score:.3f})")
    else:
        found = (f"### Found {_quoted(end.text)}: {name} {start.score:.3f} → {end.score:.3f} on the {n_train} train "
                 f"queries, in {len(steps) - 1} round(s)")
    held = (f"On the {n_test} held-out queries, which the search never saw: {test.mean_difference:+.3f} "
            f"({p_text(test.p_value)}, 95% CI [{test.ci_low:+.3f}, {test.ci_high:+.3f}])"
            + (" — a real gain." if test.p_value < ALPHA and test.mean_difference > 0 else
               " — not a significant gain: the train score was partly luck." if len(steps) > 1 else "."))
    return f"{found}\n\n{held}"


def steps_table(steps: Sequence[SearchStep], test_means: Sequence[float], metric: str) -> pd.DataFrame:
    name = metric_label(metric)
    return pd.DataFrame({"round": [s.round for s in steps], "rule": [s.kind for s in steps],
                         "instruction": [s.text for s in steps], f"{name} train": [round(s.score, 4) for s in steps],
                         f"{name} held out": [round(m, 4) for m in test_means],
                         "rewrites tried": [s.tried for s in steps]})


def _number(line: str, table: pd.DataFrame) -> int:
    return table.index.get_loc(line) + 1


def _numbered(lines: Sequence[str], table: pd.DataFrame, skip: str | None = None) -> str:
    return ", ".join(f"#{_number(line, table)}" for line in lines if line != skip)


def _quoted(text: str) -> str:
    return f"“{markdown_text(text)}”"

