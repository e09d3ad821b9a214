"""``make_server(backend)``: the backend as an OpenAI-compatible embeddings API, so a team can share one GPU box.

``POST /v1/embeddings`` embeds the given strings exactly as sent (clients apply instructions, as with vLLM or TEI);
each item also carries ``n_tokens`` and ``truncated``, which OpenAI clients ignore. ``GET /v1/info`` describes the
model for this project's remote encoder; ``GET /health`` and ``GET /v1/models`` are the usual probes.
"""

from __future__ import annotations

import base64
import logging
from typing import Literal

import numpy as np
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from harrier_explorer import __version__
from harrier_explorer.backend.core import Backend
from harrier_explorer.errors import USER_FACING, InputError

log = logging.getLogger(__name__)


class EmbeddingRequest(BaseModel):
    input: str | list[str]
    model: str | None = None
    encoding_format: Literal["float", "base64"] = "float"
    dimensions: int | None = None


def make_server(backend: Backend) -> FastAPI:
    app = FastAPI(title="Harrier Explorer embeddings API", version=__version__)

    @app.exception_handler(InputError)
    async def bad_input(_: Request, exc: InputError):
        return JSONResponse({"error": {"message": str(exc), "type": "invalid_request_error"}}, status_code=400)

    async def unavailable(_: Request, exc: Exception):
        return JSONResponse({"error": {"message": str(exc), "type": "server_error"}}, status_code=503)

    for exc_class in USER_FACING:  # Starlette takes one exception class per handler, not a tuple
        app.add_exception_handler(exc_class, unavailable)

    @app.get("/health")
    def health():
        st = backend.status
        return JSONResponse({"status": st.state, "message": st.message},
                            status_code=200 if st.state == "ready" else 503)

    @app.get("/v1/models")
    def models():
        return {"object": "list", "data": [{"id": backend.status.model_id, "object": "model", "owned_by": "local"}]}

    @app.get("/v1/info")
    def info():
        encoder = backend.wait()
        st = backend.status
        return {"model": st.model_id, "revision": getattr(encoder, "revision", None), "dtype": st.dtype,
                "device": st.device, "dim": st.dim, "max_seq_length": st.max_seq_length, "family": backend.spec.family,
                # Full prompt prefixes, so a client can apply the same template to a folder it cannot see.
                "prompts": {name: backend.spec.prompt(task, "query") for name, task in backend.spec.presets.items()}}

    @app.post("/v1/embeddings")
    async def embeddings(request: EmbeddingRequest):
        texts = [request.input] if isinstance(request.input, str) else request.input
        if not texts:
            raise InputError("input is empty")
        if request.dimensions not in (None, backend.status.dim):
            raise InputError(f"dimensions={request.dimensions} is not supported; this model has {backend.status.dim}")
        # The strings are embedded exactly as sent: clients apply instructions and document prompts.
        result = await run_in_threadpool(backend.encode_strings, texts)
        data = []
        for i, vector in enumerate(result.vectors):
            embedding = (base64.b64encode(np.ascontiguousarray(vector, np.float32).tobytes()).decode()
                         if request.encoding_format == "base64" else vector.tolist())
            data.append({"object": "embedding", "index": i, "embedding": embedding,
                         "n_tokens": int(result.n_tokens[i]), "truncated": bool(result.truncated[i])})
        used = int(np.clip(result.n_tokens, 0, None).sum())
        return {"object": "list", "model": backend.status.model_id, "data": data,
                "usage": {"prompt_tokens": used, "total_tokens": used}}

    return app
