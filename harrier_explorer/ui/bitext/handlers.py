"""Handlers of the bitext tab: read two lists, embed them once (kept in a gr.State), then re-match and re-draw on
every change of method, score, k, threshold or gold order without embedding again."""

from __future__ import annotations

import math

import gradio as gr
import pandas as pd

from harrier_explorer.analysis.bitext import (
    accuracy_frame,
    errors_frame,
    gold_report,
    neighbourhood_frame,
    pair_neighbourhood,
    pairs_frame,
)
from harrier_explorer.backend.core import Backend
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.pairs import load_bitext
from harrier_explorer.inputs.tabular import list_columns
from harrier_explorer.ui.bitext_core import (
    BitextRun,
    choose_pairs,
    embed_bitext,
    score_matrix,
)
from harrier_explorer.ui.bitext_plots import histogram_figure, matrix_figure
from harrier_explorer.ui.common import (
    NONE,
    example_path,
    export_table,
    instruction_value,
    language_summary,
    load_text_source,
    progress_to,
)

SOURCE_INPUTS = 7  # len(TextSource.inputs)


def _note(text: str) -> pd.DataFrame:
    return pd.DataFrame({"note": [text]})


def pair_file_columns(backend: Backend, file) -> list[gr.Dropdown]:
    """Column choices of an uploaded two-column file; the first two columns are preselected."""
    columns = list_columns(file, backend.settings.max_file_mb) if file else []
    return [gr.Dropdown(choices=[NONE, *columns], value=columns[i] if len(columns) > i else NONE) for i in (0, 1)]


def read_lists(backend: Backend, pair_file, source_column, target_column,
               sources: tuple) -> tuple[list[str], list[str], tuple[str, ...]]:
    """(source texts, target texts, notes): from the two-column file when given, else from the two lists."""
    s = backend.settings
    if pair_file:
        columns = [None if c in (None, "", NONE) else c for c in (source_column, target_column)]
        bitext = load_bitext(pair_file, s.max_file_mb, s.max_items, *columns)
        return list(bitext.source), list(bitext.target), bitext.notes
    src = load_text_source(backend, "The source list", *sources[:SOURCE_INPUTS])
    tgt = load_text_source(backend, "The target list", *sources[SOURCE_INPUTS:])
    return src.texts, tgt.texts, src.notes + tgt.notes


def run_bitext(backend: Backend, instruction: str, pair_file, source_column: str, target_column: str, *sources,
               progress=gr.Progress()) -> tuple[BitextRun, str, bool]:
    """Embed both lists; returns the state, a status line, and whether the lists look gold-ordered (same length)."""
    source, target, notes = read_lists(backend, pair_file, source_column, target_column, sources)
    run = embed_bitext(backend, source, target, instruction_value(instruction),
                       progress_to(progress, "Embedding both lists"))
    status = (f"**{len(source)} source × {len(target)} target sentences.** {run.summary}.\n\n"
              f"Source languages: {language_summary(run.source_languages)}. "
              f"Target languages: {language_summary(run.target_languages)}."
              + "".join(f"\n- {n}" for n in notes))
    return run, status, run.same_length


def threshold_range(run: BitextRun | None, method: str, score: str, k: float) -> gr.Slider:
    """The threshold slider spanning the chosen pairs' scores, set to its minimum (nothing flagged)."""
    if run is None:
        return gr.skip()
    chosen = choose_pairs(run.margins(int(k)), method, score, None).score
    low, high = math.floor(float(chosen.min()) * 100) / 100, math.ceil(float(chosen.max()) * 100) / 100
    return gr.Slider(minimum=low, maximum=max(high, low + 0.01), value=low, label=f"threshold ({score})")


def show_pairs(run: BitextRun | None, method: str, score: str, k: float, threshold: float, gold: bool) -> list:
    """[heatmap, histogram, pairs table, pairs TSV, accuracy table, errors table] for the current choices."""
    if run is None:
        return [gr.skip()] * 6
    margins = run.margins(int(k))
    matching = choose_pairs(margins, method, score, threshold)
    pairs = pairs_frame(matching, margins, run.source, run.target)
    shown = pairs.round(4)
    shown.insert(0, "#", range(len(shown)))
    if not gold:
        accuracy = errors = _note("Tick 'gold order' when row i of one list translates row i of the other.")
    elif not run.same_length:
        accuracy = errors = _note(f"Gold order needs lists of the same length ({len(run.source)} ≠ "
                                  f"{len(run.target)}).")
    else:
        report = gold_report(margins)
        accuracy, errors = accuracy_frame(report).round(4), errors_frame(report, run.source, run.target).round(4)
    return [matrix_figure(score_matrix(margins, score), score, matching),
            histogram_figure(matching.score, score, threshold), shown,
            export_table(pairs, "bitext_pairs.tsv", sep="\t"), accuracy, errors]


def neighbours(run: BitextRun | None, method: str, score: str, k: float, row: float) -> tuple[str, pd.DataFrame]:
    """The k neighbours on each side that form the margin of row `row` of the pairs table."""
    if run is None:
        raise InputError("Match two lists first.")
    margins = run.margins(int(k))
    matching = choose_pairs(margins, method, score, None)
    if not 0 <= int(row) < len(matching.src):
        raise InputError(f"Row {int(row)} is not in the pairs table (rows 0 to {len(matching.src) - 1}).")
    pair = pair_neighbourhood(margins, int(matching.src[int(row)]), int(matching.tgt[int(row)]))
    mean_src, mean_tgt = pair.src_neighbour_scores.mean(), pair.tgt_neighbour_scores.mean()
    text = (f"**Pair {int(row)}: source {pair.src} → target {pair.tgt}.** cosine {pair.cosine:.4f}; margin = "
            f"{pair.cosine:.4f} / ({mean_src:.4f} / 2 + {mean_tgt:.4f} / 2) = **{pair.margin:.4f}** "
            f"(means of the {margins.k_src} and {margins.k_tgt} nearest neighbours below).")
    return text, neighbourhood_frame(pair, run.source, run.target).round(4)


def select_pair(run: BitextRun | None, method: str, score: str, k: float, evt: gr.SelectData):
    """A click on a row of the pairs table shows that pair's neighbourhood."""
    row = evt.index[0]
    return row, *neighbours(run, method, score, k, row)


def load_example() -> str:
    """80 German–English Tatoeba pairs in gold order (a two-column TSV)."""
    return example_path("bitext_de_en.tsv")
