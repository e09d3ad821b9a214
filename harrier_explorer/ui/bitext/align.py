"""The bitext tab's ordered-alignment section: split two parallel documents into sentences (each in its detected
language), embed them the symmetric way and align them in order (1-1, 1-2, 2-1 and skips)."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr
import pandas as pd

from harrier_explorer.analysis import align as ordered
from harrier_explorer.analysis.similarity import cosine_matrix
from harrier_explorer.backend.core import Backend
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.language import language_name
from harrier_explorer.inputs.parsing import DOCUMENT_EXTENSIONS, load_files
from harrier_explorer.inputs.split import sentence_rules_language, split_sentences
from harrier_explorer.models import NO_INSTRUCTION
from harrier_explorer.ui import forms
from harrier_explorer.ui.bitext.handlers import INSTRUCTION_DOC
from harrier_explorer.ui.bitext.plots import alignment_figure
from harrier_explorer.ui.cancel import stop_button, stops
from harrier_explorer.ui.common import (
    download_box,
    example_path,
    export_table,
    instruction_value,
    progress_to,
    user_errors,
)
from harrier_explorer.ui.embedded import exact_strings, strings_frame

#: The dynamic programme is pure Python, O(n × m): a few hundred sentences a side take a few seconds.
MAX_SENTENCES = 500


@dataclass(frozen=True)
class AlignRequest:
    instruction: str = field(default=NO_INSTRUCTION, metadata={"doc": INSTRUCTION_DOC})
    text_a: str = field(default="", metadata={"doc": "document A, pasted (ignored when file_a is given)"})
    file_a: str | None = field(default=None, metadata={"doc": "document A as a .txt/.md/.pdf/.docx file"})
    text_b: str = field(default="", metadata={"doc": "document B (a translation of A), pasted"})
    file_b: str | None = field(default=None, metadata={"doc": "document B as a file"})
    skip_cost: float = field(default=ordered.DEFAULT_SKIP_PENALTY, metadata={
        "doc": "cost of leaving one sentence unaligned: a pair is skipped rather than joined when its cosine is "
               "below 1 − 2 × skip_cost"})


@dataclass(frozen=True)
class AlignResult:
    status: str
    strings: pd.DataFrame  # the exact strings embedded: the first sentence of each document
    path: object  # plotly figure: the sentence cosine matrix with the alignment path
    blocks: pd.DataFrame  # one row per block, sentences numbered from 1; skipped sentences have a row of their own
    download: str  # TSV path of the blocks


def read_document(backend: Backend, name: str, text: str, file) -> str:
    """The uploaded file's whole text when there is one, else the pasted text (split into sentences next, so no
    limit on its length but MAX_SENTENCES)."""
    if file:
        s = backend.settings
        load = load_files([Path(file)], max_file_mb=s.max_file_mb, max_items=s.max_items, split="document",
                          max_item_chars=None)
        return "\n\n".join(load.texts)
    if not (text or "").strip():
        raise InputError(f"{name} is empty: paste it or upload a file.")
    return text


def sentences_of(name: str, document: str) -> tuple[str, list[str]]:
    """(detected language, sentences) of a document, within MAX_SENTENCES."""
    lang = sentence_rules_language(document)  # from the opening: detecting over megabytes takes seconds
    sentences = split_sentences(document, lang)
    if not sentences:
        raise InputError(f"{name} has no sentences.")
    if len(sentences) > MAX_SENTENCES:
        raise InputError(f"{name} has {len(sentences)} sentences; ordered alignment takes up to {MAX_SENTENCES} "
                         "a side: align it in parts.")
    return lang, sentences


def align_documents(backend: Backend, request: AlignRequest, progress=gr.Progress()) -> AlignResult:
    """Align two translations of one document in order: each is split into sentences with the rules of its
    detected language, both are embedded with the instruction (symmetric) and a monotone path joins them in
    blocks of 1-1, 1-2 and 2-1 sentences, skipping (1-0, 0-1) sentences with no counterpart."""
    (lang_a, sent_a), (lang_b, sent_b) = (sentences_of(name, read_document(backend, name, text, file))
                                          for name, text, file in (("Document A", request.text_a, request.file_a),
                                                                   ("Document B", request.text_b, request.file_b)))
    task = instruction_value(request.instruction)
    a = backend.encode(sent_a, task, "symmetric", progress_to(progress, "Embedding document A"))
    b = backend.encode(sent_b, task, "symmetric", progress_to(progress, "Embedding document B"))
    alignment = ordered.align_documents(a.vectors, b.vectors, float(request.skip_cost))
    frame = ordered.alignment_frame(alignment, sent_a, sent_b)
    shapes = ", ".join(f"{n} × {shape}" for shape, n in Counter(frame["block"]).most_common())
    status = (f"**A: {len(sent_a)} sentences ({language_name(lang_a)}), B: {len(sent_b)} sentences "
              f"({language_name(lang_b)}).** Blocks: {shapes}. A: {a.summary}; B: {b.summary}.")
    strings = strings_frame([("A, sentence 1", a.prompts[0]), ("B, sentence 1", b.prompts[0])])
    path = alignment_figure(cosine_matrix(a.vectors, b.vectors), alignment, sent_a, sent_b)
    return AlignResult(status, strings, path, frame.round(4), export_table(frame, "alignment.tsv", sep="\t"))


@dataclass(frozen=True)
class AlignExample:
    text_a: str
    file_a: None
    text_b: str
    file_b: None


def load_example() -> AlignExample:
    """An English text and its German translation (FLORES), pasted into the two boxes."""
    english, german = (Path(example_path(name)).read_text(encoding="utf-8")
                       for name in ("parallel_doc_en.txt", "parallel_doc_de.txt"))
    return AlignExample(english, None, german, None)


def build_alignment(backend: Backend, instruction: gr.Dropdown) -> None:
    """The section's layout and events; it shares the tab's instruction."""
    gr.Markdown("Two translations of one document: each is split into sentences with the rules of its detected "
                "language, then aligned in order. Blocks may join two sentences on one side (1-2, 2-1) or skip one "
                "(1-0, 0-1); a pair is skipped rather than joined when its cosine is below 1 − 2 × skip cost.")
    with gr.Row():
        with gr.Column():
            text_a = gr.Textbox("", label="Document A: paste", lines=5, max_lines=12)
            file_a = gr.File(label="or upload", file_types=list(DOCUMENT_EXTENSIONS), height=70, type="filepath")
        with gr.Column():
            text_b = gr.Textbox("", label="Document B: paste", lines=5, max_lines=12)
            file_b = gr.File(label="or upload", file_types=list(DOCUMENT_EXTENSIONS), height=70, type="filepath")
    with gr.Row():
        skip = gr.Slider(0.0, 1.0, value=ordered.DEFAULT_SKIP_PENALTY, step=0.05, label="skip cost per sentence")
        go = gr.Button("Align documents", variant="primary", elem_id="align-run")
        stop = stop_button(elem_id="align-stop")
        example = gr.Button("Load example documents", size="sm", elem_id="align-example")
    status = gr.Markdown(label="status", elem_id="align-status")
    strings = exact_strings()
    path = gr.Plot(label="Alignment path", elem_id="align-path")
    blocks = gr.Dataframe(label="Aligned blocks (sentences numbered from 1, as on the plot)", wrap=True,
                          interactive=False, max_height=420, elem_id="align-blocks",
                          column_widths=["6%", "7%", "37%", "7%", "37%", "6%"])
    download = download_box("Download the alignment (TSV)")

    run = user_errors(forms.endpoint(AlignRequest, functools.partial(align_documents, backend)))
    documents = {"text_a": text_a, "file_a": file_a, "text_b": text_b, "file_b": file_b}
    inputs = forms.inputs(AlignRequest, instruction=instruction, **documents, skip_cost=skip)
    outputs = forms.outputs(AlignResult, status=status, strings=strings, path=path, blocks=blocks, download=download)
    aligned = go.click(run, inputs_kwargs=inputs, outputs=outputs, api_name="align_documents",
                       show_progress_on=status)
    example_aligned = example.click(forms.action(load_example), outputs=forms.outputs(AlignExample, **documents),
                                    api_visibility="private").then(run, inputs_kwargs=inputs, outputs=outputs,
                                                                   api_visibility="private", show_progress_on=status)
    stops(stop, [aligned, example_aligned], status)
