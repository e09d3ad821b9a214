"""The Model tab's comparisons of model A with model B (or more models): their facts side by side, a parity check on
a probe set, and speed against quality on the user's own bitext.

Parity: where both models embed into the same space (one model on two backends, in two dtypes) the per-text cosine
between A's and B's vector must be ≈ 1; where they do not (two sizes, two families, a truncation) the honest
comparison is how alike their similarity matrices rank the pairs, and how much each text's neighbours overlap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from harrier_explorer.analysis.bitext import gold_report
from harrier_explorer.analysis.model_compare import neighbour_overlap, parity, similarity_agreement
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.backend.core import Backend
from harrier_explorer.backend.selfcheck import PROBE
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.pairs import load_bitext
from harrier_explorer.models import NO_INSTRUCTION, Role
from harrier_explorer.ui.common import example_path, markdown_text
from harrier_explorer.workflows.bitext import embed_bitext

#: Most models one speed/quality run measures (each embeds the bitext lists once).
MAX_MODELS = 6
#: Models of different families take different instructions: this gives each its own family's bitext preset.
EACH_PRESET = "(each model's own bitext preset)"


def model_refs(backend: Backend, model_b: str, more: str = "") -> list[str]:
    """Model A, then B and any further references (one per line), without repeats or blanks."""
    refs = [backend.default_ref, (model_b or "").strip(), *(line.strip() for line in (more or "").splitlines())]
    refs = list(dict.fromkeys(r for r in refs if r))
    if len(refs) > MAX_MODELS:
        raise InputError(f"{len(refs)} models is more than the {MAX_MODELS} one comparison measures.")
    return refs


def facts_table(backend: Backend, refs: list[str]) -> pd.DataFrame:
    """One column per model: id, why, device, dtype, batching (and runtime), dims, max tokens, parameters, load
    time, self-check."""
    rows = {}
    for ref in refs:
        backend.wait(model=ref)
        st, base = backend.slot(ref).status, backend.wait(model=ref)
        params = getattr(base, "n_parameters", None)
        rows[ref] = {"model": st.model_id, "why": st.reason, "device": st.device, "dtype": st.dtype,
                     "batching": st.batching, "dimensions": st.dim, "max tokens": st.max_seq_length,
                     "parameters": f"{params / 1e6:.1f} M" if params else "–",
                     "load time": f"{st.load_seconds:.1f} s", "self-check": st.selfcheck.summary}
    return pd.DataFrame(rows).rename_axis("").reset_index()  # numbers stay numbers for API clients


@dataclass(frozen=True)
class ParityRequest:
    model_b: str = field(default="", metadata={
        "doc": "the model to compare with model A (a Hugging Face id, a folder, an http(s) URL of a server, a ?dim=, "
               "?dtype= or ?runtime= variant)"})
    probe: str = field(default="", metadata={"doc": "texts to embed, one per line (empty: 20 built-in sentences, "
                                                    "four meanings in five languages)"})
    instruction: str = field(default=NO_INSTRUCTION, metadata={"doc": "instruction (any form; see compare_two)"})
    role: Role = field(default="symmetric", metadata={"doc": "query, document or symmetric"})


@dataclass(frozen=True)
class ParityResult:
    summary: str
    min_cosine: float | None  # None where the two models' dimensions differ
    similarity_rho: float
    facts: pd.DataFrame
    texts: pd.DataFrame


def parity_check(backend: Backend, request: ParityRequest, progress=None) -> ParityResult:
    """Embed a probe set with model A and model B: per-text cosine where they share a space, else how alike their
    similarity matrices rank the pairs, and each text's neighbour overlap."""
    if not (request.model_b or "").strip():
        raise InputError("Choose model B (at the top of the page) to compare with model A.")
    texts = [line.strip() for line in (request.probe or "").splitlines() if line.strip()] or list(PROBE)
    if len(texts) < 3:
        raise InputError(f"The probe set needs at least 3 texts, got {len(texts)}.")
    refs = model_refs(backend, request.model_b)
    if len(refs) < 2:
        raise InputError("Model B is model A: choose another model (or a ?dim= / ?dtype= variant of it).")
    a = backend.encode(texts, request.instruction, request.role, model=refs[0]).vectors
    b = backend.encode(texts, request.instruction, request.role, model=refs[1]).vectors
    rho, jaccard = similarity_agreement(a, b), neighbour_overlap(a, b, k=min(5, len(texts) - 1))
    table = pd.DataFrame({"#": range(1, len(texts) + 1), "text": [snippet(t, 90) for t in texts],
                          "neighbour overlap (Jaccard, k=5)": jaccard.round(3)})
    if a.shape[1] == b.shape[1]:
        p = parity(a, b)
        table.insert(2, "cosine A·B", p.cosine.round(5))
        table.insert(3, "same nearest neighbour", np.where(p.same_nearest, "yes", "NO"))
        min_cos = round(p.min, 6)
        verdict = (f"**Same space: per-text cosine min {p.min:.5f}, mean {p.mean:.5f}**; "
                   f"{int(p.same_nearest.sum())}/{len(texts)} texts keep their nearest neighbour.")
    else:
        min_cos = None
        verdict = (f"**Different spaces ({a.shape[1]} vs {b.shape[1]} dims)**: no per-text cosine; their "
                   "similarity matrices are compared instead.")
    summary = (f"{verdict} Similarity-matrix rank agreement (Spearman ρ over {len(texts) * (len(texts) - 1) // 2} "
               f"pairs): **{rho:.3f}**; mean neighbour overlap {jaccard.mean():.2f}.  \n"
               f"A = {markdown_text(refs[0])}, B = {markdown_text(refs[1])}; instruction "
               f"{markdown_text(request.instruction)}, role {request.role}.")
    return ParityResult(summary, min_cos, round(rho, 6), facts_table(backend, refs), table)


@dataclass(frozen=True)
class SpeedQualityRequest:
    model_b: str = field(default="", metadata={"doc": "model B (optional)"})
    more_models: str = field(default="", metadata={"doc": "further model references, one per line"})
    pair_file: str | None = field(default=None, metadata={"doc": "a two-column file of translations in gold order "
                                                                 "(empty: the 80 German–English Tatoeba pairs)"})
    instruction: str = field(default=EACH_PRESET, metadata={
        "doc": f"{EACH_PRESET!r} (default: each model gets its family's bitext instruction), or one instruction for "
               "all (any form)"})


@dataclass(frozen=True)
class SpeedQualityResult:
    table: pd.DataFrame
    plot: go.Figure


def speed_quality(backend: Backend, request: SpeedQualityRequest, progress=None) -> SpeedQualityResult:
    """For each model: texts/s measured on this machine (the model itself, below the cache) against bitext accuracy
    on the user's pairs (MTEB's Tatoeba metric, cosine and margin) — the distillation trade-off as one chart."""
    s = backend.settings
    bitext = load_bitext(request.pair_file or example_path("bitext_de_en.tsv"), s.max_file_mb, s.max_items,
                         max_item_chars=s.max_item_chars)
    if len(bitext.source) < 2:
        raise InputError("Speed against quality needs at least 2 translation pairs.")
    rows = []
    for ref in model_refs(backend, request.model_b, request.more_models):
        instruction = (backend.spec_of(ref).preset("bitext") or NO_INSTRUCTION
                       if request.instruction == EACH_PRESET else request.instruction)
        run = embed_bitext(backend, bitext.source, bitext.target, instruction, model=ref)
        report = gold_report(run.margins(4))
        speed = backend.measure_speed([*bitext.source, *bitext.target], model=ref)
        rows.append({"model": backend.slot(ref).status.model_id, "instruction": instruction,
                     "texts/s": round(speed, 1),
                     "dims": backend.slot(ref).status.dim,
                     **{f"{score} accuracy {d}": round(getattr(acc, attr), 4) for score, acc in report.items()
                        for d, attr in (("s → t", "src_to_tgt"), ("t → s", "tgt_to_src"))}})
    table = pd.DataFrame(rows)
    quality = "margin accuracy s → t"
    fig = go.Figure(go.Scatter(x=table["texts/s"], y=table[quality], mode="markers+text", text=table["model"],
                               textposition="top center", marker={"size": 12},
                               hovertemplate="%{text}<br>%{x:.1f} texts/s<br>accuracy %{y:.3f}<extra></extra>"))
    fig.update_layout(xaxis_title="texts per second on this machine (log)", xaxis_type="log",
                      yaxis_title=f"{quality} ({len(bitext.source)} pairs)", height=380,
                      margin={"l": 60, "r": 20, "t": 30, "b": 50})
    return SpeedQualityResult(table, fig)
