"""Where a query meets a long document: its cosine to each chunk, placed at the chunk's token positions, against
the whole document's cosine and the token where the model stops reading (its limit) — "is the answer still seen
when it sits at token 20,000?"."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Reading:
    cosines: np.ndarray  # query · chunk, per chunk in document order
    starts: np.ndarray  # each chunk's first token in the document (text tokens, 0-based)
    ends: np.ndarray  # one past its last token
    whole: float  # query · the whole document as the model embeds it (truncated at its limit)
    read_tokens: int | None  # text tokens the model reads of the whole document; None: all of them

    @property
    def best(self) -> int:
        return int(np.argmax(self.cosines))

    def unread(self, chunk: int) -> bool:
        """Whether the chunk starts where the whole-document embedding no longer reads."""
        return self.read_tokens is not None and int(self.starts[chunk]) >= self.read_tokens

    @property
    def best_read(self) -> float | None:
        """The highest chunk cosine within what the whole-document embedding reads (None: no chunk lies there)."""
        read = [c for i, c in enumerate(self.cosines) if not self.unread(i)]
        return float(max(read)) if read else None


def reading(query: np.ndarray, chunks: np.ndarray, whole: np.ndarray, starts, ends,
            read_tokens: int | None) -> Reading:
    """``query`` (d,), ``chunks`` (n, d) and ``whole`` (d,) are L2-normalised vectors."""
    if len(chunks) == 0:
        raise ValueError("no chunks")
    return Reading(chunks @ query, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64),
                   float(whole @ query), read_tokens)


def max_over_chunks(scores: np.ndarray, owners, n_docs: int) -> np.ndarray:
    """Query × chunk scores (m, c) → query × document scores (m, n_docs): each document scores its best chunk
    (``owners[c]`` is chunk c's document; every document has at least one chunk)."""
    owners = np.asarray(owners, dtype=np.int64)
    if set(owners.tolist()) != set(range(n_docs)):
        raise ValueError("every document needs at least one chunk")
    out = np.full((scores.shape[0], n_docs), -np.inf, dtype=np.float64)
    np.maximum.at(out, (np.arange(scores.shape[0])[:, None], owners[None, :]), scores)
    return out
