"""chunk_records: long records become token-bounded chunks that keep their metadata; short ones stay whole."""

from __future__ import annotations

import pytest

from harrier_explorer.errors import InputError
from harrier_explorer.inputs.chunk_records import chunk_records
from harrier_explorer.inputs.parsing import TextRecord


def words(text: str) -> int:
    return len(text.split())


def test_long_record_is_chunked_with_metadata_and_short_kept():
    long = TextRecord(" ".join(f"Sentence number {i} is here." for i in range(10)), "doc", "news", "en", "a.txt")
    short = TextRecord("Tiny text.", "t", "sports", "en", "b.txt")
    out = chunk_records([long, short], words, max_tokens=12, overlap_tokens=5)
    assert out[-1] is short
    chunks = out[:-1]
    assert len(chunks) > 1 and all(words(c.text) <= 12 for c in chunks)
    assert [c.id for c in chunks] == [f"doc#{n}" for n in range(1, len(chunks) + 1)]
    assert {(c.label, c.lang, c.source, c.extra["chunk_of"]) for c in chunks} == {("news", "en", "a.txt", "doc")}
    start, end = map(int, chunks[0].extra["span"].split("-"))
    assert long.text[start:end] == chunks[0].text
    # consecutive chunks overlap by whole sentences (5 words each, overlap budget 5)
    assert chunks[0].text.split(". ")[-1].rstrip(".") in chunks[1].text


def test_bad_budget_is_an_input_error():
    with pytest.raises(InputError):
        chunk_records([TextRecord("a b c d e f", "x")], words, max_tokens=2, overlap_tokens=2)
