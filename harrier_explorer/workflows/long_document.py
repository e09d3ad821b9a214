"""A long document against a query, through the backend: the document embedded whole (as retrieval would, cut at
the model's limit) and in token chunks, the query under its instruction, and where the model stops reading."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from harrier_explorer.analysis.long_document import Reading, reading
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
    specials = int(backend.count_tokens([""], model=model)[0])
    if specials < 0:
        raise InputError("Reading along a document needs a local model: a remote server cannot count tokens.")

    def tokens(text: str) -> int:  # the text's own tokens, without the special ones the tokenizer adds
        return int(backend.count_tokens([text], model=model)[0]) - specials

    whole = backend.encode([document], None, "document", model=model)
    prompt_tokens = int(backend.count_tokens([backend.prompt(None, "document", model=model)], model=model)[0])
    room = whole.max_seq_length - prompt_tokens  # text tokens of one document the model reads
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


def _cut(text: str, tokens, room: int) -> int:
    """The longest prefix (in characters) whose tokens fit ``room``: where the model stops reading."""
    class Prefixes:  # bisect over prefix lengths, tokenising only the ~log2(len) prefixes it looks at
        def __getitem__(self, end: int) -> int:
            return tokens(text[:end])

        def __len__(self) -> int:
            return len(text) + 1

    return bisect_right(Prefixes(), room) - 1
