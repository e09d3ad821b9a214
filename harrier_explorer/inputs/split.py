"""Cut long text into the units people embed: paragraphs, sentences, or token-bounded chunks.

Sentence splitting uses ``sentencex`` (rule-based, offline, knows abbreviations and CJK punctuation for many
languages). Chunking takes the token counter as a parameter so that this module stays free of model code: the
backend passes the model tokenizer, tests pass a whitespace counter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from harrier_explorer.errors import InputError

#: A blank line (possibly holding spaces) separates paragraphs.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
#: Fallback units for a sentence longer than the budget: a word with its trailing space, then single characters.
_WORD = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class Chunk:
    """One piece of a longer text.

    ``text == source[start:end]``: the span is in characters of the source, with surrounding whitespace trimmed.
    """

    text: str
    start: int
    end: int
    n_tokens: int


def split_paragraphs(text: str) -> list[str]:
    """Split on blank lines; returns the stripped, non-empty paragraphs in order."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n")) if p.strip()]


def split_sentences(text: str, lang: str | None) -> list[str]:
    """Split ``text`` into sentences with the rules of ``lang`` (ISO 639-1; None or "und" uses English rules).

    Returns the stripped, non-empty sentences in order.
    """
    return [text[start:end] for start, end in _sentence_spans(text, lang)]


def chunk_by_tokens(
    text: str,
    count_tokens: Callable[[str], int],
    max_tokens: int,
    overlap_tokens: int = 0,
    lang: str | None = None,
) -> list[Chunk]:
    """Pack ``text`` into chunks of at most ``max_tokens`` tokens, consecutive chunks sharing about ``overlap_tokens``.

    Chunks end at sentence boundaries when a sentence fits; a sentence longer than the budget is cut between
    words, and a word longer than the budget between characters. The overlap is made of whole units (sentences,
    or words inside a long sentence) whose tokens add up to at most ``overlap_tokens``.

    Args:
        text: the document.
        count_tokens: tokens in a string (e.g. ``lambda s: len(tokenizer(s).input_ids)`` without special tokens).
        max_tokens: budget per chunk, >= 1.
        overlap_tokens: tokens repeated from the end of one chunk at the start of the next, 0 <= overlap < max.
        lang: ISO 639-1 code for the sentence rules; None detects it from the text.

    Returns:
        Chunks in document order; ``[]`` for blank text.

    Raises:
        InputError: the budget or overlap is out of range.
    """
    if max_tokens < 1 or not 0 <= overlap_tokens < max_tokens:
        raise InputError(
            f"Chunking needs max_tokens >= 1 and 0 <= overlap_tokens < max_tokens; "
            f"got max_tokens={max_tokens}, overlap_tokens={overlap_tokens}"
        )
    units = _units_within_budget(text, lang or sentence_rules_language(text), count_tokens, max_tokens)
    chunks: list[Chunk] = []
    first = 0
    while first < len(units):
        last, total = first, units[first].n_tokens  # the chunk is units[first..last]; one unit fits by construction
        while last + 1 < len(units) and total + units[last + 1].n_tokens <= max_tokens:
            last += 1
            total += units[last].n_tokens
        # Token counts are not exactly additive (a tokenizer may merge across a boundary): shrink until it fits.
        while last > first and count_tokens(text[units[first].start : units[last].end]) > max_tokens:
            last -= 1
        chunks.append(_chunk(text, units[first].start, units[last].end, count_tokens))
        if last == len(units) - 1:
            break
        first = _overlap_start(units, first, last, overlap_tokens)
    return chunks


def _sentence_spans(text: str, lang: str | None) -> list[tuple[int, int]]:
    """Character spans of the sentences, whitespace trimmed."""
    from sentencex import segment

    spans, pos = [], 0
    for sentence in segment(lang if lang and lang != "und" else "en", text):
        start = text.find(sentence, pos)
        if start < 0:  # defensive: segments are substrings in order; resync instead of producing a wrong span
            continue
        pos = start + len(sentence)
        if sentence.strip():
            spans.append(_trim(text, start, pos))
    return spans


def _units_within_budget(text: str, lang: str, count_tokens: Callable[[str], int], max_tokens: int) -> list[Chunk]:
    """Sentence spans, with any sentence over budget replaced by word spans (and any word over budget by chars)."""
    units: list[Chunk] = []
    for start, end in _sentence_spans(text, lang):
        sentence = _chunk(text, start, end, count_tokens)
        if sentence.n_tokens <= max_tokens:
            units.append(sentence)
            continue
        for word in _WORD.finditer(text, start, end):
            if not word.group().strip():
                continue
            piece = _chunk(text, *_trim(text, word.start(), word.end()), count_tokens)
            if piece.n_tokens <= max_tokens:
                units.append(piece)
            else:
                units.extend(_chunk(text, i, i + 1, count_tokens) for i in range(piece.start, piece.end))
    return units


def sentence_rules_language(text: str) -> str:
    """The language whose sentence rules suit ``text``, detected from its opening 2,000 characters.

    The opening is enough to pick rules, and detecting over a whole multi-megabyte text would take seconds.
    """
    from harrier_explorer.inputs.language import detect_language

    return detect_language(text[:2000])


def _overlap_start(units: list[Chunk], first: int, last: int, overlap_tokens: int) -> int:
    """Index of the unit where the next chunk starts: the earliest unit after ``first`` whose tail fits the overlap."""
    start, tail = last + 1, 0
    # Stop before ``first`` so that every chunk starts later than the previous one (guaranteed progress).
    while start - 1 > first and tail + units[start - 1].n_tokens <= overlap_tokens:
        start -= 1
        tail += units[start].n_tokens
    return start


def _chunk(text: str, start: int, end: int, count_tokens: Callable[[str], int]) -> Chunk:
    piece = text[start:end]
    return Chunk(text=piece, start=start, end=end, n_tokens=count_tokens(piece))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
