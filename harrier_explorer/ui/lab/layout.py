"""Layout and wiring of the Instruction lab (handlers in handlers.py and word_view.py, sentences and tables in
present.py).

Three steps a user takes in order: propose wordings from a base instruction (editable), run the lab on them, and
optionally let a search look for a better wording. Progress and errors show on one status line, so the last results
stay readable while a new run works and after it fails.
"""

from __future__ import annotations

import functools

import gradio as gr

from harrier_explorer.analysis.metrics import RETRIEVAL_METRICS
from harrier_explorer.backend.core import Backend
from harrier_explorer.ui import forms
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
from harrier_explorer.ui.lab.handlers import (
    BASELINE_CHOICES,
    LABELS_FROM_ROWS_DOC,
    MAX_ROUNDS,
    LabRequest,
    LabResult,
    ProposeRequest,
    ProposeResult,
    SearchRequest,
    SearchResult,
    propose,
    run_lab,
    run_search,
)
from harrier_explorer.ui.lab.present import metric_label
from harrier_explorer.ui.lab.word_view import (
    WordQueryRequest,
    WordQueryResult,
    first_word_view,
    mark_relevant,
    word_query,
    word_query_pickers,
)
from harrier_explorer.ui.page import Page, story_box
from harrier_explorer.ui.ranking_data import ranking_inputs

TITLE = "Instruction lab"
INTRO = ("How sensitive is the model to the **wording** of its instruction, and which wording is best on **your** "
         "queries? Start from a base instruction, let the lab propose rewrites (edit them freely), and run: every "
         "wording gets its metric with a 95% interval, paired tests against the baseline and the best "
         "(Holm-corrected), and how far it moves the query embeddings. A held-out split checks the winner on queries "
         "it was not picked on; the word ablation shows which words matter.")


#: A sentence-style instruction (Harrier's QA task string) that the example adds for families with short task names.
SENTENCE = "Given a question, retrieve passages that answer the question"


def load_example(backend: Backend):
    """The XQuAD sample (English questions; English and German paragraphs, labels) from the QA preset, plus a
    sentence-style wording where the family's presets are short names (EmbeddingGemma's "question answering")."""
    base = backend.spec.preset("qa") or backend.spec.preset("retrieval") or NONE
    lines = propose(backend, ProposeRequest(base)).variants
    if SENTENCE not in lines.splitlines():
        lines += f"\n{SENTENCE}"
    return ([example_path("ab_queries.tsv")], [example_path("ab_corpus.tsv")], example_path("ab_qrels.tsv"), base,
            lines)


def build(backend: Backend, demo: gr.Blocks, page: Page) -> None:
    gr.Markdown(INTRO)
    max_mb = backend.settings.max_file_mb
    data_inputs = ranking_inputs("lab", max_mb, lines=3, labels_help=(
        "Or take **parallel data as labels**. Without labels the lab measures agreement with the baseline's ranking "
        "instead of quality."))
    queries, corpus = data_inputs.queries, data_inputs.corpus
    qrels_file, qrels_rows = data_inputs.qrels_file, data_inputs.qrels_rows
    with data_inputs.labels:
        labels_from_rows = gr.Checkbox(False, label=LABELS_FROM_ROWS_DOC[0].upper() + LABELS_FROM_ROWS_DOC[1:],
                                       elem_id="lab-rows")
    with gr.Row(equal_height=True):
        base = instruction_dropdown("Base instruction", info="A preset or your own sentence; the lab rewrites it",
                                    elem_id="lab-base")
        domain = gr.Textbox("", label="Your domain (optional)", placeholder="e.g. medical", max_lines=1)
        propose_button = gr.Button("Propose wordings", elem_id="lab-propose", scale=0, min_width=180)
    variants = gr.Textbox("", label="Wordings to compare, one per line ('(none)' = no instruction; edit freely)",
                          lines=8, max_lines=20, elem_id="lab-variants")
    with gr.Accordion("Settings", open=False):
        with gr.Row():
            baseline = gr.Radio(list(BASELINE_CHOICES), value=BASELINE_CHOICES[0], label="Test every wording against")
            metric = gr.Radio([(metric_label(m), m) for m in RETRIEVAL_METRICS], value=RETRIEVAL_METRICS[0],
                              label="Metric (with labels)")
            k = gr.Slider(1, 50, value=10, step=1, label="k (top-k depth)")
        with gr.Row():
            held = gr.Slider(0, 0.7, value=0.3, step=0.05, label="Held-out share of the labelled queries (0: none)")
            seed = gr.Number(0, precision=0, label="seed (split, bootstrap, tests)", minimum=0)
            ablate = gr.Checkbox(True, label="Word ablation of the base instruction")
    with gr.Row():
        example = gr.Button("Load and run example (XQuAD questions, EN/DE paragraphs, labels)", size="sm",
                            elem_id="lab-example")
        run = gr.Button("Run the lab", variant="primary", elem_id="lab-run")
        stop = stop_button(elem_id="lab-stop")
    story = story_box("lab")
    status = gr.Markdown(elem_id="lab-status", min_height=36)
    verdict = gr.Markdown(label="Verdict", elem_id="lab-verdict", latex_delimiters=[])
    summary = gr.Markdown(label="Summary", elem_id="lab-summary", latex_delimiters=[])
    table = gr.Dataframe(label="Wordings (numbered as on the plot; p-values Holm-adjusted)", wrap=True,
                         interactive=False, elem_id="lab-table",
                         column_widths=["4%", "10%", "30%", "7%", "6%", "6%", "7%", "7%", "7%", "7%", "9%"])
    with gr.Column(visible=False, elem_id="lab-model-b") as model_b_section:  # shown after a run with a model B
        model_b_verdict = gr.Markdown(label="model B verdict", elem_id="lab-model-b-verdict", latex_delimiters=[])
        model_b_table = gr.Dataframe(label="Model B: the same wordings (its own family's preset where a wording is "
                                           "one of model A's presets)", wrap=True, interactive=False,
                                     elem_id="lab-model-b-table")
    plot = gr.Plot(label="Metric against embedding shift", elem_id="lab-plot")
    with gr.Row():
        words = gr.HighlightedText(label="Which words matter (red: the metric drops without the word, blue: it rises)",
                                   elem_id="lab-words", show_legend=False)
        word_table = gr.Dataframe(label="Per word of the base instruction", interactive=False, elem_id="lab-word-table")
    with gr.Row(equal_height=True):
        word_picker = open_dropdown([], value=None, label="Drop the word", elem_id="lab-word", scale=1)
        query_picker = open_dropdown([], value=None, label="For the query", elem_id="lab-query", scale=3)
    word_summary = gr.Markdown(label="word summary", elem_id="lab-word-summary", latex_delimiters=[])
    word_changes = gr.Dataframe(label="Documents in either top k with and without the word (new: enters the top k "
                                      "without it; out: leaves it; ✓ relevant; click a document to mark it relevant "
                                      "or not)", wrap=True, interactive=False,
                                max_height=360, elem_id="lab-word-changes",
                                column_widths=["10%", "42%", "8%", "8%", "8%", "8%", "8%", "8%"])
    with gr.Row():
        csv_file = download_box("Wordings (CSV)")
        html_file = download_box("Report (standalone HTML)", elem_id="lab-report")
    with gr.Accordion("Search for a better wording (on the train split, checked on the held-out queries)",
                      open=False):
        with gr.Row(equal_height=True):
            rounds = gr.Slider(1, MAX_ROUNDS, value=3, step=1, label="rounds")
            search = gr.Button("Search from the base instruction", elem_id="lab-search")
            stop_search = stop_button(elem_id="lab-search-stop")
        search_status = gr.Markdown(elem_id="lab-search-status", min_height=36)
        search_summary = gr.Markdown(label="search summary", elem_id="lab-search-summary", latex_delimiters=[])
        steps = gr.Dataframe(label="Rounds kept", interactive=False, wrap=True, elem_id="lab-steps")
    state = gr.State(None)

    settings = dict(queries=queries, corpus=corpus, qrels_file=qrels_file, qrels_rows=qrels_rows, k=k,
                    previous=state, labels_from_rows=labels_from_rows, metric=metric, held_out=held, seed=seed,
                    domain=domain)
    propose_event = dict(fn=user_errors(forms.endpoint(ProposeRequest, functools.partial(propose, backend))),
                         inputs_kwargs=forms.inputs(ProposeRequest, base_instruction=base, domain=domain),
                         outputs=forms.outputs(ProposeResult, variants=variants), api_name="lab_propose",
                         show_progress_on=status)
    lab = dict(fn=user_errors(forms.endpoint(LabRequest, functools.partial(run_lab, backend))),
               inputs_kwargs=forms.inputs(LabRequest, **settings, base_instruction=base, variants=variants,
                                          baseline=baseline, ablate_words=ablate, model_b=page.model_b),
               outputs=forms.outputs(LabResult, run=state, summary=summary, verdict=verdict, variants=table,
                                     gain_vs_shift=plot, words=words, word_table=word_table, variants_csv=csv_file,
                                     report_html=html_file, model_b_verdict=model_b_verdict,
                                     model_b_table=model_b_table),
               show_progress_on=status)
    show_b = dict(fn=lambda text: gr.Column(visible=bool(text)), inputs=model_b_verdict, outputs=model_b_section,
                  api_visibility="private", show_progress="hidden")
    pickers = dict(fn=word_query_pickers, inputs=state, outputs=[word_picker, query_picker], api_visibility="private",
                   show_progress="hidden")
    word_outputs = forms.outputs(WordQueryResult, summary=word_summary, changes=word_changes)
    first_word = dict(fn=lambda run: forms.fields_of(first_word_view(run)), inputs=state, outputs=word_outputs,
                      api_visibility="private", show_progress="hidden")
    propose_button.click(**propose_event)
    example_loaded = example.click(user_errors(functools.partial(load_example, backend)),
                                   outputs=[queries.files, corpus.files, qrels_file, base, variants],
                                   api_visibility="private", show_progress="hidden")
    example_lab = example_loaded.success(**lab, api_visibility="private")
    run_lab_event = run.click(**lab, api_name="lab_run")
    def follow(event) -> None:
        event.success(**pickers).success(**first_word).success(**show_b)

    for event in (example_lab, run_lab_event):
        follow(event)
    page.replayable(key="lab", title=TITLE, request=LabRequest, handler=run_lab, inputs=lab["inputs_kwargs"],
                    outputs=lab["outputs"], status=status, follow=follow, story=story)
    stops(stop, [example_lab, run_lab_event], status)
    gr.on([word_picker.input, query_picker.input], user_errors(forms.endpoint(WordQueryRequest, word_query)),
          inputs_kwargs=forms.inputs(WordQueryRequest, run=state, word=word_picker, query=query_picker),
          outputs=word_outputs, api_name="lab_word_query", show_progress_on=status)
    word_changes.select(mark_relevant, inputs=[state, query_picker, word_changes, qrels_rows],
                        outputs=[qrels_rows, status], api_visibility="private", show_progress="hidden")
    search_event = search.click(user_errors(forms.endpoint(SearchRequest, functools.partial(run_search, backend))),
                                inputs_kwargs=forms.inputs(SearchRequest, **settings, start=base, rounds=rounds),
                                outputs=forms.outputs(SearchResult, summary=search_summary, steps=steps),
                                api_name="lab_search", show_progress_on=search_status)
    stops(stop_search, [search_event], search_status)
    on_model_known(demo, lambda keep: instruction_choices(backend, "qa", keep=keep), base)

