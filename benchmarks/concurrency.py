"""Concurrency, as the app and the API server see it: many requests through one backend at once.

1. 16 concurrent identical searches over a cold corpus (the same strings in every request): how many strings reach
   the model (the in-flight registry should make it each string once), and the latency of each request.
2. A 1-text request while a 5,000-text job runs: its latency (the model is shared batch by batch, first come first
   served, so it should wait about one batch), against the same 1-text request on an idle backend.

    .venv/bin/python -m benchmarks.concurrency [--model FOLDER] [--corpus 200] [--job 5000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from benchmarks._common import EVALDATA, model_folder, read_jsonl
from harrier_explorer.backend.core import Backend
from harrier_explorer.settings import load_settings


def sentences(n: int, offset: int = 0) -> list[str]:
    rows = read_jsonl(EVALDATA / "parallel_flores_sib200" / "flores_sib200_nway.jsonl")
    pool = list(dict.fromkeys(t for row in rows for t in row["text"].values()))
    return pool[offset:offset + n]


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--corpus", type=int, default=200)
    parser.add_argument("--job", type=int, default=5000)
    args = parser.parse_args()
    folder = str(model_folder(args.model))
    with tempfile.TemporaryDirectory() as tmp:
        backend = Backend(load_settings(model=folder, cache_dir=tmp)).start()
        backend.wait_selfcheck()
        base = backend.wait()
        reached: list[int] = []
        real_embed = base.embed
        base.embed = lambda strings, *a, **k: (reached.append(len(strings)), real_embed(strings, *a, **k))[1]

        corpus = sentences(args.corpus)
        with ThreadPoolExecutor(16) as pool:
            latencies = list(pool.map(lambda _: timed(lambda: backend.encode(corpus, role="document")), range(16)))
        print(f"1. 16 concurrent identical requests of {len(corpus)} cold texts: {sum(reached)} strings reached the "
              f"model ({sum(reached) / len(corpus):.2f}× the corpus); latency median {statistics.median(latencies):.1f}"
              f" s, max {max(latencies):.1f} s\n")

        idle = [timed(lambda i=i: backend.encode([f"idle probe {i}"], role="document")) for i in range(5)]
        job = sentences(args.job, offset=args.corpus)
        running = threading.Event()
        threading.Thread(target=lambda: backend.encode(job, role="document",
                                                       progress=lambda d, t: running.set()), daemon=True).start()
        running.wait()
        busy = []
        for i in range(10):
            busy.append(timed(lambda i=i: backend.encode([f"busy probe {i}"], role="document")))
            time.sleep(0.5)
        print(f"2. a 1-text request while a {len(job)}-text job runs: median {statistics.median(busy):.2f} s, "
              f"max {max(busy):.2f} s over {len(busy)} requests (idle backend: median {statistics.median(idle):.2f} s;"
              f" batch budget {base.batch_tokens} tokens)")
    os._exit(0)  # the big job's thread is still embedding: no need to wait for it


if __name__ == "__main__":
    main()
