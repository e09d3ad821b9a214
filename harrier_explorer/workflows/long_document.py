"""Long documents through the backend: one document against a query, embedded whole (as retrieval would, cut at the
model's limit) and in token chunks, with where the model stops reading; and a corpus ranked whole vs chunked (each
document scored by its best chunk)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from harrier_explorer.analysis.long_document import Reading, max_over_chunks, reading
from harrier_explorer.backend.core import Backend
from harrier_explorer.backend.encoder import Progress
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.split import Chunk, chunk_by_tokens
from harrier_explorer.models import NO_INSTRUCTION


@dataclass(frozen=True)
class LongDocument:
    text: str
    n_tokens: int  # the document's tokens as embedded whole: the document prompt and special tokens included
    limit: int  # the model's window (max_seq_length)
    cut: int | None  # character where the whole-document embedding stops reading; None: it reads everything
    chunks: list[Chunk]
    reading: Reading
    embedded: int  # texts the model embedded for this answer (the rest came from the cache)
    cached: int


def read_along(backend: Backend, query: str, document: str, instruction: str | None = NO_INSTRUCTION,
               chunk_tokens: int = 256, overlap_tokens: int = 0, progress: Progress | None = None, *,
               model: str | None = None) -> LongDocument:
    """The query (role query, under ``instruction``) against the document whole and in chunks of at most
    ``chunk_tokens`` tokens (role document, each chunk with the document prompt as a document of its own)."""
    query, document = (query or "").strip(), (document or "").strip()
    if not query or not document:
        raise InputError("Give a query and a document.")
    tokens = _token_counter(backend, model)
    whole = backend.encode([document], None, "document", model=model)
    room = _room(backend, whole.max_seq_length, model)
    cut = _cut(document, tokens, room) if whole.truncated[0] else None
    chunks = chunk_by_tokens(document, tokens, max(1, min(chunk_tokens, room)), overlap_tokens)
    starts = [tokens(document[: c.start]) if c.start else 0 for c in chunks]
    ends = [start + tokens(c.text) for start, c in zip(starts, chunks, strict=True)]
    q = backend.encode([query], instruction, "query", model=model)
    parts = backend.encode([c.text for c in chunks], None, "document", progress, model=model)
    found = reading(q.vectors[0], parts.vectors, whole.vectors[0], starts, ends, room if cut is not None else None)
    runs = (whole, q, parts)
    return LongDocument(document, int(whole.n_tokens[0]), whole.max_seq_length, cut, chunks, found,
                        sum(r.embedded for r in runs), sum(r.cached for r in runs))


@dataclass(frozen=True)
class WholeVsChunked:
    """One corpus scored for each query whole (a document's vector, cut at the limit) and chunked (its best chunk's
    cosine): both (queries × documents)."""

    whole: np.ndarray
    chunked: np.ndarray
    n_chunks: int
    n_split: int  # documents longer than one chunk
    n_truncated: int  # documents the whole embedding does not read to the end
    chunk_tokens: int
    embedded: int
    cached: int


def whole_vs_chunked(backend: Backend, queries: Sequence[str], documents: Sequence[str],
                     instruction: str | None = NO_INSTRUCTION, chunk_tokens: int = 256, overlap_tokens: int = 0,
                     progress: Progress | None = None, *, model: str | None = None) -> WholeVsChunked:
    """Queries (role query, under ``instruction``) against the documents embedded whole and in chunks of at most
    ``chunk_tokens`` tokens (role document); a document no longer than a chunk is its own one chunk."""
    tokens = _token_counter(backend, model)
    q = backend.encode(queries, instruction, "query", model=model)
    whole = backend.encode(documents, None, "document", progress, model=model)
    size = max(1, min(chunk_tokens, _room(backend, whole.max_seq_length, model)))
    pieces = [[c.text for c in chunk_by_tokens(d, tokens, size, overlap_tokens)] or [d] for d in documents]
    owners = [i for i, chunks in enumerate(pieces) for _ in chunks]
    parts = backend.encode([c for chunks in pieces for c in chunks], None, "document", progress, model=model)
    runs = (q, whole, parts)
    return WholeVsChunked(q.vectors @ whole.vectors.T, max_over_chunks(q.vectors @ parts.vectors.T, owners,
                                                                          len(documents)),
                          len(owners), sum(len(chunks) > 1 for chunks in pieces), int(whole.truncated.sum()), size,
                          sum(r.embedded for r in runs), sum(r.cached for r in runs))


def _token_counter(backend: Backend, model: str | None) -> Callable[[str], int]:
    """A text's own tokens, without the special ones the tokenizer adds (InputError for a remote model)."""
    specials = int(backend.count_tokens([""], model=model)[0])
    if specials < 0:
        raise InputError("Chunking by tokens needs a local model: a remote server cannot count tokens.")
    return lambda text: int(backend.count_tokens([text], model=model)[0]) - specials


def _room(backend: Backend, limit: int, model: str | None) -> int:
    """Text tokens of one document the model reads: its limit less the document prompt and special tokens."""
    return limit - int(backend.count_tokens([backend.prompt(None, "document", model=model)], model=model)[0])


def _cut(text: str, tokens, room: int) -> int:
    """The longest prefix (in characters) whose tokens fit ``room``: where the model stops reading."""
    class Prefixes:  # bisect over prefix lengths, tokenising only the ~log2(len) prefixes it looks at
        def __getitem__(self, end: int) -> int:
            return tokens(text[:end])

        def __len__(self) -> int:
            return len(text) + 1

    return bisect_right(Prefixes(), room) - 1
