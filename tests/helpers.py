"""Small helpers shared by test modules (fixtures live in the conftest files)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harrier_explorer.backend.core import Backend
from harrier_explorer.settings import load_settings


@contextmanager
def launched_app(backend: Backend, **launch) -> Iterator:
    """The whole app over ``backend``, launched in this process on a free port; yields its Blocks."""
    from harrier_explorer.ui.build import build_app

    demo = build_app(backend)
    demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=None, quiet=True, **launch)
    try:
        yield demo
    finally:
        demo.close()


def start_backend(cache_dir: Path, timeout: float = 120, upgrades: bool = False, **settings) -> Backend:
    """A loaded Backend, its background self-check finished, with its own cache folder; HARRIER_* variables of the
    test run are ignored. Torch runs the model unless ``runtime`` says otherwise (ONNX Runtime has tests of its
    own; exporting every tiny model would only slow the suite)."""
    settings.setdefault("runtime", "torch")
    backend = Backend(load_settings(env={}, cache_dir=str(cache_dir), **settings), upgrades=upgrades).start()
    backend.wait(timeout)
    backend.wait_selfcheck()
    return backend


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def plain(markdown: str) -> str:
    """Markdown with its backslash escapes undone: the text a reader sees (user text is escaped in Markdown)."""
    return re.sub(r"\\(.)", r"\1", markdown)
