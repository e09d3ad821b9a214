"""Layout and wiring of the Long documents tab (handlers in handlers.py)."""

from __future__ import annotations

import functools

import gradio as gr

from harrier_explorer.backend.core import Backend
from harrier_explorer.ui import forms
from harrier_explorer.ui.cancel import stop_button, stops
from harrier_explorer.ui.common import (
    example_path,
    instruction_choices,
    instruction_dropdown,
    on_model_known,
    user_errors,
)
from harrier_explorer.ui.long_doc.corpus import ChunkedRequest, ChunkedResult, whole_or_chunked
from harrier_explorer.ui.long_doc.handlers import (
    COLOURS,
    LongDocExample,
    LongDocRequest,
    LongDocResult,
    load_example,
    long_document,
)
from harrier_explorer.ui.page import Page, story_box
from harrier_explorer.ui.ranking_data import ranking_inputs

TITLE = "Long documents"


def build(backend: Backend, demo: gr.Blocks, page: Page) -> None:
    gr.Markdown("One long document against a query: its tokens against the model's limit, where the model stops "
                "reading when the document is embedded whole, and the query's cosine to each chunk along the "
                "document next to the whole-document cosine.")
    with gr.Row():
        with gr.Column(scale=3):
            document = gr.Textbox("", label="Document: paste", lines=8, max_lines=16, elem_id="longdoc-document")
            document_file = gr.File(label="or upload it (.txt, .md)", file_types=[".txt", ".md"], type="filepath",
                                    height=120)
        with gr.Column(scale=2):
            query = gr.Textbox("", label="Query", lines=2, elem_id="longdoc-query")
            instruction = instruction_dropdown(info="Put on the query: a preset, free text (type it), or none")
            with gr.Row():
                chunk_tokens = gr.Number(256, precision=0, label="chunk size (tokens)", minimum=16)
                overlap = gr.Number(0, precision=0, label="overlap (tokens)", minimum=0)
            with gr.Row():
                go = gr.Button("Read along", variant="primary", elem_id="longdoc-run")
                stop = stop_button(elem_id="longdoc-stop")
                example = gr.Button("Load example", size="sm", elem_id="longdoc-example")
    story = story_box("long_doc")
    summary = gr.Markdown(label="summary", elem_id="longdoc-summary", latex_delimiters=[])
    plot = gr.Plot(label="Cosine along the document", elem_id="longdoc-plot")
    chunks = gr.Dataframe(label="Chunks", wrap=True, interactive=False, max_height=420, elem_id="longdoc-chunks",
                          headers=["#", "tokens", "cosine", "read whole", "text"],
                          column_widths=["5%", "12%", "9%", "9%", "65%"])  # the text wraps in view, no sideways scroll
    text = gr.HighlightedText(label="The document (the best chunk, and what the model does not read whole)",
                              color_map=COLOURS, show_legend=True, elem_id="longdoc-text")

    run = user_errors(forms.endpoint(LongDocRequest, functools.partial(long_document, backend)))
    inputs = forms.inputs(LongDocRequest, query=query, document=document, document_file=document_file,
                          instruction=instruction, chunk_tokens=chunk_tokens, overlap_tokens=overlap)
    outputs = forms.outputs(LongDocResult, summary=summary, plot=plot, text=text, chunks=chunks)
    read = go.click(run, inputs_kwargs=inputs, outputs=outputs, api_name="long_document", show_progress_on=summary)
    example_read = example.click(forms.action(load_example), outputs=forms.outputs(
        LongDocExample, query=query, document=document), api_visibility="private").then(
        run, inputs_kwargs=inputs, outputs=outputs, api_visibility="private", show_progress_on=summary)
    stops(stop, [read, example_read], summary)
    page.replayable(key="long_doc", title=TITLE, request=LongDocRequest, handler=long_document, inputs=inputs,
                    outputs=outputs, status=summary, story=story)
    on_model_known(demo, lambda keep: instruction_choices(backend, "retrieval", keep=keep), instruction)
    _corpus_section(backend, demo)


def _corpus_section(backend: Backend, demo: gr.Blocks) -> None:
    """A corpus ranked with each document embedded whole and chunked, side by side."""
    gr.Markdown("### A corpus embedded whole vs chunked\nThe same queries against the same documents, each document "
                "embedded whole (cut at the model's limit) and in chunks (scored by its best chunk): does chunking "
                "help retrieval on your corpus? With relevance labels, both sides' nDCG@10, MRR@10 and Recall@10 "
                "and a paired test.")
    data = ranking_inputs("longdoc", backend.settings.max_file_mb, labels_title="Relevance labels (optional)")
    with gr.Row(equal_height=True):
        instruction = instruction_dropdown(info="Put on the queries")
        chunk_tokens = gr.Number(256, precision=0, label="chunk size (tokens)", minimum=16)
        overlap = gr.Number(0, precision=0, label="overlap (tokens)", minimum=0)
        k = gr.Slider(1, 50, value=10, step=1, label="k (top-k depth)")
    with gr.Row():
        go = gr.Button("Rank whole and chunked", variant="primary", elem_id="longdoc-rank")
        stop = stop_button(elem_id="longdoc-rank-stop")
        example = gr.Button("Load example", size="sm", elem_id="longdoc-rank-example")
    summary = gr.Markdown(label="summary", elem_id="longdoc-rank-summary", latex_delimiters=[])
    metrics = gr.Dataframe(label="Metrics (with labels)", interactive=False, elem_id="longdoc-rank-metrics",
                           headers=["metric", "whole", "chunked", "chunked − whole"])
    per_query = gr.Dataframe(label="Per query", wrap=True, interactive=False, max_height=420,
                             elem_id="longdoc-rank-per-query")
    run = dict(fn=user_errors(forms.endpoint(ChunkedRequest, functools.partial(whole_or_chunked, backend))),
               inputs_kwargs=forms.inputs(ChunkedRequest, queries=data.queries, corpus=data.corpus,
                                          qrels_file=data.qrels_file, qrels_rows=data.qrels_rows, k=k,
                                          previous=gr.State(None),  # no reuse: the embedding cache serves repeats
                                          instruction=instruction, chunk_tokens=chunk_tokens, overlap_tokens=overlap),
               outputs=forms.outputs(ChunkedResult, summary=summary, metrics=metrics, per_query=per_query),
               show_progress_on=summary)
    ranked = go.click(**run, api_name="whole_or_chunked")
    # The XQuAD sample of the A/B tab, its paragraphs cut into chunks of 64 tokens.
    example_ranked = example.click(
        lambda: ([example_path("ab_queries.tsv")], [example_path("ab_corpus.tsv")], example_path("ab_qrels.tsv"), 64),
        outputs=[data.queries.files, data.corpus.files, data.qrels_file, chunk_tokens], api_visibility="private",
        show_progress="hidden").success(**run, api_visibility="private")
    stops(stop, [ranked, example_ranked], summary)
    on_model_known(demo, lambda keep: instruction_choices(backend, "retrieval", keep=keep), instruction)
