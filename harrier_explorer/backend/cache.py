"""Persistent, content-addressed embedding cache in SQLite, and ``CachedEncoder``: the cache as an encoder wrapper.

Key = sha256 of (schema version, encoder fingerprint — model id, revision or weights hash, dtype, max_seq_length —
and the exact string embedded, prompt included). An instruction model's vector depends on the prompt, so a cache
keyed by text alone would be wrong. Vectors are stored as raw float32 bytes (never pickled). WAL mode lets readers
and one writer work at once. ``CachedEncoder`` commits each batch as the model finishes it, so a killed run keeps
the work already done and a re-run embeds only the rest.

"Cannot write" is not "corrupt": a cache on a read-only mount or in a read-only file is used read-only, with a
warning; only a file SQLite cannot read is moved aside (and only where it can be), then rebuilt. A failed write
never loses the user's result: it is logged once and the cache goes read-only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harrier_explorer.backend.encoder import Embedded, OnBatch, Progress, StringEncoder
from harrier_explorer.backend.scheduling import InFlight

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    key BLOB PRIMARY KEY,
    vector BLOB NOT NULL,
    n_tokens INTEGER NOT NULL,
    truncated INTEGER NOT NULL
) WITHOUT ROWID
"""
Row = tuple[np.ndarray, int, bool]


def cache_key(fingerprint: str, string: str) -> bytes:
    digest = hashlib.sha256()
    for part in (str(SCHEMA_VERSION), fingerprint, string):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))  # length-prefixed: no two tuples share an encoding
        digest.update(data)
    return digest.digest()


@dataclass(frozen=True)
class CacheStats:
    path: str
    entries: int
    hits: int
    misses: int
    warning: str = ""
    read_only: bool = False


class EmbeddingStore:
    """Thread-safe: one SQLite connection per thread; writes retried by SQLite's busy timeout."""

    def __init__(self, path: Path):
        self.path = path
        self.warning = ""
        self.read_only = False
        self.hits = self.misses = 0
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open()

    # -- opening ---------------------------------------------------------------------------------------------------
    def _writable(self) -> bool:
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        if not os.access(folder, os.W_OK):
            return False
        return not self.path.exists() or os.access(self.path, os.W_OK)

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            try:  # mode=ro still reads the -wal file (recent writes of another process)
                conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30, check_same_thread=False)
                conn.execute("SELECT count(*) FROM embeddings").fetchone()
            except sqlite3.OperationalError:
                # immutable=1 needs no -shm, so a WAL database on a read-only mount opens too.
                conn = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, timeout=30,
                                       check_same_thread=False)
        else:
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(_SCHEMA)
        return conn

    def _open(self) -> None:
        if not self._writable():
            self.read_only = True
            if not self.path.exists():
                self.warning = f"The cache folder {self.path.parent} is not writable: embeddings are not cached."
                log.warning(self.warning)
                return
            self.warning = f"The embedding cache {self.path} is read-only: it is used without writing new entries."
            log.warning(self.warning)
        try:
            conn = self._connect()
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed")
            conn.execute("SELECT count(*) FROM embeddings").fetchone()
        except sqlite3.OperationalError as exc:  # cannot write or cannot open: not corrupt, never moved aside
            if self.read_only:
                self._give_up(exc)
                return
            self.read_only = True
            self.warning = f"The embedding cache {self.path} cannot be written ({exc}): it is used read-only."
            log.warning(self.warning)
            self._open_read_only()
            return
        except sqlite3.DatabaseError as exc:
            if self.read_only:
                self._give_up(exc)
                return
            conn = self._move_aside(exc)
        self._local.conn = conn

    def _open_read_only(self) -> None:
        try:
            conn = self._connect()
            conn.execute("SELECT count(*) FROM embeddings").fetchone()
        except sqlite3.DatabaseError as exc:
            self._give_up(exc)
            return
        self._local.conn = conn

    def _give_up(self, exc: Exception) -> None:
        self.warning = f"The embedding cache {self.path} cannot be read ({exc}); embeddings are not cached."
        log.warning(self.warning)
        self.path = None

    def _move_aside(self, exc: Exception) -> sqlite3.Connection:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                src.rename(Path(str(aside) + suffix))
        self.warning = f"The embedding cache was unreadable ({exc}); moved it to {aside.name} and started afresh."
        log.warning(self.warning)
        return self._connect()

    @property
    def usable(self) -> bool:
        return self.path is not None and self.path.exists()

    @property
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    # -- reading and writing ---------------------------------------------------------------------------------------
    def get_many(self, keys: Sequence[bytes], dim: int) -> dict[bytes, Row]:
        found: dict[bytes, Row] = {}
        for start in range(0, len(keys) if self.usable else 0, 500):  # SQLite caps the number of bound parameters
            chunk = keys[start:start + 500]
            rows = self._conn.execute(
                f"SELECT key, vector, n_tokens, truncated FROM embeddings WHERE key IN ({','.join('?' * len(chunk))})",
                chunk).fetchall()
            for key, blob, n_tokens, truncated in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape == (dim,):  # a vector of another size is a stale or bad row: recompute it
                    found[key] = (vector, n_tokens, bool(truncated))
        with self._lock:
            self.hits += len(found)
            self.misses += len(keys) - len(found)
        return found

    def put_many(self, rows: Sequence[tuple[bytes, np.ndarray, int, bool]]) -> None:
        """Commit rows in one transaction; a failed write turns the cache read-only (logged once), never raises."""
        if self.read_only or not rows:
            return
        try:
            with self._conn as conn:
                conn.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)",
                                 [(k, np.ascontiguousarray(v, dtype=np.float32).tobytes(), int(n), int(t))
                                  for k, v, n, t in rows])
        except sqlite3.OperationalError as exc:  # read-only file, full disk, a lock held too long
            self.read_only = True
            self.warning = f"Could not write to the embedding cache ({exc}); it is read-only from now on."
            log.warning(self.warning)

    def stats(self) -> CacheStats:
        entries = self._conn.execute("SELECT count(*) FROM embeddings").fetchone()[0] if self.usable else 0
        return CacheStats(str(self.path), entries, self.hits, self.misses, self.warning, self.read_only)


@dataclass(frozen=True)
class Cached:
    """What ``CachedEncoder.encode`` returns: the vectors and how many unique strings came from where."""

    embedded: Embedded
    from_cache: int
    computed: int


class CachedEncoder:
    """An encoder in front of another: serves stored vectors, embeds only the rest, commits each batch as it lands.

    Thread-safe: strings another request is embedding right now are awaited, not embedded again.
    """

    def __init__(self, encoder: StringEncoder, store: EmbeddingStore | None):
        self.inner, self.store = encoder, store
        self._inflight = InFlight()

    def __getattr__(self, name: str):  # fingerprint, dim, dtype, device, max_seq_length, count_tokens …
        return getattr(self.inner, name)

    def embed(self, strings: Sequence[str], progress: Progress | None = None,
              on_batch: OnBatch | None = None) -> Embedded:
        return self.encode(strings, progress).embedded

    def encode(self, strings: Sequence[str], progress: Progress | None = None) -> Cached:
        unique = list(dict.fromkeys(strings))
        keys = [cache_key(self.inner.fingerprint, s) for s in unique]
        rows: dict[bytes, Row] = self.store.get_many(keys, self.inner.dim) if self.store else {}
        from_cache = len(rows)
        missing = [k for k in keys if k not in rows]
        mine, theirs = self._inflight.claim(missing)
        if mine:
            self._compute(mine, dict(zip(keys, unique)), rows, from_cache, len(unique), progress)
        elif progress:
            progress(len(unique), len(unique))
        for key, future in theirs.items():
            try:
                rows[key] = future.result()
            except Exception:  # noqa: BLE001 - the other request failed: embed this string ourselves
                self._compute([key], dict(zip(keys, unique)), rows, 0, 1, None)
        index = {s: rows[k] for s, k in zip(unique, keys)}
        vectors = (np.vstack([index[s][0] for s in strings]) if strings
                   else np.zeros((0, self.inner.dim), np.float32))
        return Cached(Embedded(vectors.astype(np.float32, copy=False),
                               np.array([index[s][1] for s in strings], dtype=np.int64),
                               np.array([index[s][2] for s in strings], dtype=bool)),
                      from_cache, len(unique) - from_cache)

    def _compute(self, keys: list[bytes], strings_of: dict[bytes, str], rows: dict[bytes, Row], done: int,
                 total: int, progress: Progress | None) -> None:
        def commit(indices: list[int], batch: Embedded) -> None:
            new = [(keys[i], batch.vectors[j], int(batch.n_tokens[j]), bool(batch.truncated[j]))
                   for j, i in enumerate(indices)]
            if self.store:
                self.store.put_many(new)
            for key, vector, n_tokens, truncated in new:
                rows[key] = (vector, n_tokens, truncated)
                self._inflight.resolve(key, rows[key])

        report = (lambda d, _t: progress(done + d, total)) if progress else None
        try:
            out = self.inner.embed([strings_of[k] for k in keys], report, on_batch=commit)
            if left := [i for i, k in enumerate(keys) if k not in rows]:  # an encoder that reports no batches
                commit(left, Embedded(out.vectors[left], out.n_tokens[left], out.truncated[left]))
        except BaseException as exc:
            self._inflight.fail(keys, exc)
            raise
