"""Vectors a user already has — the CLI's ``embed`` output or any tool's — read so that the map can skip embedding:
a .npy matrix (its rows in the order of the documents given beside it) or a .parquet table with one vector column
(a list of numbers per row) and, optionally, text, id, label and language columns (conventional names, as for
uploads). Rows are L2-normalised here, so cosine is a dot product as for the app's own embeddings."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harrier_explorer.errors import InputError
from harrier_explorer.inputs.decoding import read_limited
from harrier_explorer.inputs.parsing import Columns, TextRecord, rows_to_records

VECTOR_EXTENSIONS = (".npy", ".parquet")
#: Names tried, in order, for the vector column of a parquet file (the CLI writes "vector").
VECTOR_COLUMNS = ("vector", "vectors", "embedding", "embeddings", "emb")


@dataclass(frozen=True)
class LoadedVectors:
    matrix: np.ndarray  # float32, one L2-normalised row per item
    records: tuple[TextRecord, ...]  # the parquet's texts, row for row; empty for .npy or a parquet without texts
    name: str  # the file's name, for messages and the map's summary
    notes: tuple[str, ...] = ()


def load_vectors(path: str | Path, *, max_file_mb: float, columns: Columns = Columns(),
                 max_item_chars: int | None = None) -> LoadedVectors:
    """Read a .npy or .parquet file of vectors.

    Raises:
        InputError: another file type, an unreadable or pickled file, no vector column, rows of different lengths,
            non-numeric, non-finite or all-zero vectors, fewer than 2 dimensions, or a parquet row with a blank text.
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in VECTOR_EXTENSIONS:
        raise InputError(f"{path.name}: vectors are read from {' or '.join(VECTOR_EXTENSIONS)} files, "
                         f"not {ext or '(no extension)'}")
    data = read_limited(path, max_file_mb)
    if ext == ".npy":
        try:
            matrix = np.load(io.BytesIO(data), allow_pickle=False)
        except (ValueError, OSError, EOFError) as error:
            raise InputError(f"{path.name} is not a readable .npy array of numbers ({error})") from None
        return _checked(matrix, path.name, ())
    return _from_parquet(data, path.name, columns, max_item_chars)


def _from_parquet(data: bytes, name: str, columns: Columns, max_item_chars: int | None) -> LoadedVectors:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError) as error:
        raise InputError(f"{name} is not a readable parquet file ({error})") from None
    lists = [f.name for f in table.schema if pa.types.is_list(f.type) or pa.types.is_large_list(f.type)
             or pa.types.is_fixed_size_list(f.type)]
    column = next((c for c in VECTOR_COLUMNS if c in lists), lists[0] if len(lists) == 1 else None)
    if column is None:
        raise InputError(f"{name} has no vector column (a list of numbers per row, named one of "
                         f"{', '.join(VECTOR_COLUMNS)}); its columns: {', '.join(table.column_names)}")
    matrix = _list_matrix(table.column(column).combine_chunks(), name, column)
    others = [c for c in table.column_names if c != column and not pa.types.is_nested(table.schema.field(c).type)]
    records: list[TextRecord] = []
    if columns.text is not None or any(c in others for c in ("text", "sentence", "content", "passage")):
        rows = [{c: "" if v is None else str(v) for c, v in zip(others, values, strict=True)}
                for values in zip(*(table.column(c).to_pylist() for c in others), strict=True)]
        records = rows_to_records(rows, others, columns, name, max_item_chars)
        if len(records) != len(rows):
            raise InputError(f"{name}: {len(rows) - len(records)} rows have a blank text; every vector needs the "
                             "text it embeds")
    return _checked(matrix, name, tuple(records))


def _list_matrix(lists, name: str, column: str) -> np.ndarray:
    """A list column as a matrix, through Arrow's flat buffer of values (no Python object per number: a 100,000 × 640
    column reads in well under a second instead of about 20 s through ``to_pylist``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = lists.flatten()  # the values the rows hold, in order (a sliced array's own, not its whole buffer's)
    lengths = pc.list_value_length(lists).to_numpy(zero_copy_only=False)
    kind = values.type
    numeric = pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind)
    if len(lists) == 0:
        raise InputError(f"{name} has no rows")
    if lists.null_count or values.null_count or not numeric or (lengths != lengths[0]).any():
        raise InputError(f"{name}: column {column!r} must hold lists of numbers of one length")
    return values.to_numpy(zero_copy_only=False).astype(np.float32, copy=False).reshape(len(lists), int(lengths[0]))


def _checked(matrix: np.ndarray, name: str, records: tuple[TextRecord, ...]) -> LoadedVectors:
    if not np.issubdtype(matrix.dtype, np.number) or matrix.dtype.kind == "c":
        raise InputError(f"{name} must hold real numbers; it holds {matrix.dtype}")
    if matrix.ndim != 2 or matrix.shape[1] < 2:
        raise InputError(f"{name} must be a matrix of one vector per row, at least 2 dimensions; its shape is "
                         f"{matrix.shape}")
    matrix = matrix.astype(np.float32, copy=False)
    if bad := np.flatnonzero(~np.isfinite(matrix).all(axis=1)).tolist():
        raise InputError(f"{name}: {len(bad)} vectors hold NaN or infinite values (the first is row {bad[0]})")
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    if zero := np.flatnonzero(norms[:, 0] == 0).tolist():
        raise InputError(f"{name}: {len(zero)} vectors are all zeros (the first is row {zero[0]}); they have no "
                         "direction to compare")
    notes = () if np.allclose(norms, 1, atol=1e-3) else (f"{name}: vectors L2-normalised (cosine similarity).",)
    return LoadedVectors(matrix / norms, records, name, notes)
