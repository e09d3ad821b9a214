"""The one backend every tab, the CLI and the API server share: model resolution, encoding and the cache.

Built once at the edge (``Backend(settings)``) and passed in. Loading happens in a background thread so the page is
served at once; ``encode`` waits for it. ``encode`` is the single encode path: it applies the model family's prompt for
the role, de-duplicates, serves what it can from the cache and embeds only the rest.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from harrier_explorer.backend.cache import CacheStats, EmbeddingStore, cache_key
from harrier_explorer.backend.encoder import Progress, StringEncoder
from harrier_explorer.backend.selfcheck import SelfCheck
from harrier_explorer.errors import USER_FACING, InputError, ModelUnavailable
from harrier_explorer.models import ModelSpec, Role, spec_for
from harrier_explorer.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EncodeResult:
    """vectors[i] embeds prompts[i] = prefix + texts[i]; float32, L2-normalised, so cosine = dot product."""

    vectors: np.ndarray
    n_tokens: np.ndarray
    truncated: np.ndarray
    prompts: list[str]
    cached: int = 0
    embedded: int = 0

    @property
    def summary(self) -> str:
        n_trunc = int(self.truncated.sum())
        return (f"{len(self.prompts)} texts: {self.cached} from cache, {self.embedded} embedded"
                + (f", {n_trunc} truncated" if n_trunc else ""))


@dataclass
class Status:
    state: str = "loading"  # loading | ready | error
    message: str = "Loading model…"
    model_id: str = ""
    reason: str = ""
    is_fallback: bool = False
    device: str = ""
    dtype: str = ""
    dim: int = 0
    max_seq_length: int = 0
    load_seconds: float = 0.0
    selfcheck: SelfCheck = field(default_factory=SelfCheck)


class Backend:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.status = Status()
        self._encoder: StringEncoder | None = None
        self._spec: ModelSpec | None = None
        self._ready = threading.Event()
        self._encode_lock = threading.Lock()
        self.store = None if settings.no_cache else EmbeddingStore(settings.cache_path / "embeddings.sqlite")
        self._thread: threading.Thread | None = None

    # -- loading ---------------------------------------------------------------------------------------------------
    def start(self) -> Backend:
        """Load the model in the background (idempotent)."""
        if self._thread is None and not self._ready.is_set():
            self._thread = threading.Thread(target=self._load, name="harrier-load", daemon=True)
            self._thread.start()
        return self

    def _load(self) -> None:
        start = time.perf_counter()
        try:
            if self.settings.backend_url:
                from harrier_explorer.backend.remote import RemoteEncoder

                self.status.message = f"Connecting to {self.settings.backend_url}…"
                encoder = RemoteEncoder(self.settings.backend_url, timeout=self.settings.api_timeout)
                spec = spec_for(encoder.model, prompts=encoder.prompts)
                self._install(encoder, spec, f"remote server {self.settings.backend_url}", False, encoder.model)
            else:
                self._load_local()
        except Exception as exc:  # noqa: BLE001 - any load failure is shown in the header, the page keeps serving
            if isinstance(exc, USER_FACING):
                log.error("Model load failed: %s", exc)
            else:
                log.exception("Model load failed")
            self.status.state, self.status.message = "error", f"Model could not be loaded: {exc}"
            self._ready.set()
            return
        self.status.load_seconds = time.perf_counter() - start
        log.info("Model ready: %s (%s, %s) in %.1fs", self.status.model_id, self.status.device, self.status.dtype,
                 self.status.load_seconds)

    def _load_local(self) -> None:
        from harrier_explorer.backend.local import LoadOptions, LocalEncoder
        from harrier_explorer.backend.resolve import resolve_model
        from harrier_explorer.backend.selfcheck import choose_cpu_dtype, run_selfcheck

        self.status.message = f"Resolving {self.settings.model}…"
        resolved = resolve_model(self.settings.model, self.settings.cache_path)
        self.status.message = f"Loading {resolved.model_id}…"
        s = self.settings
        encoder = LocalEncoder(resolved.folder, resolved.spec, LoadOptions(s.device, s.dtype, s.max_seq_length,
                                                                            s.batch_tokens), resolved.revision)
        check = run_selfcheck(encoder)
        if encoder.device == "cpu" and s.dtype == "auto":
            choose_cpu_dtype(encoder, check)
        self.status.selfcheck = check
        self._install(encoder, resolved.spec, resolved.reason, resolved.is_fallback, resolved.model_id)

    def _install(self, encoder: StringEncoder, spec: ModelSpec, reason: str, is_fallback: bool,
                 model_id: str) -> None:
        self._encoder, self._spec = encoder, spec
        st = self.status
        st.model_id = model_id
        st.reason, st.is_fallback = reason, is_fallback
        st.device, st.dtype = getattr(encoder, "device", "?"), getattr(encoder, "dtype", "?")
        st.dim, st.max_seq_length = encoder.dim, encoder.max_seq_length
        st.state, st.message = "ready", "Ready"
        self._ready.set()

    def wait(self, timeout: float | None = None) -> StringEncoder:
        """The loaded encoder; raises ModelUnavailable if loading failed or did not finish in time."""
        self.start()
        if not self._ready.wait(timeout):
            raise ModelUnavailable("The model is still loading; try again in a moment.")
        if self._encoder is None:
            raise ModelUnavailable(self.status.message)
        return self._encoder

    @property
    def spec(self) -> ModelSpec:
        self.wait()
        return self._spec

    # -- encoding --------------------------------------------------------------------------------------------------
    def prompt(self, instruction: str | None, role: Role) -> str:
        return self.spec.prompt(instruction, role)

    def encode(self, texts: Sequence[str], instruction: str | None = None, role: Role = "query",
               progress: Progress | None = None) -> EncodeResult:
        """Embed texts as ``role`` under ``instruction`` (the family template and symmetric/asymmetric rule apply)."""
        prefix = self.prompt(instruction, role)
        return self.encode_strings([prefix + t for t in texts], progress)

    def encode_strings(self, prompts: Sequence[str], progress: Progress | None = None) -> EncodeResult:
        """Embed exact strings (prompt already applied): de-duplicated, served from the cache where possible."""
        if len(prompts) > self.settings.max_items:
            raise InputError(f"{len(prompts)} texts is more than the limit of {self.settings.max_items} "
                             "(raise it with --max-items or HARRIER_MAX_ITEMS)")
        encoder = self.wait()
        prompts = list(prompts)
        unique = list(dict.fromkeys(prompts))
        keys = [cache_key(encoder.fingerprint, p) for p in unique]
        found = self.store.get_many(keys, encoder.dim) if self.store else {}
        missing = [i for i, k in enumerate(keys) if k not in found]
        rows: dict[str, tuple[np.ndarray, int, bool]] = {unique[i]: found[keys[i]] for i in range(len(unique))
                                                         if keys[i] in found}
        if missing:
            with self._encode_lock:
                fresh = encoder.embed([unique[i] for i in missing], progress)
            new_rows = [(keys[i], fresh.vectors[j], int(fresh.n_tokens[j]), bool(fresh.truncated[j]))
                        for j, i in enumerate(missing)]
            if self.store:
                self.store.put_many(new_rows)
            for (_, v, n, t), i in zip(new_rows, missing):
                rows[unique[i]] = (v, n, t)
        elif progress:
            progress(len(unique), len(unique))
        vectors = np.vstack([rows[p][0] for p in prompts]) if prompts else np.zeros((0, encoder.dim), np.float32)
        return EncodeResult(vectors.astype(np.float32, copy=False),
                            np.array([rows[p][1] for p in prompts], dtype=np.int64),
                            np.array([rows[p][2] for p in prompts], dtype=bool),
                            prompts, cached=len(unique) - len(missing), embedded=len(missing))

    def count_tokens(self, texts: Sequence[str]) -> np.ndarray:
        """Token counts (EOS included) where the encoder can tell; -1 otherwise (remote servers)."""
        encoder = self.wait()
        counter = getattr(encoder, "count_tokens", None)
        return counter(texts) if counter else np.full(len(texts), -1, dtype=np.int64)

    def cache_stats(self) -> CacheStats | None:
        return self.store.stats() if self.store else None
