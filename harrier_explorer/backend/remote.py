"""Embedding on a remote OpenAI-compatible server (this project's ``serve-api``, vLLM's pooling runner, TEI …).

Prompts are applied here, client-side, so the server embeds exactly the strings it is sent; the same cache sits in
front. Requests are batched, time out, and are retried with back-off on connection errors and 5xx answers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import numpy as np

from harrier_explorer.backend.encoder import Embedded, Progress, l2_normalise
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
        self.prompts: dict[str, str] = info.get("prompts") or {}
        self.dim = int(info.get("dim") or len(self.embed(["dimension probe"]).vectors[0]))
        self.device = f"remote {self.base_url}"

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

    def embed(self, strings: Sequence[str], progress: Progress | None = None) -> Embedded:
        vectors, n_tokens, truncated = [], [], []
        for start in range(0, len(strings), self.batch_size):
            batch = list(strings[start:start + self.batch_size])
            body = self._request("POST", "/embeddings",
                                 json={"model": self.model, "input": batch, "encoding_format": "float"})
            data = sorted(body.get("data", []), key=lambda d: d["index"])
            if len(data) != len(batch):
                raise RemoteError(f"Asked for {len(batch)} embeddings, got {len(data)}")
            vectors += [d["embedding"] for d in data]
            n_tokens += [d.get("n_tokens", -1) for d in data]  # extra fields only this project's server sends
            truncated += [d.get("truncated", False) for d in data]
            if progress:
                progress(start + len(batch), len(strings))
        return Embedded(l2_normalise(np.array(vectors, dtype=np.float32).reshape(len(strings), -1)),
                        np.array(n_tokens, dtype=np.int64), np.array(truncated, dtype=bool))
