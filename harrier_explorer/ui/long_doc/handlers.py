"""Handlers of the Long documents tab: a query against one long document, whole and chunk by chunk — the token
count against the model's limit, where the model stops reading (marked in the text), and the cosine along the
document next to the whole-document cosine."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr
import pandas as pd

from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.backend.core import Backend
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.decoding import decode_file
from harrier_explorer.models import NO_INSTRUCTION
from harrier_explorer.ui.common import INSTRUCTION_FORMS, example_path, instruction_value, progress_to, whole_number
from harrier_explorer.ui.long_doc.plots import along_figure
from harrier_explorer.workflows.long_document import LongDocument, read_along

BEST, UNREAD = "best chunk", "not read whole (past the model's limit)"
COLOURS = {BEST: "#f5a623", UNREAD: "#b0b0b0", f"{BEST}, {UNREAD}": "#c9a15a"}


@dataclass(frozen=True)
class LongDocRequest:
    query: str = field(default="", metadata={"doc": "the question or query"})
    document: str = field(default="", metadata={"doc": "the long document, pasted (or give document_file)"})
    document_file: str | None = field(default=None, metadata={"doc": "a .txt or .md file holding the document"})
    instruction: str = field(default=NO_INSTRUCTION, metadata={"doc": f"on the query, {INSTRUCTION_FORMS}"})
    chunk_tokens: int = field(default=256, metadata={"doc": "tokens per chunk (at most the model's limit)"})
    overlap_tokens: int = field(default=0, metadata={"doc": "tokens shared by consecutive chunks"})


@dataclass(frozen=True)
class LongDocResult:
    summary: str  # Markdown: tokens against the limit, whole vs best chunk, whether the best chunk is read whole
    plot: object  # plotly: cosine per chunk along the token positions, the whole-document cosine, the limit
    text: list  # HighlightedText: the document, the best chunk and what the model does not read marked
    chunks: pd.DataFrame  # per chunk: #, tokens from–to, cosine, read whole?, text


@dataclass(frozen=True)
class LongDocExample:
    query: str
    document: str


def long_document(backend: Backend, request: LongDocRequest, progress=gr.Progress()) -> LongDocResult:
    """Is the answer still seen when it sits deep in a long document? The document embedded whole (cut at the
    model's limit, as retrieval embeds it) and in chunks; the query's cosine to each chunk along the document."""
    chunk_tokens = whole_number(request.chunk_tokens, "chunk size (tokens)", 16)
    overlap = whole_number(request.overlap_tokens, "overlap (tokens)", 0, chunk_tokens - 1)
    document = request.document or ""
    if request.document_file:
        if document.strip():
            raise InputError("Give the document once: pasted or as a file, not both.")
        document, _notes = decode_file(Path(request.document_file), backend.settings.max_file_mb)
    out = read_along(backend, request.query, document, instruction_value(request.instruction), chunk_tokens,
                     overlap, progress_to(progress, "Embedding the chunks"))
    return LongDocResult(_summary(out), along_figure(out), _marked_text(out), _chunk_table(out))


def load_example() -> LongDocExample:
    """30 English XQuAD paragraphs (10 Wikipedia articles) as one document, and the question whose paragraph
    comes last: with a 2,048-token model, the answer sits past what the whole document's embedding reads."""
    with open(example_path("ab_corpus.tsv"), encoding="utf-8", newline="") as f:
        paragraphs = [row for row in csv.DictReader(f, delimiter="\t") if row["lang"] == "en"]
    with open(example_path("ab_qrels.tsv"), encoding="utf-8", newline="") as f:  # the English question of each
        answers = {row["doc_id"]: row["query_id"] for row in csv.DictReader(f, delimiter="\t")
                   if row["query_id"].startswith("en-")}
    with open(example_path("ab_queries.tsv"), encoding="utf-8", newline="") as f:
        questions = {row["id"]: row["text"] for row in csv.DictReader(f, delimiter="\t")}
    last = next(p for p in reversed(paragraphs) if p["id"] in answers)
    return LongDocExample(questions[answers[last["id"]]], "\n\n".join(p["text"] for p in paragraphs))


def _summary(out: LongDocument) -> str:
    r = out.reading
    best = r.best
    where = f"chunk {best + 1} of {len(out.chunks)}, tokens {r.starts[best]:,}–{r.ends[best]:,}"
    lines = [f"**The document has {out.n_tokens:,} tokens; the model reads {out.limit:,}.** "
             + (f"Embedded whole, it is cut after {r.read_tokens:,} tokens of text (the document prompt and special "
                f"tokens take the rest; the cut is marked in the text below): {out.n_tokens - out.limit:,} tokens "
                "are not read." if r.read_tokens is not None else "Embedded whole, all of it is read."),
             f"Cosine to the whole document: **{r.whole:.3f}**. Best chunk: **{r.cosines[best]:.3f}** ({where})."]
    if r.unread(best):
        seen = r.best_read
        lines.append("**The best chunk lies past the limit:** the whole-document embedding never reads it"
                     + (f" (best chunk it does read: {seen:.3f})." if seen is not None else ".")
                     + " Chunk the document (max over chunks) or use a model with a longer window.")
    lines.append(f"{len(out.chunks)} chunks; texts embedded: {out.embedded}, from the cache: {out.cached}.")
    return "\n\n".join(lines)


def _marked_text(out: LongDocument) -> list:
    """The document as (segment, label) pairs: the best chunk and the part the whole embedding does not read."""
    best = out.chunks[out.reading.best]
    end = len(out.text)
    cut = end if out.cut is None else out.cut
    bounds = sorted({0, best.start, best.end, cut, end})
    segments = []
    for a, b in zip(bounds, bounds[1:]):
        labels = [name for name, inside in ((BEST, best.start <= a < best.end), (UNREAD, a >= cut)) if inside]
        segments.append((out.text[a:b], ", ".join(labels) or None))
    return segments


def _chunk_table(out: LongDocument) -> pd.DataFrame:
    r = out.reading
    return pd.DataFrame({"#": range(1, len(out.chunks) + 1),
                         "tokens": [f"{s:,}–{e:,}" for s, e in zip(r.starts, r.ends, strict=True)],
                         "cosine": r.cosines.astype(float).round(4),
                         "read whole": ["no" if r.unread(i) else "yes" for i in range(len(out.chunks))],
                         "text": [snippet(c.text, 160) for c in out.chunks]})
