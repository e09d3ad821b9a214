""""Why do these two match?": a section a tab places under its results, filled by a click on a pair (a search hit),
and the ``/why_match`` endpoint behind it — word occlusion of both texts and of the instruction, as highlighted text
(red: the pair matches less without the word; blue: more)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import gradio as gr
import pandas as pd

from harrier_explorer.analysis.occlusion import MAX_UNITS, highlighted
from harrier_explorer.backend.core import Backend
from harrier_explorer.models import NO_INSTRUCTION
from harrier_explorer.ui import forms
from harrier_explorer.ui.common import INSTRUCTION_FORMS, instruction_value, progress_to, user_errors
from harrier_explorer.workflows.why_match import PairAttribution, explain_pair

#: Rows of the table of the units that matter most.
TOP_UNITS = 12


@dataclass(frozen=True)
class WhyRequest:
    query: str = field(default="", metadata={"doc": "the query (or the first sentence of a pair)"})
    document: str = field(default="", metadata={"doc": "the document (or the second sentence)"})
    instruction: str = field(default=NO_INSTRUCTION, metadata={"doc": f"on the query side, {INSTRUCTION_FORMS}"})
    symmetric: bool = field(default=False, metadata={
        "doc": "embed both texts under the instruction (bitext, STS: the card's symmetric tasks) instead of the "
               "query alone with the document in the model's document format (retrieval)"})


@dataclass(frozen=True)
class WhyResult:
    summary: str  # Markdown: the cosine, what was embedded, which units matter most
    query_words: list  # HighlightedText: (unit, weight in [-1, 1]) and the text between units
    document_words: list
    instruction_words: list
    units: pd.DataFrame  # the units that matter most: side, unit, cosine without it, its share of the match


@dataclass
class WhySection:
    """The components of the section, for the tab that fills it."""

    accordion: gr.Accordion
    query: gr.Textbox
    document: gr.Textbox
    symmetric: gr.Checkbox
    status: gr.Markdown
    outputs: list
    run: dict  # the explain event's arguments, for a tab that fills the texts and then runs it


def why_match(backend: Backend, request: WhyRequest, progress=gr.Progress()) -> WhyResult:
    """Which words make two texts match: each word of the query, of the document and of the instruction dropped in
    turn (long texts in at most 40 runs of words), the pair's cosine measured again without it. One embedding per
    word, served from the cache when asked again."""
    out = explain_pair(backend, request.query, request.document, instruction_value(request.instruction),
                       bool(request.symmetric), progress_to(progress, "Embedding without each word"))
    return WhyResult(_summary(out), highlighted(out.query, out.query_deltas),
                     highlighted(out.document, out.document_deltas), _instruction_words(out), _units(out))


def section(backend: Backend, prefix: str, instruction: gr.components.Component, symmetric: bool = False,
            api_name: str | None = None) -> WhySection:
    """The section, closed until a pair is picked; ``instruction`` is the tab's own instruction input; the one tab
    that gives ``api_name`` publishes the endpoint."""
    with gr.Accordion("Why do these two match? (word occlusion: click a pair above, or type two texts)", open=False,
                      elem_id=f"{prefix}-why") as accordion:
        with gr.Row():
            query = gr.Textbox(label="Query (or first sentence)", lines=2, max_lines=6, elem_id=f"{prefix}-why-query")
            document = gr.Textbox(label="Document (or second sentence)", lines=2, max_lines=6,
                                  elem_id=f"{prefix}-why-document")
        with gr.Row(equal_height=True):
            both = gr.Checkbox(symmetric, label="Both texts under the instruction (bitext, STS)")
            button = gr.Button("Explain the match", elem_id=f"{prefix}-why-run", scale=0, min_width=200)
        status = gr.Markdown(elem_id=f"{prefix}-why-status", min_height=30)
        summary = gr.Markdown(label="summary", elem_id=f"{prefix}-why-summary", latex_delimiters=[])
        legend = "(red: matches less without it; blue: more)"
        with gr.Row():
            query_words = gr.HighlightedText(label=f"Query {legend}", show_legend=False, elem_id=f"{prefix}-why-q")
            document_words = gr.HighlightedText(label=f"Document {legend}", show_legend=False,
                                                elem_id=f"{prefix}-why-d")
        with gr.Row():
            instruction_words = gr.HighlightedText(label="Instruction (each word dropped from the query's prompt)",
                                                   show_legend=False, elem_id=f"{prefix}-why-i")
            units = gr.Dataframe(label="The words that matter most", interactive=False, wrap=True,
                                 elem_id=f"{prefix}-why-units")
    outputs = forms.outputs(WhyResult, summary=summary, query_words=query_words, document_words=document_words,
                            instruction_words=instruction_words, units=units)
    run = dict(fn=user_errors(forms.endpoint(WhyRequest, functools.partial(why_match, backend))),
               inputs_kwargs=forms.inputs(WhyRequest, query=query, document=document, instruction=instruction,
                                          symmetric=both), outputs=outputs, show_progress_on=status)
    button.click(**run, **({"api_name": api_name} if api_name else {"api_visibility": "private"}))
    return WhySection(accordion, query, document, both, status, outputs, run)


def _summary(out: PairAttribution) -> str:
    cost = f"{out.embedded} text(s) embedded, {out.cached} from the cache"
    cut = [f"the {side} in {len(o.spans)} runs of words (over {MAX_UNITS} words)" for side, o in
           (("query", out.query), ("document", out.document)) if o.grouped]
    return (f"**Cosine {out.cosine:.3f}.** Each word dropped in turn: how much lower the cosine is without it "
            f"({cost}{'; ' + ', '.join(cut) if cut else ''}).")


def _instruction_words(out: PairAttribution) -> list:
    if not out.instruction_words:
        return [("(no instruction, or a one-word one: nothing to drop)", None)]
    scale = float(abs(out.instruction_deltas).max()) or 1.0
    return [(f"{word} ", float(d / scale)) for word, d in zip(out.instruction_words, out.instruction_deltas,
                                                              strict=True)]


def _units(out: PairAttribution) -> pd.DataFrame:
    rows = [(side, occlusion.unit(i), out.cosine - d, d) for side, occlusion, deltas in
            (("query", out.query, out.query_deltas), ("document", out.document, out.document_deltas))
            for i, d in enumerate(deltas)]
    rows += [("instruction", w, out.cosine - d, d) for w, d in zip(out.instruction_words, out.instruction_deltas,
                                                                   strict=True)]
    table = pd.DataFrame(rows, columns=["side", "word", "cosine without", "cosine it carries"])
    order = table["cosine it carries"].abs().sort_values(ascending=False).index[:TOP_UNITS]
    return table.loc[order].round(4).reset_index(drop=True)
