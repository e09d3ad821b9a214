"""Long documents with a tiny decoder at its limit: the cut lies where the model stops reading (the whole document's
vector is the vector of the text up to the cut), the chunks cover the document in order, each chunk's cosine is the
query's cosine to that chunk embedded on its own, and a corpus ranked chunked scores each document by its best
chunk."""

from __future__ import annotations

import numpy as np
import pytest

from harrier_explorer.errors import InputError
from harrier_explorer.inputs.split import chunk_by_tokens
from harrier_explorer.workflows.long_document import read_along, whole_vs_chunked
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


def test_whole_vs_chunked_scores_are_the_documents_and_their_best_chunks(backend):
    documents = [DOCUMENT[:2000], "The lighthouse was built in 1890.", " ".join(SENTENCES[3:] * 10)]
    queries = ["When was the lighthouse built?", "Who mends the nets?"]
    out = whole_vs_chunked(backend, queries, documents, "Retrieve passages", chunk_tokens=32)
    q = backend.encode(queries, "Retrieve passages", "query").vectors
    whole = backend.encode(documents, None, "document").vectors
    np.testing.assert_allclose(out.whole, q @ whole.T, atol=1e-5)
    tokens = lambda s: int(backend.count_tokens([s])[0]) - int(backend.count_tokens([""])[0])  # noqa: E731
    for j, document in enumerate(documents):  # each document: its chunks embedded on their own, the best one
        chunks = [c.text for c in chunk_by_tokens(document, tokens, out.chunk_tokens)]
        alone = backend.encode(chunks, None, "document").vectors
        np.testing.assert_allclose(out.chunked[:, j], (q @ alone.T).max(axis=1), atol=1e-5)
    assert out.n_split == 2 and out.n_truncated == 2 and out.n_chunks > 3
