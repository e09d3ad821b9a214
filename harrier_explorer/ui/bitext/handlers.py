"""Handlers of the bitext tab. ``match_bitext`` reads and embeds two lists and returns every view for the choices
given, in one call; the embedded lists stay in the session (a gr.State), so ``rematch_bitext`` and
``margin_neighbours`` re-choose pairs and explain margins without embedding again."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import gradio as gr
import pandas as pd

from harrier_explorer.analysis.bitext import (
    MatchMethod,
    accuracy_by_model,
    accuracy_frame,
    disagreements_frame,
    errors_frame,
    gold_report,
    neighbourhood_frame,
    pair_neighbourhood,
    pairs_frame,
    unmatched_frame,
)
from harrier_explorer.backend.core import Backend
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.pairs import load_bitext
from harrier_explorer.inputs.tabular import list_columns
from harrier_explorer.models import NO_INSTRUCTION
from harrier_explorer.ui.bitext.plots import histogram_figure, matrix_figure
from harrier_explorer.ui.common import (
    INSTRUCTION_FORMS,
    example_path,
    export_table,
    instruction_value,
    language_summary,
    load_text_source,
    markdown_text,
    progress_to,
    whole_number,
)
from harrier_explorer.ui.embedded import strings_frame
from harrier_explorer.ui.forms import AUTO, TextInput, fields_of
from harrier_explorer.ui.model_b import model_b_status
from harrier_explorer.workflows.bitext import BitextRun, choose_pairs, embed_bitext, score_matrix
from harrier_explorer.workflows.model_b import instruction_for, model_b_ref

#: Instructions of symmetric tasks go on every input: both lists get the same prompt.
INSTRUCTION_DOC = (f"put on every sentence (role symmetric): {INSTRUCTION_FORMS}. The tab preselects the family's "
                   "bitext preset (Harrier: 'bitext mining'; the saved prompt 'bitext_query' is the same)")
NO_RUN = "Match two lists first (match_bitext): the pairs are re-chosen from the lists embedded last in this session."


@dataclass(frozen=True)
class BitextLists:
    """What to match: two lists (pasted or uploaded), or one two-column file instead, and the instruction."""

    instruction: str = field(default=NO_INSTRUCTION, metadata={"doc": INSTRUCTION_DOC})
    pair_file: str | None = field(default=None, metadata={
        "doc": "a two-column .tsv/.csv/.jsonl of pairs, used instead of the source and target lists"})
    source_column: str = field(default=AUTO, metadata={"doc": "the pair file's source column ('(auto)': the first)"})
    target_column: str = field(default=AUTO, metadata={"doc": "the pair file's target column ('(auto)': the second)"})
    source: TextInput = field(default_factory=TextInput)
    target: TextInput = field(default_factory=TextInput)
    model_b: str = field(default="", metadata={
        "doc": "model B (the page's 'Compare with model B'): a Hugging Face id, folder, http(s)://…/v1 server or a "
               "?dim= / ?dtype= variant; empty: model A alone. B embeds the same lists with its own family's bitext "
               "preset where the instruction is model A's preset, else with the same instruction"})


@dataclass(frozen=True)
class PairChoices:
    """How pairs are chosen and shown; changing them re-chooses pairs without embedding again."""

    method: MatchMethod = field(default="mutual", metadata={
        "doc": "forward (each source → its best target), backward (each target → its best source), mutual "
               "(mutual nearest neighbours) or assignment (one-to-one, Hungarian)"})
    score: str = field(default="margin", metadata={"doc": "what pairs are chosen by: cosine or margin (ratio margin)"})
    k: int = field(default=4, metadata={"doc": "neighbours per side in the ratio margin"})
    threshold: float = field(default=0.0, metadata={
        "doc": "pairs scoring below it are flagged unmatched (0: only negative scores); it is moved into the range "
               "of the chosen pairs' scores"})
    gold: bool = field(default=True, metadata={
        "doc": "gold order: sentence i of one list translates sentence i of the other; gives the accuracy"})


# Fields of a dataclass come base-class-last first: the lists, then the choices.
@dataclass(frozen=True)
class BitextRequest(PairChoices, BitextLists):
    pass


@dataclass(frozen=True)
class RematchRequest(PairChoices):
    run: BitextRun | None = None  # the session's last match (a gr.State: no API parameter)


@dataclass(frozen=True)
class RematchBothRequest(RematchRequest):
    run_b: BitextRun | None = None  # model B's embedding of the same lists (a gr.State), None without a model B


@dataclass(frozen=True)
class PairsView:
    """Every view of one choice of pairs."""

    threshold: object  # gr.Slider spanning the chosen pairs' scores; its value is the threshold applied
    heatmap: object  # plotly figure
    histogram: object  # plotly figure
    pairs: pd.DataFrame
    unmatched: pd.DataFrame  # sentences of either list in no matched pair
    download: str  # TSV path of the pairs
    accuracy: pd.DataFrame  # gold-order accuracy, or a note saying why there is none
    errors: pd.DataFrame


@dataclass(frozen=True)
class ModelBView:
    """Model B next to model A for one choice of pairs (all None without a model B)."""

    accuracy_by_model: pd.DataFrame | None  # gold-order accuracy, one row per model and score
    disagreements: pd.DataFrame | None  # sentences one model matches to their partner and the other does not
    heatmap_b: object  # plotly figure of B's score matrix with B's chosen pairs


@dataclass(frozen=True)
class MatchHead:
    run: BitextRun  # kept in the session for re-choosing pairs
    run_b: BitextRun | None  # model B's run, kept likewise (None without a model B)
    status: str
    strings: pd.DataFrame  # the exact strings embedded: the first sentence of each list (and each model)
    model_b_status: str  # which model B and which instruction it got ("" without a model B)


@dataclass(frozen=True)
class BitextResult(ModelBView, PairsView, MatchHead):  # run, run_b, status, strings, model_b_status, the views
    pass


def _note(text: str) -> pd.DataFrame:
    return pd.DataFrame({"note": [text]})


def pair_file_columns(backend: Backend, file) -> tuple[gr.Dropdown, gr.Dropdown]:
    """Column choices of a two-column file; its first two columns are preselected ('(auto)' again when cleared)."""
    columns = list_columns(file, backend.settings.max_file_mb) if file else []
    return tuple(gr.Dropdown(choices=[AUTO, *columns], value=columns[i] if len(columns) > i else AUTO)
                 for i in (0, 1))


def read_lists(backend: Backend, lists: BitextLists) -> tuple[list[str], list[str], tuple[str, ...]]:
    """(source texts, target texts, notes): from the two-column file when given, else from the two lists."""
    s = backend.settings
    if lists.pair_file:
        columns = [None if c in (None, "", AUTO) else c for c in (lists.source_column, lists.target_column)]
        bitext = load_bitext(lists.pair_file, s.max_file_mb, s.max_items, *columns, max_item_chars=s.max_item_chars)
        return list(bitext.source), list(bitext.target), bitext.notes
    src = load_text_source(backend, "The source list", lists.source)
    tgt = load_text_source(backend, "The target list", lists.target)
    return src.texts, tgt.texts, src.notes + tgt.notes


def match_bitext(backend: Backend, request: BitextRequest, progress=gr.Progress()) -> BitextResult:
    """Pair the sentences of two lists (usually two languages), embedded with one instruction on both (a symmetric
    task), by cosine or ratio margin: the chosen pairs with both scores, the sentences left unmatched, the score
    matrix, and, in gold order, MTEB's Tatoeba accuracy in both directions with every error."""
    source, target, notes = read_lists(backend, request)
    task = instruction_value(request.instruction)
    run = embed_bitext(backend, source, target, task, progress_to(progress, "Embedding both lists"))
    status = (f"**{len(source)} source × {len(target)} target sentences.** {run.summary}.\n\n"
              f"Source languages: {language_summary(run.source_languages)}. "
              f"Target languages: {language_summary(run.target_languages)}."
              + "".join(f"\n- {markdown_text(n)}" for n in notes))
    prompt = backend.prompt(task, "symmetric")
    strings = [("source 1", prompt + source[0]), ("target 1", prompt + target[0])]
    run_b, status_b = None, ""
    if ref_b := model_b_ref(backend, request.model_b):
        task_b = instruction_for(backend, task, "bitext", ref_b)
        run_b = embed_bitext(backend, source, target, task_b, progress_to(progress, "Model B: embedding both lists"),
                             model=ref_b)
        prompt_b = backend.prompt(task_b, "symmetric", model=ref_b)
        strings += [("source 1 · B", prompt_b + source[0]), ("target 1 · B", prompt_b + target[0])]
        status_b = model_b_status(backend, ref_b, (task, task_b), run_b.summary)
    return BitextResult(run, run_b, status, strings_frame(strings), status_b, *fields_of(pairs_view(run, request)),
                        *fields_of(model_b_view(run, run_b, request)))


def rematch_bitext(request: RematchRequest, progress=None) -> PairsView:
    """Re-choose the pairs of the lists embedded by the last match_bitext call of this session under other
    choices (method, score, k, threshold, gold order), without embedding again."""
    if request.run is None:
        raise InputError(NO_RUN)
    return pairs_view(request.run, request)


def pairs_view(run: BitextRun, choices: PairChoices) -> PairsView:
    """The views of the pairs chosen by ``choices``; the threshold is moved into the chosen pairs' score range."""
    margins = run.margins(whole_number(choices.k, "margin k", 1))
    chosen = choose_pairs(margins, choices.method, choices.score, None)
    if not all(map(math.isfinite, chosen.score)):
        raise InputError(f"Some pairs' {choices.score} is not a number: "
                         + ("the ratio margin divides by the mean cosine of each sentence's nearest neighbours, "
                            "which is 0 here (sentences embedded as zero vectors?). Choose the score 'cosine'."
                            if choices.score == "margin" else "the model gave vectors that are not numbers."))
    low = math.floor(float(chosen.score.min()) * 100) / 100
    high = max(math.ceil(float(chosen.score.max()) * 100) / 100, low + 0.01)
    threshold = min(max(float(choices.threshold), low), high)
    matching = dataclasses.replace(chosen, matched=chosen.score >= threshold)
    pairs = pairs_frame(matching, margins, run.source, run.target)
    if not choices.gold:
        accuracy = errors = _note("Tick 'gold order' when sentence i of one list translates sentence i of the other.")
    elif not run.same_length:
        accuracy = errors = _note(f"Gold order needs lists of the same length ({len(run.source)} ≠ "
                                  f"{len(run.target)}).")
    else:
        report = gold_report(margins)
        accuracy, errors = accuracy_frame(report).round(4), errors_frame(report, run.source, run.target).round(4)
    return PairsView(
        threshold=gr.Slider(minimum=low, maximum=high, value=threshold, label=f"threshold ({choices.score})"),
        heatmap=matrix_figure(margins, choices.score, matching, run.source, run.target),
        histogram=histogram_figure(matching.score, choices.score, threshold), pairs=pairs.round(4),
        unmatched=unmatched_frame(matching, run.source, run.target),
        download=export_table(pairs, "bitext_pairs.tsv", sep="\t"), accuracy=accuracy, errors=errors)


def model_b_view(run: BitextRun, run_b: BitextRun | None, choices: PairChoices) -> ModelBView:
    """Model B's views for a choice of pairs: accuracy of both models in one table, the sentences only one of them
    gets right (under the chosen score), and B's score matrix with B's chosen pairs."""
    if run_b is None:
        return ModelBView(None, None, None)
    k = whole_number(choices.k, "margin k", 1)
    margins_a, margins_b = run.margins(k), run_b.margins(k)
    chosen = choose_pairs(margins_b, choices.method, choices.score, float(choices.threshold))
    heatmap = matrix_figure(margins_b, choices.score, chosen, run_b.source, run_b.target)
    heatmap.update_layout(title=f"Model B: {choices.score} of every pair")
    if not (choices.gold and run.same_length):
        note = _note("Accuracy and disagreements need gold order and lists of the same length.")
        return ModelBView(note, note, heatmap)
    accuracy = accuracy_by_model({"A": gold_report(margins_a), "B": gold_report(margins_b)}).round(4)
    scores = (score_matrix(margins_a, choices.score), score_matrix(margins_b, choices.score))
    return ModelBView(accuracy, disagreements_frame(*scores, run.source, run.target).round(4), heatmap)


def rematch_both(request: RematchBothRequest, progress=None) -> ModelBView:
    """Model B's views under new choices (the session's runs of both models; nothing is embedded again)."""
    if request.run is None:
        raise InputError(NO_RUN)
    return model_b_view(request.run, request.run_b, request)


@dataclass(frozen=True)
class NeighboursRequest:
    source_number: int = field(default=1, metadata={"doc": "the pair's source sentence, numbered from 1"})
    target_number: int = field(default=1, metadata={"doc": "the pair's target sentence, numbered from 1"})
    k: int = field(default=4, metadata={"doc": "neighbours per side in the ratio margin"})
    run: BitextRun | None = None  # the session's last match (a gr.State: no API parameter)


@dataclass(frozen=True)
class NeighboursResult:
    explanation: str
    neighbours: pd.DataFrame


def margin_neighbours(request: NeighboursRequest, progress=None) -> NeighboursResult:
    """Why a pair (any source and target sentence of the last match_bitext call of this session) has its margin:
    the k targets nearest to its source and the k sources nearest to its target, whose mean cosines divide it."""
    run = request.run
    if run is None:
        raise InputError(NO_RUN)
    src = whole_number(request.source_number, "source #", 1, len(run.source))
    tgt = whole_number(request.target_number, "target #", 1, len(run.target))
    margins = run.margins(whole_number(request.k, "margin k", 1))
    pair = pair_neighbourhood(margins, src - 1, tgt - 1)
    mean_src, mean_tgt = pair.src_neighbour_scores.mean(), pair.tgt_neighbour_scores.mean()
    text = (f"**Source {src} → target {tgt}:** cosine {pair.cosine:.4f}; margin = {pair.cosine:.4f} / "
            f"({mean_src:.4f} / 2 + {mean_tgt:.4f} / 2) = **{pair.margin:.4f}** (means of the {margins.k_src} and "
            f"{margins.k_tgt} nearest neighbours below).")
    return NeighboursResult(text, neighbourhood_frame(pair, run.source, run.target).round(4))


def select_pair(run: BitextRun | None, k: float, evt: gr.SelectData) -> tuple:
    """A click on a row of the pairs table fills the pair's numbers, opens its neighbourhood and explains it, and
    puts both sentences into "Why do these two match?" (opened too)."""
    source_number, target_number = int(evt.row_value[0]), int(evt.row_value[2])  # source #, source, target #, …
    result = margin_neighbours(NeighboursRequest(source_number, target_number, int(k), run))
    return (source_number, target_number, result.explanation, result.neighbours, gr.Accordion(open=True),
            run.source[source_number - 1], run.target[target_number - 1], gr.Accordion(open=True))


def load_example() -> str:
    """80 German–English Tatoeba pairs in gold order (a two-column TSV)."""
    return example_path("bitext_de_en.tsv")
