"""Retake the README's screenshots: the real app (the configured model, else the offline demo model) in headless
Chromium at 1440×900, each tab's example run, then a full-page picture into docs/screenshots/.

    .venv/bin/python scripts/screenshots.py [--model-b sentence-transformers/all-MiniLM-L6-v2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.e2e.conftest import CHROMIUM, wait_for_server  # noqa: E402
from tests.helpers import free_port  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
#: (tab, example button, element whose text says the example is done, text it must contain, file name)
TABS = [("Cross-lingual search", "#search-example", "#search-status", "documents", "search-tab"),
        ("Bitext matching", "#bitext-example", "#bitext-status", "80 source", "bitext-tab"),
        ("Instruction A/B", "#ab-example", "#ab-summary", "Queries under B", "ab-tab"),
        ("Cluster map", "#map-example", "#map-summary", "texts: ", "map-tab")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-b", default="", help="also set model B at the top of the page")
    args = parser.parse_args()
    port = free_port()
    log = ROOT / "artifacts" / "screenshots-app.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as out:
        app = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT,
                               env=dict(os.environ, HF_HUB_OFFLINE="1"), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_server(url, app, log)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.set_default_timeout(900_000)
            page.goto(url)
            expect(page.locator("#hx-header")).to_contain_text("self-check passed", timeout=900_000)
            if args.model_b:
                box = page.locator("#hx-model-b input")
                box.fill(args.model_b)
                box.press("Enter")
                expect(page.locator("#hx-header")).to_contain_text("B ", timeout=900_000)
            for tab, button, done, text, name in TABS:
                page.get_by_role("tab", name=tab).click()
                page.locator(button).click()
                expect(page.locator(done)).to_contain_text(text, timeout=900_000)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
                print(f"{name}.png", flush=True)
            page.get_by_role("tab", name="Model").click()
            page.get_by_text("Load-time self-check").first.wait_for()
            page.screenshot(path=str(OUT / "model-tab.png"), full_page=True)
            browser.close()
    finally:
        app.terminate()
        app.wait(30)


if __name__ == "__main__":
    main()
