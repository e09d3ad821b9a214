"""Every long job has a Stop button next to its Run button: a click says so on the job's status line, and the tab
keeps serving. (That the worker stops embedding at its next batch is shown per endpoint in tests/api/test_cancel.py.)
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SLOW, open_tab


@pytest.mark.parametrize("tab, example, stop, status", [
    ("Cross-lingual search", "search-example", "search-stop", "search-status"),
    ("Bitext matching", "bitext-example", "bitext-stop", "bitext-status"),
    ("Instruction A/B", "ab-example", "ab-stop", "ab-status"),
    ("Instruction lab", "lab-example", "lab-stop", "lab-status"),
    ("Cluster map", "map-example", "map-stop", "map-status"),
])
def test_a_running_example_can_be_stopped(page, tab, example, stop, status):
    status_line = open_tab(page, tab, status)
    page.locator(f"#{example}").click()
    page.locator(f"#{stop}").click()
    expect(status_line).to_contain_text("Stopped", timeout=SLOW)
    expect(page.locator(f"#{example}")).to_be_enabled()
