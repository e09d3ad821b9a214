"""Turn an uploaded file into text without crashing: size limit, encoding detection, binary rejection.

Users upload what they have: Excel-exported cp1252 CSVs, UTF-16 files from Windows tools, Shift-JIS text,
and sometimes a picture renamed ``.txt``. Everything here either returns a ``str`` (plus a note when the
encoding was guessed) or raises an ``InputError`` that says what to do.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from harrier_explorer.errors import InputError
from harrier_explorer.settings import DEFAULTS

#: Default for the loaders' ``max_item_chars``: the ``max_item_chars`` setting's default, so callers that pass nothing
#: get the limit the app runs with.
DEFAULT_MAX_ITEM_CHARS = DEFAULTS.max_item_chars

#: BOMs are checked longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Share of control characters (other than tab/newline/CR/form feed) above which decoded text is not text.
#: Real text has essentially none; 1% tolerates a few stray bytes in an otherwise fine export.
_MAX_CONTROL_SHARE = 0.01
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")
#: charset-normalizer's "chaos" (mess ratio, 0 = clean) by which cp1252 may trail the best guess and still win.
#: On short texts Baltic/Central-European code pages tie or beat cp1252 by a few hundredths while garbling
#: ï, è, ø; cp1252 is the usual non-UTF-8 encoding of uploads (Windows/Excel exports), so it wins near-ties.
_CP1252_CHAOS_MARGIN = 0.1
#: How a cp1252 guess is reported: cp1252 is Latin-1 (ISO 8859-1) plus printable characters in 0x80-0x9F (€, “ ”).
_CP1252_LABEL = "cp1252 (Windows Latin-1)"


def read_limited(path: str | Path, max_file_mb: float) -> bytes:
    """Read a file's bytes after checking its size against ``max_file_mb``.

    Raises:
        InputError: the file is missing, larger than the limit, or empty.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"File not found: {path.name}. An upload is kept for files_kept_hours (environment variable "
                         "HARRIER_FILES_KEPT_HOURS) after it came: upload it again.")
    size_mb = path.stat().st_size / 1_000_000
    if size_mb > max_file_mb:
        raise InputError(
            f"{path.name} is {size_mb:.1f} MB, above the limit of {max_file_mb:g} MB; raise it with the setting "
            "max_file_mb (environment variable HARRIER_MAX_FILE_MB)"
        )
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path.name} is empty")
    return data


def decode_file(path: Path, max_file_mb: float) -> tuple[str, list[str]]:
    """Read and decode a text file: ``(text, notes)``, notes naming a guessed encoding. Raises InputError if blank."""
    text, note = decode_bytes(read_limited(path, max_file_mb), path.name)
    if not text.strip():
        raise InputError(f"{path.name} is empty")
    return text, [note] if note else []


def check_item_limit(count: int, max_items: int, what: str) -> None:
    """Raise an InputError if ``count`` items exceed ``max_items``; ``what`` names the input in the message."""
    if count > max_items:
        raise InputError(
            f"{what} has {count} items, above the limit of {max_items}; raise it with the setting max_items "
            "(environment variable HARRIER_MAX_ITEMS)"
        )


def check_item_chars(text: str, max_item_chars: int | None, where: str, remedy: str) -> None:
    """Refuse one item longer than ``max_item_chars`` characters (None: no limit), before anything tokenises it.

    A single huge item (a whole book as one "line" or "document") would otherwise be tokenised in full, costing
    minutes and gigabytes only to be truncated to the model's window.

    Args:
        text: the item.
        max_item_chars: the limit, or None for callers that split the text further (e.g. into token chunks).
        where: names the item for the user, e.g. "line 12 of notes.txt".
        remedy: how to get shorter items, e.g. "choose split into sentences".

    Raises:
        InputError: the item is longer than the limit; the message names it, its length, the limit and the remedy.
    """
    if max_item_chars is not None and len(text) > max_item_chars:
        raise InputError(
            f"{where} has {len(text):,} characters, above the limit of {max_item_chars:,} per text; {remedy}. "
            "(The limit is the setting max_item_chars, environment variable HARRIER_MAX_ITEM_CHARS.)"
        )


def decode_bytes(data: bytes, name: str) -> tuple[str, str | None]:
    """Decode file bytes to text, detecting the encoding when it is not plain UTF-8.

    Args:
        data: the raw file content.
        name: the file name, for messages.

    Returns:
        ``(text, note)``; ``note`` says which encoding was used when it was not UTF-8, else None.

    Raises:
        InputError: the bytes look binary (NUL bytes, undecodable, or full of control characters).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data, encoding, name)
            note = None if encoding == "utf-8-sig" else f"{name}: decoded as {encoding} (byte-order mark)"
            return _reject_control_heavy(text, name), note
    try:
        return _reject_control_heavy(data.decode("utf-8"), name), None
    except UnicodeDecodeError:
        pass
    # Without a BOM, NUL bytes mean binary data; BOM-less UTF-16 is too rare to justify the false positives.
    if b"\x00" in data:
        raise _binary(name)
    from charset_normalizer import from_bytes

    candidates = from_bytes(data)
    best = candidates.best()
    if best is None:
        raise _binary(name)
    western = _cp1252_candidate(candidates)
    if western is not None and western.chaos <= best.chaos + _CP1252_CHAOS_MARGIN:
        return _reject_control_heavy(str(western), name), f"{name}: not UTF-8, decoded as {_CP1252_LABEL}"
    return _reject_control_heavy(str(best), name), f"{name}: not UTF-8, decoded as {best.encoding}"


def _cp1252_candidate(candidates):
    """The charset-normalizer match that decodes the bytes exactly as cp1252 would, or None.

    charset-normalizer folds encodings that give the *same* text into one match named after the first it tried,
    listing the others in ``could_be_from_charset``. For German or French Latin-1 text (ä, ü, ß, é, ç) cp1250 comes
    first and decodes identically, so the match is called cp1250 although a Western file (cp1252 / Latin-1) is far
    likelier; looking at match names only would report a Central European encoding for French or German text.
    """
    return next((c for c in candidates if "cp1252" in c.could_be_from_charset), None)


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(f"{name} has a {encoding} byte-order mark but is not valid {encoding}: {err}") from None


def _reject_control_heavy(text: str, name: str) -> str:
    controls = sum(1 for ch in text if ch < " " and ch not in _ALLOWED_CONTROLS)
    if "\x00" in text or controls > _MAX_CONTROL_SHARE * len(text):
        raise _binary(name)
    return text


def _binary(name: str) -> InputError:
    return InputError(f"{name} looks binary, not text (an image or archive with a text extension?)")
