"""Persistent, content-addressed embedding cache in SQLite.

Key = sha256 of (schema version, encoder fingerprint — model id, revision or weights hash, dtype, max_seq_length —
and the exact string embedded, prompt included). An instruction model's vector depends on the prompt, so a cache
keyed by text alone would be wrong. Vectors are stored as raw float32 bytes (never pickled). WAL mode lets readers
and one writer work at once; each write is its own transaction, so a killed process loses nothing committed.
A file that SQLite cannot read is moved aside with a warning and rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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


def cache_key(fingerprint: str, string: str) -> bytes:
    digest = hashlib.sha256()
    for part in (str(SCHEMA_VERSION), fingerprint, string):
        data = part.encode("utf-8")
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


class EmbeddingStore:
    """Thread-safe: one SQLite connection per thread; writes retried by SQLite's busy timeout."""

    def __init__(self, path: Path):
        self.path = path
        self.warning = ""
        self.hits = self.misses = 0
        self._local = threading.local()
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._open_or_rebuild()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(_SCHEMA)
        return conn

    def _open_or_rebuild(self) -> None:
        try:
            conn = self._connect()
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed")
            conn.execute("SELECT count(*) FROM embeddings").fetchone()
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            for suffix in ("", "-wal", "-shm"):
                src = Path(str(self.path) + suffix)
                if src.exists():
                    src.rename(Path(str(aside) + suffix))
            self.warning = f"The embedding cache was unreadable ({exc}); moved it to {aside.name} and started afresh."
            log.warning(self.warning)
            conn = self._connect()
        self._local.conn = conn

    @property
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def get_many(self, keys: Sequence[bytes], dim: int) -> dict[bytes, tuple[np.ndarray, int, bool]]:
        found: dict[bytes, tuple[np.ndarray, int, bool]] = {}
        for start in range(0, len(keys), 500):  # SQLite caps the number of bound parameters
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
        with self._conn as conn:
            conn.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)",
                             [(k, np.ascontiguousarray(v, dtype=np.float32).tobytes(), int(n), int(t))
                              for k, v, n, t in rows])

    def stats(self) -> CacheStats:
        entries = self._conn.execute("SELECT count(*) FROM embeddings").fetchone()[0]
        return CacheStats(str(self.path), entries, self.hits, self.misses, self.warning)
