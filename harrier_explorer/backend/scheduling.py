"""Sharing one model between concurrent requests: a first-come-first-served lock taken per forward batch, and a
registry of strings being embedded right now.

A big job holds the model for one batch at a time, so a one-text request waits for at most one batch, not for the
whole job (a plain ``threading.Lock`` lets the releasing thread take it straight back). Strings another request is
already embedding are awaited instead of embedded twice (no cache stampede when 16 users open the same example).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future


class FairLock:
    """A mutex granted in the order it was asked for."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: deque[object] = deque()
        self._held = False

    def __enter__(self) -> FairLock:
        me = object()
        with self._cond:
            self._queue.append(me)
            while self._held or self._queue[0] is not me:
                self._cond.wait()
            self._queue.popleft()
            self._held = True
        return self

    def __exit__(self, *exc) -> None:
        with self._cond:
            self._held = False
            self._cond.notify_all()


class InFlight:
    """Keys being computed now, each with a Future the computing request resolves (or fails)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[bytes, Future] = {}

    def claim(self, keys: Iterable[bytes]) -> tuple[list[bytes], dict[bytes, Future]]:
        """(keys this caller must compute, futures of keys someone else is computing)."""
        mine: list[bytes] = []
        theirs: dict[bytes, Future] = {}
        with self._lock:
            for key in keys:
                if key in self._futures:
                    theirs[key] = self._futures[key]
                else:
                    self._futures[key] = Future()
                    mine.append(key)
        return mine, theirs

    def resolve(self, key: bytes, value: object) -> None:
        with self._lock:
            future = self._futures.pop(key, None)
        if future is not None:
            future.set_result(value)

    def fail(self, keys: Iterable[bytes], exc: BaseException) -> None:
        """Release unfinished keys; waiters get the error (and may retry)."""
        with self._lock:
            futures = [self._futures.pop(k) for k in keys if k in self._futures]
        for future in futures:
            future.set_exception(exc)
