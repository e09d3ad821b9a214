"""Make the curated scenarios in assets/scenarios/: the real app (the offline demo model) in headless Chromium runs
each story's tab example, saves the tab with "Save this tab as a scenario" (the path a user takes), and the file gets
its title and story. The stories quote figures of these runs; tests/integration/test_curated_scenarios.py checks
each figure against the replayed results. Then each scenario's link is opened in a fresh app and pictured: the first
frame a link shows while the page starts (``ui/first_frame.py``).

    .venv/bin/python scripts/make_scenarios.py [--only NAME …] [--frames]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from harrier_explorer.ui.first_frame import FRAMES, MANIFEST, SCHEMES, frame_path, manifest, zip_digest  # noqa: E402
from harrier_explorer.workflows.scenario import describe  # noqa: E402
from scripts.served import served_app  # noqa: E402
from tests.e2e.conftest import CHROMIUM  # noqa: E402

OUT = ROOT / "assets" / "scenarios"
expect.set_options(timeout=900_000)
#: name → (tab, example button, element that says the example is done, text it then holds, title, story)
STORIES = {
    "same-question-four-languages": (
        "Cross-lingual search", "#search-example", "#search-status", "documents",
        "The same question in four languages finds the same answers",
        "Four questions, in English, German, Japanese and Swahili, ask how much of the rivers' water comes from the "
        "Amazon. The corpus holds 126 FLORES sentences in nine languages. **Look at the four hit tables:** every hit "
        "of every top 5 is the same answer (\"20 percent … from the Amazon\") in another language. Each question "
        "finds the answer in its own language first, then its translations."),
    "mining-translations": (
        "Bitext matching", "#bitext-example", "#bitext-status", "80 source",
        "Mining translations from two unaligned lists",
        "80 German and 80 English sentences from Tatoeba. Each German sentence is paired with its nearest English "
        "sentence among all 80: the order of the lists is not used, and the known pairing only scores the answer. "
        "**Look at the accuracy table:** 80 of 80 right, by cosine and by margin, in both directions. The bright "
        "diagonal of the heatmap is the translations."),
    "instruction-helps-or-hurts": (
        "Instruction A/B", "#ab-example", "#ab-summary", "Queries under B",
        "An instruction that helps some questions and hurts others",
        "40 XQuAD questions against 60 paragraphs in English and German. A: no instruction; B: the "
        "question-answering instruction. B lifts nDCG@10 from 0.919 to 0.926. **Look at the per-query table:** B "
        "helps 6 questions (Q5: 0.88 → 1.00) and hurts 2 (Q10: 1.00 → 0.92), and 32 are ties. The paired test gives "
        "p = 0.14: on 40 questions, no significant difference."),
    "topics-not-languages": (
        "Cluster map", "#map-example", "#map-summary", "texts: ",
        "Topics, not languages",
        "294 SIB-200 sentences on 7 topics, in English, German and Chinese. On the raw embeddings, the clusters "
        "follow language more than topic (V-measure 0.47 against languages, 0.34 against topics). The language-"
        "neutral view removes each language's mean vector. **Look at the agreement table and the keywords:** "
        "clusters now match topics (0.53) and not languages (0.00). One cluster's keywords read \"final, match\" in "
        "English, \"Spiel, Tore\" in German and \"比赛\" in Chinese."),
    "answer-past-the-limit": (
        "Long documents", "#longdoc-example", "#longdoc-summary", "Best chunk",
        "An answer the whole-document embedding never reads",
        "30 Wikipedia paragraphs (XQuAD) as one document of 5,336 tokens, and the question of the last paragraph. "
        "The demo model reads 2,048 tokens: embedded whole, the document scores only 0.059. **Look at the curve:** "
        "the answer's chunk (tokens 5,034–5,238) scores 0.589, past the point where the model stops reading. The "
        "best chunk it does read scores 0.146. Harrier's 32k-token window would read the whole document."),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="names of the scenarios to make again")
    parser.add_argument("--frames", action="store_true", help="only record the first frames of the scenarios")
    args = parser.parse_args()
    names = [name for name in STORIES if args.only is None or name in args.only]
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        if not args.frames:
            with served_app("scenarios-app.log") as url:
                make(browser, url, names)
        with served_app("scenarios-frames-app.log") as url:  # an app that reads the zips made above
            record_frames(browser, url, names)
        browser.close()


def make(browser, url: str, names: list[str]) -> None:
    """Each story's zip: its tab's example run, saved as a user saves it, then titled."""
    page = browser.new_page(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page.set_default_timeout(900_000)
    page.goto(url)
    expect(page.locator("#hx-header")).to_contain_text("self-check passed")
    for name in names:
        tab, button, done, text, title, story = STORIES[name]
        page.get_by_role("tab", name=tab).click()
        page.locator(button).click()
        expect(page.locator(done)).to_contain_text(text)
        link = page.locator("#hx-scenario-file a").first
        before = link.get_attribute("href") if link.count() else None
        page.locator("#hx-scenario-save").click()
        page.wait_for_function("before => { const a = document.querySelector('#hx-scenario-file a');"
                               " return a && a.href !== before; }", arg=before)
        with page.expect_download() as download:
            link.click()
        path = OUT / f"{name}.zip"
        download.value.save_as(path)
        describe(path, title, story)
        print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB", flush=True)
    page.close()


def record_frames(browser, url: str, names: list[str]) -> None:
    """Each scenario opened by its link, as a viewer opens it, pictured once everything on screen is drawn (light
    and dark): the first frame the page shows at once the next time (``ui/first_frame.py``)."""
    FRAMES.mkdir(exist_ok=True)
    listed = manifest()
    for name in names:
        _tab, _button, done, text, title, _story = STORIES[name]
        for scheme in SCHEMES:
            page = browser.new_page(viewport={"width": 1440, "height": 900}, color_scheme=scheme)
            page.set_default_timeout(900_000)
            page.goto(f"{url}?scenario={name}")
            expect(page.locator(done)).to_contain_text(text)
            page.wait_for_function("() => window.hxFirstFrame.drawn")  # its plots drawn
            expect(page.locator("#hx-first-frame")).to_have_count(0)  # a previous frame has handed over
            picture = Image.open(io.BytesIO(page.screenshot()))
            picture.save(frame_path(name, scheme), quality=80, method=6)
            print(f"{name}: {frame_path(name, scheme).stat().st_size / 1e3:.0f} kB ({scheme})", flush=True)
            page.close()
        listed[name] = {"zip": zip_digest(OUT / f"{name}.zip"), "title": title}
    MANIFEST.write_text(json.dumps(listed, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
