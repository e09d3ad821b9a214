"""Nothing lost, nothing unbounded, one slow request never stalls the rest (issue 8), through the interfaces the
defects were found with: the CLI in a subprocess, the backend from threads, the cache on files it cannot write."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from harrier_explorer.backend.cache import CachedEncoder, EmbeddingStore
from harrier_explorer.backend.scheduling import FairLock
from harrier_explorer.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def _rows(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM embeddings").fetchone()[0]
    except sqlite3.OperationalError:  # the table is not created yet
        return 0


def _embed_command(model: Path, texts: Path, out: Path, cache: Path) -> list[str]:
    return [sys.executable, "-m", "harrier_explorer", "embed", str(texts), "--out", str(out), "--model", str(model),
            "--cache-dir", str(cache), "--dtype", "float32", "--batch-tokens", "64"]


def test_kill_9_during_embed_keeps_every_finished_batch_and_the_rerun_embeds_only_the_rest(tiny_qwen, tmp_path):
    texts = tmp_path / "lines.txt"
    n = 2000
    texts.write_text("\n".join(f"Sentence number {i} is about topic {i % 97}, and it goes on for a while."
                               for i in range(n)), encoding="utf-8")
    cache = tmp_path / "cache"
    database = cache / "embeddings.sqlite"
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(_embed_command(tiny_qwen, texts, tmp_path / "v.npy", cache), env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _rows(database) < 200:  # some batches committed (each batch is one transaction)
        assert proc.poll() is None, "the embed finished (or failed) before it could be killed"
        assert time.monotonic() < deadline, "no batch was committed within 120 s"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    kept = _rows(database)
    assert 200 <= kept < n, f"{kept} rows after the kill"

    again = subprocess.run(_embed_command(tiny_qwen, texts, tmp_path / "v.npy", cache), env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    counts = again.stdout.split(" texts: ")[1].split(" embedded")[0].replace(",", "")  # "1,798 from cache, 202"
    from_cache, embedded = (int(x) for x in counts.split(" from cache "))
    assert from_cache >= kept and from_cache + embedded == n
    assert np.load(tmp_path / "v.npy").shape == (n, 64)


@pytest.fixture
def backend(make_backend, tiny_qwen):
    return make_backend(tiny_qwen, dtype="float32", batch_tokens=64)


def test_concurrent_requests_for_the_same_texts_embed_them_once(backend, monkeypatch):
    base = backend.wait()
    seen: list[str] = []
    real = base.embed
    release, claimed = threading.Event(), threading.Event()

    def slow_embed(strings, progress=None, on_batch=None):
        seen.extend(strings)
        release.wait(30)  # hold the first request in flight until the second has found its texts in flight
        return real(strings, progress, on_batch)

    monkeypatch.setattr(base, "embed", slow_embed)
    cached: CachedEncoder = backend.slot().encoder
    real_claim = cached._inflight.claim

    def claim(keys):
        mine, theirs = real_claim(keys)
        if theirs:
            claimed.set()
        return mine, theirs

    monkeypatch.setattr(cached._inflight, "claim", claim)
    texts = [f"document {i}" for i in range(50)]
    results = []
    first = threading.Thread(target=lambda: results.append(backend.encode(texts, role="document")))
    first.start()
    second = threading.Thread(target=lambda: results.append(backend.encode(texts, role="document")))
    second.start()
    assert claimed.wait(30), "the second request never saw the first one's texts in flight"
    release.set()
    first.join(60)
    second.join(60)
    assert sorted(seen) == sorted(texts)  # each text reached the model once
    assert results[0].vectors.tobytes() == results[1].vectors.tobytes()


def test_a_one_text_request_is_served_between_the_batches_of_a_big_job(backend):
    big = [f"A longer document number {i} about the weather in town {i % 13}." for i in range(1500)]
    started, finished = threading.Event(), threading.Event()

    def job():
        backend.encode(big, role="document", progress=lambda done, total: started.set())
        finished.set()

    threading.Thread(target=job, daemon=True).start()
    assert started.wait(60)
    small = backend.encode(["just one"], role="document")
    assert small.embedded == 1
    assert not finished.is_set(), "the small request waited for the whole big job"
    assert finished.wait(600)


def test_the_fair_lock_grants_in_the_order_it_was_asked():
    lock, order = FairLock(), []
    holder_in, release = threading.Event(), threading.Event()

    def holder():
        with lock:
            holder_in.set()
            release.wait(10)

    def waiter(n: int, queued: threading.Event):
        queued.set()
        with lock:
            order.append(n)

    threading.Thread(target=holder).start()
    holder_in.wait(10)
    threads = []
    for n in range(5):
        queued = threading.Event()
        t = threading.Thread(target=waiter, args=(n, queued))
        t.start()
        queued.wait(10)
        deadline = time.monotonic() + 10
        while len(lock._queue) < n + 1 and time.monotonic() < deadline:  # wait for the state, not for time
            time.sleep(0.001)
        threads.append(t)
    release.set()
    for t in threads:
        t.join(10)
    assert order == [0, 1, 2, 3, 4]


def test_an_instruction_that_crowds_out_the_text_is_refused_with_the_numbers(make_backend, tiny_qwen):
    backend = make_backend(tiny_qwen, dtype="float32", max_seq_length=64)
    long_instruction = "Find the passage. " * 600
    with pytest.raises(InputError, match=r"instruction prompt takes [\d,]+ tokens, more than 50% of the model's "
                                         r"limit of 64"):
        backend.encode(["Which question?", "Another question?"], long_instruction, "query")


def test_a_truncated_text_says_how_many_of_its_tokens_survived(make_backend, tiny_qwen):
    backend = make_backend(tiny_qwen, dtype="float32", max_seq_length=64)
    result = backend.encode(["word " * 200], "Retrieve parallel sentences", "query")
    assert result.truncated.all()
    kept = 64 - result.prompt_tokens
    assert f"1 truncated (each keeps its first {kept} tokens of text)" in result.summary


def test_an_over_long_text_and_a_lone_surrogate_are_refused_before_tokenising(make_backend, tiny_qwen):
    backend = make_backend(tiny_qwen, dtype="float32", max_item_chars=1000)
    with pytest.raises(InputError, match="Text 2 has 1,001 characters, more than the limit of 1,000"):
        backend.encode_strings(["ok", "x" * 1001])
    with pytest.raises(InputError, match="Text 1 is not valid Unicode"):
        backend.encode_strings(["bad \ud800 text"])


# -- a cache that cannot be written --------------------------------------------------------------------------------

def _filled_cache(tmp_path: Path) -> Path:
    path = tmp_path / "embeddings.sqlite"
    store = EmbeddingStore(path)
    store.put_many([(b"k" * 32, np.ones(4, np.float32), 3, False)])
    return path


def test_a_healthy_read_only_cache_is_used_read_only_and_never_moved_aside(tmp_path, monkeypatch):
    path = _filled_cache(tmp_path)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    store = EmbeddingStore(path)
    assert store.read_only and "read-only" in store.warning
    assert len(store.get_many([b"k" * 32], dim=4)) == 1
    store.put_many([(b"n" * 32, np.ones(4, np.float32), 1, False)])  # ignored, never raises
    assert list(tmp_path.glob("*.corrupt-*")) == []


def test_a_write_that_fails_turns_the_cache_read_only_and_loses_no_result(tmp_path, make_backend, tiny_qwen,
                                                                          monkeypatch):
    backend = make_backend(tiny_qwen, dtype="float32")

    class ReadOnly:
        def __enter__(self):
            raise sqlite3.OperationalError("attempt to write a readonly database")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(type(backend.store), "_conn", property(lambda self: ReadOnly()), raising=True)
    monkeypatch.setattr(backend.store, "get_many", lambda keys, dim: {})
    result = backend.encode(["still embedded"], role="document")
    assert result.vectors.shape == (1, 64) and backend.store.read_only
    assert "Could not write" in backend.store.warning


def test_an_unopenable_cache_file_is_not_renamed(tmp_path, monkeypatch):
    path = _filled_cache(tmp_path)
    real_connect = sqlite3.connect

    def connect(target, *args, **kwargs):
        if "mode=ro" not in str(target):
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return real_connect(target, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    store = EmbeddingStore(path)
    assert store.read_only and path.exists() and list(tmp_path.glob("*.corrupt-*")) == []
    assert len(store.get_many([b"k" * 32], dim=4)) == 1


def test_a_service_stop_ends_the_app_as_ctrl_c_does_and_its_temporary_files_go(tmp_path):
    """SIGTERM (systemd, docker stop) left the app's temporary folder until the next app started."""
    from gradio_client import Client

    from tests.e2e.conftest import wait_for_server
    from tests.helpers import free_port

    port, log = free_port(), tmp_path / "app.log"
    env = dict(os.environ, TMPDIR=str(tmp_path), HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "app.py", "--model", "fake:hash", "--port", str(port),
                                 "--cache-dir", str(tmp_path / "cache")], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        wait_for_server(f"http://127.0.0.1:{port}/", proc, log)
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        client.predict(source_paste="a red fox\na black dog", target_paste="ein roter Fuchs\nein Hund",
                       api_name="/match_bitext")  # its download lies in the app's folder
        client.close()
        assert list(tmp_path.glob("harrier-explorer-*/downloads/*/bitext_pairs.tsv"))
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0, log.read_text()[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not list(tmp_path.glob("harrier-explorer-*"))
