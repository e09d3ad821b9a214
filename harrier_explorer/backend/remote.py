"""Embedding on a remote OpenAI-compatible server (this project's ``serve-api``, vLLM's pooling runner, TEI …).

Prompts are applied here, client-side, so the server embeds exactly the strings it is sent; the same cache sits in
front. Requests are batched, time out, and are retried with back-off on connection errors and 5xx answers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import numpy as np

from harrier_explorer.backend.encoder import Embedded, OnBatch, Progress, l2_normalise
from harrier_explorer.errors import RemoteError

log = logging.getLogger(__name__)


class RemoteEncoder:
    def __init__(self, base_url: str, *, timeout: float = 120.0, batch_size: int = 64, retries: int = 3,
                 model: str | None = None, transport=None):
        import httpx

        self.base_url = base_url.rstrip("/")
        self.batch_size, self.retries = batch_size, retries
        self._client = httpx.Client(base_url=self.base_url, timeout=httpx.Timeout(timeout, connect=10.0),
                                    transport=transport)
        info = self._get_info()
        self.model = model or info["model"]
        self.revision = info.get("revision") or "unknown"
        self.dtype = info.get("dtype", "remote")
        self.max_seq_length = int(info.get("max_seq_length") or 0)
        #: Preset name → full prefix, as the server's model formats them (tells the family's template).
        self.prompts: dict[str, str] = info.get("prompts") or {}
        #: The prompt names saved in the server's model folder (the card's names), name → exact prefix.
        self.saved_prompts: dict[str, str] = info.get("saved_prompts") or {}
        self.weight_bytes = 0  # held by the server, not here
        self.dim = int(info.get("dim") or len(self.embed(["dimension probe"]).vectors[0]))
        self.device = f"remote {self.base_url}"
        self.batching = info.get("batching") or f"requests of {batch_size} texts"

    @property
    def fingerprint(self) -> str:
        return f"remote:{self.model}@{self.revision}|{self.dtype}|{self.max_seq_length}"

    def _request(self, method: str, path: str, **kwargs):
        import httpx

        last: Exception | None = None
        for attempt in range(self.retries):
            try:
                response = self._client.request(method, path, **kwargs)
                if response.status_code < 500:
                    if response.status_code >= 400:
                        raise RemoteError(f"{self.base_url}{path} answered {response.status_code}: "
                                          f"{response.text[:300]}")
                    return response.json()
                last = RemoteError(f"{self.base_url}{path} answered {response.status_code}: {response.text[:300]}")
            except (httpx.TransportError, ValueError) as exc:
                last = exc
            if attempt + 1 < self.retries:
                time.sleep(0.5 * 2**attempt)
        raise RemoteError(f"Embeddings server {self.base_url} failed after {self.retries} tries: {last}")

    def _get_info(self) -> dict:
        """This project's server says everything at /info; other servers list their model at /models."""
        try:
            return self._request("GET", "/info")
        except RemoteError:
            models = self._request("GET", "/models").get("data") or []
            if not models:
                raise RemoteError(f"{self.base_url}/models lists no model") from None
            return {"model": models[0]["id"]}

    def count_tokens(self, strings: Sequence[str]) -> np.ndarray:
        """Unknown here: OpenAI-compatible servers do not count tokens without embedding."""
        return np.full(len(strings), -1, dtype=np.int64)

    def embed(self, strings: Sequence[str], progress: Progress | None = None,
              on_batch: OnBatch | None = None) -> Embedded:
        """Batches of ``batch_size`` strings, one request each (thread-safe: httpx clients are); each answered batch
        is handed to ``on_batch`` at once, so the cache keeps it even if a later request fails."""
        vectors, n_tokens, truncated = [], [], []
        for start in range(0, len(strings), self.batch_size):
            batch = list(strings[start:start + self.batch_size])
            body = self._request("POST", "/embeddings",
                                 json={"model": self.model, "input": batch, "encoding_format": "float"})
            data = sorted(body.get("data", []), key=lambda d: d["index"])
            if len(data) != len(batch):
                raise RemoteError(f"Asked for {len(batch)} embeddings, got {len(data)}")
            part = Embedded(l2_normalise(np.array([d["embedding"] for d in data], dtype=np.float32)),
                            # extra fields only this project's server sends
                            np.array([d.get("n_tokens", -1) for d in data], dtype=np.int64),
                            np.array([d.get("truncated", False) for d in data], dtype=bool))
            vectors.append(part.vectors)
            n_tokens.append(part.n_tokens)
            truncated.append(part.truncated)
            if on_batch:
                on_batch(list(range(start, start + len(batch))), part)
            if progress:
                progress(start + len(batch), len(strings))
        if not vectors:
            return Embedded(np.zeros((0, self.dim), np.float32), np.zeros(0, np.int64), np.zeros(0, bool))
        return Embedded(np.vstack(vectors), np.concatenate(n_tokens), np.concatenate(truncated))
