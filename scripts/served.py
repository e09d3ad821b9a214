"""The real app as the scripts that picture it and record its demos drive it: ``app.py`` (the configured model, else
the offline demo model) on a free port, its log in artifacts/, yielded once the page answers and the model is ready."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.e2e.conftest import wait_for_server  # noqa: E402
from tests.helpers import free_port  # noqa: E402


@contextlib.contextmanager
def served_app(log_name: str) -> Iterator[str]:
    """The app's URL, once its model is ready (a page opened while the model loads waits on its load events)."""
    port = free_port()
    log = ROOT / "artifacts" / log_name
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as out:
        app = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT,
                               env=dict(os.environ, HF_HUB_OFFLINE="1"), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_server(url, app, log)
        while "Model ready" not in log.read_text():
            if app.poll() is not None:
                raise RuntimeError(log.read_text()[-2000:])
            time.sleep(1)
        yield url
    finally:
        app.terminate()
        app.wait(30)
