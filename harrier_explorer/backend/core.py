"""The one backend every tab, the CLI and the API server share: several models by reference, one encode path, the
cache.

Built once at the edge (``Backend(settings)``) and passed in. Each model is a ``ModelSlot``, loaded lazily in a
background thread on first use (so the page is served at once) and unloaded least-recently-used beyond the memory
budget. ``encode`` is the single encode path: it checks the limits, applies the model family's prompt for the role,
and hands the exact strings to the slot's ``CachedEncoder`` (de-duplicated, served from the cache where possible,
each batch committed as it lands, strings being embedded by a concurrent request awaited rather than re-embedded).
"""

from __future__ import annotations

import atexit
import gc
import logging
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from harrier_explorer.backend.cache import CachedEncoder, CacheStats, EmbeddingStore
from harrier_explorer.backend.encoder import Progress, StringEncoder
from harrier_explorer.backend.loading import Loaded, ModelSlot, Status, load_model, memory_budget_bytes
from harrier_explorer.errors import USER_FACING, InputError, ModelUnavailable
from harrier_explorer.inputs.decoding import check_item_limit
from harrier_explorer.models import ModelSpec, Role
from harrier_explorer.settings import Settings

log = logging.getLogger(__name__)
__all__ = ["Backend", "EncodeResult", "Status"]
_BACKENDS: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _finish_loading() -> None:
    """Let model threads (loading, self-checks) finish before the interpreter goes: torch aborts the process when a
    daemon thread is killed inside it."""
    for backend in list(_BACKENDS):
        for slot in backend.slots:
            if slot.thread is not None:
                slot.thread.join(60)


@dataclass(frozen=True)
class EncodeResult:
    """vectors[i] embeds prompts[i] = prefix + texts[i]; float32, L2-normalised, so cosine = dot product."""

    vectors: np.ndarray
    n_tokens: np.ndarray
    truncated: np.ndarray
    prompts: list[str]
    cached: int = 0
    embedded: int = 0
    #: Tokens the prompt prefix takes (special tokens included); -1 where the encoder cannot count.
    prompt_tokens: int = -1
    max_seq_length: int = 0

    @property
    def summary(self) -> str:
        n_trunc = int(self.truncated.sum())
        text = f"{len(self.prompts):,} texts: {self.cached:,} from cache, {self.embedded:,} embedded"
        if n_trunc:
            kept = (f" (each keeps its first {self.max_seq_length - self.prompt_tokens} tokens of text)"
                    if self.prompt_tokens >= 0 and self.max_seq_length else "")
            text += f", {n_trunc} truncated{kept}"
        return text


class Backend:
    def __init__(self, settings: Settings, loader=load_model, *, upgrades: bool = False, announce: bool = True):
        """``loader(ref, settings, status) -> Loaded`` builds one model (reporting its steps in ``status``);
        ``upgrades``: whether a model moves to a faster runtime built in the background once it serves — for a
        server; a script or one-shot command would only have the export compete with its own work. ``announce``:
        log a loaded model at INFO (not a saved scenario's stand-in, loaded at every replay)."""
        self.settings, self.upgrades, self.announce = settings, upgrades, announce
        self.store = None if settings.no_cache else EmbeddingStore(settings.cache_path / "embeddings.sqlite")
        self.default_ref = settings.backend_url or settings.model
        self._loader = loader
        self._slots: dict[str, ModelSlot] = {}
        self._lock = threading.Lock()
        self._prompt_tokens: dict[tuple[str, str], int] = {}
        _BACKENDS.add(self)

    # -- models ----------------------------------------------------------------------------------------------------
    def start(self) -> Backend:
        """Begin loading the default model (and the comparison model, when set) in the background; idempotent."""
        self.slot()
        if self.settings.compare_model:
            self.slot(self.settings.compare_model)
        return self

    def slot(self, model: str | None = None, *, load: bool = True) -> ModelSlot:
        """The slot of a model reference (the default model when None); with ``load``, loading it if it is not
        loaded (a look at a status, ``load=False``, never loads or reloads anything)."""
        ref = (model or self.default_ref).strip()
        with self._lock:
            slot = self._slots.get(ref)
            if slot is None:
                slot = self._slots[ref] = ModelSlot(ref)
            if load and (slot.thread is None or slot.status.state == "unloaded"):
                slot.begin_load(lambda: self._load(slot))
            if load:
                slot.last_used = time.monotonic()
        return slot

    @property
    def slots(self) -> list[ModelSlot]:
        with self._lock:
            return list(self._slots.values())

    def _load(self, slot: ModelSlot) -> None:
        start = time.perf_counter()
        try:
            self._make_room(slot)
            loaded: Loaded = self._loader(slot.ref, self.settings, slot.status)
        except Exception as exc:  # noqa: BLE001 - any load failure is shown in the header, the page keeps serving
            (log.error if isinstance(exc, USER_FACING) else log.exception)("Loading %s failed: %s", slot.ref, exc)
            slot.fail(f"Model could not be loaded: {exc}")
            return
        slot.install(loaded, CachedEncoder(loaded.encoder, self.store), time.perf_counter() - start)
        log.log(logging.INFO if self.announce else logging.DEBUG, "Model ready: %s (%s, %s) in %.1fs",
                slot.status.model_id, slot.status.device, slot.status.dtype, slot.status.load_seconds)
        if loaded.background_check:
            loaded.background_check()
        if loaded.upgrade and self.upgrades:
            self._upgrade(slot, loaded)
        slot.status.selfcheck.done = True

    def _upgrade(self, slot: ModelSlot, loaded: Loaded) -> None:
        """Put the faster encoder ``loaded.upgrade`` builds in the slot; requests under way finish on the old one."""
        serving = slot.status.batching
        slot.status.batching = f"{serving}; preparing ONNX Runtime (once)…"
        try:
            faster = loaded.upgrade()
        except Exception as exc:  # noqa: BLE001 - the model keeps serving as it is
            log.warning("%s stays on its runtime: %s", slot.ref, exc)
            slot.status.selfcheck.add("faster runtime", True, f"not used: {exc}")
            faster = loaded.encoder
        slot.status.batching = serving
        if faster is not loaded.encoder and slot.base is loaded.encoder:  # and not unloaded meanwhile
            slot.install(replace(loaded, encoder=faster), CachedEncoder(faster, self.store),
                         slot.status.load_seconds)
            log.info("%s now runs on %s", slot.status.model_id, slot.status.batching)

    def _make_room(self, incoming: ModelSlot) -> None:
        """Unload least-recently-used models until the incoming one's weights fit the memory budget."""
        budget = memory_budget_bytes(self.settings)
        need = incoming.estimate_bytes()
        with self._lock:
            loaded = sorted((s for s in self._slots.values() if s is not incoming and s.weight_bytes),
                            key=lambda s: s.last_used)
        while loaded and sum(s.weight_bytes for s in loaded) + need > budget:
            victim = loaded.pop(0)
            log.info("Unloading %s to stay within the memory budget of %.1f GB", victim.ref, budget / 1e9)
            victim.unload()
            gc.collect()

    def wait(self, timeout: float | None = None, *, model: str | None = None) -> StringEncoder:
        """The loaded model's own encoder (below the cache); raises ModelUnavailable if loading failed or is
        still going on after ``timeout`` seconds."""
        return self._ready(model, timeout).base

    def _ready(self, model: str | None, timeout: float | None = None) -> ModelSlot:
        slot = self.slot(model)
        if not slot.ready.wait(timeout):
            raise ModelUnavailable(f"{slot.ref} is still loading; try again in a moment.")
        if slot.encoder is None:
            if slot.status.state == "unloaded":  # unloaded between the two lines above: load it again
                return self._ready(model, timeout)
            raise ModelUnavailable(slot.status.message)
        return slot

    def wait_selfcheck(self, *, model: str | None = None) -> Status:
        """Block until the model's background self-check has finished (``info`` prints all of it)."""
        slot = self._ready(model)
        if slot.thread is not None:
            slot.thread.join()
        return slot.status

    @property
    def status(self) -> Status:
        """The default model's status; a look, which never starts or restarts loading."""
        return self.slot(load=False).status

    @property
    def spec(self) -> ModelSpec:
        return self._ready(None).spec

    def spec_of(self, model: str | None = None) -> ModelSpec:
        return self._ready(model).spec

    # -- encoding --------------------------------------------------------------------------------------------------
    def prompt(self, instruction: str | None, role: Role, *, model: str | None = None) -> str:
        return self.spec_of(model).prompt(instruction, role)

    def encode(self, texts: Sequence[str], instruction: str | None = None, role: Role = "query",
               progress: Progress | None = None, *, model: str | None = None) -> EncodeResult:
        """Embed texts as ``role`` under ``instruction`` (free text, a preset or saved prompt name, a preset's label,
        "(none)" or "(raw text)"; the family template and the symmetric/asymmetric rule apply)."""
        prefix = self.prompt(instruction, role, model=model)
        prompt_tokens = self._check_prompt(prefix, model)
        result = self.encode_strings([prefix + t for t in texts], progress, model=model)
        return EncodeResult(result.vectors, result.n_tokens, result.truncated, result.prompts, result.cached,
                            result.embedded, prompt_tokens, result.max_seq_length)

    def encode_strings(self, strings: Sequence[str], progress: Progress | None = None, *,
                       model: str | None = None) -> EncodeResult:
        """Embed exact strings (prompt already applied): de-duplicated, served from the cache where possible."""
        strings = list(strings)
        self.check_items(strings)
        slot = self._ready(model)
        out = slot.encoder.encode(strings, progress)
        slot.last_used = time.monotonic()
        return EncodeResult(out.embedded.vectors, out.embedded.n_tokens, out.embedded.truncated, strings,
                            cached=out.from_cache, embedded=out.computed, max_seq_length=slot.status.max_seq_length)

    def check_items(self, strings: Sequence[str]) -> None:
        """The limits every request meets, in one place: number of texts, characters per text, valid Unicode."""
        s = self.settings
        check_item_limit(len(strings), s.max_items, "The request")
        for i, string in enumerate(strings):
            if len(string) > s.max_item_chars:
                raise InputError(f"Text {i + 1} has {len(string):,} characters, more than the limit of "
                                 f"{s.max_item_chars:,} per text: split it (into sentences, paragraphs or chunks) or "
                                 "raise --max-item-chars")
            try:
                string.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError(f"Text {i + 1} is not valid Unicode (it holds a lone surrogate code point)") from None

    def _check_prompt(self, prefix: str, model: str | None) -> int:
        """Tokens the prefix takes; refuses one that would crowd the text out of the model's window."""
        if not prefix:
            return 0
        slot = self._ready(model)
        key = (slot.ref, prefix)
        if key not in self._prompt_tokens:
            self._prompt_tokens[key] = int(slot.base.count_tokens([prefix])[0])
        n, limit = self._prompt_tokens[key], slot.status.max_seq_length
        share = self.settings.max_prompt_share
        if n > 0 and limit and n > share * limit:
            raise InputError(f"The instruction prompt takes {n:,} tokens, more than {share:.0%} of the model's limit "
                             f"of {limit:,}: it would leave the text {max(limit - n, 0):,} tokens at most. Shorten "
                             "the instruction (or raise --max-prompt-share).")
        return n

    def measure_speed(self, texts: Sequence[str], *, model: str | None = None) -> float:
        """Texts per second of the model itself on ``texts`` (below the cache, so a repeat measures again)."""
        base = self.wait(model=model)
        base.embed(list(texts[:2]))  # warm-up: first calls pay one-off kernel selection costs
        start = time.perf_counter()
        base.embed(list(texts))
        return len(texts) / max(time.perf_counter() - start, 1e-9)

    def count_tokens(self, texts: Sequence[str], *, model: str | None = None) -> np.ndarray:
        """Token counts (EOS included) where the encoder can tell; -1 otherwise (remote servers)."""
        return self.wait(model=model).count_tokens(list(texts))

    def cache_stats(self) -> CacheStats | None:
        return self.store.stats() if self.store else None
