"""Split long records into token-bounded chunks (for the cluster map), keeping each chunk's label, language and file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from harrier_explorer.inputs.parsing import TextRecord
from harrier_explorer.inputs.split import chunk_by_tokens


def chunk_records(records: Sequence[TextRecord], count_tokens: Callable[[str], int], max_tokens: int,
                  overlap_tokens: int = 0) -> list[TextRecord]:
    """Every record that is longer than ``max_tokens`` becomes its chunks (ids ``<id>#<n>``, 1-based, with the
    chunk's character span in ``extra``); shorter records are kept as they are.

    Raises:
        InputError: the budget or overlap is out of range (see ``chunk_by_tokens``).
    """
    out: list[TextRecord] = []
    for record in records:
        if count_tokens(record.text) <= max_tokens:
            out.append(record)
            continue
        chunks = chunk_by_tokens(record.text, count_tokens, max_tokens, overlap_tokens, record.lang)
        out.extend(replace(record, text=c.text, id=f"{record.id}#{n}",
                           extra={**record.extra, "chunk_of": record.id, "span": f"{c.start}-{c.end}"})
                   for n, c in enumerate(chunks, start=1))
    return out
