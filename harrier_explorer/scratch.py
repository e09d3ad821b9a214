"""The app's own temporary files (downloads, opened scenarios, map exports), under a folder per process.

A server that runs for weeks must not fill the disk: every run of a tab writes its downloads. So the folder goes
when the process exits, a download goes an hour after it was written (Gradio serves its own copy of a returned
file by then), and a folder left by a process that died without cleaning up (killed, not stopped) is removed by
the next one to start.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
import time
from pathlib import Path

PREFIX = "harrier-explorer-"
DOWNLOAD_TTL_S = 3600


@functools.cache
def root() -> Path:
    """This process's folder in the system's temporary folder."""
    return process_folder(Path(tempfile.gettempdir()))


def process_folder(parent: Path) -> Path:
    """A fresh folder in ``parent`` for this process, removed at exit and named after its pid (how a later process
    knows it is orphaned); orphans in ``parent`` are removed first."""
    parent.mkdir(parents=True, exist_ok=True)
    _remove_orphans(parent)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def new_folder(kind: str) -> Path:
    """A fresh, empty folder under ``root()/kind``."""
    parent = root() / kind
    parent.mkdir(exist_ok=True)
    return Path(tempfile.mkdtemp(dir=parent))


def download_folder() -> Path:
    """A fresh folder for one download; those written more than DOWNLOAD_TTL_S ago are removed first."""
    parent = root() / "downloads"
    if parent.is_dir():
        cutoff = time.time() - DOWNLOAD_TTL_S
        for old in parent.iterdir():
            try:
                if old.stat().st_mtime < cutoff:
                    shutil.rmtree(old, ignore_errors=True)
            except FileNotFoundError:  # another thread removed it first
                pass
    return new_folder("downloads")


def _remove_orphans(parent: Path) -> None:
    if os.name == "nt":  # os.kill(pid, 0) would end the process there, not probe it
        return
    for folder in parent.glob(f"{PREFIX}*-*"):
        pid = folder.name.removeprefix(PREFIX).split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
