"""The CPU default, ``--runtime auto``, seen in the browser: an app without an ONNX export serves with torch at once,
exports in the background, and moves to ONNX Runtime — the header and the Model tab follow without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SLOW, open_page, open_tab, run_app


@pytest.fixture(scope="module")
def auto_page(browser, tiny_qwen, tmp_path_factory):
    for url in run_app(str(tiny_qwen), tmp_path_factory.mktemp("auto-app"), HARRIER_RUNTIME="auto"):
        yield from open_page(browser, url)


def test_the_page_follows_the_move_to_onnx_runtime(auto_page):
    page = auto_page
    header = page.locator("#hx-header")
    selfcheck = open_tab(page, "Model", "model-selfcheck")  # opened at once: it must update by itself
    expect(header).to_contain_text("padded batches of 1024 tokens, ONNX Runtime", timeout=SLOW)
    expect(header).to_contain_text("self-check passed", timeout=SLOW)
    expect(header).not_to_contain_text("preparing")
    expect(selfcheck).to_contain_text("ONNX Runtime = torch", timeout=SLOW)
    expect(selfcheck).to_contain_text("min cosine")
    expect(page.locator("#model-facts")).to_contain_text("ONNX Runtime")
