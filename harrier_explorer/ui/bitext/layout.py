"""Layout and wiring of the bitext matching tab (handlers in handlers.py, the document alignment in align.py): pair
the sentences of two lists by cosine or ratio margin, inspect the score matrix, threshold the pairs, measure
gold-order accuracy, and align two parallel documents in order."""

from __future__ import annotations

import functools

import gradio as gr

from harrier_explorer.analysis.bitext import MATCH_METHODS
from harrier_explorer.backend.core import Backend
from harrier_explorer.inputs.tabular import TABULAR_EXTENSIONS
from harrier_explorer.ui import forms, why_match
from harrier_explorer.ui.bitext.align import build_alignment
from harrier_explorer.ui.bitext.handlers import (
    BitextRequest,
    BitextResult,
    ModelBView,
    NeighboursRequest,
    NeighboursResult,
    PairsView,
    RematchBothRequest,
    RematchRequest,
    load_example,
    margin_neighbours,
    match_bitext,
    pair_file_columns,
    rematch_bitext,
    rematch_both,
    select_pair,
)
from harrier_explorer.ui.cancel import stop_button, stops
from harrier_explorer.ui.common import (
    download_box,
    instruction_choices,
    instruction_dropdown,
    on_model_known,
    open_dropdown,
    text_source,
    user_errors,
)
from harrier_explorer.ui.embedded import exact_strings
from harrier_explorer.ui.forms import AUTO
from harrier_explorer.ui.page import Page, story_box
from harrier_explorer.workflows.bitext import SCORES

TITLE = "Bitext matching"
METHOD_LABELS = {"forward": "forward NN (each source → best target)",
                 "backward": "backward NN (each target → best source)",
                 "mutual": "intersection (mutual nearest neighbours)", "assignment": "1-1 assignment (Hungarian)"}
# Column widths of the tables, so the sentences get the room and nothing scrolls sideways at 1440 px.
PAIRS_WIDTHS = ["6%", "33%", "6%", "33%", "7%", "7%", "8%"]  # source #, source, target #, target, scores, matched
UNMATCHED_WIDTHS = ["8%", "6%", "70%", "16%"]  # side, #, text, why
NEIGHBOURS_WIDTHS = ["22%", "6%", "6%", "56%", "10%"]  # side, rank, #, text, cosine
DISAGREEMENT_WIDTHS = ["6%", "9%", "4%", "22%", "4%", "20%", "7%", "4%", "17%", "7%"]  # right, …, B's match, score
ERRORS_WIDTHS = ["7%", "9%", "4%", "20%", "19%", "7%", "20%", "7%", "7%"]  # …, #, text, gold, matched #, text, 2 scores


def build(backend: Backend, demo: gr.Blocks, page: Page) -> None:
    gr.Markdown("Pair the sentences of two lists. Bitext mining is a symmetric task: **both** lists get the "
                "instruction (role *symmetric*).")
    max_mb = backend.settings.max_file_mb
    with gr.Row():
        with gr.Column():
            source = text_source("Source list", placeholder="One sentence per line", lines=4, max_file_mb=max_mb)
        with gr.Column():
            target = text_source("Target list", placeholder="One sentence per line", lines=4, max_file_mb=max_mb)
    with gr.Row():
        pair_file = gr.File(label="…or one two-column file (used instead of the lists)", type="filepath",
                            file_types=list(TABULAR_EXTENSIONS), height=70, scale=2, elem_id="bitext-pair-file")
        source_col = open_dropdown([AUTO], value=AUTO, label="source column")
        target_col = open_dropdown([AUTO], value=AUTO, label="target column")
    with gr.Row():
        instruction = instruction_dropdown(info="Put on both lists: a preset, a saved prompt name, free text "
                                                "(type it), or none")
        with gr.Column(min_width=160):
            go = gr.Button("Match", variant="primary", elem_id="bitext-run")
            stop = stop_button(elem_id="bitext-stop")
            example = gr.Button("Load example (de–en)", size="sm", elem_id="bitext-example")
    story = story_box("bitext")
    status = gr.Markdown(label="status", elem_id="bitext-status", latex_delimiters=[])  # file names in notes
    strings = exact_strings()
    with gr.Row():
        method = gr.Dropdown([(METHOD_LABELS[m], m) for m in MATCH_METHODS], value="mutual", label="matching method")
        score = gr.Radio(list(SCORES), value="margin", label="score")
        k = gr.Slider(1, 16, value=4, step=1, label="margin k (neighbours)")
        threshold = gr.Slider(0, 1, value=0, step=0.005, label="threshold", info="pairs below it are unmatched",
                              elem_id="bitext-threshold")
        gold = gr.Checkbox(value=True, label="gold order (sentence i ↔ sentence i)",
                           info="accuracy, when the lists have the same length")
    with gr.Row():
        heatmap = gr.Plot(label="Score matrix", elem_id="bitext-heatmap")
        histogram = gr.Plot(label="Pair scores", elem_id="bitext-histogram")
    pairs = gr.Dataframe(elem_id="bitext-pairs", wrap=True, column_widths=PAIRS_WIDTHS, interactive=False,
                         label="Chosen pairs with both scores (click a row for its margin neighbours and why the two "
                               "match)", max_height=440)
    download = download_box("Download pairs (TSV)")
    unmatched = gr.Dataframe(label="Sentences in no matched pair", wrap=True, interactive=False, max_height=300,
                             column_widths=UNMATCHED_WIDTHS, elem_id="bitext-unmatched")
    with gr.Accordion("Margin neighbourhood of a pair", open=False) as neighbourhood:
        with gr.Row():
            source_number = gr.Number(value=1, precision=0, minimum=1, label="source #", elem_id="bitext-source-number")
            target_number = gr.Number(value=1, precision=0, minimum=1, label="target #", elem_id="bitext-target-number")
            show = gr.Button("Show neighbours", size="sm", elem_id="bitext-show-neighbours")
        explain = gr.Markdown(label="explanation", elem_id="bitext-neighbours-explain")
        neighbours_table = gr.Dataframe(label="The neighbours behind the margin", wrap=True, interactive=False,
                                        column_widths=NEIGHBOURS_WIDTHS)
    why = why_match.section(backend, "bitext", instruction, symmetric=True)
    accuracy = gr.Dataframe(label="Gold-order accuracy (MTEB Tatoeba metric)", interactive=False,
                            elem_id="bitext-accuracy")
    errors = gr.Dataframe(label="Gold-order errors", wrap=True, interactive=False, max_height=400,
                          elem_id="bitext-errors", column_widths=ERRORS_WIDTHS)
    with gr.Column(visible=False, elem_id="bitext-model-b") as model_b_section:
        gr.Markdown("### Model A and model B")
        model_b_status = gr.Markdown(label="model B status", elem_id="bitext-model-b-status", latex_delimiters=[])
        accuracy_by_model = gr.Dataframe(label="Gold-order accuracy of both models (MTEB Tatoeba metric)",
                                         interactive=False, elem_id="bitext-accuracy-by-model")
        disagreements = gr.Dataframe(label="Sentences one model matches to their translation and the other does not "
                                           "(under the chosen score)", wrap=True, interactive=False, max_height=400,
                                     elem_id="bitext-disagreements", column_widths=DISAGREEMENT_WIDTHS)
        heatmap_b = gr.Plot(label="Model B: score matrix", elem_id="bitext-heatmap-b")
    with gr.Accordion("Ordered alignment of two parallel documents", open=False):
        build_alignment(backend, instruction)

    state, state_b = gr.State(), gr.State()
    # A new match, method, score or k starts the threshold again at 0 (flagging only negative scores).
    fresh = gr.Number(value=0, visible=False, label="threshold")
    lists = {"instruction": instruction, "pair_file": pair_file, "source_column": source_col,
             "target_column": target_col, "source": source, "target": target, "model_b": page.model_b}
    choices = {"method": method, "score": score, "k": k, "threshold": threshold, "gold": gold}
    fresh_choices = {**choices, "threshold": fresh}
    views = {"threshold": threshold, "heatmap": heatmap, "histogram": histogram, "pairs": pairs,
             "unmatched": unmatched, "download": download, "accuracy": accuracy, "errors": errors}
    match = user_errors(forms.endpoint(BitextRequest, functools.partial(match_bitext, backend)))
    match_inputs = forms.inputs(BitextRequest, **lists, **fresh_choices)
    b_views = {"accuracy_by_model": accuracy_by_model, "disagreements": disagreements, "heatmap_b": heatmap_b}
    match_outputs = forms.outputs(BitextResult, run=state, run_b=state_b, status=status, strings=strings,
                                  model_b_status=model_b_status, **views, **b_views)
    show_b = {"fn": lambda text: gr.Column(visible=bool(text)), "inputs": model_b_status,
              "outputs": model_b_section, "api_visibility": "private"}
    # Progress and errors on the status line only: the last match's views stay readable after an error.
    matched = go.click(match, inputs_kwargs=match_inputs, outputs=match_outputs, api_name="match_bitext",
                       show_progress_on=status)
    example_matched = example.click(load_example, outputs=pair_file, api_visibility="private").then(
        match, inputs_kwargs=match_inputs, outputs=match_outputs, api_visibility="private", show_progress_on=status)
    for event in (matched, example_matched):
        event.success(**show_b)
    page.replayable(key="bitext", title=TITLE, request=BitextRequest, handler=match_bitext, inputs=match_inputs,
                    outputs=match_outputs, status=status, follow=lambda event: event.success(**show_b), story=story)
    stops(stop, [matched, example_matched], status)

    rematch = user_errors(forms.endpoint(RematchRequest, rematch_bitext))
    rematch_inputs = forms.inputs(RematchRequest, run=state, **choices)
    view_outputs = forms.outputs(PairsView, **views)
    # The API's re-choice: Gradio refuses a slider value outside the range the session's last view gave the slider
    # (the scores of the score then chosen), so an API client's threshold (for another score, say) comes in through
    # an unbounded number of its own; the handler moves it into the new range.
    api_threshold = gr.Number(0, visible=False, label="threshold")
    gr.Button(visible=False).click(rematch, inputs_kwargs={**rematch_inputs, "threshold": api_threshold},
                                   outputs=view_outputs, api_name="rematch_bitext")
    threshold.release(rematch, inputs_kwargs=rematch_inputs, outputs=view_outputs, api_visibility="private")
    gold.input(rematch, inputs_kwargs=rematch_inputs, outputs=view_outputs, api_visibility="private")
    for control in (method, score, k):
        control.input(rematch, inputs_kwargs=forms.inputs(RematchRequest, run=state, **fresh_choices),
                      outputs=view_outputs, api_visibility="private")
    # Model B's views follow every re-choice, with the same threshold A's views take.
    rematch_b = user_errors(forms.endpoint(RematchBothRequest, rematch_both))
    b_outputs = forms.outputs(ModelBView, **b_views)
    for triggers, given in (((threshold.release, gold.input), choices),
                            ((method.input, score.input, k.input), fresh_choices)):
        for trigger in triggers:
            trigger(rematch_b, inputs_kwargs=forms.inputs(RematchBothRequest, run=state, run_b=state_b, **given),
                    outputs=b_outputs, api_visibility="private")

    neighbours = user_errors(forms.endpoint(NeighboursRequest, margin_neighbours))
    neighbours_outputs = forms.outputs(NeighboursResult, explanation=explain, neighbours=neighbours_table)
    show.click(neighbours, inputs_kwargs=forms.inputs(NeighboursRequest, source_number=source_number,
                                                      target_number=target_number, k=k, run=state),
               outputs=neighbours_outputs, api_name="margin_neighbours")
    pairs.select(user_errors(select_pair), inputs_kwargs={"run": state, "k": k},
                 outputs=[source_number, target_number, *neighbours_outputs, neighbourhood, why.query, why.document,
                          why.accordion], api_visibility="private").success(**why.run, api_visibility="private")
    pair_file.change(user_errors(functools.partial(pair_file_columns, backend)), pair_file, [source_col, target_col],
                     api_visibility="private")
    on_model_known(demo, lambda keep: instruction_choices(backend, "bitext", keep=keep), instruction)
