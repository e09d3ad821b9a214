"""``HashEncoder``: a deterministic, torch-free stand-in for a model, for fast tests of everything above the model.

Each string becomes the L2-normalised sum of hashed character trigrams (the same string always gets the same vector,
strings sharing words get similar ones), so the UI and API can be driven end to end through ``build_app(backend)``
in seconds. It is only ever used when asked for by name (``--model fake:hash``); it never stands in for a real model.

With ``HARRIER_FAKE_GATE`` set to a folder, each ``embed`` call writes ``started`` there and waits for ``open`` to
appear before its first batch, and writes ``left`` when it returns or raises: a browser test can then act while a run
is surely in flight (the Stop buttons), waiting on files rather than on time.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from harrier_explorer.backend.encoder import Embedded, OnBatch, Progress, l2_normalise

FAKE_PREFIX = "fake:"
GATE_ENV = "HARRIER_FAKE_GATE"


class HashEncoder:
    """Hashed character trigrams → ``dim`` buckets; "tokens" are whitespace words plus an EOS."""

    device = "cpu"
    dtype = "float32"

    def __init__(self, dim: int = 64, max_seq_length: int = 512, batch_size: int = 16):
        self.dim, self.max_seq_length, self.batch_size = dim, max_seq_length, batch_size
        self.fingerprint = f"hash-trigrams-v1|{dim}|{max_seq_length}"
        self.weight_bytes = 0
        self.batching = f"batches of {batch_size} texts"
        self.gate = Path(os.environ[GATE_ENV]) if os.environ.get(GATE_ENV) else None

    def count_tokens(self, strings: Sequence[str]) -> np.ndarray:
        return np.array([len(s.split()) + 1 for s in strings], dtype=np.int64)

    def _vector(self, string: str) -> np.ndarray:
        words = string.split()[: self.max_seq_length - 1]
        text = f" {' '.join(words).lower()} "
        vector = np.zeros(self.dim, np.float32)
        for i in range(max(1, len(text) - 2)):
            digest = hashlib.blake2b(text[i:i + 3].encode("utf-8", "surrogatepass"), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self.dim
            vector[bucket] += 1.0 if digest[4] & 1 else -1.0
        return vector

    def embed(self, strings: Sequence[str], progress: Progress | None = None,
              on_batch: OnBatch | None = None) -> Embedded:
        if self.gate is None:
            return self._embed(strings, progress, on_batch)
        (self.gate / "started").touch()
        while not (self.gate / "open").exists():
            time.sleep(0.05)
        try:
            return self._embed(strings, progress, on_batch)
        finally:
            (self.gate / "left").touch()

    def _embed(self, strings: Sequence[str], progress: Progress | None, on_batch: OnBatch | None) -> Embedded:
        n_tokens = self.count_tokens(strings)
        truncated = n_tokens > self.max_seq_length
        out = np.zeros((len(strings), self.dim), np.float32)
        for start in range(0, len(strings), self.batch_size):
            batch = list(range(start, min(start + self.batch_size, len(strings))))
            out[batch] = l2_normalise(np.vstack([self._vector(strings[i]) for i in batch]))
            if on_batch:
                on_batch(batch, Embedded(out[batch], n_tokens[batch], truncated[batch]))
            if progress:
                progress(batch[-1] + 1, len(strings))
        return Embedded(out, n_tokens, truncated)
