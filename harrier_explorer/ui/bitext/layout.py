"""Bitext matching tab: pair the sentences of two lists (usually two languages) by cosine or ratio margin, inspect the
score matrix, threshold the pairs, measure gold-order accuracy, and align two parallel documents in order."""

from __future__ import annotations

import functools

import gradio as gr

from harrier_explorer.analysis.bitext import MATCH_METHODS
from harrier_explorer.backend.core import Backend
from harrier_explorer.inputs.tabular import TABULAR_EXTENSIONS
from harrier_explorer.ui.bitext_align import build_alignment
from harrier_explorer.ui.bitext_core import SCORES
from harrier_explorer.ui.bitext_handlers import (
    load_example,
    neighbours,
    pair_file_columns,
    run_bitext,
    select_pair,
    show_pairs,
    threshold_range,
)
from harrier_explorer.ui.common import (
    NONE,
    instruction_choices,
    instruction_dropdown,
    text_source,
    user_errors,
)

TITLE = "Bitext matching"
METHOD_LABELS = {"forward": "forward NN (each source → best target)",
                 "backward": "backward NN (each target → best source)",
                 "mutual": "intersection (mutual nearest neighbours)", "assignment": "1-1 assignment (Hungarian)"}


def build(backend: Backend, demo: gr.Blocks) -> None:
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
        source_col = gr.Dropdown([NONE], value=NONE, label="source column", allow_custom_value=True)
        target_col = gr.Dropdown([NONE], value=NONE, label="target column", allow_custom_value=True)
    with gr.Row():
        instruction = instruction_dropdown()
        with gr.Column(min_width=160):
            go = gr.Button("Match", variant="primary", elem_id="bitext-run")
            example = gr.Button("Load example (de–en)", size="sm", elem_id="bitext-example")
    status = gr.Markdown(elem_id="bitext-status")
    with gr.Row():
        method = gr.Dropdown([(METHOD_LABELS[m], m) for m in MATCH_METHODS], value="mutual", label="matching method")
        score = gr.Radio(list(SCORES), value="margin", label="score")
        k = gr.Slider(1, 16, value=4, step=1, label="margin k (neighbours)")
        threshold = gr.Slider(0, 1, value=0, step=0.005, label="threshold", info="pairs below it are unmatched")
        gold = gr.Checkbox(label="gold order (row i ↔ row i)", info="set when the lists have the same length")
    with gr.Row():
        heatmap = gr.Plot(label="Score matrix")
        histogram = gr.Plot(label="Pair scores")
    pairs = gr.Dataframe(elem_id="bitext-pairs", wrap=True,
                         label="Chosen pairs with both scores (click a row for its margin neighbours)",
                         interactive=False, max_height=400)
    download = gr.File(label="Download pairs (TSV)", interactive=False, height=70)
    with gr.Accordion("Margin neighbourhood of a pair", open=False):
        with gr.Row():
            row = gr.Number(value=0, precision=0, label="row # of the pairs table", minimum=0)
            show = gr.Button("Show neighbours", size="sm")
        explain = gr.Markdown()
        neighbours_table = gr.Dataframe(wrap=True, interactive=False)
    with gr.Row():
        accuracy = gr.Dataframe(label="Gold-order accuracy (MTEB Tatoeba metric)", interactive=False)
    errors = gr.Dataframe(label="Gold-order errors", wrap=True, interactive=False, max_height=400)
    with gr.Accordion("Ordered alignment of two parallel documents", open=False):
        build_alignment(backend, instruction)

    state = gr.State()
    view_inputs = [state, method, score, k, threshold, gold]
    views = [heatmap, histogram, pairs, download, accuracy, errors]
    choice = [state, method, score, k]
    view = user_errors(show_pairs)
    reset = user_errors(threshold_range)

    run = user_errors(functools.partial(run_bitext, backend))
    run_inputs = [instruction, pair_file, source_col, target_col, *source.inputs, *target.inputs]
    go.click(run, run_inputs, [state, status, gold], api_name="match_bitext").then(
        reset, choice, threshold, api_visibility="private").then(view, view_inputs, views, api_visibility="private")
    example.click(load_example, outputs=pair_file, api_name="bitext_example").then(
        run, run_inputs, [state, status, gold], api_visibility="private").then(
        reset, choice, threshold, api_visibility="private").then(view, view_inputs, views, api_visibility="private")
    for control in (method, score, k):
        control.input(reset, choice, threshold, api_visibility="private").then(
            view, view_inputs, views, api_visibility="private")
    threshold.release(view, view_inputs, views, api_name="bitext_threshold")
    gold.input(view, view_inputs, views, api_visibility="private")
    pair_file.upload(user_errors(functools.partial(pair_file_columns, backend)), pair_file, [source_col, target_col],
                     api_visibility="private")
    pairs.select(user_errors(select_pair), choice, [row, explain, neighbours_table], api_visibility="private")
    show.click(user_errors(neighbours), [*choice, row], [explain, neighbours_table], api_name="margin_neighbours")
    demo.load(lambda: instruction_choices(backend, "bitext"), outputs=instruction, api_visibility="private")
