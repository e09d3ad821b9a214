"""Files that pair things up: relevance labels (qrels) for retrieval metrics, and two-column bitext files.

qrels come as TSV/CSV (``query_id, doc_id[, relevance]``, header optional; TREC's four-column
``query_id 0 doc_id relevance`` also works) or JSONL (BEIR style: ``query_id``, ``doc_id`` or ``corpus_id``,
``relevance`` or ``score``).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from harrier_explorer.errors import InputError
from harrier_explorer.inputs.decoding import DEFAULT_MAX_ITEM_CHARS, check_item_chars, check_item_limit, decode_file
from harrier_explorer.inputs.tabular import read_rows, row_label

#: Lower-cased header cells that mark a first row as a header (the row is data otherwise).
_HEADER_WORDS = frozenset({
    "query_id", "query-id", "qid", "query", "doc_id", "doc-id", "docid", "corpus_id", "corpus-id", "pid", "doc",
    "relevance", "score", "rel", "label",
})
_QUERY_KEYS = ("query_id", "query-id", "qid")
_DOC_KEYS = ("doc_id", "corpus_id", "corpus-id", "docid", "pid")
_RELEVANCE_KEYS = ("relevance", "score", "rel", "label")


@dataclass(frozen=True)
class Bitext:
    """Two parallel text columns: ``source[i]`` translates ``target[i]``."""

    source: tuple[str, ...]
    target: tuple[str, ...]
    source_name: str
    target_name: str
    notes: tuple[str, ...] = ()


def parse_qrels(path: str | Path, max_file_mb: float) -> dict[str, dict[str, int]]:
    """Relevance labels as ``qrels[query_id][doc_id] = relevance`` (a missing relevance means 1).

    Raises:
        InputError: a row without two ids, a relevance that is not a number, or no labels at all.
    """
    path = Path(path)
    text, _ = decode_file(path, max_file_mb)
    rows = _jsonl_triples(text, path.name) if path.suffix.lower() == ".jsonl" else _delimited_triples(text, path)
    qrels: dict[str, dict[str, int]] = {}
    for line, query_id, doc_id, relevance in rows:
        try:
            # Float first: exports often write "1.0"; graded labels are small integers either way.
            value = int(float(relevance)) if relevance not in (None, "") else 1
        except ValueError:
            raise InputError(f"Line {line} of {path.name}: relevance {relevance!r} is not a number") from None
        qrels.setdefault(query_id, {})[doc_id] = value
    if not qrels:
        raise InputError(f"{path.name} holds no relevance labels")
    return qrels


def load_bitext(
    path: str | Path,
    max_file_mb: float,
    max_items: int,
    source_column: str | None = None,
    target_column: str | None = None,
    *,
    max_item_chars: int | None = DEFAULT_MAX_ITEM_CHARS,
) -> Bitext:
    """Read a two-column parallel file (.tsv/.csv/.jsonl); the columns default to the file's first two.

    Rows where either side is blank are skipped (with a note), keeping the others aligned.

    Raises:
        InputError: a missing column, no complete pair, more than ``max_items`` pairs, or a side longer than
            ``max_item_chars`` characters (None: no limit).
    """
    path = Path(path)
    rows, available, notes = read_rows(path, max_file_mb)
    source_column = source_column or (available[0] if available else None)
    target_column = target_column or (available[1] if len(available) > 1 else None)
    for column in (source_column, target_column):
        if column is None or column not in available:
            raise InputError(f"{path.name} needs two text columns; chose {column!r}, available: {', '.join(available)}")
    pairs = [(r.get(source_column, "").strip(), r.get(target_column, "").strip()) for r in rows]
    kept = [(s, t) for s, t in pairs if s and t]
    if not kept:
        raise InputError(f"{path.name} is empty: no row has text in both {source_column!r} and {target_column!r}")
    check_item_limit(len(kept), max_items, path.name)
    for number, pair in enumerate(pairs, 1):
        for column, text in zip((source_column, target_column), pair):
            check_item_chars(text, max_item_chars, f"{row_label(path.name, number)} (column {column!r})",
                             "split that pair into sentence pairs, one per row")
    if len(kept) < len(pairs):
        notes = [*notes, f"{path.name}: skipped {len(pairs) - len(kept)} rows with a blank side"]
    source, target = zip(*kept)
    return Bitext(tuple(source), tuple(target), source_column, target_column, tuple(notes))


def _delimited_triples(text: str, path: Path) -> list[tuple[int, str, str, str | None]]:
    """``(line, query_id, doc_id, relevance)`` rows of a TSV/CSV/whitespace qrels file, header skipped."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    first = lines[0][1]
    delimiter = "\t" if "\t" in first else "," if "," in first else None  # None: split on runs of spaces
    triples = []
    for number, line in lines:
        cells = next(csv.reader([line], delimiter=delimiter)) if delimiter else line.split()
        cells = [c.strip() for c in cells]
        if number == lines[0][0] and _HEADER_WORDS.intersection(c.lower() for c in cells):
            continue
        if len(cells) == 4:  # TREC: query_id, iteration (ignored), doc_id, relevance
            cells = [cells[0], cells[2], cells[3]]
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise InputError(f"Line {number} of {path.name} needs query_id and doc_id; got {line[:80]!r}")
        triples.append((number, cells[0], cells[1], cells[2] if len(cells) > 2 else None))
    return triples


def _jsonl_triples(text: str, name: str) -> list[tuple[int, str, str, str | None]]:
    """``(line, query_id, doc_id, relevance)`` rows of a BEIR-style qrels JSONL file."""
    triples = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"Line {number} of {name} is not valid JSON ({err.msg})") from None
        query_id, doc_id, relevance = (_first(obj, keys) for keys in (_QUERY_KEYS, _DOC_KEYS, _RELEVANCE_KEYS))
        if query_id is None or doc_id is None:
            raise InputError(
                f"Line {number} of {name} needs 'query_id' and 'doc_id' (or 'corpus_id'); got {line[:80]!r}"
            )
        triples.append((number, query_id, doc_id, relevance))
    return triples


def _first(obj: object, keys: tuple[str, ...]) -> str | None:
    """The first of ``keys`` present in a JSON object, as a string."""
    if not isinstance(obj, dict):
        return None
    return next((str(obj[k]) for k in keys if k in obj and obj[k] is not None), None)
