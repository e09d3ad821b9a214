"""Bitext matching without Gradio: embed two lists the symmetric way, score every pair, choose pairs.

The Bitext matching tab and ``benchmarks/tatoeba.py`` call these same functions, so the benchmark measures exactly
what the tab shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from harrier_explorer.analysis.bitext import MarginScores, Matching, match, ratio_margin
from harrier_explorer.analysis.similarity import cosine_matrix
from harrier_explorer.backend.core import Backend
from harrier_explorer.backend.encoder import Progress
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.language import resolve_languages

SCORES = ("cosine", "margin")
#: Largest score matrix held (n × m cells, 4 bytes each, plus the margin matrix): 4M cells = 2000 × 2000.
MAX_CELLS = 4_000_000


@dataclass(frozen=True)
class BitextRun:
    """Two embedded lists and the cosine of every (source, target) pair."""

    source: tuple[str, ...]
    target: tuple[str, ...]
    source_languages: tuple[str, ...]
    target_languages: tuple[str, ...]
    cosine: np.ndarray  # (n, m)
    summary: str  # what the backend embedded and what came from the cache

    def margins(self, k: int) -> MarginScores:
        return ratio_margin(self.cosine, k)

    @property
    def same_length(self) -> bool:
        return len(self.source) == len(self.target)


def embed_bitext(backend: Backend, source: Sequence[str], target: Sequence[str], instruction: str | None,
                 progress: Progress | None = None, *, model: str | None = None) -> BitextRun:
    """Embed both lists with role="symmetric" (bitext mining is a symmetric task: every input gets the instruction).

    Raises:
        InputError: a list with fewer than two sentences (matching and margins need a choice to make), or more
            than MAX_CELLS pairs.
    """
    for name, texts in (("source", source), ("target", target)):
        if len(texts) < 2:
            raise InputError(f"The {name} list needs at least 2 sentences to match, got {len(texts)}.")
    if len(source) * len(target) > MAX_CELLS:
        raise InputError(f"{len(source)} × {len(target)} sentences is more pairs than the {MAX_CELLS:,} this tab "
                         "scores at once: split the lists into smaller parts.")
    src = backend.encode(list(source), instruction, "symmetric", progress, model=model)
    tgt = backend.encode(list(target), instruction, "symmetric", progress, model=model)
    return BitextRun(tuple(source), tuple(target), tuple(resolve_languages(source)), tuple(resolve_languages(target)),
                     cosine_matrix(src.vectors, tgt.vectors), f"source {src.summary}; target {tgt.summary}")


def score_matrix(margins: MarginScores, score: str) -> np.ndarray:
    """The matrix pairs are chosen by: raw cosine or the ratio margin."""
    if score not in SCORES:
        raise InputError(f"unknown score {score!r}; choose one of {', '.join(SCORES)}")
    return margins.margin if score == "margin" else margins.cosine


def choose_pairs(margins: MarginScores, method: str, score: str, threshold: float | None) -> Matching:
    """Match by `method` on the chosen score; pairs under `threshold` are flagged unmatched."""
    return match(score_matrix(margins, score), method, threshold)
