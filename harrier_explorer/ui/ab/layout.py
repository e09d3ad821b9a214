"""Layout and wiring of the Instruction A/B tab (handlers in handlers.py, figures in plots.py).

Progress and errors show in one status line under the buttons (``show_progress_on``), so the results of the last
run stay readable while a new one runs and after it fails.
"""

from __future__ import annotations

import functools

import gradio as gr

from harrier_explorer.backend.core import Backend
from harrier_explorer.ui import forms
from harrier_explorer.ui.ab.handlers import (
    ABRequest,
    ABResult,
    QueryRequest,
    QueryResult,
    SweepRequest,
    SweepResult,
    mark_relevant,
    query_picker,
    run_ab,
    run_sweep,
    show_query,
)
from harrier_explorer.ui.cancel import stop_button, stops
from harrier_explorer.ui.common import (
    NONE,
    download_box,
    example_path,
    instruction_choices,
    instruction_dropdown,
    on_model_known,
    open_dropdown,
    user_errors,
)
from harrier_explorer.ui.page import Page, story_box
from harrier_explorer.ui.ranking_data import ranking_inputs

TITLE = "Instruction A/B"
INTRO = ("Embed the **same queries** under two instructions (role *query*; the corpus is embedded once, bare) and "
         "compare the rankings. With relevance labels you also get nDCG@10, MRR@10, Recall@k and a paired "
         "significance test. With a model B (top of the page) both models rank under both instructions: a model × "
         "instruction grid.")


def load_example(backend: Backend):
    """The XQuAD sample (English questions; English and German paragraphs): queries, corpus, labels, B = QA preset."""
    preset = backend.spec.preset("qa") or backend.spec.preset("retrieval") or NONE
    return ([example_path("ab_queries.tsv")], [example_path("ab_corpus.tsv")], example_path("ab_qrels.tsv"), NONE,
            preset)


def build(backend: Backend, demo: gr.Blocks, page: Page) -> None:
    gr.Markdown(INTRO)
    max_mb = backend.settings.max_file_mb
    data_inputs = ranking_inputs("ab", max_mb, labels_title="Relevance labels (optional)")
    queries, corpus = data_inputs.queries, data_inputs.corpus
    qrels_file, qrels_rows = data_inputs.qrels_file, data_inputs.qrels_rows
    with gr.Row(equal_height=True):
        instruction_a = instruction_dropdown("Instruction A")
        instruction_b = instruction_dropdown("Instruction B")
        k = gr.Slider(1, 50, value=10, step=1, label="k (top-k depth)")
    with gr.Row():
        example = gr.Button("Load and run example (XQuAD questions, EN/DE paragraphs, labels)", size="sm",
                            elem_id="ab-example")
        run = gr.Button("Compare A vs B", variant="primary", elem_id="ab-run")
        stop = stop_button(elem_id="ab-stop")
    story = story_box("ab")
    status = gr.Markdown(elem_id="ab-status", min_height=36)
    summary = gr.Markdown(label="Summary", elem_id="ab-summary", latex_delimiters=[])
    verdict = gr.Markdown(label="Verdict", elem_id="ab-verdict", latex_delimiters=[])
    with gr.Column(visible=False, elem_id="ab-model-b") as model_b_section:  # shown after a run with a model B
        gr.Markdown("### Model A and model B: each model under each instruction")
        # instructions, file names: no LaTeX
        model_b_status = gr.Markdown(label="model B status", elem_id="ab-model-b-status", latex_delimiters=[])
        grid = gr.Dataframe(label="Model × instruction (with labels: mean over queries and its 95% bootstrap "
                                  "interval)", interactive=False, elem_id="ab-grid")
        grid_pairs = gr.Dataframe(label="Every two cells (with labels: mean difference cell 2 − cell 1, paired "
                                        "permutation test, Holm-adjusted over the six pairs of a metric)",
                                  interactive=False, elem_id="ab-grid-pairs")
    state = gr.State(None)
    with gr.Tabs():
        with gr.Tab("Per query"):
            picker = open_dropdown([], value=None, label="Query", interactive=True, elem_id="ab-query")
            side = gr.Dataframe(label="Top k under A and under B (✓ relevant; click a document to mark it relevant "
                                      "or not)", wrap=True, interactive=False,
                                column_widths=["6%", "35%", "8%", "35%", "8%", "8%"], elem_id="ab-side")
            changes = gr.Dataframe(label="Every document in either top k: rank and score change (A → B)", wrap=True,
                                   interactive=False,
                                   column_widths=["12%", "37%", "7%", "7%", "10%", "8%", "8%", "11%"])
            strings = gr.Dataframe(label="Exact strings embedded (instruction template included)", wrap=True,
                                   interactive=False, column_widths=["20%", "64%", "8%", "8%"], max_height=300)
        with gr.Tab("Across queries"):
            with gr.Row():
                agreement = gr.Dataframe(label="Agreement of the rankings", interactive=False)
                quality = gr.Dataframe(label="Retrieval quality (with labels)", interactive=False)
            shift = gr.Plot(label="Score distribution shift", elem_id="ab-shift")
            per_query = gr.Dataframe(label="Per-query metrics (MRR, Recall, top-1 scores and ids: in the CSV)",
                                     wrap=True, interactive=False, max_height=400, elem_id="ab-per-query")
            with gr.Row():
                per_query_file = download_box("Per-query metrics (CSV)")
                rankings_file = download_box("Rankings A and B (CSV)")
        with gr.Tab("Sweep"):
            sweep_lines = gr.Textbox(label="Instructions, one per line ('(none)' = no instruction)", lines=5)
            with gr.Row():
                sweep = gr.Button("Sweep instructions × queries", variant="primary", elem_id="ab-sweep")
                stop_sweep = stop_button(elem_id="ab-sweep-stop")
            sweep_status = gr.Markdown(elem_id="ab-sweep-status", min_height=36)
            sweep_summary = gr.Markdown(label="Sweep summary", elem_id="ab-sweep-summary", latex_delimiters=[])
            heatmap = gr.Plot(label="Instruction × query", elem_id="ab-sweep-heatmap")
            sweep_table = gr.Dataframe(label="Sweep values (one row per query)", wrap=True, interactive=False,
                                       max_height=400)
            sweep_file = download_box("Sweep (CSV)")

    data = dict(queries=queries, corpus=corpus, qrels_file=qrels_file, qrels_rows=qrels_rows, k=k, previous=state)
    compare = dict(fn=user_errors(forms.endpoint(ABRequest, functools.partial(run_ab, backend))),
                   inputs_kwargs=forms.inputs(ABRequest, **data, instruction_a=instruction_a,
                                              instruction_b=instruction_b, model_b=page.model_b),
                   outputs=forms.outputs(ABResult, run=state, summary=summary, verdict=verdict, side_by_side=side,
                                         changes=changes, strings=strings, agreement=agreement, quality=quality,
                                         per_query=per_query, score_shift=shift,
                                         per_query_csv=per_query_file, rankings_csv=rankings_file,
                                         model_b_status=model_b_status, grid=grid, grid_pairs=grid_pairs),
                   show_progress_on=status)
    fill_picker = dict(fn=query_picker, inputs=state, outputs=picker, api_visibility="private", show_progress="hidden")
    show_b = dict(fn=lambda text: gr.Column(visible=bool(text)), inputs=model_b_status, outputs=model_b_section,
                  api_visibility="private", show_progress="hidden")
    example_compared = example.click(user_errors(functools.partial(load_example, backend)),
                                     outputs=[queries.files, corpus.files, qrels_file, instruction_a, instruction_b],
                                     api_visibility="private", show_progress="hidden").success(
        **compare, api_visibility="private")
    compared = run.click(**compare, api_name="ab_compare")
    def follow(event) -> None:
        event.success(**fill_picker).success(**show_b)

    for event in (example_compared, compared):
        follow(event)
    page.replayable(key="ab", title=TITLE, request=ABRequest, handler=run_ab, inputs=compare["inputs_kwargs"],
                    outputs=compare["outputs"], status=status, follow=follow, story=story)
    stops(stop, [example_compared, compared], status)
    side.select(mark_relevant, inputs=[state, picker, qrels_rows], outputs=[qrels_rows, status],
                api_visibility="private", show_progress="hidden")
    picker.input(user_errors(forms.endpoint(QueryRequest, show_query)),
                 inputs_kwargs=forms.inputs(QueryRequest, run=state, query=picker),
                 outputs=forms.outputs(QueryResult, side_by_side=side, changes=changes, strings=strings),
                 api_name="ab_show_query", show_progress_on=status)
    swept = sweep.click(user_errors(forms.endpoint(SweepRequest, functools.partial(run_sweep, backend))),
                        inputs_kwargs=forms.inputs(SweepRequest, **data, instructions=sweep_lines),
                        outputs=forms.outputs(SweepResult, summary=sweep_summary, heatmap=heatmap,
                                              values=sweep_table, values_csv=sweep_file),
                        api_name="ab_sweep", show_progress_on=sweep_status)
    stops(stop_sweep, [swept], sweep_status)
    on_model_known(demo, lambda keep: (instruction_choices(backend, None, keep=keep),
                                       instruction_choices(backend, "qa", keep=keep),
                                       gr.skip() if keep else _sweep_default(backend)),
                   [instruction_a, instruction_b, sweep_lines])


def _sweep_default(backend: Backend) -> str:
    """(none) plus the family's retrieval-side presets, as a starting list for the sweep box."""
    spec = backend.spec
    tasks = dict.fromkeys(filter(None, (spec.preset("qa"), spec.preset("retrieval"), spec.preset("sts"))))
    return "\n".join([NONE, *tasks])
