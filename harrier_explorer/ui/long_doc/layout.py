"""Layout and wiring of the Long documents tab (handlers in handlers.py)."""

from __future__ import annotations

import functools

import gradio as gr

from harrier_explorer.backend.core import Backend
from harrier_explorer.ui import forms
from harrier_explorer.ui.cancel import stop_button, stops
from harrier_explorer.ui.common import instruction_choices, instruction_dropdown, user_errors
from harrier_explorer.ui.long_doc.handlers import (
    COLOURS,
    LongDocExample,
    LongDocRequest,
    LongDocResult,
    load_example,
    long_document,
)
from harrier_explorer.ui.page import Page

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
    summary = gr.Markdown(elem_id="longdoc-summary", latex_delimiters=[])
    plot = gr.Plot(label="Cosine along the document", elem_id="longdoc-plot")
    chunks = gr.Dataframe(label="Chunks", wrap=True, interactive=False, max_height=420, elem_id="longdoc-chunks",
                          headers=["#", "tokens", "cosine", "read whole", "text"])
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
    demo.load(lambda: instruction_choices(backend, "retrieval"), outputs=instruction, api_visibility="private")
