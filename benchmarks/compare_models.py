"""Two models through the app's own API, as a script author would call it (gradio_client, named parameters):

1. Tatoeba bitext accuracy and texts/s of model A (default: the offline demo model) and model B (default:
   all-MiniLM-L6-v2, English-only) in one ``/model_speed_quality`` request per language — MiniLM should collapse
   cross-lingually;
2. XQuAD de → en retrieval under no instruction (A) and model A's question-answering preset (B), both models in
   one ``/ab_compare`` request: the model × instruction grid of nDCG@10 / MRR@10 and its paired tests;
3. backend parity: model A against the same model behind ``harrier-explorer serve-api`` (``/model_parity`` with
   model B = the server's URL) — it must show cosine ≈ 1;
4. peak RSS of the app process with both models loaded.

    .venv/bin/python -m benchmarks.compare_models [--b sentence-transformers/all-MiniLM-L6-v2] [--langs deu swh]
        [--queries 200]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
from gradio_client import Client, handle_file
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import ndcg_score

from benchmarks._common import EVALDATA, log, markdown_table, model_folder, xquad
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


def _xquad(client: Client, model_b: str, qa_preset: str, n: int, tmp: Path) -> tuple:
    """(grid, grid pairs, model B's status line, lexical baselines) of one /ab_compare request over XQuAD de → en
    with model B."""
    files = xquad(n, tmp)
    log(f"XQuAD de → en: {n} questions, both models, no instruction vs {qa_preset!r}")
    lexical = _lexical_ndcg(files["queries"]["text"], files["corpus"]["text"],
                            [files["corpus"]["id"].tolist().index(d) for d in files["qrels"]["doc_id"]])
    out = client.predict(queries_files=[handle_file(str(tmp / "queries.tsv"))],
                         corpus_files=[handle_file(str(tmp / "corpus.tsv"))],
                         qrels_file=handle_file(str(tmp / "qrels.tsv")), k=10, instruction_a="(none)",
                         instruction_b=qa_preset, model_b=model_b, api_name="/ab_compare")
    *_, status, grid, pairs = out
    return (pd.DataFrame(grid["data"], columns=grid["headers"]), pd.DataFrame(pairs["data"], columns=pairs["headers"]),
            status, lexical)


def _lexical_ndcg(queries, corpus, gold: list[int]) -> dict[str, float]:
    """nDCG@10 of TF-IDF retrieval (no model): over all words, and over capitalised words and numbers only — how far
    shared names and numbers alone carry a question to its paragraph across languages."""
    result = {}
    for name, pattern in (("TF-IDF, all words", r"(?u)\b\w\w+\b"), ("TF-IDF, names and numbers only",
                                                                     r"\b(?:[A-Z]\w+|\d+)\b")):
        vectorizer = TfidfVectorizer(token_pattern=pattern, lowercase=False)
        scores = (vectorizer.fit(corpus).transform(queries) @ vectorizer.transform(corpus).T).toarray()
        relevance = np.zeros_like(scores)
        relevance[np.arange(len(gold)), gold] = 1
        result[name] = float(ndcg_score(relevance, scores, k=10))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", default=None, help="model A (default: the app's default resolution)")
    parser.add_argument("--b", default="sentence-transformers/all-MiniLM-L6-v2")
    parser.add_argument("--langs", nargs="+", default=["deu", "swh"])
    parser.add_argument("--queries", type=int, default=200, help="XQuAD questions (of 1190), sampled with seed 0")
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
    with tempfile.TemporaryDirectory() as tmp:
        grid, pairs, status, lexical = _xquad(client, args.b, backend.spec.preset("qa"), args.queries, Path(tmp))
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
    print(f"### XQuAD de → en, {args.queries} questions, 240 English paragraphs (`/ab_compare` with `model_b`)\n\n"
          f"{status}\n\n{markdown_table(grid)}\n\n{markdown_table(pairs)}\n\nWithout a model: "
          + ", ".join(f"{name} nDCG@10 {value:.4f}" for name, value in lexical.items()) + "\n")
    print(f"### Backend parity (`/model_parity`, model B = the same model behind serve-api)\n\n"
          f"min per-text cosine {min_cosine}, similarity-matrix ρ {rho:.4f}. {summary}")
    os._exit(0)


if __name__ == "__main__":
    main()
