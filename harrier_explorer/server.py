"""``make_server(backend)``: the backend as an OpenAI-compatible embeddings API, so a team can share one GPU box.

``POST /v1/embeddings`` embeds the given strings exactly as sent (clients apply instructions, as with vLLM or TEI);
each item also carries ``n_tokens`` and ``truncated``, which OpenAI clients ignore. ``GET /v1/info`` describes the
model for this project's remote encoder; ``GET /health`` and ``GET /v1/models`` are the usual probes.

One request must never kill or stall the server, so everything a client sends is bounded before it costs anything:
the body (``max_body_mb``, refused with 413 before it is read), the number of inputs (``max_items``) and each input's
characters (``max_item_chars``) before any tokenising. Token-id input is refused at its first element. Every error is
answered in OpenAI's shape, ``{"error": {"message", "type", "param", "code"}}``, with a short message that never
echoes the input; the encoding and the JSON of the answer are built in a worker thread, off the event loop.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any

import numpy as np
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from harrier_explorer import __version__
from harrier_explorer.backend.core import Backend
from harrier_explorer.backend.encoder import l2_normalise
from harrier_explorer.errors import USER_FACING, InputError

log = logging.getLogger(__name__)

ENCODING_FORMATS = ("float", "base64")
#: Longest error message sent, in characters: an error body stays a few hundred bytes whatever the request held.
MAX_ERROR_CHARS = 1000
#: Seconds a request waits for a model that is still loading before it gets a 503 (clients retry 5xx answers).
LOAD_WAIT_S = 30.0


class BadRequest(InputError):
    """A client fault found by the server: answered 400 with the OpenAI ``param`` and ``code`` it names."""

    def __init__(self, message: str, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.param, self.code = param, code


class EmbeddingRequest(BaseModel):
    # ``input`` is not typed for pydantic: validating 500k token ids against ``list[str]`` built (and echoed) one
    # error per element. It is checked by ``request_strings``, which stops at the first bad element.
    input: Any = Field(description="A string or a list of strings; token-id input is not supported")
    model: str | None = None
    encoding_format: str = Field("float", description="float or base64")
    dimensions: int | None = Field(None, strict=True,  # true is not 1, "64" not 64
                                   description="Truncate to this many dimensions (Matryoshka models)")
    user: str | None = None


def error_response(status: int, message: str, *, param: str | None = None, code: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """An error in OpenAI's shape; 4xx are the client's ``invalid_request_error``, 5xx our ``server_error``."""
    if len(message) > MAX_ERROR_CHARS:
        message = message[:MAX_ERROR_CHARS - 1] + "…"
    kind = "invalid_request_error" if status < 500 else "server_error"
    return JSONResponse({"error": {"message": message, "type": kind, "param": param, "code": code}},
                        status_code=status, headers=headers)


class BodyLimit:
    """Pure ASGI middleware: a request body over ``max_bytes`` is answered 413 before the app (or FastAPI's JSON
    parser) sees any of it.

    A declared Content-Length over the limit is refused without reading a byte; a chunked body (or one that runs past
    its declared length) is counted while it streams in and refused as soon as it passes the limit. The body, at most
    ``max_bytes``, is then handed to the app in one piece.
    """

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and not declared.isdigit():
            await self._refuse(scope, receive, send, 400, "Content-Length is not a number", "invalid_content_length")
            return
        if declared is not None and int(declared) > self.max_bytes:
            await self._refuse_size(scope, receive, send, f"{int(declared) / 1_000_000:.3g} MB, more than")
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.max_bytes:
                await self._refuse_size(scope, receive, send, "more than")
                return
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse_size(self, scope, receive, send, how_big: str) -> None:
        limit = f"{self.max_bytes / 1_000_000:.3g} MB"
        await self._refuse(scope, receive, send, 413,
                           f"The request body is {how_big} the limit of {limit}; send fewer or shorter inputs per "
                           "request (the limit is the server's setting max_body_mb, HARRIER_MAX_BODY_MB)",
                           "request_too_large")

    @staticmethod
    async def _refuse(scope, receive, send, status: int, message: str, code: str) -> None:
        # "connection: close": the unread rest of the body must not be taken for the next request.
        await error_response(status, message, code=code, headers={"connection": "close"})(scope, receive, send)


def _replay(body: bytes, receive):
    """A ``receive`` that gives the buffered body once, then hands on to the real one (for disconnects)."""
    sent = False

    async def replay():
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def request_strings(value: Any, max_items: int, max_item_chars: int) -> list[str]:
    """The request's ``input`` as a list of strings, or a BadRequest naming the first offending input.

    Checked before anything is tokenised, each check stopping at the first failure, so that a hostile input costs
    no more than reading it: the shape, token ids (refused at the first element), the count, then per item its type,
    emptiness (OpenAI refuses empty strings), length, and valid Unicode (JSON may carry a lone surrogate, "\\ud800",
    which no tokenizer can encode).
    """
    if isinstance(value, str):
        texts, name = [value], lambda _: "input"
    elif isinstance(value, list):
        texts, name = value, lambda i: f"input[{i}]"
    else:
        raise BadRequest("input must be a string or a list of strings", "input", "invalid_type")
    if not texts:
        raise BadRequest("input is empty", "input", "empty_input")
    if _is_token_ids(texts[0]):
        raise BadRequest("This server takes strings; token-id input (lists of integers) is not supported. Send the "
                         "text itself.", "input", "token_ids_not_supported")
    if len(texts) > max_items:
        raise BadRequest(f"input has {len(texts):,} items, more than the limit of {max_items:,} per request; send "
                         "them in several requests (the limit is the server's setting max_items)", "input",
                         "too_many_inputs")
    for i, text in enumerate(texts):
        _check_string(text, name(i), max_item_chars)
    return texts


def _is_token_ids(first: Any) -> bool:
    """Whether a list input is token ids (OpenAI allows ``[int]`` and ``[[int]]``), judged by its first element."""
    is_int = isinstance(first, int) and not isinstance(first, bool)
    return is_int or (isinstance(first, list) and (not first or isinstance(first[0], int)))


def _check_string(text: Any, name: str, max_item_chars: int) -> None:
    """Refuse one input, named ``name`` ("input[3]"), that is not a non-empty, valid string within the limit."""
    if not isinstance(text, str):
        raise BadRequest(f"{name} is {_json_type(text)}, not a string", "input", "invalid_type")
    if not text:
        raise BadRequest(f"{name} is an empty string; every input must hold some text", "input", "empty_string")
    if len(text) > max_item_chars:
        raise BadRequest(f"{name} has {len(text):,} characters, more than the limit of {max_item_chars:,} per input; "
                         "split it into sentences, paragraphs or chunks (the limit is the server's setting "
                         "max_item_chars)", "input", "input_too_long")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise BadRequest(f"{name} is not valid Unicode: character {err.start} is a lone surrogate "
                         f"(\\u{ord(text[err.start]):04x})", "input", "invalid_unicode") from None


def _json_type(value: Any) -> str:
    """What a JSON value is, in the words of an error message ("a number", "null")."""
    for kind, label in ((bool, "a boolean"), (int, "a number"), (float, "a number"), (list, "a list"),
                        (dict, "an object")):
        if isinstance(value, kind):
            return label
    return "null" if value is None else type(value).__name__


def supported_dimensions(matryoshka_dims: tuple[int, ...], dim: int) -> list[int]:
    """Sizes ``dimensions`` may ask for, largest first: the full size, and the Matryoshka sizes below it."""
    return sorted({dim, *(d for d in matryoshka_dims if d <= dim)}, reverse=True)


def truncate_dimensions(vectors: np.ndarray, dimensions: int) -> np.ndarray:
    """The first ``dimensions`` components of each row, L2-normalised again (sentence-transformers' ``truncate_dim``
    then ``normalize_embeddings``), so that cosine is still a dot product."""
    return l2_normalise(np.asarray(vectors)[:, :dimensions])


def _validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    """A one-line message and the offending parameter from pydantic's first error; its ``input`` is never quoted
    (it may be megabytes)."""
    errors = exc.errors()
    first = errors[0] if errors else {}
    loc = [str(part) for part in first.get("loc", ()) if part != "body"]
    if first.get("type") == "json_invalid":
        reason = str(first.get("ctx", {}).get("error", ""))[:100]
        return f"The request body is not valid JSON ({reason}) at character {loc[0] if loc else '?'}", None
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return f"{'.'.join(loc) or 'request body'}: {first.get('msg', 'invalid value')}{more}", loc[0] if loc else None


def make_server(backend: Backend) -> FastAPI:
    """The API over ``backend``, with the limits of ``backend.settings`` (max_body_mb, max_items, max_item_chars)."""
    settings = backend.settings
    app = FastAPI(title="Harrier Explorer embeddings API", version=__version__)
    app.add_middleware(BodyLimit, max_bytes=int(settings.max_body_mb * 1_000_000))
    _add_error_handlers(app)

    @app.get("/health")
    def health():
        st = backend.status
        return JSONResponse({"status": st.state, "message": st.message},
                            status_code=200 if st.state == "ready" else 503)

    started = int(time.time())

    def model_object() -> dict:
        return {"id": backend.status.model_id, "object": "model", "created": started, "owned_by": "local"}

    @app.get("/v1/models")
    def models():
        return {"object": "list", "data": [model_object()]}

    @app.get("/v1/models/{model:path}")
    def model(model: str):  # the OpenAI client's models.retrieve
        if model != backend.status.model_id:
            return error_response(404, f"The model {model!r} does not exist; this server serves "
                                       f"{backend.status.model_id!r}", param="model", code="model_not_found")
        return model_object()

    @app.get("/v1/info")
    def info():
        encoder = backend.wait(LOAD_WAIT_S)
        st, spec = backend.status, backend.spec
        return {"model": st.model_id, "revision": getattr(encoder, "revision", None), "dtype": st.dtype,
                "batching": st.batching,
                "device": st.device, "dim": st.dim, "max_seq_length": st.max_seq_length, "family": spec.family,
                # Full prompt prefixes, so a client can apply the same template to a folder it cannot see.
                "prompts": {name: spec.prompt(task, "query") for name, task in spec.presets.items()},
                "saved_prompts": dict(spec.saved_prompts),
                # The sizes `dimensions` accepts below the full one (truncated, then re-normalised).
                "matryoshka_dims": [d for d in spec.matryoshka_dims if d <= st.dim],
                "limits": {"max_items": settings.max_items, "max_item_chars": settings.max_item_chars,
                           "max_body_mb": settings.max_body_mb}}

    @app.post("/v1/embeddings")
    async def embeddings(request: EmbeddingRequest):
        if request.encoding_format not in ENCODING_FORMATS:
            raise BadRequest(f"encoding_format must be one of {', '.join(ENCODING_FORMATS)}; got "
                             f"{request.encoding_format[:40]!r}", "encoding_format", "invalid_encoding_format")
        texts = request_strings(request.input, settings.max_items, settings.max_item_chars)
        body = await run_in_threadpool(_embed, backend, texts, request.encoding_format, request.dimensions)
        return Response(body, media_type="application/json")

    return app


def _embed(backend: Backend, texts: list[str], encoding_format: str, dimensions: int | None) -> bytes:
    """The answer's JSON for valid strings (in a worker thread: waiting, encoding and serialising are slow)."""
    backend.wait(LOAD_WAIT_S)
    dim = backend.status.dim
    sizes = supported_dimensions(backend.spec.matryoshka_dims, dim)
    if dimensions is not None and dimensions not in sizes:
        kind = "supported sizes" if len(sizes) > 1 else "it was not trained to be truncated; the only size"
        raise BadRequest(f"dimensions={dimensions} is not supported: this model has {dim} dimensions; {kind}: "
                         f"{', '.join(map(str, sizes))}", "dimensions", "unsupported_dimensions")
    result = backend.encode_strings(texts)
    vectors = result.vectors if dimensions in (None, dim) else truncate_dimensions(result.vectors, dimensions)
    data = []
    for i, vector in enumerate(vectors):
        embedding = (base64.b64encode(np.ascontiguousarray(vector, np.float32).tobytes()).decode()
                     if encoding_format == "base64" else vector.tolist())
        data.append({"object": "embedding", "index": i, "embedding": embedding,
                     "n_tokens": int(result.n_tokens[i]), "truncated": bool(result.truncated[i])})
    used = int(np.clip(result.n_tokens, 0, backend.status.max_seq_length).sum())  # what was embedded: truncated
    return json.dumps({"object": "list", "model": backend.status.model_id, "data": data,
                       "usage": {"prompt_tokens": used, "total_tokens": used}}).encode()


def _add_error_handlers(app: FastAPI) -> None:
    """Every error in OpenAI's shape: client faults 4xx, a model that is loading or failed 503, bugs 500."""

    @app.exception_handler(BadRequest)
    async def bad_request(_: Request, exc: BadRequest):
        return error_response(400, str(exc), param=exc.param, code=exc.code)

    @app.exception_handler(InputError)
    async def bad_input(_: Request, exc: InputError):  # the backend's own checks (limits, prompt length)
        return error_response(400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError):
        message, param = _validation_message(exc)
        return error_response(400, message, param=param, code="invalid_request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException):
        return error_response(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    async def unavailable(_: Request, exc: Exception):
        return error_response(503, str(exc), code="model_unavailable")

    for exc_class in USER_FACING:  # Starlette takes one exception class per handler, not a tuple
        app.add_exception_handler(exc_class, unavailable)

    @app.exception_handler(Exception)
    async def bug(_: Request, exc: Exception):
        log.exception("Unexpected error while serving a request")
        return error_response(500, f"Internal server error ({type(exc).__name__}); see the server log",
                              code="internal_error")
