"""Retake the README's screenshots: the real app (the configured model, else the offline demo model) in headless
Chromium at 1440×900, each tab's example run, then a full-page picture into docs/screenshots/. With ``--model-b``
the pictures show comparison mode and are named ``<tab>-model-b.png``; with ``--dark``, the page in dark mode,
named ``<tab>-dark.png``.

    .venv/bin/python scripts/screenshots.py [--model-b sentence-transformers/all-MiniLM-L6-v2] [--dark]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from scripts.served import served_app  # noqa: E402
from tests.e2e.conftest import CHROMIUM  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
#: (tab, example button, element whose text says the example is done, text it must contain, plots it then draws,
#: file name, whether the tab shows model B)
TABS = [("Cross-lingual search", "#search-example", "#search-status", "documents", 2, "search-tab", True),
        ("Bitext matching", "#bitext-example", "#bitext-status", "80 source", 2, "bitext-tab", True),
        ("Instruction A/B", "#ab-example", "#ab-summary", "Queries under B", 0, "ab-tab", True),
        ("Instruction lab", "#lab-example", "#lab-verdict", "Wording moves", 1, "lab-tab", False),
        ("Cluster map", "#map-example", "#map-summary", "texts: ", 1, "map-tab", True),
        ("Long documents", "#longdoc-example", "#longdoc-summary", "Best chunk", 1, "long-doc-tab", False)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-b", default="", help="also set model B at the top of the page")
    parser.add_argument("--only", nargs="*", default=None, help="file names of the pictures to retake (e.g. lab-tab)")
    parser.add_argument("--dark", action="store_true", help="the page in dark mode (Gradio's ?__theme=dark)")
    args = parser.parse_args()
    suffix = ("-model-b" if args.model_b else "") + ("-dark" if args.dark else "")
    with served_app("screenshots-app.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.set_default_timeout(900_000)
        page.goto(url + ("?__theme=dark" if args.dark else ""))
        expect(page.locator("#hx-header")).to_contain_text("self-check passed", timeout=900_000)
        if args.model_b:
            box = page.locator("#hx-model-b input")
            box.fill(args.model_b)
            box.press("Enter")
            expect(page.locator("#hx-header")).to_contain_text("B ", timeout=900_000)
        print("model ready", flush=True)
        for tab, button, done, text, plots, name, shows_b in TABS:
            if args.only is not None and name not in args.only:
                continue
            page.get_by_role("tab", name=tab).click()
            page.locator(button).click()
            print(f"{tab}: running its example", flush=True)
            expect(page.locator(done)).to_contain_text(text, timeout=900_000)
            if args.model_b and shows_b:  # each tab's model-B line, e.g. #search-model-b-status
                expect(page.locator(f"{button.removesuffix('-example')}-model-b-status")).to_contain_text(
                    "Model B", timeout=900_000)
            page.wait_for_function("n => [...document.querySelectorAll('.js-plotly-plot')].filter("
                                   "p => p.offsetParent && p.data && p.data.length).length >= n", arg=plots,
                                   timeout=900_000)
            page.wait_for_timeout(3000)  # a picture, not a test: let the follow-up events fill the tables
            page.screenshot(path=str(OUT / f"{name}{suffix}.png"), full_page=True)
            print(f"{name}{suffix}.png", flush=True)
        if args.only is not None and "model-tab" not in args.only:
            return
        page.get_by_role("tab", name="Model").click()
        page.get_by_text("Load-time self-check").first.wait_for()
        if args.model_b:  # the parity check and speed against quality (on the 80 built-in pairs)
            page.locator("#model-parity").click()
            expect(page.locator("#model-parity-summary")).to_contain_text("rank agreement", timeout=900_000)
            page.locator("#model-speed-quality").click()
            page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].some("
                                   "p => p.offsetParent && p.data && p.data.length)", timeout=900_000)
        page.screenshot(path=str(OUT / f"model-tab{suffix}.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
