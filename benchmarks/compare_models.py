"""Two models through the app's own API, as a script author would call it (gradio_client, named parameters):

1. Tatoeba bitext accuracy and texts/s of model A (default: the offline demo model) and model B (default:
   all-MiniLM-L6-v2, English-only) in one ``/model_speed_quality`` request per language — MiniLM should collapse
   cross-lingually;
2. backend parity: model A against the same model behind ``harrier-explorer serve-api`` (``/model_parity`` with
   model B = the server's URL) — it must show cosine ≈ 1;
3. peak RSS of the app process with both models loaded.

    .venv/bin/python -m benchmarks.compare_models [--b sentence-transformers/all-MiniLM-L6-v2] [--langs deu swh]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pandas as pd
from gradio_client import Client, handle_file

from benchmarks._common import EVALDATA, log, model_folder
from harrier_explorer.backend.core import Backend
from harrier_explorer.settings import load_settings
from harrier_explorer.ui.build import build_app
from tests.helpers import free_port


def _serve_api(folder: str, cache: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "harrier_explorer", "serve-api", "--model", folder, "--port",
                             str(port), "--cache-dir", cache], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, HF_HUB_OFFLINE="1"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return proc, f"{url}/v1"
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("serve-api did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", default=None, help="model A (default: the app's default resolution)")
    parser.add_argument("--b", default="sentence-transformers/all-MiniLM-L6-v2")
    parser.add_argument("--langs", nargs="+", default=["deu", "swh"])
    parser.add_argument("--cache-dir", default=None, help="embedding cache (default: the app's)")
    args = parser.parse_args()
    folder = str(model_folder(args.a))
    overrides = {"cache_dir": args.cache_dir} if args.cache_dir else {}
    backend = Backend(load_settings(model=folder, **overrides)).start()
    demo = build_app(backend)
    _, url, _ = demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    client = Client(url, verbose=False)

    tables = []
    for lang in args.langs:
        log(f"Tatoeba {lang}: {folder} vs {args.b}")
        table, _ = client.predict(model_b=args.b, more_models="",
                                  pair_file=handle_file(str(EVALDATA / "bitext_tatoeba" / f"{lang}.tsv")),
                                  api_name="/model_speed_quality")
        frame = pd.DataFrame(table["data"], columns=table["headers"])
        frame.insert(0, "lang", lang)
        tables.append(frame)
    result = pd.concat(tables)
    rss_two = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6

    server, server_url = _serve_api(folder, str(backend.settings.cache_path))
    try:
        summary, min_cosine, rho, _, _ = client.predict(model_b=server_url, probe="", api_name="/model_parity")
    finally:
        server.terminate()
        server.wait(30)
    client.close()
    demo.close()

    columns = ["lang", "model", "dims", "texts/s", "cosine accuracy s → t", "cosine accuracy t → s",
               "margin accuracy s → t", "margin accuracy t → s"]
    print("### Model A against model B through the API (`/model_speed_quality`, one request per language)\n")
    print("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns))
    for row in result[columns].itertuples(index=False):
        print("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) and v <= 1 else str(v) for v in row) + " |")
    print(f"\nPeak RSS of the process with both models loaded: {rss_two:.2f} GB "
          f"(weights on disk: {sum(p.stat().st_size for p in Path(folder).rglob('*.safetensors')) / 1e9:.2f} GB "
          "for model A).\n")
    print(f"### Backend parity (`/model_parity`, model B = the same model behind serve-api)\n\n"
          f"min per-text cosine {min_cosine}, similarity-matrix ρ {rho:.4f}. {summary}")
    os._exit(0)


if __name__ == "__main__":
    main()
