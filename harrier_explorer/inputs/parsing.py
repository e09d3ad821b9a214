"""Turn what users paste or upload into text records: one ``TextRecord`` per item to embed.

Formats: paste (one item per line), .txt/.md (per line, paragraph, sentence or whole document), .csv/.tsv and
.jsonl (a chosen text column/field, optional id, label and language columns), .pdf (pypdf) and .docx
(python-docx). Problems the user can fix raise ``InputError``; things we fixed silently (blank lines skipped, an
encoding guessed) come back as notes. JSONL is strict: a line that is not a JSON object, or lacks the chosen text
field, is an error naming the line, because skipping it would silently shift ids and gold labels.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harrier_explorer.errors import InputError
from harrier_explorer.inputs.decoding import (
    DEFAULT_MAX_ITEM_CHARS,
    check_item_chars,
    check_item_limit,
    decode_file,
    read_limited,
)
from harrier_explorer.inputs.split import sentence_rules_language, split_paragraphs, split_sentences
from harrier_explorer.inputs.tabular import TABULAR_EXTENSIONS, read_rows, row_label

DOCUMENT_EXTENSIONS = (".txt", ".md", ".pdf", ".docx")
SUPPORTED_EXTENSIONS = DOCUMENT_EXTENSIONS + TABULAR_EXTENSIONS
SPLIT_MODES = ("line", "paragraph", "sentence", "document")
#: Column names tried, in order, when the caller does not name one (covers our assets, BEIR and SIB-200 files).
_DEFAULT_NAMES = {
    "text": ("text", "sentence", "content", "passage"),
    "id": ("id", "_id", "doc_id", "query_id"),
    "label": ("label", "topic", "category"),
    "lang": ("lang", "language"),
}
#: Markdown line prefixes (heading marks, bullets, quotes, numbered items) that are markup, not content.
_MD_PREFIX = re.compile(r"^(?:#{1,6}\s+|[-*+>]\s+|\d+[.)]\s+)")
#: How to get shorter items when one item of a document, split this way, is over ``max_item_chars``.
_SPLIT_REMEDIES = {
    "line": "split the file into sentences ('split documents into': sentence)",
    "paragraph": "split the file into sentences or lines ('split documents into')",
    "sentence": "no sentence boundary was found in it; split the file into lines ('split documents into': line)",
    "document": "split the file into paragraphs or sentences ('split documents into')",
}
#: Offered for every document item: long documents can also be embedded as token-bounded chunks.
_CHUNK_REMEDY = ", or embed it in token chunks (Cluster map: 'split into token chunks')"
#: Largest total size of a .docx file's members once unzipped, in MB (at least this, or twice ``max_file_mb``).
#: python-docx inflates every member and parses its XML: a 141 KB "zip bomb" cost 40 s and 1.4 GB before it
#: failed. Real documents hold their text in a few MB of XML and their pictures stored about 1:1.
_DOCX_UNZIPPED_MB = 100
#: Largest inflation ratio of one .docx member over 1 MB: Word's XML deflates about 5-30:1, a bomb about 1000:1.
#: Apache POI refuses above 100:1 by default for the same reason.
_DOCX_MAX_RATIO = 100


@dataclass(frozen=True)
class TextRecord:
    """One item to embed. ``source`` is the file name ("paste" for pasted text); ``extra`` holds other columns."""

    text: str
    id: str
    label: str | None = None
    lang: str | None = None
    source: str = ""
    extra: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class LoadResult:
    """Records in input order, plus notes for the user about what was skipped or guessed."""

    records: tuple[TextRecord, ...]
    notes: tuple[str, ...] = ()

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.records]

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.records]

    @property
    def langs(self) -> list[str | None]:
        return [r.lang for r in self.records]


@dataclass(frozen=True)
class Columns:
    """Which column/field holds what; None picks a conventional name ("text", "id", "label", "lang") if present."""

    text: str | None = None
    id: str | None = None
    label: str | None = None
    lang: str | None = None


def parse_paste(text: str, max_items: int, max_item_chars: int | None = DEFAULT_MAX_ITEM_CHARS) -> LoadResult:
    """One record per non-blank line of pasted text (ids "paste:1", "paste:2", … by item).

    Raises:
        InputError: blank text, more than ``max_items`` lines, or a line over ``max_item_chars`` (None: no limit).
    """
    items, skipped = _lines(text, markdown=False)
    if not items:
        raise InputError("The pasted text is empty")
    check_item_limit(len(items), max_items, "The pasted text")
    for line, item in items:
        check_item_chars(item, max_item_chars, f"Line {line} of the pasted text",
                         "break it into several lines, or upload it as a file and split it into sentences")
    records = tuple(TextRecord(text=t, id=f"paste:{i}", source="paste") for i, (_, t) in enumerate(items, 1))
    return LoadResult(records, (f"skipped {skipped} blank lines",) if skipped else ())


def load_files(
    paths: Sequence[str | Path],
    *,
    max_file_mb: float,
    max_items: int,
    columns: Columns = Columns(),
    split: str | None = None,
    max_item_chars: int | None = DEFAULT_MAX_ITEM_CHARS,
) -> LoadResult:
    """Parse one or several uploaded files into records, in file order.

    Args:
        paths: the files; the extension picks the parser (see ``SUPPORTED_EXTENSIONS``).
        max_file_mb: largest file accepted.
        max_items: most records accepted over all files.
        columns: text/id/label/lang columns for .csv/.tsv/.jsonl.
        split: for .txt/.md/.pdf/.docx, one of ``SPLIT_MODES``; None means "line" for .txt/.md and
            "paragraph" for .pdf/.docx.
        max_item_chars: most characters in one record; a longer one is refused, naming it, before anything
            tokenises it. None turns the check off, for callers that cut records further (token chunks, sentences)
            and check the pieces.

    Returns:
        The records (ids "<file>:<n>" unless an id column is used) and notes.

    Raises:
        InputError: empty, binary, unsupported or too large input; a record over ``max_item_chars``; a missing
            column; duplicate ids.
    """
    if not paths:
        raise InputError("No file was given")
    if split is not None and split not in SPLIT_MODES:
        raise InputError(f"Unknown split mode {split!r}; choose one of {', '.join(SPLIT_MODES)}")
    records: list[TextRecord] = []
    notes: list[str] = []
    for path in map(Path, paths):
        new, file_notes = _load_one(path, max_file_mb, columns, split, max_item_chars)
        if not new:
            raise InputError(f"{path.name} is empty: it holds no text to embed")
        records += new
        notes += file_notes
    check_item_limit(len(records), max_items, "The upload" if len(paths) > 1 else Path(paths[0]).name)
    _require_unique_ids(records)
    return LoadResult(tuple(records), tuple(notes))


def _load_one(
    path: Path, max_file_mb: float, columns: Columns, split: str | None, max_item_chars: int | None
) -> tuple[list[TextRecord], list[str]]:
    """Records and notes of one file."""
    ext = _extension(path)
    if ext in TABULAR_EXTENSIONS:
        rows, available, notes = read_rows(path, max_file_mb)
        records = rows_to_records(rows, available, columns, path.name, max_item_chars)
        skipped, what = len(rows) - len(records), "rows with empty text"
    else:
        text, notes = _document_text(path, ext, max_file_mb)
        records, skipped = _document_records(text, path.name, split or _default_split(ext), ext == ".md",
                                             max_item_chars)
        if ext in (".pdf", ".docx"):
            skipped = 0  # their blank lines are the page/paragraph separators we inserted, not the user's
        what = "blank lines"
    return records, notes + ([f"{path.name}: skipped {skipped} {what}"] if skipped else [])


def _extension(path: Path) -> str:
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        supported = ", ".join(SUPPORTED_EXTENSIONS)
        raise InputError(f"{path.name}: unsupported file type {ext or '(none)'}; supported: {supported}")
    return ext


def _default_split(ext: str) -> str:
    return "paragraph" if ext in (".pdf", ".docx") else "line"


def _document_text(path: Path, ext: str, max_file_mb: float) -> tuple[str, list[str]]:
    """Plain text of a document file; paragraphs are separated by blank lines."""
    if ext in (".txt", ".md"):
        return decode_file(path, max_file_mb)
    data = io.BytesIO(read_limited(path, max_file_mb))
    try:
        if ext == ".pdf":
            from pypdf import PdfReader

            pages = [page.extract_text() or "" for page in PdfReader(data).pages]
            return "\n\n".join(pages), []
        from docx import Document

        _check_unzipped_size(data, path.name, max_file_mb)
        return "\n\n".join(p.text for p in Document(data).paragraphs), []
    except InputError:
        raise
    except Exception as err:  # both libraries raise many unrelated types for a corrupt file
        raise InputError(f"{path.name} could not be read as {ext[1:].upper()}: {err}") from None


def _check_unzipped_size(data: io.BytesIO, name: str, max_file_mb: float) -> None:
    """Refuse a .docx (a zip) that would inflate far beyond any real document, before python-docx inflates it.

    The sizes come from the zip's directory, and ``zipfile`` never inflates a member past its declared size, so
    the check is cheap and cannot be lied to.
    """
    import zipfile

    members = zipfile.ZipFile(data).infolist()
    total_mb = sum(m.file_size for m in members) / 1_000_000
    limit_mb = max(_DOCX_UNZIPPED_MB, 2 * max_file_mb)
    if total_mb > limit_mb:
        raise InputError(f"{name} would unzip to {total_mb:,.1f} MB, above the limit of {limit_mb:g} MB for a .docx "
                         "(is it a zip bomb?); save the text as .txt or split the document")
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > 1_000_000 and ratio > _DOCX_MAX_RATIO:
            raise InputError(f"{name}: its part {m.filename} inflates {ratio:,.0f} times (real documents: under "
                             f"{_DOCX_MAX_RATIO}); is it a zip bomb? Save the text as .txt and upload that")
    data.seek(0)


def _document_records(
    text: str, name: str, split: str, markdown: bool, max_item_chars: int | None
) -> tuple[list[TextRecord], int]:
    """Records of a document split by ``split``, and the number of blank lines skipped (line mode only).

    Every item is checked against ``max_item_chars`` here, before anything tokenises it.
    """
    skipped = 0
    if split == "line":
        items, skipped = _lines(text, markdown)
    elif split == "document":
        items = [(1, text.strip())] if text.strip() else []
    else:
        # Inside a paragraph, hard-wrapped lines (PDF extraction, wrapped .txt) belong together.
        paragraphs = [" ".join(p.split("\n")) for p in split_paragraphs(text)]
        if split == "sentence":
            paragraphs = [s for p in paragraphs for s in split_sentences(p, sentence_rules_language(p))]
        items = list(enumerate(paragraphs, 1))
    for number, item in items:
        where = f"{name}, kept whole as one document," if split == "document" else f"{split.title()} {number} of {name}"
        check_item_chars(item, max_item_chars, where, _SPLIT_REMEDIES[split] + _CHUNK_REMEDY)
    return [TextRecord(text=t, id=f"{name}:{i}", source=name) for i, (_, t) in enumerate(items, 1)], skipped


def _lines(text: str, markdown: bool) -> tuple[list[tuple[int, str]], int]:
    """``(line number, stripped line)`` of the non-blank lines (Markdown prefixes removed if ``markdown``), and the
    count of blank ones."""
    lines = [line.strip() for line in text.splitlines()]
    if markdown:
        lines = [_MD_PREFIX.sub("", line).strip() for line in lines]
    items = [(number, line) for number, line in enumerate(lines, 1) if line]
    # Trailing newlines of the file are not "skipped lines" anyone wants to hear about.
    blank = len(text.rstrip().splitlines()) - len(items)
    return items, blank


def _resolve(columns: Columns, available: list[str], name: str) -> dict[str, str | None]:
    """Map role → column name, checking the names the caller chose and picking defaults for the others."""
    resolved: dict[str, str | None] = {}
    for role, candidates in _DEFAULT_NAMES.items():
        chosen = getattr(columns, role)
        if chosen is not None and chosen not in available:
            raise InputError(f"{name} has no column {chosen!r} (for {role}); available: {', '.join(available)}")
        resolved[role] = chosen or next((c for c in candidates if c in available), None)
    if resolved["text"] is None:
        raise InputError(f"{name}: choose the text column; available: {', '.join(available)}")
    return resolved


def rows_to_records(rows: list[dict[str, str]], available: list[str], columns: Columns, name: str,
                    max_item_chars: int | None) -> list[TextRecord]:
    """One record per row with a non-blank text (blank ones are skipped), its id, label and language from the
    chosen or conventionally named columns and the other columns kept as ``extra``."""
    roles = _resolve(columns, available, name)
    used = {c for c in roles.values() if c}
    records = []
    for number, row in enumerate(rows, 1):
        if roles["text"] not in row:  # only JSONL rows can lack a field; a table has every column
            raise InputError(f"Record {number} of {name} has no field {roles['text']!r}; it has: {', '.join(row)}")
        text = row[roles["text"]].strip()
        if not text:
            continue
        check_item_chars(text, max_item_chars, f"{row_label(name, number)} (column {roles['text']!r})",
                         "shorten that text or spread it over several rows")
        records.append(TextRecord(
            text=text,
            id=_cell(row, roles["id"]) or f"{name}:{number}",
            label=_cell(row, roles["label"]),
            lang=_cell(row, roles["lang"]),
            source=name,
            extra={k: v for k, v in row.items() if k not in used},
        ))
    return records


def _cell(row: dict[str, str], column: str | None) -> str | None:
    """The stripped value of ``column``, None when there is no such column or the cell is blank."""
    value = row.get(column, "").strip() if column else ""
    return value or None


def _require_unique_ids(records: list[TextRecord]) -> None:
    seen: dict[str, str] = {}
    for r in records:
        if r.id in seen:
            raise InputError(f"Id {r.id!r} occurs twice ({seen[r.id]} and {r.source}); ids must be unique")
        seen[r.id] = r.source
