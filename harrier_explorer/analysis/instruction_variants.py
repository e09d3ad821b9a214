"""Rule-based rewrites of an instruction: the paraphrase family whose spread says how sensitive a model is to
wording, and the moves of the lab's greedy search. Plain string rules, no model: each variant says which rule made
it, so a table of scores reads as "swapping the verb cost 0.02".

The rules imitate what people actually write (and what the Harrier card's own task strings contain, typos kept):
drop a clause, swap the verb (retrieve / find / return), swap the object noun (passages / documents / texts),
move the "Given …," clause to the end, shorten to the task noun, add the domain, a typo, a full stop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Verbs of retrieval instructions that are swapped for one another (lower case; the first letter's case is kept).
VERBS = ("retrieve", "find", "return")
#: Object nouns swapped for one another.
NOUNS = ("passages", "documents", "texts")
#: The card's own typo ("Retrieval the relevant passage for the given query"): a verb written as its noun.
TYPOS = {"retrieve": "retrieval", "find": "finding", "return": "returns"}


@dataclass(frozen=True)
class Variant:
    """One wording: the rule that made it (``kind``) and the instruction text."""

    kind: str
    text: str


def rewrites(instruction: str, domain: str = "") -> list[Variant]:
    """Every rule applied once to ``instruction``; duplicates, empty texts and the instruction itself left out.

    Args:
        instruction: the base wording (a task string such as "Given a question, retrieve passages that answer it").
        domain: optional words naming the user's domain ("medical", "legal contracts"); adds a "domain" rewrite.
    """
    base = " ".join(instruction.split())
    if not base:
        return []
    found = [*_drop_clauses(base), *_swap_words(base, VERBS, "verb"), *_swap_words(base, NOUNS, "noun"),
             *_reorder(base), *_shorten(base), *_add_domain(base, domain.strip()), *_typo(base),
             *_punctuation(base)]
    seen, out = {base.casefold()}, []
    for variant in found:
        text = " ".join(variant.text.split()).strip(" ,")
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(Variant(variant.kind, _capitalise(text)))
    return out


def word_ablations(instruction: str) -> list[tuple[int, str, str]]:
    """(position, word, the instruction without that word) for every word: which words matter?"""
    words = instruction.split()
    return [(i, word, " ".join(words[:i] + words[i + 1:])) for i, word in enumerate(words)] if len(words) > 1 else []


#: Where a clause starts: after a comma, or at a relative or purpose word.
_CLAUSE_SPLIT = re.compile(r"(,\s*|\s+(?=(?:that|which|to|for|based on|in order to)\b))", re.IGNORECASE)


def _drop_clauses(text: str) -> list[Variant]:
    """Each clause without the verb left out in turn ("Given a question, retrieve passages that answer the
    question" → "Retrieve passages that answer the question", "Given a question, retrieve passages")."""
    pieces = _CLAUSE_SPLIT.split(text)  # clause, separator, clause, …
    clauses = pieces[::2]
    out = []
    for i, clause in enumerate(clauses):
        if len(clauses) > 1 and clause.strip() and not _has_verb(clause):
            # Drop the clause with the separator before it (the first clause: with the one after it).
            cut = slice(2 * i - 1, 2 * i + 1) if i else slice(0, 2)
            out.append(Variant("drop a clause", "".join(pieces[:cut.start] + pieces[cut.stop:])))
    return out


def _clauses(text: str) -> list[str]:
    return [p for p in _CLAUSE_SPLIT.split(text)[::2] if p.strip()]


def _has_verb(text: str) -> bool:
    return any(w.lower().strip(".,") in VERBS for w in text.split())


def _swap_words(text: str, group: tuple[str, ...], kind: str) -> list[Variant]:
    out = []
    for word in group:
        pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
        if pattern.search(text):
            out += [Variant(f"swap the {kind}", pattern.sub(lambda m, o=other: _same_case(m.group(0), o), text))
                    for other in group if other != word]
    return out


def _reorder(text: str) -> list[Variant]:
    """"Given X, do Y" → "Do Y, given X"."""
    match = re.match(r"(given [^,]+),\s*(.+)", text, re.IGNORECASE)
    if not match:
        return []
    return [Variant("reorder", f"{match.group(2).rstrip('.')}, {match.group(1)[0].lower()}{match.group(1)[1:]}")]


def _shorten(text: str) -> list[Variant]:
    """The clause with the verb alone, without "relevant" and articles ("Retrieve passages"), and its last word, the
    task noun ("passages")."""
    main = next((p for p in _clauses(text) if _has_verb(p)), text)
    words = [w for w in main.rstrip(".").split() if w.lower() not in ("the", "a", "an", "relevant")]
    return [Variant("shorten", " ".join(words)), Variant("shorten", words[-1])] if len(words) > 1 else []


def _punctuation(text: str) -> list[Variant]:
    """With or without a closing full stop."""
    return [Variant("punctuation", text[:-1] if text.endswith(".") else f"{text}.")]


def _add_domain(text: str, domain: str) -> list[Variant]:
    if not domain:
        return []
    for noun in NOUNS + ("passage", "document", "text", "query", "question"):
        pattern = re.compile(rf"\b{noun}\b", re.IGNORECASE)
        if pattern.search(text):
            return [Variant("add the domain", pattern.sub(lambda m: f"{domain} {m.group(0)}", text, count=1))]
    return [Variant("add the domain", f"{text.rstrip('.')} ({domain})")]


def _typo(text: str) -> list[Variant]:
    for verb, typo in TYPOS.items():
        pattern = re.compile(rf"\b{verb}\b", re.IGNORECASE)
        if pattern.search(text):
            return [Variant("typo", pattern.sub(lambda m, t=typo: _same_case(m.group(0), t), text, count=1))]
    return []


def _same_case(model: str, word: str) -> str:
    return word[0].upper() + word[1:] if model[:1].isupper() else word


def _capitalise(text: str) -> str:
    return text[0].upper() + text[1:]
