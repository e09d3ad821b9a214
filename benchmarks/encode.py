"""Encode throughput: this project's ``Backend.encode`` vs plain sentence-transformers ``encode``, same model, same
texts, one run. Cold = empty embedding cache; warm = the same call again (all cache hits).

The corpus mixes lengths and languages from ../shared/evaldata: XQuAD paragraphs and questions, Tatoeba sentences and
FLORES sentences, de-duplicated so that no speed-up comes from duplicates.

Every ``--dtypes`` mode (default float32, bfloat16, int8) runs cold and warm in the same run; each row gives its
minimum and median cosine to the first mode's vectors (run ``benchmarks.quantised_fidelity`` for the Tatoeba /
XQuAD bar). Peak RSS is the process's high-water mark after that row (it only grows).

    .venv/bin/python -m benchmarks.encode [--n 1920] [--model FOLDER_OR_ID] [--dtypes float32 bfloat16 int8]
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time

import numpy as np
import pandas as pd

from benchmarks._common import EVALDATA, mode_settings, model_folder, read_jsonl
from harrier_explorer.backend.core import Backend
from harrier_explorer.settings import load_settings


def mixed_corpus(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    xquad = EVALDATA / "retrieval" / "xquad"
    paragraphs = [d["text"] for d in read_jsonl(xquad / "corpus.jsonl")]
    questions = [d["text"] for d in read_jsonl(xquad / "queries.jsonl")]
    tatoeba = [t for lang in ("deu", "jpn", "swh", "ara") for t in pd.read_csv(
        EVALDATA / "bitext_tatoeba" / f"{lang}.tsv", sep="\t", quoting=3, keep_default_na=False)["src"]]
    flores = [t for d in read_jsonl(EVALDATA / "parallel_flores_sib200" / "flores_sib200_nway.jsonl")
              for t in d["text"].values()]
    pools = [paragraphs, questions, tatoeba, flores]
    texts = [t for pool in pools for t in rng.sample(pool, n // len(pools))]
    texts = list(dict.fromkeys(texts))
    rng.shuffle(texts)
    return texts


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1920)
    parser.add_argument("--model", default=None, help="default: the app's default resolution (demo model offline)")
    parser.add_argument("--dtypes", nargs="+", default=["float32", "bfloat16", "int8", "onnx"],
                        help="dtypes, or onnx (fp32 by ONNX Runtime, exported once into the cache folder)")
    args = parser.parse_args()
    texts = mixed_corpus(args.n)

    folder = str(model_folder(args.model))
    runs = []  # (name, seconds, vectors, peak RSS GB)
    for dtype in args.dtypes:
        with tempfile.TemporaryDirectory() as tmp:  # an empty cache: the cold run embeds all
            backend = Backend(load_settings(model=folder, cache_dir=tmp, **mode_settings(dtype))).start()
            backend.wait_selfcheck()
            n_tokens = int(backend.count_tokens(texts).sum())
            ours, t_cold = timed(lambda b=backend: b.encode(texts, role="document"))
            warm, t_warm = timed(lambda b=backend: b.encode(texts, role="document"))
            assert warm.cached == len(texts) and np.allclose(warm.vectors, ours.vectors)
            label = backend.status.dtype + (", ONNX Runtime" if dtype == "onnx" else "")
            runs.append((f"harrier-explorer {label}, cold cache", t_cold, ours.vectors, peak_rss_gb()))
            runs.append((f"harrier-explorer {label}, warm cache", t_warm, warm.vectors, peak_rss_gb()))

    from sentence_transformers import SentenceTransformer

    st_model = SentenceTransformer(folder, device="cpu")
    st_model.max_seq_length = backend.status.max_seq_length
    prompt = backend.spec.document_prompt
    st_model.encode(texts[:8], prompt=prompt)  # warm-up, as our backend's self-check warmed its model
    st_vectors, t_st = timed(lambda: st_model.encode(texts, prompt=prompt, normalize_embeddings=True))
    runs.insert(0, ("sentence-transformers encode (defaults: batch 32, fp32)", t_st, st_vectors, peak_rss_gb()))
    reference = runs[1][2]

    st = backend.status
    print(f"model {st.model_id} ({st.device}); {len(texts)} texts, {n_tokens} tokens; cosines against "
          f"harrier-explorer {args.dtypes[0]}\n")
    print("| run | seconds | texts/s | tokens/s | vs sentence-transformers | min / median cosine | peak RSS GB |")
    print("|---|---|---|---|---|---|---|")
    for name, sec, vectors, rss in runs:
        cos = np.sum(vectors * reference, axis=1)
        print(f"| {name} | {sec:.2f} | {len(texts) / sec:.1f} | {n_tokens / sec:.0f} | {t_st / sec:.2f}× | "
              f"{cos.min():.5f} / {np.median(cos):.5f} | {rss:.2f} |")


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # KiB on Linux


if __name__ == "__main__":
    main()
