"""A curated scenario's recorded first frame: a picture of the page with the scenario opened (1440×900, light and
dark), shown over the page as soon as a link (``?scenario=NAME``) is opened, and faded out once the live page has
drawn the same results under it.

On two cores Gradio builds this page in 1.3–1.8 s and the scenario's results and plots take 2–3 s more: a demo's
viewer would watch an empty page for 4 s. The frame shows 0.1–0.3 s after the page is served, labelled as a
recording; the live page takes over without a jump (same tab, same scroll). Frames are made with the scenarios
(``scripts/make_scenarios.py``) and listed in ``frames.json`` with the sha-256 of the zip they picture: a frame of
another zip is not shown.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
from pathlib import Path
from urllib.parse import parse_qs

import gradio as gr

from harrier_explorer.ui.scenarios import CURATED

log = logging.getLogger(__name__)
FRAMES = CURATED / "frames"
MANIFEST = FRAMES / "frames.json"
SCHEMES = ("light", "dark")


def frame_path(name: str, scheme: str) -> Path:
    return FRAMES / f"{name}-{scheme}.webp"


def zip_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest() -> dict[str, dict]:
    """``frames.json``: name → the sha-256 of the zip its frames picture ("zip") and the scenario's title."""
    return json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.is_file() else {}


def frames() -> dict[str, dict]:
    """name → its frame's title and each scheme's URL, for each curated scenario whose frames picture its zip."""
    shown = {}
    for name, entry in manifest().items():
        scenario = CURATED / f"{name}.zip"
        files = {scheme: frame_path(name, scheme) for scheme in SCHEMES}
        if not scenario.is_file() or not all(f.is_file() for f in files.values()):
            log.warning("First frame of %s: its scenario or pictures are missing; it opens without one", name)
        elif zip_digest(scenario) != entry["zip"]:
            log.warning("First frame of %s pictures another version of it; run scripts/make_scenarios.py --frames",
                        name)
        else:
            shown[name] = {**{s: f"gradio_api/file={f}" for s, f in files.items()}, "title": entry["title"]}
    return shown


class FirstFrame:
    """ASGI middleware: the page asked for by a link to a framed scenario gets the frame at the top of its body, so
    that it shows at the page's first paint (Gradio adds a ``head`` only once its scripts have run, 0.8–1.5 s later;
    the page script ``FIRST_FRAME_JS`` hands it over to the live page). Serves the frames' folder."""

    def __init__(self, app) -> None:
        self.app = app
        self.frames = frames()
        gr.set_static_paths([FRAMES])

    async def __call__(self, scope, receive, send) -> None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1")) if scope["type"] == "http" else {}
        name = query.get("scenario", [""])[0]
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != "/" or name not in self.frames:
            return await self.app(scope, receive, send)
        cover = _cover(self.frames[name], query.get("__theme", [""])[0]).encode()
        start, parts = {}, []

        async def framed(message) -> None:
            if message["type"] == "http.response.start":
                return start.update(message)
            parts.append(message.get("body", b""))
            if message.get("more_body"):
                return
            page = b"".join(parts)
            encoded = any(key == b"content-encoding" for key, _ in start["headers"])
            login = b'"auth_required":true' in page  # Gradio's login page (--auth), not the app yet
            if start["status"] == 200 and not encoded and not login and (body := page.find(b"<body")) >= 0:
                at = page.index(b">", body) + 1
                page = page[:at] + cover + page[at:]
            headers = [(k, v) for k, v in start["headers"] if k != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(page)).encode())]})
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, framed)


def _cover(frame: dict, theme: str) -> str:
    """The frame's markup: the picture of the page's colour scheme (``?__theme=``, else the system's)."""
    alt = html.escape(f"A recording of the demo “{frame['title']}”, shown while the live page starts")
    light, dark = (html.escape(frame[s]) for s in SCHEMES)
    picture = (f'<img src="{dark if theme == "dark" else light}" alt="{alt}">' if theme in SCHEMES else
               f'<picture><source srcset="{dark}" media="(prefers-color-scheme: dark)"><img src="{light}" '
               f'alt="{alt}"></picture>')
    return (f'<style>{_CSS}</style><div id="hx-first-frame">{picture}'
            "<p>A recording of this demo: the live page takes over in a moment (click to skip)</p></div>")


_CSS = """
#hx-first-frame {position: fixed; inset: 0; z-index: 1000; overflow: hidden; cursor: progress;
  background: var(--bg, #fff); transition: opacity 0.2s;}
@media (prefers-color-scheme: dark) {#hx-first-frame {background: var(--bg-dark, #0b0f19);}}
#hx-first-frame img {display: block; width: 100%; max-width: 1440px; margin: 0 auto;}
#hx-first-frame p {position: fixed; bottom: 16px; left: 50%; transform: translateX(-50%); margin: 0;
  padding: 6px 14px; border-radius: 999px; background: rgba(17, 24, 39, 0.85); color: #fff;
  font: 14px system-ui, sans-serif;}
"""

#: The page script's part (``build.JS``): ``window.hxFirstFrame``, which hands the frame over to the live page when a
#: scenario's opening calls ``ready(plots)`` (``drop()`` if it failed).
FIRST_FRAME_JS = """() => {
  let cover = document.getElementById("hx-first-frame");  // put there by the server (FirstFrame)
  const api = {
    drawn: false,  // the opened scenario's plots are drawn (scripts that picture the page wait on it)
    drop() {
      if (!cover) return;
      const leaving = cover;
      cover = null;
      leaving.style.opacity = "0";
      setTimeout(() => leaving.remove(), 200);
    },
    // Called once a scenario is open: when every plot it filled that shows (not one in a closed accordion) is
    // drawn, a frame later, the recording goes.
    ready(plots) {
      const pending = (id) => {
        const block = document.getElementById(id);
        return block && block.offsetParent !== null && !block.querySelector(".js-plotly-plot .main-svg");
      };
      const wait = () => requestAnimationFrame(plots.some(pending) ? wait : () => {
        api.drawn = true;
        api.drop();
      });
      wait();
    },
  };
  window.hxFirstFrame = api;
  if (window.hxOpenedPlots) api.ready(window.hxOpenedPlots);  // the scenario opened before this script ran
  if (!cover) return;
  cover.onclick = api.drop;
  if (cover.querySelector("img").complete && !cover.querySelector("img").naturalWidth) api.drop();  // no picture
  cover.querySelector("img").onerror = api.drop;
  setTimeout(api.drop, 30000);  // only if the page never opens the scenario (its server gone): not a timing guess
}"""
