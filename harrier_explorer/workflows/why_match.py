"""Why do a query and a document (or two sentences) match? Occlusion through the backend, without Gradio: each side
embedded again without one word at a time (``analysis.occlusion``), and the instruction without one word at a time,
each against the other side whole. Every variant goes through the embedding cache, so asking again costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from harrier_explorer.analysis.instruction_variants import word_ablations
from harrier_explorer.analysis.occlusion import Occlusion, attribution, occlude
from harrier_explorer.backend.core import Backend
from harrier_explorer.backend.encoder import Progress
from harrier_explorer.errors import InputError
from harrier_explorer.models import NO_INSTRUCTION, Role


@dataclass(frozen=True)
class PairAttribution:
    """The pair's cosine and, per unit of each side and per word of the instruction, the cosine it costs to drop it
    (positive: the pair matches less without it)."""

    cosine: float
    query: Occlusion
    query_deltas: np.ndarray
    document: Occlusion
    document_deltas: np.ndarray
    instruction_words: list[str]
    instruction_deltas: np.ndarray
    embedded: int  # texts the model embedded for this answer (the rest came from the cache)
    cached: int


def explain_pair(backend: Backend, query: str, document: str, instruction: str | None = NO_INSTRUCTION,
                 symmetric: bool = False, progress: Progress | None = None, *,
                 model: str | None = None) -> PairAttribution:
    """Occlusion of both sides of a pair: the query under ``instruction`` (role query) against the document (role
    document, or under the same instruction when ``symmetric``, as bitext and STS embed both sides)."""
    query, document = (query or "").strip(), (document or "").strip()
    if not query or not document:
        raise InputError("Give both texts of the pair: a query (or source sentence) and a document (or target).")
    q_role: Role = "symmetric" if symmetric else "query"
    d_role: Role = "symmetric" if symmetric else "document"
    q_cut, d_cut = occlude(query), occlude(document)
    cuts = word_ablations(instruction) if instruction and instruction.strip() != NO_INSTRUCTION else []
    q = backend.encode([query, *q_cut.variants], instruction, q_role, progress, model=model)
    d = backend.encode([document, *d_cut.variants], instruction if symmetric else None, d_role, progress, model=model)
    q_full, d_full = q.vectors[0], d.vectors[0]
    cosine = float(q_full @ d_full)
    runs = [q, d]
    instruction_deltas = np.zeros(0)
    if cuts:  # the query under each cut instruction (and the document too, where it takes the instruction), batched
        def under_cuts(text: str, role: Role):
            run = backend.encode_strings([backend.prompt(cut, role, model=model) + text for _i, _w, cut in cuts],
                                         progress, model=model)
            runs.append(run)
            return run.vectors

        q_cuts = under_cuts(query, q_role)
        d_cuts = under_cuts(document, d_role) if symmetric else np.broadcast_to(d_full, q_cuts.shape)
        instruction_deltas = attribution(cosine, np.einsum("ij,ij->i", q_cuts, d_cuts))
    return PairAttribution(cosine, q_cut, attribution(cosine, q.vectors[1:] @ d_full), d_cut,
                           attribution(cosine, d.vectors[1:] @ q_full), [word for _i, word, _t in cuts],
                           instruction_deltas, sum(r.embedded for r in runs), sum(r.cached for r in runs))
