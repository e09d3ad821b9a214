"""Every long job has a Stop button next to its Run button. Clicked while the tab's example is embedding, it says so
on the job's status line, the results of the stopped run never arrive, and the tab keeps serving. The app runs the
hash test encoder held at a gate (``fake.py``), so the click lands while the run is surely in flight: every wait is on
a state. (That the worker stops at its next batch is also shown per endpoint in tests/api/test_cancel.py.)
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SLOW, open_tab


def wait_for(path, what: str) -> None:
    deadline = time.monotonic() + SLOW / 1000
    while not path.exists():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.parametrize("tab, example, stop, status", [
    ("Cross-lingual search", "search-example", "search-stop", "search-status"),
    ("Bitext matching", "bitext-example", "bitext-stop", "bitext-status"),
    ("Instruction A/B", "ab-example", "ab-stop", "ab-status"),
    ("Instruction lab", "lab-example", "lab-stop", "lab-status"),
    ("Cluster map", "map-example", "map-stop", "map-status"),
])
def test_a_running_example_can_be_stopped(gated_page, gate, tab, example, stop, status):
    for name in ("started", "open", "left"):
        (gate / name).unlink(missing_ok=True)
    page = gated_page
    status_line = open_tab(page, tab, status)
    page.locator(f"#{example}").click()
    wait_for(gate / "started", "the example's run to start embedding")
    page.locator(f"#{stop}").click()
    expect(status_line).to_contain_text("Stopped", timeout=SLOW)
    (gate / "open").touch()  # let the held worker go on: it stops at its next batch
    wait_for(gate / "left", "the stopped worker to leave the encoder")
    expect(page.locator(f"#{example}")).to_be_enabled()
    expect(status_line).to_contain_text("Stopped")  # the stopped run's results never replaced it
