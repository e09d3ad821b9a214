"""The encoder protocol every backend implements, and the token-budget batching they share.

An encoder embeds *exact strings* (the prompt is already applied): the prompt logic lives once, in
``Backend.encode``; the cache is a wrapper (``CachedEncoder``) that is itself an encoder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

#: progress(done, total) — called after each batch; the UI turns it into a progress bar.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Embedded:
    """vectors[i] embeds strings[i]: float32, L2-normalised; n_tokens -1 where the server does not say."""

    vectors: np.ndarray
    n_tokens: np.ndarray
    truncated: np.ndarray


#: on_batch(indices, embedded) — called as each batch completes, with the indices (into the strings given to
#: ``embed``) it covers; the cache commits each batch there, so an interrupted run keeps the work already done.
OnBatch = Callable[[list[int], Embedded], None]


class StringEncoder(Protocol):
    """What every encoder (local, remote, fake, cached) offers. Not thread-safe unless it says so."""

    #: Identifies the weights and everything else that changes a vector (dtype, max_seq_length) — the cache key's base.
    fingerprint: str
    dim: int
    max_seq_length: int  # 0 where unknown (some remote servers)
    dtype: str
    device: str
    batching: str  # how texts share a forward pass (header, Model tab)

    def embed(self, strings: Sequence[str], progress: Progress | None = None,
              on_batch: OnBatch | None = None) -> Embedded: ...

    def count_tokens(self, strings: Sequence[str]) -> np.ndarray:
        """Tokens per string, EOS included; -1 where the encoder cannot tell (remote servers)."""
        ...



def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def token_budget_batches(lengths: Sequence[int], budget: int, max_batch: int = 512) -> list[list[int]]:
    """Group indices longest-first so that each batch's padded size (rows × longest row) stays within ``budget``.

    Sorting by length keeps padding low; a budget in tokens (not a fixed row count) keeps memory flat whether the
    texts are tweets or 32k-token documents. A single text longer than the budget gets a batch of its own.
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = lengths[current[0]] if current else lengths[i]
        if current and ((len(current) + 1) * longest > budget or len(current) >= max_batch):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches
