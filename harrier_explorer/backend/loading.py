"""Model references → loaded encoders, and the slot each model lives in (status, encoder, last use).

A reference is a Hugging Face id or local folder, an ``http(s)://`` URL of an OpenAI-compatible server, or
``fake:hash`` (the torch-free test encoder), optionally followed by options: ``?dtype=bfloat16`` (run in bf16),
``?dtype=int8`` (int8 linear layers on the CPU: faster, approximate, labelled so in the header and cached apart),
``?dim=256`` (truncate Matryoshka-style and re-normalise, as sentence-transformers' ``truncate_dim``),
``?runtime=onnx`` (the transformer by ONNX Runtime on the CPU). So ``google/embeddinggemma-300m?dim=256`` and
``…?runtime=onnx`` are models of their own, side by side with the
full one; their vectors below the truncation share the cache with it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from urllib.parse import parse_qsl

from harrier_explorer.backend.cache import Cached, CachedEncoder
from harrier_explorer.backend.encoder import Embedded, Progress, StringEncoder, l2_normalise
from harrier_explorer.backend.selfcheck import SelfCheck
from harrier_explorer.errors import InputError
from harrier_explorer.models import HARRIER_270M, ModelSpec, spec_for
from harrier_explorer.settings import Settings

log = logging.getLogger(__name__)
_OPTIONS = ("dtype", "dim", "runtime")


@dataclass(frozen=True)
class ModelRef:
    source: str
    dtype: str | None = None
    dim: int | None = None
    runtime: str | None = None

    @property
    def kind(self) -> str:
        if self.source.startswith(("http://", "https://")):
            return "remote"
        return "fake" if self.source.startswith("fake:") else "local"


def parse_ref(ref: str) -> ModelRef:
    """``source[?dtype=…&dim=…&runtime=…]`` → ModelRef; InputError naming the bad option."""
    source, _, query = ref.strip().partition("?")
    if ref.startswith(("http://", "https://")) and not any(f"{o}=" in query for o in _OPTIONS):
        source, query = ref.strip(), ""  # a URL's own query string
    options = dict(parse_qsl(query, strict_parsing=False)) if query else {}
    unknown = set(options) - set(_OPTIONS)
    if unknown:
        raise InputError(f"Unknown model option {sorted(unknown)[0]!r} in {ref!r}; "
                         "options are dtype=, dim= and runtime=")
    dtype = options.get("dtype")
    if dtype not in (None, "float32", "bfloat16", "int8"):
        raise InputError(f"dtype={dtype!r} in {ref!r}: choose float32 or bfloat16 (or int8: fast, approximate)")
    try:
        dim = int(options["dim"]) if "dim" in options else None
    except ValueError:
        raise InputError(f"dim={options['dim']!r} in {ref!r} is not a number") from None
    if not source:
        raise InputError("Name a model: a Hugging Face id, a local folder or an http(s) URL")
    runtime = options.get("runtime")
    if runtime not in (None, "torch", "onnx"):
        raise InputError(f"runtime={runtime!r} in {ref!r}: choose torch or onnx")
    return ModelRef(source, dtype, dim, runtime)


@dataclass
class Status:
    state: str = "loading"  # loading | ready | error | unloaded
    message: str = "Loading model…"
    model_id: str = ""
    reason: str = ""
    is_fallback: bool = False
    device: str = ""
    dtype: str = ""
    batching: str = ""
    dim: int = 0
    max_seq_length: int = 0
    load_seconds: float = 0.0
    selfcheck: SelfCheck = field(default_factory=SelfCheck)


@dataclass
class Loaded:
    """What a loader returns: the model's own encoder, its profile, why it was chosen, and an optional check to run
    in the background once the model is usable."""

    encoder: StringEncoder
    spec: ModelSpec
    model_id: str
    reason: str
    is_fallback: bool = False
    background_check: Callable[[], None] | None = None
    #: Builds, in the background once the model serves, a faster encoder of the same vectors (ONNX Runtime's
    #: export), to take the encoder's place.
    upgrade: Callable[[], StringEncoder] | None = None
    truncate_dim: int | None = None


class Truncated:
    """The first ``dim`` components of another encoder's vectors, re-normalised (Matryoshka truncation)."""

    def __init__(self, encoder: CachedEncoder, dim: int):
        self.inner, self.dim = encoder, dim

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    @property
    def fingerprint(self) -> str:
        return f"{self.inner.fingerprint}|dim={self.dim}"

    def _cut(self, e: Embedded) -> Embedded:
        return Embedded(l2_normalise(e.vectors[:, : self.dim]), e.n_tokens, e.truncated)

    def encode(self, strings: Sequence[str], progress: Progress | None = None) -> Cached:
        out = self.inner.encode(strings, progress)
        return Cached(self._cut(out.embedded), out.from_cache, out.computed)

    def embed(self, strings: Sequence[str], progress: Progress | None = None, on_batch=None) -> Embedded:
        return self.encode(strings, progress).embedded


class ModelSlot:
    """One model of the backend: its reference, status, encoder (``None`` until loaded) and last use."""

    def __init__(self, ref: str):
        self.ref = ref
        self.status = Status(model_id=ref)
        self.ready = threading.Event()
        self.thread: threading.Thread | None = None
        self.base: StringEncoder | None = None
        self.encoder: CachedEncoder | Truncated | None = None
        self.spec: ModelSpec | None = None
        self.last_used = 0.0

    def begin_load(self, target: Callable[[], None]) -> None:
        self.ready.clear()
        self.status = Status(model_id=self.ref, message=f"Loading {self.ref}…")
        self.thread = threading.Thread(target=target, name=f"load {self.ref}", daemon=True)
        self.thread.start()

    def install(self, loaded: Loaded, cached: CachedEncoder, seconds: float) -> None:
        encoder = Truncated(cached, loaded.truncate_dim) if loaded.truncate_dim else cached
        spec = replace(loaded.spec, dim=encoder.dim) if loaded.truncate_dim else loaded.spec
        st = self.status
        st.model_id, st.reason, st.is_fallback = loaded.model_id, loaded.reason, loaded.is_fallback
        st.device, st.dtype, st.batching = loaded.encoder.device, loaded.encoder.dtype, loaded.encoder.batching
        st.dim, st.max_seq_length, st.load_seconds = encoder.dim, loaded.encoder.max_seq_length, seconds
        st.state, st.message = "ready", "Ready"
        self.base, self.encoder, self.spec = loaded.encoder, encoder, spec
        self.ready.set()

    def fail(self, message: str) -> None:
        self.status.state, self.status.message = "error", message
        self.ready.set()

    def unload(self) -> None:
        self.base = self.encoder = None
        self.status.state, self.status.message = "unloaded", "Unloaded to stay within the memory budget"
        self.ready.clear()

    @property
    def weight_bytes(self) -> int:
        return int(getattr(self.base, "weight_bytes", 0) or 0) if self.base is not None else 0

    def estimate_bytes(self) -> int:
        """Weights on disk of a local folder (0 where unknown: a Hub id not yet fetched, a remote server)."""
        ref = parse_ref(self.ref)
        folder = Path(ref.source).expanduser()
        if ref.kind != "local" or not folder.is_dir():
            return 0
        return sum(p.stat().st_size for p in folder.rglob("*.safetensors"))


def memory_budget_bytes(settings: Settings) -> int:
    if settings.memory_budget_gb:
        return int(settings.memory_budget_gb * 1e9)
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 16 * 10**9
    return int(0.6 * total)


# -- loaders ----------------------------------------------------------------------------------------------------------
def load_model(ref_text: str, settings: Settings, status: Status) -> Loaded:
    ref = parse_ref(ref_text)
    loaded = {"fake": _load_fake, "remote": _load_remote, "local": _load_local}[ref.kind](ref, settings, status)
    if ref.dim:
        _check_truncation(loaded, ref.dim)
        loaded.truncate_dim = ref.dim
        loaded.model_id = f"{loaded.model_id} (first {ref.dim} dims)"
    return loaded


def _check_truncation(loaded: Loaded, dim: int) -> None:
    full = loaded.encoder.dim
    if not 0 < dim < full:
        raise InputError(f"dim={dim}: truncation needs a size below the model's {full} dimensions")
    trained = loaded.spec.matryoshka_dims
    if trained and dim not in trained:
        log.warning("%s was trained for %s dims; %d is not one of them", loaded.model_id, trained, dim)


def _load_fake(ref: ModelRef, settings: Settings, status: Status) -> Loaded:
    from harrier_explorer.backend.fake import HashEncoder

    encoder = HashEncoder(max_seq_length=settings.max_seq_length or 512)
    spec = replace(HARRIER_270M, label="hash trigrams (test encoder)", hf_id=None, dim=encoder.dim,
                   max_tokens=encoder.max_seq_length, last_token_pooling=False)
    status.selfcheck.add("test encoder", True, "hashed character trigrams: fast and deterministic, not a model")
    return Loaded(encoder, spec, ref.source, "torch-free test encoder (asked for by name)")


def _load_remote(ref: ModelRef, settings: Settings, status: Status) -> Loaded:
    from harrier_explorer.backend.remote import RemoteEncoder

    status.message = f"Connecting to {ref.source}…"
    encoder = RemoteEncoder(ref.source, timeout=settings.api_timeout)
    spec = spec_for(encoder.model, prompts=encoder.prompts)
    if encoder.saved_prompts:
        spec = replace(spec, saved_prompts=encoder.saved_prompts)
    return Loaded(encoder, spec, encoder.model, f"remote server {ref.source}")


def _load_local(ref: ModelRef, settings: Settings, status: Status) -> Loaded:
    from harrier_explorer.backend.local import LoadOptions, LocalEncoder
    from harrier_explorer.backend.resolve import resolve_model
    from harrier_explorer.backend.selfcheck import batch_check, packing_check, quick_checks, runtime_check

    status.message = f"Resolving {ref.source}…"
    resolved = resolve_model(ref.source, settings.cache_path)
    status.message = f"Loading {resolved.model_id}…"
    runtime = ref.runtime or settings.runtime
    options = LoadOptions(settings.device, ref.dtype or settings.dtype, settings.max_seq_length, settings.batch_tokens,
                          settings.packing, runtime, settings.cache_path / "onnx")
    encoder = LocalEncoder(resolved.folder, resolved.spec, options, resolved.revision)
    check = status.selfcheck
    quick_checks(encoder, check)
    if encoder.packing:
        status.message = f"Checking packed rows against padded batches ({encoder.attention})…"
        packing_check(encoder, check)
    upgrade = None
    if encoder.onnx_export is not None:
        if runtime == "onnx" or encoder.onnx_export.exists():
            status.message = (f"Loading {resolved.model_id} for ONNX Runtime"
                              f"{'' if encoder.onnx_export.exists() else ' (exporting it, once: about a minute)'}…")
            encoder = runtime_check(encoder, check, required=runtime == "onnx")
        else:  # torch serves while the export is made; the model moves to ONNX Runtime when it is ready
            upgrade = partial(runtime_check, encoder, check, required=False)
    return Loaded(encoder, resolved.spec, resolved.model_id, resolved.reason, resolved.is_fallback,
                  background_check=partial(batch_check, encoder, check), upgrade=upgrade)
