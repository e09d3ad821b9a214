"""Start-up against the obvious alternative, in one run: a bare ``SentenceTransformer(folder)`` load + one encode of
10 texts, then ``harrier-explorer embed`` of the same 10 texts (cold cache), a one-line Gradio page (the floor of any
Gradio app's start-up), the app (first answer, interface served, model ready) and ``harrier-explorer info``, each in
a fresh process, interleaved and repeated; medians and peak RSS.

    .venv/bin/python -m benchmarks.startup [--model FOLDER] [--repeats 3]

Targets (issue 7): embed ≤ 1.5× the bare script; model ready in the app ≤ 2× it; page served ≤ 3 s; peak memory
≤ 1.5× the weights in use.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks._common import model_folder
from tests.helpers import free_port

TEXTS = ["Where is the station?", "Wo ist der Bahnhof?", "Où est la gare ?", "駅はどこですか？", "Kituo kiko wapi?",
         "The weather is lovely today.", "Das Wetter ist heute herrlich.", "Rates rose again.",
         "My grandmother grows tomatoes.", "Il pleut depuis ce matin."]
BARE = """
import sys
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(sys.argv[1], device="cpu")
print(model.encode(open(sys.argv[2], encoding="utf-8").read().splitlines()).shape)
"""
BARE_GRADIO = """
import sys
import gradio as gr
with gr.Blocks() as demo:
    gr.Markdown("hello")
demo.launch(server_port=int(sys.argv[1]))
"""
ENV = dict(os.environ, HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")


def _timed(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in GB) of a command run to completion."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, rusage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed with status {os.waitstatus_to_exitcode(status)}")
    return seconds, rusage.ru_maxrss / 1e6


def _served(url: str, proc: subprocess.Popen, start: float) -> tuple[float, float]:
    """(seconds until ``url`` first answers at all, seconds until it answers 200) of a server starting at ``start``."""
    first = None
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            status = httpx.get(url, timeout=1).status_code
        except httpx.HTTPError:
            time.sleep(0.05)
            continue
        first = first or time.perf_counter() - start
        if status == 200:
            return first, time.perf_counter() - start
        time.sleep(0.05)


def _bare_gradio() -> float:
    """Seconds until a one-line Gradio page is served: the floor of any Gradio app's start-up on this machine."""
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", BARE_GRADIO, str(port)], env=ENV, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        return _served(f"http://127.0.0.1:{port}/", proc, start)[1]
    finally:
        proc.terminate()
        proc.wait(30)


def _app(folder: Path, cache: Path) -> tuple[float, float, float, float]:
    """(seconds until the first answer — the start-up page —, until the interface is served, until the model is
    ready, peak RSS GB) of ``python app.py``."""
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py", "--model", str(folder), "--port", str(port), "--cache-dir",
                             str(cache)], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ready = None
    try:
        first, page = _served(f"http://127.0.0.1:{port}/", proc, start)
        while ready is None:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError("the app exited before the model was ready")
            if "Model ready" in line:
                ready = time.perf_counter() - start
        peak = _peak_rss(proc.pid)
    finally:
        proc.terminate()
        proc.wait(30)
    return first, page, ready, peak


def _peak_rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1e6
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model id or folder (default: the app's default resolution)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    folder = model_folder(args.model)
    weights_gb = sum(p.stat().st_size for p in folder.rglob("*.safetensors")) / 1e9
    runs: dict[str, list[tuple[float, ...]]] = {"bare": [], "embed": [], "gradio": [], "app": [], "info": []}
    with tempfile.TemporaryDirectory() as tmp:
        texts = Path(tmp) / "texts.txt"
        texts.write_text("\n".join(TEXTS), encoding="utf-8")
        cli = [sys.executable, "-m", "harrier_explorer"]
        for r in range(args.repeats):
            cache = Path(tmp) / f"cache-{r}"
            runs["bare"].append(_timed([sys.executable, "-c", BARE, str(folder), str(texts)]))
            runs["embed"].append(_timed([*cli, "embed", str(texts), "--out", str(Path(tmp) / "v.npy"), "--model",
                                         str(folder), "--cache-dir", str(cache)]))
            runs["gradio"].append((_bare_gradio(),))
            runs["app"].append(_app(folder, Path(tmp) / f"app-cache-{r}"))
            runs["info"].append(_timed([*cli, "info", "--model", str(folder), "--cache-dir", str(cache)]))
    median = {name: [statistics.median(col) for col in zip(*rows)] for name, rows in runs.items()}
    bare_s, bare_gb = median["bare"]
    embed_s, embed_gb = median["embed"]
    first_s, page_s, ready_s, app_gb = median["app"]
    (gradio_s,) = median["gradio"]
    info_s, info_gb = median["info"]
    print(f"weights on disk: {weights_gb:.2f} GB; medians of {args.repeats} runs\n")
    print("| run | seconds | vs bare load + encode | peak RSS GB | vs weights |")
    print("|---|---:|---:|---:|---:|")
    print(f"| bare `SentenceTransformer(folder)` + encode 10 | {bare_s:.1f} | 1.00× | {bare_gb:.2f} | "
          f"{bare_gb / weights_gb:.2f}× |")
    print(f"| `harrier-explorer embed` 10 texts (cold cache) | {embed_s:.1f} | {embed_s / bare_s:.2f}× | "
          f"{embed_gb:.2f} | {embed_gb / weights_gb:.2f}× |")
    print(f"| app: first answer (the start-up page) | {first_s:.2f} | {first_s / bare_s:.2f}× | | |")
    print(f"| app: interface served | {page_s:.1f} | {page_s / bare_s:.2f}× ({page_s / gradio_s:.2f}× a one-line "
          f"Gradio page: {gradio_s:.1f} s) | | |")
    print(f"| app: model ready | {ready_s:.1f} | {ready_s / bare_s:.2f}× | {app_gb:.2f} | "
          f"{app_gb / weights_gb:.2f}× |")
    print(f"| `harrier-explorer info` (all self-checks) | {info_s:.1f} | {info_s / bare_s:.2f}× | {info_gb:.2f} | "
          f"{info_gb / weights_gb:.2f}× |")


if __name__ == "__main__":
    main()
