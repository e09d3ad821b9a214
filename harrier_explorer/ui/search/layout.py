"""Layout and wiring of the cross-lingual search tab (handlers in handlers.py): rank one corpus for up to four
queries (typically one question in several languages) and compare the rankings side by side."""

from __future__ import annotations

import functools

import gradio as gr

from harrier_explorer.backend.core import Backend
from harrier_explorer.ui import forms, why_match
from harrier_explorer.ui.cancel import stop_button, stops
from harrier_explorer.ui.common import (
    download_box,
    instruction_choices,
    instruction_dropdown,
    on_model_known,
    text_source,
    user_errors,
)
from harrier_explorer.ui.embedded import exact_strings
from harrier_explorer.ui.page import Page, story_box
from harrier_explorer.ui.search.handlers import (
    MAX_QUERIES,
    PER_LANGUAGE_K,
    SearchExample,
    SearchRequest,
    SearchResult,
    cross_lingual_search,
    load_example,
    pick_pair,
    present_model_b,
    present_tables,
)

TITLE = "Cross-lingual search"


def build(backend: Backend, demo: gr.Blocks, page: Page) -> None:
    gr.Markdown("Search one multilingual corpus with the same question in several languages. Queries get the "
                "instruction (role *query*); corpus documents are embedded bare (role *document*).")
    with gr.Row():
        with gr.Column(scale=3, elem_id="search-corpus"):
            corpus = text_source("Corpus", placeholder="One document per line", lines=5,
                                 max_file_mb=backend.settings.max_file_mb)
        with gr.Column(scale=2):
            queries = gr.Textbox(label=f"Queries: one per line, up to {MAX_QUERIES}", lines=4, max_lines=8,
                                 placeholder="Where is the Amazon?\nWo ist der Amazonas?")
            instruction = instruction_dropdown(info="Put on the queries: a preset, a saved prompt name, free "
                                                    "text (type it), or none")
            k = gr.Slider(1, 50, value=5, step=1, label="top-k")
            with gr.Row():
                go = gr.Button("Search", variant="primary", elem_id="search-run")
                stop = stop_button(elem_id="search-stop")
                example = gr.Button("Load example", size="sm", elem_id="search-example")
    story = story_box("search")
    status = gr.Markdown(label="status", elem_id="search-status", latex_delimiters=[])  # file names in notes
    strings = exact_strings()
    tables = []
    for row in range(MAX_QUERIES // 2):  # two per row, so each hit's text has room without sideways scrolling
        with gr.Row(equal_height=False):
            tables += [gr.Dataframe(label=f"hits of query {n}", visible=False, wrap=True, interactive=False,
                                    max_height=520, elem_id=f"search-hits-{n}") for n in (2 * row + 1, 2 * row + 2)]
    why = why_match.section(backend, "search", instruction, api_name="why_match")
    parity = gr.Dataframe(label="Translation parity: overlap@k and Kendall tau of each query pair", interactive=False)
    with gr.Row():
        bias = gr.Plot(label="Same-language bias", elem_id="search-bias")
        distribution = gr.Plot(label="Score distribution", elem_id="search-distribution")
    by_language = gr.Dataframe(label=f"Top {PER_LANGUAGE_K} hits of each query in each document language",
                               wrap=True, interactive=False, max_height=420, elem_id="search-by-language")
    download = download_box("Download all results (CSV)")
    with gr.Column(visible=False, elem_id="search-model-b") as model_b_section:
        gr.Markdown("### Model A and model B")
        model_b_status = gr.Markdown(label="model B status", elem_id="search-model-b-status", latex_delimiters=[])
        agreement = gr.Dataframe(label="Model agreement per query: overlap@k, Kendall tau (union of both top-k), RBO",
                                 interactive=False, elem_id="search-agreement")
        model_b_hits = gr.Dataframe(label="Each query's top-k under model B (A #: the hit's rank under model A)",
                                    wrap=True, interactive=False, max_height=520, elem_id="search-model-b-hits")
        parity_by_model = gr.Dataframe(label="Translation parity under model A and model B", interactive=False,
                                       elem_id="search-parity-by-model")
        bias_by_model = gr.Dataframe(label="Same-language bias under model A and model B", interactive=False,
                                     elem_id="search-bias-by-model")

    search = user_errors(forms.endpoint(SearchRequest, functools.partial(cross_lingual_search, backend)))
    inputs = forms.inputs(SearchRequest, queries=queries, instruction=instruction, k=k, corpus=corpus,
                          model_b=page.model_b)
    hits = {f"hits_{i + 1}": table for i, table in enumerate(tables)}
    outputs = forms.outputs(SearchResult, status=status, strings=strings, **hits, parity=parity,
                            by_language=by_language, bias=bias, distribution=distribution, download=download,
                            model_b_status=model_b_status, model_b_hits=model_b_hits, agreement=agreement,
                            parity_by_model=parity_by_model, bias_by_model=bias_by_model)
    shown = [*tables, by_language]

    def present(event) -> None:
        event.success(present_tables, [queries, *shown], shown, api_visibility="private")
        event.success(present_model_b, model_b_hits, [model_b_section, model_b_hits], api_visibility="private")

    # Progress and errors on the status line only: the results of the last search stay readable after an error.
    searched = go.click(search, inputs_kwargs=inputs, outputs=outputs, api_name="cross_lingual_search",
                        show_progress_on=status)
    example_searched = example.click(forms.action(load_example), outputs=forms.outputs(
        SearchExample, corpus_paste=corpus.paste, corpus_files=corpus.files, queries=queries),
        api_visibility="private").then(search, inputs_kwargs=inputs, outputs=outputs, api_visibility="private",
                                       show_progress_on=status)
    for event in (searched, example_searched):
        present(event)
    page.replayable(key="search", title=TITLE, request=SearchRequest, handler=cross_lingual_search, inputs=inputs,
                    outputs=outputs, status=status, follow=present, story=story)
    stops(stop, [searched, example_searched], status)
    for n, table in enumerate(tables):
        table.select(pick_pair(n), inputs=[queries, table],
                     outputs=[why.query, why.document, why.accordion], api_visibility="private",
                     show_progress="hidden").success(**why.run, api_visibility="private")
    on_model_known(demo, lambda keep: instruction_choices(backend, "retrieval", keep=keep), instruction)
