"""Reading along a long document with a tiny decoder at its limit: the cut lies where the model stops reading (the
whole document's vector is the vector of the text up to the cut), the chunks cover the document in order, and each
chunk's cosine is the query's cosine to that chunk embedded on its own."""

from __future__ import annotations

import pytest

from harrier_explorer.errors import InputError
from harrier_explorer.workflows.long_document import read_along
from tests.helpers import start_backend

SENTENCES = ["The harbour freezes in winter.", "Ships wait outside the breakwater for weeks.",
             "Der Leuchtturm wurde 1890 gebaut.", "Fishermen mend their nets on the quay.",
             "Le marché ouvre à six heures.", "The museum keeps the old charts."]
DOCUMENT = " ".join(SENTENCES * 40)  # far past the tiny model's 128 tokens


@pytest.fixture(scope="module")
def backend(tiny_qwen, tmp_path_factory):
    return start_backend(tmp_path_factory.mktemp("long-doc"), model=str(tiny_qwen), max_seq_length=128)


def test_the_cut_chunks_and_cosines_match_independent_embeddings(backend):
    out = read_along(backend, "When was the lighthouse built?", DOCUMENT, "Retrieve passages", chunk_tokens=40)
    assert out.limit == 128 and out.n_tokens > 128 and out.cut is not None
    up_to_cut = backend.encode([DOCUMENT[: out.cut]], None, "document")
    assert not up_to_cut.truncated[0]  # the prefix up to the cut fits whole …
    assert float(up_to_cut.vectors[0] @ backend.encode([DOCUMENT], None, "document").vectors[0]) > 0.9999
    # … and one more word would not
    assert backend.encode([DOCUMENT[: out.cut + 12]], None, "document").truncated[0]
    starts = [c.start for c in out.chunks]
    assert starts == sorted(starts) and out.chunks[-1].end == len(DOCUMENT)
    assert all(DOCUMENT[c.start:c.end] == c.text for c in out.chunks)
    q = backend.encode(["When was the lighthouse built?"], "Retrieve passages", "query").vectors[0]
    for i in (0, len(out.chunks) // 2, len(out.chunks) - 1):
        alone = backend.encode([out.chunks[i].text], None, "document").vectors[0]
        assert out.reading.cosines[i] == pytest.approx(float(q @ alone), abs=1e-5)
    r = out.reading
    assert r.read_tokens is not None and r.unread(len(out.chunks) - 1) and not r.unread(0)
    assert (r.ends[:-1] <= r.starts[1:] + 1).all()  # in order, no overlap asked for


def test_a_short_document_is_read_whole_and_bad_input_says_what_to_do(backend):
    out = read_along(backend, "lighthouse", " ".join(SENTENCES[:3]), chunk_tokens=16)
    assert out.cut is None and out.reading.read_tokens is None and len(out.chunks) >= 2
    with pytest.raises(InputError, match="Give a query and a document"):
        read_along(backend, "  ", DOCUMENT)
    with pytest.raises(InputError, match="Chunking needs"):
        read_along(backend, "q", DOCUMENT, chunk_tokens=16, overlap_tokens=16)
