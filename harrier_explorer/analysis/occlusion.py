"""Why do two texts match? Word attribution by occlusion: drop one word (or one short phrase) at a time, embed the
text again, and see how far the cosine to the other side falls. A bi-encoder has no cross-attention to inspect, so
this asks the model itself, one forward per unit, and needs no gradients.

Units are words (each CJK / Thai character on its own: those scripts write words without spaces); a long text is cut
into at most ``max_units`` runs of neighbouring words, so the cost is bounded whatever the length.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import regex

#: Most units a text is cut into (each is one more embedding of that text).
MAX_UNITS = 40
#: A unit: a run of letters, digits and marks (one character in scripts written without spaces), or any other
#: non-space run (punctuation, symbols).
_CLOSED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}]")
_UNIT = regex.compile(rf"{_CLOSED.pattern}|(?:(?!{_CLOSED.pattern})[\p{{L}}\p{{M}}\p{{N}}_'’-])+"
                      r"|[^\s\p{L}\p{M}\p{N}]+")


@dataclass(frozen=True)
class Occlusion:
    """A text cut into units: ``spans[i]`` = (start, end) in ``text``; ``variants[i]`` = the text without unit i;
    ``grouped``: the units are runs of several words (the text had more than ``max_units``)."""

    text: str
    spans: list[tuple[int, int]]
    variants: list[str]
    grouped: bool = False

    def unit(self, i: int) -> str:
        start, end = self.spans[i]
        return self.text[start:end]


def occlude(text: str, max_units: int = MAX_UNITS) -> Occlusion:
    """``text``'s units, grouped into at most ``max_units`` runs of neighbours, and the text without each."""
    words = [m.span() for m in _UNIT.finditer(text)]
    grouped = len(words) > max_units
    if grouped:  # runs of ⌈n / max_units⌉ neighbouring words
        size = -(-len(words) // max_units)
        words = [(words[i][0], words[min(i + size, len(words)) - 1][1]) for i in range(0, len(words), size)]
    variants = [_joined(text[:start], text[end:]) for start, end in words]
    return Occlusion(text, words, variants, grouped)


def attribution(full: float, without: Sequence[float]) -> np.ndarray:
    """Per unit, how much of the match it carries: the similarity with it minus the similarity without it
    (positive: the pair matches less without the unit)."""
    return full - np.asarray(without, dtype=float)


def highlighted(occlusion: Occlusion, deltas: Sequence[float]) -> list[tuple[str, float | None]]:
    """The text as (segment, weight) pairs for a highlighted-text view: every unit weighted by its delta scaled to
    [-1, 1] by the largest |delta|, the text between units unweighted (None)."""
    deltas = np.asarray(deltas, dtype=float)
    scale = float(np.abs(deltas).max()) if deltas.size else 0.0
    out: list[tuple[str, float | None]] = []
    position = 0
    for (start, end), delta in zip(occlusion.spans, deltas, strict=True):
        if start > position:
            out.append((occlusion.text[position:start], None))
        out.append((occlusion.text[start:end], float(delta / scale) if scale else 0.0))
        position = end
    if position < len(occlusion.text):
        out.append((occlusion.text[position:], None))
    return out


def _joined(before: str, after: str) -> str:
    """``before`` + ``after`` as a writer would join them: one space between two words, none before punctuation,
    none between characters of a script written without spaces."""
    left, right = before.rstrip(), after.lstrip()
    if not left or not right:
        return left + right
    if not regex.match(r"[\p{L}\p{M}\p{N}]", right[0]):  # punctuation sits on the word before it
        return left + right
    gap = len(left) < len(before) or len(right) < len(after)
    if not gap and (_is_closed_script(left[-1]) or _is_closed_script(right[0])):
        return left + right
    return f"{left} {right}"


def _is_closed_script(char: str) -> bool:
    return bool(_CLOSED.match(char))
