"""Handlers of the Model tab: the model report and the two-text playground (requests and results typed)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from harrier_explorer.backend.core import Backend
from harrier_explorer.errors import InputError
from harrier_explorer.models import NO_INSTRUCTION, Role


@dataclass(frozen=True)
class ModelReport:
    checks: pd.DataFrame
    facts: pd.DataFrame


def model_report(backend: Backend) -> ModelReport:
    """The active model (and why), the load-time self-check and the embedding cache's statistics."""
    backend.wait()
    st = backend.status
    spec = backend.spec
    facts = [["model", st.model_id], ["why this model", st.reason], ["device", st.device], ["dtype", st.dtype],
             ["batching", st.batching],
             ["dimensions", st.dim], ["max tokens", st.max_seq_length], ["load time", f"{st.load_seconds:.1f} s"],
             ["query prompt template", repr(spec.query_template)],
             ["document prompt (documents of asymmetric tasks, and queries under (none))",
              repr(spec.document_prompt) if spec.document_prompt else "'' (documents stay bare)"],
             ["prompt names saved with the model", ", ".join(spec.saved_prompts) or "none"]]
    stats = backend.cache_stats()
    if stats:
        facts += [["cache file", stats.path], ["cache entries", stats.entries],
                  ["cache hits / misses (this run)", f"{stats.hits} / {stats.misses}"]]
        if stats.warning:
            facts.append(["cache warning", stats.warning])
    else:
        facts.append(["cache", "off (--no-cache)"])
    checks = pd.DataFrame(st.selfcheck.rows() or [["–", "no local checks", "remote backend"]],
                          columns=["ok", "check", "detail"])
    return ModelReport(checks, pd.DataFrame(facts, columns=["", "value"]))  # numbers stay numbers for API clients


@dataclass(frozen=True)
class CompareRequest:
    text_a: str = field(default="", metadata={"doc": "first text"})
    text_b: str = field(default="", metadata={"doc": "second text"})
    instruction: str = field(default=NO_INSTRUCTION, metadata={
        "doc": "free text, a preset or saved prompt name (e.g. 'sts_query'), a preset's label, '(none)' (no "
               "instruction: the model's document format) or '(raw text)' (no prompt at all)"})
    role_a: Role = field(default="query", metadata={"doc": "query, document or symmetric"})
    role_b: Role = field(default="document", metadata={"doc": "query, document or symmetric"})


@dataclass(frozen=True)
class CompareResult:
    cosine: float
    strings: pd.DataFrame


def compare_two(backend: Backend, request: CompareRequest, progress=None) -> CompareResult:
    """Embed two texts, each with its role, under one instruction: their cosine and the exact strings embedded."""
    if not (request.text_a or "").strip() or not (request.text_b or "").strip():
        raise InputError("Type a text in both boxes.")
    a = backend.encode([request.text_a], request.instruction, request.role_a)
    b = backend.encode([request.text_b], request.instruction, request.role_b)
    rows = [[name, role, repr(r.prompts[0]), int(r.n_tokens[0]), "yes" if r.truncated[0] else "no"]
            for name, role, r in (("A", request.role_a, a), ("B", request.role_b, b))]
    table = pd.DataFrame(rows, columns=["text", "role", "exact string embedded", "tokens", "truncated"])
    return CompareResult(round(float(a.vectors[0] @ b.vectors[0]), 6), table)
