"""How long the Instruction lab takes at the issue's size — 20 wordings × 100 queries × 1,000 documents — through
the app's own API, against the obvious alternative of embedding the corpus again for every wording.

A fresh cache folder, so nothing is embedded before the clock starts:

1. the 1,000 documents embedded as the lab embeds its corpus (role document): the corpus cost;
2. ``/lab_run`` with the 20 wordings (the word ablation off, then on): only the queries are embedded, the corpus
   comes from the cache (the embedding counts printed show it).

The alternative (a lab that re-embeds the corpus per wording, as 20 separate A/B runs without a cache would) costs
20 × the corpus time plus the same query embeddings; it is computed from the figures measured here, not run.

    .venv/bin/python -m benchmarks.lab_speed [--model FOLDER] [--queries 100] [--docs 1000] [--wordings 20]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from gradio_client import Client, handle_file

from benchmarks._common import log, model_folder, xquad
from harrier_explorer.backend.core import Backend
from harrier_explorer.settings import load_settings

#: The wording the lab starts from: Harrier's question-answering task sentence (a sentence gives the rewrites words
#: to work on; the demo family's own presets are two-word names).
BASE = "Given a question, retrieve passages that answer the question"
#: Wordings a user would add by hand when the proposals are fewer than asked for.
OWN = ["Find the paragraph that answers this question", "Retrieve the answer passage", "Question to passage",
       "Given a trivia question, retrieve Wikipedia paragraphs that contain its answer", "search result",
       "question answering", "Represent the question for retrieving supporting paragraphs"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model (default: the app's default resolution)")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--wordings", type=int, default=20)
    parser.add_argument("--cache-dir", default=None, help="embedding cache (default: a fresh temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache_dir or f"{tmp}/cache"
        backend = Backend(load_settings(model=str(model_folder(args.model)), cache_dir=cache)).start()
        from harrier_explorer.ui.build import build_app

        demo = build_app(backend)
        _, url, _ = demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
        client = Client(url, verbose=False)
        files = xquad(args.queries, Path(tmp), "en", ("en", "de", "es", "zh", "ru"), args.docs)
        data = dict(queries_files=[handle_file(f"{tmp}/queries.tsv")], corpus_files=[handle_file(f"{tmp}/corpus.tsv")],
                    qrels_file=handle_file(f"{tmp}/qrels.tsv"), held_out=0.3, seed=0, base_instruction=BASE)
        proposals = client.predict(base_instruction=BASE, domain="Wikipedia", api_name="/lab_propose").splitlines()
        wordings = list(dict.fromkeys(proposals + OWN))[:args.wordings]
        log(f"{len(files['queries'])} queries × {len(files['corpus'])} documents, {len(wordings)} wordings "
            f"({len(proposals)} proposed), model {backend.spec.label}")

        def timed(what: str, **kwargs) -> tuple[float, str]:
            misses, started = backend.cache_stats().misses, time.perf_counter()
            out = client.predict(**data, **kwargs, api_name="/lab_run")
            seconds = time.perf_counter() - started
            log(f"{what}: {seconds:.1f} s, {backend.cache_stats().misses - misses} texts embedded")
            return seconds, out[1]

        started = time.perf_counter()
        backend.encode(files["corpus"]["text"].tolist(), None, "document")
        corpus_s = time.perf_counter() - started
        log(f"corpus: {corpus_s:.1f} s")
        lab_s, verdict = timed(f"{len(wordings)} wordings, corpus cached", variants="\n".join(wordings),
                               ablate_words=False)
        ablate_s, _ = timed("again with the word ablation (only the ablated wordings are new)",
                            variants="\n".join(wordings), ablate_words=True)
        naive = len(wordings) * corpus_s + lab_s
        print(f"| step | seconds |\n|---|---:|\n| corpus ({len(files['corpus'])} documents) | "
              f"{corpus_s:.0f} |\n| lab: {len(wordings)} wordings × {len(files['queries'])} queries, corpus cached |"
              f" {lab_s:.0f} |\n| word ablation of the base on top (wordings cached) | {ablate_s:.0f} |\n"
              f"| alternative: corpus re-embedded per wording (computed) | {naive:.0f} |\n\n"
              f"Lab (corpus cached) vs the alternative: {naive / lab_s:.1f}× faster.\n\n{verdict}\n")
        client.close()
        demo.close()


if __name__ == "__main__":
    main()
