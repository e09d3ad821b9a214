"""A curated scenario opened by link against the obvious alternative, the same tab's example run live, in one run.

One app over the demo model with a fresh cache folder (a first demo on a machine). As soon as the page is served,
headless Chromium opens ``?scenario=NAME`` for each curated scenario in turn: seconds from navigation to the page
served (its HTML received), to its recorded first frame, to the live results text and to its plots drawn (the frame
then goes), and whether the model was still loading then. Then, once the model is ready, each tab's example is
clicked: seconds to the same results, embedded live (cold cache).

    .venv/bin/python -m benchmarks.scenario_open [--model FOLDER]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from playwright.sync_api import expect, sync_playwright

from benchmarks._common import markdown_table, model_folder
from tests.e2e.conftest import CHROMIUM, wait_for_server
from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from make_scenarios import STORIES  # noqa: E402

expect.set_options(timeout=900_000)
#: Milestones of an opened link, in ms from navigation: the recorded first frame shown (its picture decoded), the
#: tab's results text shown, the scenario's plots drawn (the frame then goes).
MILESTONES = """
window.hxMilestones = {};
(() => {
  const [done, text] = %s;
  const marks = window.hxMilestones;
  const poll = () => {
    const now = performance.now(), mark = (key, seen) => { if (seen && !(key in marks)) marks[key] = now; };
    const img = document.querySelector("#hx-first-frame img");
    mark("frame", img && img.complete && img.naturalWidth > 0);
    mark("text", (document.querySelector(done)?.textContent || "").includes(text));
    mark("drawn", window.hxFirstFrame && window.hxFirstFrame.drawn);
    if (!("drawn" in marks)) requestAnimationFrame(poll);
  };
  poll();
})();
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model id or folder (default: the app's default resolution)")
    args = parser.parse_args()
    folder = model_folder(args.model)
    tmp = Path(tempfile.mkdtemp(prefix="harrier-bench-scenarios-"))
    port, log = free_port(), tmp / "app.log"
    env = dict(os.environ, HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")
    with log.open("w") as out:
        app = subprocess.Popen([sys.executable, "app.py", "--model", str(folder), "--port", str(port), "--cache-dir",
                                str(tmp / "cache")], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url, rows = f"http://127.0.0.1:{port}/", []
    try:
        wait_for_server(url, app, log)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for name, (_tab, _button, done, text, *_story) in STORIES.items():
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.add_init_script(MILESTONES % json.dumps([done, text]))
                page.goto(f"{url}?scenario={name}")
                page.wait_for_function("() => window.hxFirstFrame && window.hxFirstFrame.drawn")
                seen = page.evaluate("window.hxMilestones")
                served = page.evaluate("performance.getEntriesByType('navigation')[0].responseEnd")
                loading = "Model ready" not in log.read_text()
                rows.append({"scenario": name, "page served (s)": served / 1000,
                             "first frame (s)": seen.get("frame", float("nan")) / 1000,
                             "results (s)": seen["text"] / 1000, "plots drawn (s)": seen["drawn"] / 1000,
                             "model then": "loading" if loading else "ready"})
                page.close()
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(url)
            expect(page.locator("#hx-header")).to_contain_text("self-check passed")
            for row, (tab, button, done, text, *_story) in zip(rows, STORIES.values(), strict=True):
                page.get_by_role("tab", name=tab).click()
                start = time.perf_counter()
                page.locator(button).click()
                expect(page.locator(done)).to_contain_text(text)
                row["example run live (s)"] = time.perf_counter() - start
                row["live / scenario drawn"] = row["example run live (s)"] / row["plots drawn (s)"]
            browser.close()
    except BaseException:
        print(f"The app's log: {log}", file=sys.stderr)
        raise
    finally:
        app.terminate()
        app.wait(30)
    shutil.rmtree(tmp, ignore_errors=True)  # the app's log and cache (an ONNX export among it)
    print(markdown_table(pd.DataFrame(rows), floatfmt=".2f"))


if __name__ == "__main__":
    main()
