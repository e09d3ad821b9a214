"""The long-document reading: cosines per chunk, the best chunk, and which chunks lie past the model's limit."""

from __future__ import annotations

import numpy as np
import pytest

from harrier_explorer.analysis.long_document import max_over_chunks, reading


def unit(*rows):
    """Rows scaled to length 1; one row comes back as a vector."""
    m = np.array(rows, dtype=np.float32)
    m /= np.linalg.norm(m, axis=-1, keepdims=True)
    return m[0] if len(rows) == 1 else m


def test_the_best_chunk_past_the_limit_is_flagged_and_the_best_read_one_is_named():
    q = unit([1, 0, 0])
    chunks = unit([0.2, 1, 0], [0.5, 1, 0], [1, 0.1, 0])
    r = reading(q, chunks, unit([0.1, 1, 0]), starts=[0, 100, 200], ends=[100, 200, 300], read_tokens=150)
    np.testing.assert_allclose(r.cosines, chunks @ q, rtol=1e-6)
    assert r.best == 2 and r.unread(2) and not r.unread(1)  # chunk 2 starts at 100 < 150: part of it is read
    assert r.best_read == pytest.approx(float(chunks[1] @ q))
    assert r.whole == pytest.approx(0.1 / np.sqrt(1.01), rel=1e-5)


def test_a_document_read_whole_has_no_unread_chunk():
    r = reading(unit([1, 0]), unit([1, 1], [0, 1]), unit([1, 1]), [0, 5], [5, 9], None)
    assert not any(r.unread(i) for i in range(2)) and r.best == 0 and r.best_read == pytest.approx(r.cosines[0])


def test_no_chunk_is_an_error():
    with pytest.raises(ValueError):
        reading(unit([1, 0]), np.zeros((0, 2), np.float32), unit([1, 0]), [], [], None)


def test_each_document_scores_its_best_chunk():
    scores = np.array([[0.1, 0.7, 0.3, 0.2], [0.9, 0.1, 0.0, 0.5]])
    out = max_over_chunks(scores, owners=[0, 0, 1, 2], n_docs=3)
    np.testing.assert_array_equal(out, [[0.7, 0.3, 0.2], [0.9, 0.0, 0.5]])
    with pytest.raises(ValueError, match="at least one chunk"):
        max_over_chunks(scores, owners=[0, 0, 2, 2], n_docs=3)
