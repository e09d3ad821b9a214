"""The embedding cache: the SQLite store on its own, then the Backend's use of it (over the tiny Gemma3 decoder).

Backend tests spy on the loaded encoder's ``embed`` to see exactly which strings reach the model.
"""

from __future__ import annotations

import logging
import threading

import numpy as np
import pytest

from harrier_explorer.backend.cache import EmbeddingStore, cache_key

DOCS = ["Der schnelle braune Fuchs.", "Le renard brun rapide.", "The lazy dog."]
QUERIES = ["quick fox", "chien paresseux"]


def _rows(n: int, dim: int = 4, start: int = 0) -> list[tuple[bytes, np.ndarray, int, bool]]:
    return [(cache_key("fp", f"text {i}"), np.full(dim, i, np.float32), i, i % 2 == 1) for i in range(start, start + n)]


def test_stored_rows_come_back_bit_identical_and_misses_are_counted(tmp_path):
    store = EmbeddingStore(tmp_path / "c.sqlite")
    rows = _rows(3)
    store.put_many(rows)
    found = store.get_many([k for k, *_ in rows] + [cache_key("fp", "absent")], dim=4)
    assert len(found) == 3
    for key, vector, n_tokens, truncated in rows:
        got = found[key]
        assert got[0].dtype == np.float32 and got[0].tobytes() == vector.tobytes()
        assert (got[1], got[2]) == (n_tokens, truncated)
    stats = store.stats()
    assert (stats.entries, stats.hits, stats.misses, stats.warning) == (3, 3, 1, "")


def test_the_key_depends_on_fingerprint_and_exact_string_without_ambiguity():
    assert cache_key("m@1", "Instruct: a\nQuery: x") != cache_key("m@2", "Instruct: a\nQuery: x")
    assert cache_key("m@1", "Instruct: a\nQuery: x") != cache_key("m@1", "Instruct: a\nQuery:x")
    assert cache_key("ab", "c") != cache_key("a", "bc")  # length-prefixed parts


def test_a_row_of_another_dimension_is_treated_as_missing(tmp_path):
    store = EmbeddingStore(tmp_path / "c.sqlite")
    store.put_many(_rows(1, dim=8))
    assert store.get_many([_rows(1)[0][0]], dim=4) == {}


def test_lookups_of_more_keys_than_sqlite_binds_at_once_work(tmp_path):
    store = EmbeddingStore(tmp_path / "c.sqlite")
    rows = _rows(1200)
    store.put_many(rows)
    assert len(store.get_many([k for k, *_ in rows], dim=4)) == 1200


def test_a_corrupt_cache_file_is_moved_aside_with_a_warning_and_rebuilt(tmp_path, caplog):
    path = tmp_path / "c.sqlite"
    garbage = b"this is not a database" * 500
    path.write_bytes(garbage)
    with caplog.at_level(logging.WARNING):
        store = EmbeddingStore(path)
    assert "unreadable" in store.warning and "moved it to" in store.warning
    assert any("unreadable" in r.getMessage() for r in caplog.records)
    aside = [p for p in tmp_path.glob("c.sqlite.corrupt-*") if not p.name.endswith(("-wal", "-shm"))]
    assert [p.read_bytes() for p in aside] == [garbage]
    store.put_many(_rows(2))
    assert len(store.get_many([k for k, *_ in _rows(2)], dim=4)) == 2
    assert store.stats().warning == store.warning


def test_concurrent_writers_from_threads_and_two_stores_lose_nothing(tmp_path):
    path = tmp_path / "c.sqlite"
    stores = [EmbeddingStore(path), EmbeddingStore(path)]
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for chunk in range(5):
                rows = _rows(20, start=worker * 100 + chunk * 20)
                stores[worker % 2].put_many(rows)
                assert len(stores[worker % 2].get_many([k for k, *_ in rows], dim=4)) == 20
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    everything = _rows(800)
    found = stores[0].get_many([k for k, *_ in everything], dim=4)
    assert len(found) == 800 and all(found[k][0][0] == v[0] for k, v, *_ in everything)


# -- the Backend in front of the store -------------------------------------------------------------------------------

@pytest.fixture
def spy(monkeypatch):
    """Wraps a backend's encoder.embed; ``calls`` collects the string lists it was given."""
    calls: list[list[str]] = []

    def install(backend):
        encoder = backend.wait()
        real = encoder.embed

        def embed(strings, progress=None, on_batch=None):
            calls.append(list(strings))
            return real(strings, progress, on_batch)

        monkeypatch.setattr(encoder, "embed", embed)
        return calls

    return install


def _refuse(strings, progress=None, on_batch=None):
    raise AssertionError(f"the model was called for {list(strings)}")


def test_a_repeated_encode_is_served_from_the_cache_without_calling_the_model(tiny_gemma, make_backend, monkeypatch):
    backend = make_backend(tiny_gemma, dtype="float32")
    first = backend.encode(QUERIES, "Retrieve parallel sentences", "query")
    monkeypatch.setattr(backend.wait(), "embed", _refuse)
    second = backend.encode(QUERIES, "Retrieve parallel sentences", "query")
    assert (second.cached, second.embedded) == (2, 0)
    assert second.vectors.tobytes() == first.vectors.tobytes()
    np.testing.assert_array_equal(second.n_tokens, first.n_tokens)


def test_the_cache_persists_across_backends_on_the_same_folder(tiny_gemma, make_backend, monkeypatch):
    first = make_backend(tiny_gemma, dtype="float32").encode(DOCS, role="document")
    again = make_backend(tiny_gemma, dtype="float32")
    monkeypatch.setattr(again.wait(), "embed", _refuse)
    assert again.encode(DOCS, role="document").vectors.tobytes() == first.vectors.tobytes()


def test_changing_the_instruction_re_embeds_only_the_queries(tiny_gemma, make_backend, spy):
    backend = make_backend(tiny_gemma, dtype="float32")
    calls = spy(backend)
    backend.encode(DOCS, "Retrieve parallel sentences", "document")
    backend.encode(QUERIES, "Retrieve parallel sentences", "query")
    calls.clear()
    docs = backend.encode(DOCS, "Retrieve semantically similar text", "document")
    queries = backend.encode(QUERIES, "Retrieve semantically similar text", "query")
    assert (docs.cached, docs.embedded, queries.cached, queries.embedded) == (3, 0, 0, 2)
    assert calls == [["Instruct: Retrieve semantically similar text\nQuery: " + q for q in QUERIES]]


def test_duplicates_within_one_call_are_embedded_once(tiny_gemma, make_backend, spy):
    backend = make_backend(tiny_gemma, dtype="float32")
    calls = spy(backend)
    result = backend.encode(["a fox", "a dog", "a fox"], role="document")
    assert calls == [["a fox", "a dog"]] and result.embedded == 2
    assert result.vectors.shape == (3, 64) and result.vectors[0].tobytes() == result.vectors[2].tobytes()


def test_a_different_token_cap_is_a_different_cache_entry(tiny_gemma, make_backend):
    make_backend(tiny_gemma, dtype="float32").encode(DOCS, role="document")
    capped = make_backend(tiny_gemma, dtype="float32", max_seq_length=16).encode(DOCS, role="document")
    assert capped.embedded == 3


def test_a_backend_over_a_corrupt_cache_warns_and_still_caches(tiny_gemma, make_backend, tmp_path):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "embeddings.sqlite").write_bytes(b"\x00garbage" * 1000)
    backend = make_backend(tiny_gemma, dtype="float32")
    assert "unreadable" in backend.cache_stats().warning
    assert backend.encode(DOCS, role="document").embedded == 3
    assert backend.encode(DOCS, role="document").cached == 3


def test_no_cache_embeds_every_time_and_writes_no_file(tiny_gemma, make_backend, tmp_path, spy):
    backend = make_backend(tiny_gemma, dtype="float32", no_cache=True)
    calls = spy(backend)
    first, second = (backend.encode(DOCS, role="document") for _ in range(2))
    assert (first.embedded, second.embedded, second.cached) == (3, 3, 0)
    assert len(calls) == 2 and backend.cache_stats() is None
    assert not (tmp_path / "cache" / "embeddings.sqlite").exists()
    np.testing.assert_allclose(first.vectors, second.vectors, atol=1e-6)
