"""The app's temporary files: gone at exit, downloads gone after their hour, a killed process's folder swept."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

import pytest

from harrier_explorer import scratch


@pytest.fixture
def temp(tmp_path, monkeypatch):
    """The system's temporary folder, for this test alone."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    scratch.root.cache_clear()
    yield tmp_path
    scratch.root.cache_clear()


def test_old_downloads_go_and_recent_ones_stay(temp):
    old, recent = scratch.download_folder(), scratch.download_folder()
    (old / "a.csv").write_text("x")
    hours_ago = time.time() - scratch.DOWNLOAD_TTL_S - 60
    os.utime(old, (hours_ago, hours_ago))
    new = scratch.download_folder()
    assert not old.exists() and recent.is_dir() and new.is_dir()
    assert new.parent == recent.parent == scratch.root() / "downloads"


@pytest.mark.skipif(os.name == "nt", reason="orphans are not swept on Windows")
def test_a_dead_process_folder_is_swept_and_a_live_one_kept(temp):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    dead = temp / f"{scratch.PREFIX}{finished.stdout.strip()}-abc"
    live = temp / f"{scratch.PREFIX}{os.getppid()}-def"
    unrelated = temp / f"{scratch.PREFIX}notes"
    for folder in (dead, live, unrelated):
        (folder / "downloads").mkdir(parents=True)
    mine = scratch.root()
    assert not dead.exists() and live.is_dir() and unrelated.is_dir()
    assert scratch.process_folder(temp / "elsewhere").parent == temp / "elsewhere"
    assert mine.name.startswith(f"{scratch.PREFIX}{os.getpid()}-")


def test_the_folder_goes_when_the_process_exits(tmp_path):
    code = ("import sys; from pathlib import Path; from harrier_explorer import scratch;"
            " f = scratch.download_folder() / 'a.csv'; f.write_text('x');"
            " (scratch.process_folder(Path(sys.argv[1])) / 'map.html').write_text('x'); print(scratch.root())")
    elsewhere = tmp_path / "gradio" / "harrier-map"
    done = subprocess.run([sys.executable, "-c", code, str(elsewhere)], capture_output=True, text=True, check=True,
                          env={**os.environ, "TMPDIR": str(tmp_path)})
    root = done.stdout.strip()
    assert root.startswith(str(tmp_path)) and not os.path.exists(root)
    assert [p.name for p in tmp_path.iterdir()] == ["gradio"] and list(elsewhere.iterdir()) == []
