"""Packed rows: several texts back to back in one row, with no padding and no attention mask.

Position ids restart at 0 at each text; from them transformers builds a block-diagonal causal mask (dense under SDPA,
a sparse block mask under flex attention), so each text attends to itself only and its last token (the EOS the
tokenizer appended) is pooled as if it had been embedded alone. On a mixed corpus of short texts this removes both the
padding and the padding mask that keeps attention off the fused kernels (benchmarks.gpu_shapes: on an H200, 2.3–4.6×
the padded token-budget batches). Torch-free: rows are numpy arrays; the encoder moves them to its device.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

#: Tokens per packed row. Rows have fixed widths (this, or a multiple of it for a longer text) so that compiled
#: attention kernels see a handful of shapes, not one per batch.
ROW_TOKENS = 4096


def row_width(budget: int) -> int:
    """Tokens per row: ``ROW_TOKENS``, or the whole budget when it is smaller (the CPU's 1,024: attention over a
    row costs its width squared)."""
    return min(ROW_TOKENS, budget)


@dataclass(frozen=True)
class PackedForward:
    """One forward pass: ``input_ids`` and ``position_ids`` (rows × width), and for each text it holds, by index into
    the caller's list, the (row, column) of its last token."""

    input_ids: np.ndarray
    position_ids: np.ndarray
    owners: np.ndarray
    last_row: np.ndarray
    last_col: np.ndarray


def best_fit(lengths: Sequence[int], row_tokens: int) -> list[list[int]]:
    """Texts (by index) packed into rows of at most ``row_tokens`` tokens, longest first, each into the row with the
    least room that still fits it (best-fit decreasing; a sorted list of free room keeps it O(n log rows)). A text
    longer than a row gets a row of its own."""
    rows: list[list[int]] = []
    room: list[tuple[int, int]] = []  # (free tokens, row), sorted
    for i in sorted(range(len(lengths)), key=lambda j: -lengths[j]):
        k = bisect.bisect_left(room, (lengths[i], -1))
        if k == len(room):
            rows.append([])
            free, r = row_tokens, len(rows) - 1
        else:
            free, r = room.pop(k)
        rows[r].append(i)
        if free - lengths[i] > 0:
            bisect.insort(room, (free - lengths[i], r))
    return rows


def pack_rows(ids: Sequence[Sequence[int]], rows: Sequence[Sequence[int]], width: int, pad_id: int
              ) -> PackedForward:
    """``rows`` (lists of text indices) laid out in a ``len(rows)`` × ``width`` array. The rest of a row is one
    filler text of pad tokens, with positions of its own, so no real text attends to it."""
    input_ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    position_ids = np.zeros((len(rows), width), dtype=np.int64)
    owners, last_row, last_col = [], [], []
    for r, members in enumerate(rows):
        at = 0
        for i in members:
            n = len(ids[i])
            input_ids[r, at:at + n] = ids[i]
            position_ids[r, at:at + n] = np.arange(n)
            owners.append(i)
            last_row.append(r)
            last_col.append(at + n - 1)
            at += n
        position_ids[r, at:] = np.arange(width - at)
    return PackedForward(input_ids, position_ids, np.array(owners), np.array(last_row), np.array(last_col))


def packed_forwards(ids: Sequence[Sequence[int]], budget: int, pad_id: int) -> Iterator[PackedForward]:
    """Every text in packed forwards of about ``budget`` tokens: rows of ``row_width(budget)`` tokens, as many as
    fit the budget at a time; a longer text alone in a row rounded up to a multiple of that (longest first)."""
    row_tokens = row_width(budget)
    rows = best_fit([len(x) for x in ids], row_tokens)
    long = [r for r in rows if len(ids[r[0]]) > row_tokens]
    for r in long:
        yield pack_rows(ids, [r], -(-len(ids[r[0]]) // row_tokens) * row_tokens, pad_id)
    short = rows[len(long):]
    per_forward = max(1, budget // row_tokens)
    for start in range(0, len(short), per_forward):
        yield pack_rows(ids, short[start:start + per_forward], row_tokens, pad_id)
