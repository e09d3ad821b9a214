"""Runs that replay without their model: what a tab's handler asked each model, taped, and a backend that answers
from the tape.

``Recording(backend)`` stands in for the backend while a handler runs (its strings come from the embedding cache):
it notes every string embedded and every token count, per model. ``replay_backend(settings, tapes, ref)`` is a
``Backend`` whose models are those tapes, so the same handler given the same request gets the same vectors and counts
and draws the same results, on a machine without the model. A string not on the tape is an InputError: a replay shows
what was run, nothing more.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from harrier_explorer.backend.cache import Row, cache_key
from harrier_explorer.backend.core import Backend, EncodeResult
from harrier_explorer.backend.encoder import Embedded, OnBatch, Progress
from harrier_explorer.backend.loading import Loaded, Status
from harrier_explorer.errors import InputError
from harrier_explorer.models import ModelSpec
from harrier_explorer.settings import Settings

REPLAY_REASON = "replayed from a saved scenario: no model runs"


def string_key(string: str) -> str:
    """A token count's key on a tape: long documents are counted prefix by prefix, so strings are not kept."""
    return hashlib.sha256(string.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Tape:
    """What one model answered during a run, and the facts a replay's status shows about it."""

    ref: str
    model_id: str
    spec: ModelSpec
    dim: int
    max_seq_length: int
    dtype: str
    #: exact string embedded (prompt included) → (vector, tokens, truncated)
    vectors: dict[str, Row] = field(default_factory=dict)
    #: ``string_key`` of a string counted → its tokens (special tokens included)
    counts: dict[str, int] = field(default_factory=dict)


class Recording:
    """The backend as a handler sees it, noting what each model answers; everything else is the backend's own."""

    encode = Backend.encode  # its calls below (encode_strings, _check_prompt) are this class's

    def __init__(self, backend: Backend):
        self.backend = backend
        self.tapes: dict[str, Tape] = {}

    def __getattr__(self, name: str):
        return getattr(self.backend, name)

    def _tape(self, model: str | None) -> Tape:
        slot = self.backend.slot(model, load=False)
        if slot.ref not in self.tapes:
            st = slot.status
            self.tapes[slot.ref] = Tape(slot.ref, st.model_id, slot.spec, st.dim, st.max_seq_length, st.dtype)
        return self.tapes[slot.ref]

    def encode_strings(self, strings: Sequence[str], progress: Progress | None = None, *,
                       model: str | None = None) -> EncodeResult:
        result = self.backend.encode_strings(strings, progress, model=model)
        vectors = self._tape(model).vectors
        for string, vector, n_tokens, truncated in zip(result.prompts, result.vectors, result.n_tokens,
                                                       result.truncated, strict=True):
            vectors[string] = (vector, int(n_tokens), bool(truncated))
        return result

    def count_tokens(self, texts: Sequence[str], *, model: str | None = None) -> np.ndarray:
        counts = self.backend.count_tokens(texts, model=model)
        self._tape(model).counts.update((string_key(t), int(n)) for t, n in zip(texts, counts, strict=True))
        return counts

    def _check_prompt(self, prefix: str, model: str | None) -> int:
        n = self.backend._check_prompt(prefix, model)
        if prefix:
            self._tape(model).counts[string_key(prefix)] = n
        return n


class ReplayEncoder:
    """A tape as an encoder: its strings' vectors and counts, an InputError for anything else."""

    device = "none (replay)"
    batching = "replayed from a saved scenario"
    weight_bytes = 0

    def __init__(self, tape: Tape):
        self.tape = tape
        self.fingerprint = fingerprint(tape)
        self.dim, self.max_seq_length, self.dtype = tape.dim, tape.max_seq_length, tape.dtype

    def _missing(self, string: str) -> InputError:
        shown = string if len(string) <= 60 else string[:57] + "…"
        return InputError(f"This saved scenario holds no answer of {self.tape.model_id} for {shown!r}: a replay shows "
                          "what was run. Run the tab again (with the model loaded) to change it.")

    def embed(self, strings: Sequence[str], progress: Progress | None = None,
              on_batch: OnBatch | None = None) -> Embedded:
        rows = []
        for string in strings:
            if string not in self.tape.vectors:
                raise self._missing(string)
            rows.append(self.tape.vectors[string])
        vectors = np.vstack([r[0] for r in rows]) if rows else np.zeros((0, self.dim), np.float32)
        return Embedded(vectors.astype(np.float32), np.array([r[1] for r in rows], np.int64),
                        np.array([r[2] for r in rows], bool))

    def count_tokens(self, strings: Sequence[str]) -> np.ndarray:
        counts = []
        for string in strings:
            key = string_key(string)
            if key not in self.tape.counts:
                raise self._missing(string)
            counts.append(self.tape.counts[key])
        return np.array(counts, np.int64)


def fingerprint(tape: Tape) -> str:
    return f"replay|{tape.model_id}|{tape.dim}|{tape.max_seq_length}"


class TapeStore:
    """The tapes as a read-only embedding store: a replay's vectors are served, not embedded (its summaries say
    "from cache", never "embedded")."""

    def __init__(self, tapes: Sequence[Tape]):
        self.rows = {cache_key(fingerprint(t), s): row for t in tapes for s, row in t.vectors.items()}

    def get_many(self, keys: Sequence[bytes], dim: int) -> dict[bytes, Row]:
        return {k: self.rows[k] for k in keys if k in self.rows}

    def put_many(self, rows) -> None:
        """A replay writes nothing."""


def replay_backend(settings: Settings, tapes: Sequence[Tape], default_ref: str) -> Backend:
    """A backend whose models are ``tapes`` (by the reference each was asked under); ``default_ref`` is model A."""
    by_ref = {t.ref: t for t in tapes}

    def load(ref: str, _settings: Settings, status: Status) -> Loaded:
        if ref not in by_ref:
            raise InputError(f"This saved scenario holds no answers of {ref}.")
        status.selfcheck.add("replay", True, "vectors and token counts from a saved scenario; no model runs")
        tape = by_ref[ref]
        return Loaded(ReplayEncoder(tape), tape.spec, tape.model_id, REPLAY_REASON)

    backend = Backend(replace(settings, model=default_ref, backend_url="", compare_model="", no_cache=True), load,
                      announce=False)
    backend.store = TapeStore(tapes)
    return backend
