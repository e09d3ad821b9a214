"""The bitext tab's ordered-alignment section: split two parallel documents into sentences (each in its detected
language), embed them the symmetric way and align them in order (1-1, 1-2, 2-1 and skips)."""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import gradio as gr

from harrier_explorer.analysis.align import (
    DEFAULT_SKIP_PENALTY,
    align_documents,
    alignment_frame,
)
from harrier_explorer.analysis.similarity import cosine_matrix
from harrier_explorer.backend.core import Backend
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.language import detect_language, language_name
from harrier_explorer.inputs.parsing import DOCUMENT_EXTENSIONS, load_files
from harrier_explorer.inputs.split import split_sentences
from harrier_explorer.ui.bitext_plots import alignment_figure
from harrier_explorer.ui.common import (
    example_path,
    export_table,
    instruction_value,
    progress_to,
    user_errors,
)

#: The dynamic programme is pure Python, O(n × m): a few hundred sentences a side take a few seconds.
MAX_SENTENCES = 500


def read_document(backend: Backend, name: str, text: str, file) -> str:
    """The uploaded file's whole text when there is one, else the pasted text."""
    if file:
        s = backend.settings
        load = load_files([Path(file)], max_file_mb=s.max_file_mb, max_items=s.max_items, split="document")
        return "\n\n".join(load.texts)
    if not (text or "").strip():
        raise InputError(f"{name} is empty: paste it or upload a file.")
    return text


def sentences_of(name: str, document: str) -> tuple[str, list[str]]:
    """(detected language, sentences) of a document, within MAX_SENTENCES."""
    lang = detect_language(document)
    sentences = split_sentences(document, lang)
    if not sentences:
        raise InputError(f"{name} has no sentences.")
    if len(sentences) > MAX_SENTENCES:
        raise InputError(f"{name} has {len(sentences)} sentences; ordered alignment takes up to {MAX_SENTENCES} "
                         "a side: align it in parts.")
    return lang, sentences


def align(backend: Backend, instruction: str, text_a: str, file_a, text_b: str, file_b, skip_penalty: float,
          progress=gr.Progress()) -> list:
    """[status, path figure, aligned pairs table, TSV path]."""
    (lang_a, sent_a), (lang_b, sent_b) = (sentences_of(name, read_document(backend, name, text, file))
                                          for name, text, file in (("Document A", text_a, file_a),
                                                                   ("Document B", text_b, file_b)))
    task = instruction_value(instruction)
    a = backend.encode(sent_a, task, "symmetric", progress_to(progress, "Embedding document A"))
    b = backend.encode(sent_b, task, "symmetric", progress_to(progress, "Embedding document B"))
    alignment = align_documents(a.vectors, b.vectors, float(skip_penalty))
    frame = alignment_frame(alignment, sent_a, sent_b)
    shapes = ", ".join(f"{n} × {shape}" for shape, n in Counter(frame["block"]).most_common())
    status = (f"**A: {len(sent_a)} sentences ({language_name(lang_a)}), B: {len(sent_b)} sentences "
              f"({language_name(lang_b)}).** Blocks: {shapes}. A: {a.summary}; B: {b.summary}.")
    return [status, alignment_figure(cosine_matrix(a.vectors, b.vectors), alignment), frame.round(4),
            export_table(frame, "alignment.tsv", sep="\t")]


def load_example() -> tuple[str, None, str, None]:
    """An English text and its German translation (FLORES), pasted into the two boxes."""
    english, german = (Path(example_path(name)).read_text(encoding="utf-8")
                       for name in ("parallel_doc_en.txt", "parallel_doc_de.txt"))
    return english, None, german, None


def build_alignment(backend: Backend, instruction: gr.Dropdown) -> None:
    """The section's layout and events; it shares the tab's instruction."""
    gr.Markdown("Two translations of one document: each is split into sentences with the rules of its detected "
                "language, then aligned in order. Blocks may join two sentences on one side (1-2, 2-1) or skip one "
                "(1-0, 0-1); a pair is skipped rather than joined when its cosine is below 1 − 2 × skip cost.")
    with gr.Row():
        with gr.Column():
            text_a = gr.Textbox(label="Document A: paste", lines=5, max_lines=12)
            file_a = gr.File(label="or upload", file_types=list(DOCUMENT_EXTENSIONS), height=70)
        with gr.Column():
            text_b = gr.Textbox(label="Document B: paste", lines=5, max_lines=12)
            file_b = gr.File(label="or upload", file_types=list(DOCUMENT_EXTENSIONS), height=70)
    with gr.Row():
        skip = gr.Slider(0.0, 1.0, value=DEFAULT_SKIP_PENALTY, step=0.05, label="skip cost per sentence")
        go = gr.Button("Align documents", variant="primary")
        example = gr.Button("Load example documents", size="sm", elem_id="align-example")
    status = gr.Markdown(elem_id="align-status")
    path = gr.Plot(label="Alignment path")
    table = gr.Dataframe(label="Aligned blocks", wrap=True, interactive=False, max_height=420)
    download = gr.File(label="Download the alignment (TSV)", interactive=False, height=70)

    run = user_errors(functools.partial(align, backend))
    inputs = [instruction, text_a, file_a, text_b, file_b, skip]
    outputs = [status, path, table, download]
    go.click(run, inputs, outputs, api_name="align_documents")
    example.click(load_example, outputs=[text_a, file_a, text_b, file_b], api_name="alignment_example").then(
        run, inputs, outputs, api_visibility="private")
