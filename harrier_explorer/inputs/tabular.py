"""Rows of tabular files (.csv, .tsv, .jsonl) as string dicts, and their column names for the UI's dropdowns.

Shared by the record loader (``parsing``) and the pair loaders (``pairs``). Cells are kept as strings: ids such as
"007" must not become numbers.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from harrier_explorer.errors import InputError
from harrier_explorer.inputs.decoding import decode_file

TABULAR_EXTENSIONS = (".csv", ".tsv", ".jsonl")
#: JSONL lines read to list the fields; files are uniform in practice and this keeps the dropdown fast.
_FIELD_SCAN_LINES = 100


def list_columns(path: str | Path, max_file_mb: float) -> list[str]:
    """Column names of a .csv/.tsv file, or field names of a .jsonl file (first-seen order); [] for other formats."""
    path = Path(path)
    if path.suffix.lower() not in TABULAR_EXTENSIONS:
        return []
    _, available, _ = read_rows(path, max_file_mb, field_scan_only=True)
    return available


def read_rows(
    path: str | Path, max_file_mb: float, field_scan_only: bool = False
) -> tuple[list[dict[str, str]], list[str], list[str]]:
    """Rows of a .csv/.tsv/.jsonl file as string dicts.

    Returns:
        ``(rows, column_names, notes)``; with ``field_scan_only`` a .jsonl file is read only far enough to list fields.
    """
    path = Path(path)
    text, notes = decode_file(path, max_file_mb)
    if path.suffix.lower() == ".jsonl":
        rows = _jsonl_rows(text, path.name, _FIELD_SCAN_LINES if field_scan_only else None)
        available = list(dict.fromkeys(key for row in rows for key in row))
        return rows, available, notes
    import pandas as pd

    # TSV has no quoting convention (a field may start with a literal quote), so quotes are kept as text;
    # for .csv the delimiter is sniffed because spreadsheet exports in many locales use ";".
    is_tsv = path.suffix.lower() == ".tsv"
    sep, quoting = ("\t", csv.QUOTE_NONE) if is_tsv else (_sniff_delimiter(text), csv.QUOTE_MINIMAL)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, quoting=quoting, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, csv.Error) as err:
        raise InputError(f"{path.name} is not a readable table: {err}") from None
    if not isinstance(frame.index, pd.RangeIndex):  # pandas took the rows' extra first field for an index
        raise InputError(f"{row_label(path.name, 1)} has {len(frame.columns) + 1} fields but the header names "
                         f"{len(frame.columns)} columns ({', '.join(map(str, frame.columns))}): a stray "
                         f"{'tab' if is_tsv else 'delimiter'} or a missing column name?")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.to_dict(orient="records"), list(frame.columns), notes


def row_label(name: str, number: int) -> str:
    """How messages name row ``number`` (1-based, header not counted) of a file: "Record 3 of d.jsonl" for JSONL
    objects, "Row 3 of c.csv" for tables."""
    return f"{'Record' if name.lower().endswith('.jsonl') else 'Row'} {number} of {name}"


def _sniff_delimiter(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:20_000], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","  # a one-column file has no delimiter to find


def _jsonl_rows(text: str, name: str, limit: int | None) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if limit is not None and len(rows) >= limit:
            break
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"Line {number} of {name} is not valid JSON ({err.msg}): {line[:80]!r}") from None
        if not isinstance(obj, dict):
            raise InputError(f"Line {number} of {name} is not a JSON object: {line[:80]!r}")
        rows.append({str(k): _as_text(v) for k, v in obj.items()})
    return rows


def _as_text(value: object) -> str:
    """A JSON value as a cell: strings as they are, null as "", numbers and nested values as JSON."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
