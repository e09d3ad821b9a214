"""A cluster map of many points from vectors a user uploads (issue 11: 100k points): how long the map takes to build,
stage by stage, and whether it stays interactive: frames per second while zooming with the mouse wheel, with a pinch
(a trackpad's ctrl + wheel event at each frame), with the zoom buttons (a relayout each) and while dragging the map
with the mouse (plotly's pan), also with three points in four faded by a filter, each from the whole map, and
dragging once more from a view zoomed in to a tenth of the width, in headless Chromium. Measured in the map's
standalone HTML export (the figure the page draws, WebGL, with the page's config and its webgl.js: no
multisampling, the screen's own pixels, and a sample of MOTION_POINTS points drawn while the map moves), against
the same figure drawing every point as it moves, the same at plotly's 2 canvas pixels per CSS pixel, plotly's
default (multisampled, 2 pixels, every point), the same points drawn as SVG (plotly's go.Scatter: the figure
without WebGL), and the same map cut to SMALL points (the machine's reference), in one run.

Data: seeded synthetic vectors (topics × languages in ``--dim`` dimensions, L2-normalised) with a text, label and
language per row, written as the parquet ``harrier-explorer embed`` writes; nothing is embedded. Chromium draws
WebGL in software here (SwiftShader, no GPU): a laptop's GPU draws faster.

    python -m benchmarks.map_scale [--points 100000] [--dim 640] > map_scale.md
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from benchmarks._common import log, markdown_table
from harrier_explorer.backend.core import Backend
from harrier_explorer.inputs.vectors import load_vectors
from harrier_explorer.settings import load_settings
from harrier_explorer.ui.map.build import MapRequest, run_map
from harrier_explorer.ui.map.export import standalone_html
from harrier_explorer.ui.map.plots import MAP_CONFIG, MOTION_POINTS

LANGUAGES = ("en", "de", "fr", "zh")
#: Zoom steps measured per figure (each a relayout and the frame that draws it), and the most seconds spent on them.
STEPS, BUDGET_S = 40, 120.0
ZOOM_FPS = """async ([steps, budget]) => {
  const gd = document.querySelector('.js-plotly-plot');
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const [x0, x1] = gd._fullLayout.xaxis.range, [y0, y1] = gd._fullLayout.yaxis.range;
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  await frame();
  const start = performance.now();
  let frames = 0;
  for (let i = 1; i <= steps && performance.now() - start < budget * 1000; i++) {
    const f = 1 - 0.6 * i / steps;  // zooming in towards the centre, to 40 % of the width
    await Plotly.relayout(gd, {'xaxis.range': [cx - (x1 - x0) * f / 2, cx + (x1 - x0) * f / 2],
                               'yaxis.range': [cy - (y1 - y0) * f / 2, cy + (y1 - y0) * f / 2]});
    await frame();
    frames++;
  }
  return frames / ((performance.now() - start) / 1000);
}"""
#: The view a measure starts from, given ``[share]``: the whole map (share 1), or its centre with ``share`` of its
#: width and height in view; resolved once that view is drawn, at rest (webgl.js has stopped sampling points).
VIEW = """async ([share]) => {
  const gd = document.querySelector('.js-plotly-plot');
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  while (gd.hxMoving) await frame();
  await Plotly.relayout(gd, {'xaxis.autorange': true, 'yaxis.autorange': true});
  if (share < 1) {
    const [[x0, x1], [y0, y1]] = [gd._fullLayout.xaxis.range, gd._fullLayout.yaxis.range];
    const [cx, cy, wx, wy] = [(x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) * share / 2, (y1 - y0) * share / 2];
    await Plotly.relayout(gd, {'xaxis.range': [cx - wx, cx + wx], 'yaxis.range': [cy - wy, cy + wy]});
  }
  await frame();
  await frame();
}"""

#: Frames the page draws while a mouse drags the map in pan mode (plotly's own pan: the WebGL canvas redrawn at each
#: move, no relayout), counted by requestAnimationFrame between FRAMES_START and FRAMES_STOP.
FRAMES_START = """() => { window.hxFrames = 0; window.hxCounting = true; window.hxStart = performance.now();
  const tick = () => { window.hxFrames++; if (window.hxCounting) requestAnimationFrame(tick); };
  requestAnimationFrame(tick); }"""
FRAMES_STOP = """() => { window.hxCounting = false;
  return window.hxFrames / ((performance.now() - window.hxStart) / 1000); }"""
#: Mouse moves in one drag; wheel steps in one zoom (each 40 pixels' worth, in towards the pointer).
DRAG_MOVES, WHEEL_STEPS = 30, 30
#: Points in the reference map: the same map cut to a size this machine draws whole as it moves.
SMALL = 3000
#: The zoomed-in view a second drag starts from: a tenth of the map's width and height (a hundredth of its area).
ZOOMED_IN = 0.1


def synthetic_parquet(n: int, dim: int, topics: int, path: Path, seed: int = 0) -> Path:
    """n rows: a topic and a language each; the vector is the topic's centre plus the language's offset plus noise,
    and the text is words of the topic's own vocabulary, so that keywords and the language-neutral view have work."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    topic, lang = rng.integers(topics, size=n), rng.integers(len(LANGUAGES), size=n)
    vectors = (rng.normal(size=(topics, dim))[topic] + 0.7 * rng.normal(size=(len(LANGUAGES), dim))[lang]
               + 0.9 * rng.normal(size=(n, dim))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    words = rng.integers(30, size=(n, 6))
    texts = [f"{' '.join(f'{LANGUAGES[g]}{t}w{w}' for w in row)} item {i}"
             for i, (t, g, row) in enumerate(zip(topic, lang, words, strict=True))]
    offsets = pa.array(np.arange(0, (n + 1) * dim, dim, dtype=np.int32))
    table = pa.table({"text": texts, "label": [f"topic {t}" for t in topic],
                      "language": [LANGUAGES[g] for g in lang],
                      "vector": pa.ListArray.from_arrays(offsets, pa.array(vectors.ravel()))})
    pq.write_table(table, path)
    return path


class Stages:
    """The build's progress messages, timed: the seconds each stage took (digits dropped: "epoch 40 of 200")."""

    def __init__(self) -> None:
        self.marks: list[tuple[float, str]] = []

    def __call__(self, fraction=None, desc: str = "", **_) -> None:
        stage = re.sub(r"\s*[:(]?\s*\d[\d,./ ]*.*$", "", desc or "").strip() or "(unnamed)"
        if not self.marks or self.marks[-1][1] != stage:
            self.marks.append((time.perf_counter(), stage))
            log(f"  {stage}")

    def table(self, end: float) -> list[tuple[str, float]]:
        ends = [t for t, _ in self.marks[1:]] + [end]
        return [(stage, e - t) for (t, stage), e in zip(self.marks, ends, strict=True)]


def svg_copy(fig: go.Figure) -> go.Figure:
    """The same figure with every WebGL trace drawn as SVG."""
    return go.Figure([go.Scatter(t.to_plotly_json()) if t.type == "scattergl" else t for t in fig.data], fig.layout)


def cut_copy(fig: go.Figure, points: int) -> go.Figure:
    """The same figure with ``points`` document points in all: each trace of them cut to its first part, an even
    sample of it (plots.motion_order). Below MOTION_POINTS, nothing is sampled as it moves: the machine's reference."""
    cut = go.Figure(fig)  # a copy
    traces = [t for t in cut.data if t.customdata is not None]
    share = points / sum(len(t.x) for t in traces)
    for trace in traces:
        keep = max(1, round(len(trace.x) * share))
        trace.update(x=trace.x[:keep], y=trace.y[:keep], customdata=trace.customdata[:keep])
    return cut


def _changed(page: str, old: str, new: str) -> str:
    """``page`` with its one ``old`` made ``new``: a variant of the map's export."""
    assert page.count(old) == 1, old
    return page.replace(old, new)


def _plot_centre(page) -> tuple[float, float]:
    box = page.locator(".nsewdrag").first.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


#: A pinch or a trackpad's two-finger zoom: the browser sends a ctrl + wheel event at each frame, so plotly moves its
#: camera at each step and relayouts only once the fingers stop (after the measure). Plotly takes the page's own
#: events as it takes the mouse's; given ``[steps]``, resolves to the steps (frames) per second.
PINCH_FPS = """async ([steps]) => {
  const target = document.querySelector('.js-plotly-plot .nsewdrag');
  const box = target.getBoundingClientRect();
  const at = {clientX: box.left + box.width / 2, clientY: box.top + box.height / 2};
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  await frame();
  const start = performance.now();
  for (let i = 0; i < steps; i++) {
    target.dispatchEvent(new WheelEvent('wheel', {deltaY: -8, ctrlKey: true, bubbles: true, cancelable: true, ...at}));
    await frame();
  }
  return steps / ((performance.now() - start) / 1000);
}"""
PINCH_STEPS = 60


def pinch_fps(page) -> float:
    """Frames per second while pinching in on the middle of the plot area: a ctrl + wheel event of 8 pixels at
    each frame."""
    return page.evaluate(PINCH_FPS, [PINCH_STEPS])


def buttons_fps(page) -> float:
    """Frames per second while zooming in step by step as the zoom buttons do: a relayout per step."""
    return page.evaluate(ZOOM_FPS, [STEPS, BUDGET_S])


def wheel_fps(page) -> float:
    """Frames per second while the mouse wheel zooms in on the middle of the plot area (plotly's scroll zoom, which
    the map's config turns on). The relayouts plotly makes whenever the wheel pauses 50 ms count; the last one,
    after the final step, does not."""
    x, y = _plot_centre(page)
    page.mouse.move(x, y)
    page.evaluate(FRAMES_START)
    for _ in range(WHEEL_STEPS):
        page.mouse.wheel(0, -40)
    return page.evaluate(FRAMES_STOP)


def drag_fps(page) -> float:
    """Frames per second while the mouse drags the map (pan mode) across the middle of its plot area."""
    page.evaluate("() => Plotly.relayout(document.querySelector('.js-plotly-plot'), {dragmode: 'pan'})")
    x, y = _plot_centre(page)
    page.mouse.move(x, y)
    page.mouse.down()
    page.evaluate(FRAMES_START)
    for i in range(1, DRAG_MOVES + 1):
        page.mouse.move(x + 4 * i, y + 3 * i)
    fps = page.evaluate(FRAMES_STOP)
    page.mouse.up()
    return fps


#: Fades (given ``[true]``) three points in four of every trace of document points, as a filter does (highlight.js:
#: plotly's selectedpoints), or brings them back (``[false]``); resolved once drawn.
FADE = """async ([fade]) => {
  const gd = document.querySelector('.js-plotly-plot');
  const traces = gd.data.flatMap((t, i) => (Array.isArray(t.customdata) ? [i] : []));
  const kept = traces.map((i) => (fade
    ? gd.data[i].customdata.flatMap((row, j) => (Number(row[0]) % 4 === 0 ? [j] : [])) : null));
  await Plotly.restyle(gd, {selectedpoints: kept, 'unselected.marker.opacity': 0.12}, traces);
}"""


def faded_drag_fps(page) -> float:
    """Frames per second while dragging the map with three points in four faded by a filter: plotly then draws
    each trace's faded and bright points by their numbers."""
    page.evaluate(FADE, [True])
    fps = drag_fps(page)
    page.evaluate(FADE, [False])
    return fps


#: What is measured in each figure, in order: (column, the share of the map's width and height in view at the start,
#: how).
#: Each starts from that view, since a software renderer's frame costs about in proportion to the points in view.
MEASURES = (("wheel zooming", 1.0, wheel_fps), ("pinch zooming", 1.0, pinch_fps), ("zoom buttons", 1.0, buttons_fps),
            ("dragging", 1.0, drag_fps), ("dragging, 3 in 4 points faded by a filter", 1.0, faded_drag_fps),
            (f"dragging, zoomed in to {ZOOMED_IN:.0%} of the width", ZOOMED_IN, drag_fps))


def browse(files: dict[str, Path]) -> dict[str, dict[str, float]]:
    """Per file: seconds until the figure is drawn ("drawn after (s)"), and frames per second for each of MEASURES."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for name, path in files.items():
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            start = time.perf_counter()
            page.goto(path.as_uri(), timeout=900_000)
            page.wait_for_function("() => { const gd = document.querySelector('.js-plotly-plot');"
                                   " return gd && gd._fullLayout && gd.data && gd.data.length; }", timeout=900_000)
            out[name] = {"drawn after (s)": time.perf_counter() - start}
            for measure, share, fps in MEASURES:
                page.evaluate(VIEW, [share])
                out[name][f"frames/s {measure}"] = fps(page)
            log(f"  {name}: " + ", ".join(f"{k} {v:.1f}" for k, v in out[name].items()))
            page.close()
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=640, help="vector size (Harrier 270M: 640)")
    parser.add_argument("--topics", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="harrier-map-scale-") as folder:  # a 259 MB parquet at 100k points
        measure(args, Path(folder))


def measure(args: argparse.Namespace, folder: Path) -> None:
    """Build the map of ``args.points`` synthetic vectors in ``folder``, open it, print the markdown tables."""
    log(f"writing {args.points:,} vectors of {args.dim} dimensions")
    parquet = synthetic_parquet(args.points, args.dim, args.topics, folder / "vectors.parquet")
    # The upload limit is a setting; a 100k × 640 parquet is about 260 MB. The model is the test encoder: nothing
    # is embedded, and no model has to load.
    settings = load_settings(env={}, model="fake:hash", cache_dir=str(folder / "cache"), max_file_mb=4096)
    backend = Backend(settings)
    backend.start().wait(60)

    log("warm-up: a map of 1,000 points (numba compiles UMAP's functions once per process, as the app does at "
        "start-up)")
    warm = synthetic_parquet(1000, args.dim, args.topics, folder / "warm.parquet", seed=1)
    run_map(backend, MapRequest(vectors=str(warm)), lambda *a, **k: None)

    start = time.perf_counter()
    loaded = load_vectors(parquet, max_file_mb=settings.max_file_mb)
    read_s = time.perf_counter() - start
    log(f"read {len(loaded.matrix):,} vectors in {read_s:.1f} s")
    stages = Stages()
    start = time.perf_counter()
    stages(desc="Reading the vectors, languages")  # the build's first step says nothing on the progress bar
    result = run_map(backend, MapRequest(vectors=str(parquet), colour_by="cluster"), stages)
    built = time.perf_counter()
    build_s = built - start
    log(f"map built in {build_s:.1f} s")

    figure_mb = len(result.plot.to_json()) / 1e6
    svg_path = folder / "cluster_map_svg.html"
    svg_copy(result.plot).write_html(svg_path, include_plotlyjs=True, config=dict(MAP_CONFIG))
    every_path, msaa_path = folder / "cluster_map_every_point.html", folder / "cluster_map_msaa.html"
    every_path.write_text(_changed(standalone_html(result.plot), f"MOTION_POINTS = {MOTION_POINTS}",
                                   "MOTION_POINTS = Infinity"), encoding="utf-8")
    doubled_path = folder / "cluster_map_doubled.html"  # the figure's own ratio comes before the page's default
    doubled_path.write_text(_changed(standalone_html(result.plot), '{"scrollZoom": true',
                                     '{"plotGlPixelRatio": 2, "scrollZoom": true'), encoding="utf-8")
    result.plot.write_html(msaa_path, include_plotlyjs=True, config=dict(MAP_CONFIG))
    small_path = folder / "cluster_map_small.html"
    small_path.write_text(standalone_html(cut_copy(result.plot, SMALL)), encoding="utf-8")
    files = {"WebGL (the map)": Path(result.plot_html), "WebGL, every point as it moves": every_path,
             "WebGL, plotly's 2 canvas pixels per CSS pixel": doubled_path,
             "WebGL as plotly draws it (multisampled, 2 pixels, every point)": msaa_path, "SVG (go.Scatter)": svg_path,
             f"WebGL, the map cut to {SMALL:,} points (reference)": small_path}
    drawn = browse(files)

    print(f"### {args.points:,} points, {args.dim} dimensions, {args.topics} topics × {len(LANGUAGES)} languages\n")
    print(f"Parquet {parquet.stat().st_size / 1e6:.0f} MB, read alone in {read_s:.1f} s. The map (`run_map`, "
          f"UMAP 2-D, KMeans with automatic k, language-neutral view) built in **{build_s:.1f} s**:\n")
    rows = pd.DataFrame(stages.table(built), columns=["stage", "seconds"])
    print(markdown_table(rows, ".1f"))
    print(f"\nThe figure: {figure_mb:.1f} MB of JSON.\n")
    table = pd.DataFrame([{"standalone HTML": name, "MB": files[name].stat().st_size / 1e6, **measured}
                          for name, measured in drawn.items()])
    print(markdown_table(table, ".1f"))


if __name__ == "__main__":
    main()
