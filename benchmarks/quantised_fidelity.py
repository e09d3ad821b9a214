"""Fidelity of a faster mode against fp32, where users see it: Tatoeba bitext accuracy (the Bitext tab's workflow),
XQuAD nDCG@10 (the A/B tab's functions) and the load-time probes' nearest neighbours, per mode, in one run.

The bar (issue 13): Tatoeba accuracy within 0.3 points of fp32 in every language and column, XQuAD nDCG@10 within
0.003, every probe keeps its nearest neighbour. A mode that misses it is offered only as an explicit "fast
(approximate)" setting.

    .venv/bin/python -m benchmarks.quantised_fidelity [--modes float32 int8] [--pairs 300] [--queries 100]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time

import pandas as pd

from benchmarks._common import EVALDATA, log, markdown_table, mode_settings, model_folder, read_jsonl
from benchmarks.tatoeba import read_pairs
from harrier_explorer.analysis.ab_test import compare_instructions, compare_quality
from harrier_explorer.analysis.bitext import accuracy_frame, gold_report
from harrier_explorer.backend.core import Backend
from harrier_explorer.backend.selfcheck import PROBE, nearest
from harrier_explorer.settings import load_settings
from harrier_explorer.workflows.bitext import embed_bitext

LANGS = ("deu", "fra", "jpn", "swh")
COLUMNS = [(score, column) for score in ("cosine", "margin")
           for column in ("accuracy source → target", "accuracy target → source")]
TATOEBA_POINTS, NDCG_GAP = 0.3, 0.003


def measure(backend: Backend, pairs: int, queries: int, seed: int = 0) -> dict[str, float]:
    """Every figure the bar looks at, for one backend: ``tatoeba <lang> <score> <direction>`` (%), ``xquad <lang>``
    (nDCG@10 with the QA preset), and the probes' nearest neighbours (an array, under ``probe``)."""
    out: dict = {}
    instruction = backend.spec.preset("bitext")
    for lang in LANGS:
        frame = read_pairs(EVALDATA / "bitext_tatoeba" / f"{lang}.tsv").head(pairs)
        run = embed_bitext(backend, frame["src"].tolist(), frame["eng"].tolist(), instruction)
        accuracy = accuracy_frame(gold_report(run.margins(4))).set_index("score")
        for score, column in COLUMNS:
            out[f"tatoeba {lang} {score} {column.split()[1]}"] = 100 * float(accuracy.loc[score, column])
    xquad = EVALDATA / "retrieval" / "xquad"
    corpus = [d for d in read_jsonl(xquad / "corpus.jsonl") if d["lang"] == "en"]
    texts = {q["_id"]: q["text"] for q in read_jsonl(xquad / "queries.jsonl")}
    pid_of = dict(line.rstrip("\n").split("\t") for line in (xquad / "qrels_langagnostic.tsv").open()
                  if not line.startswith("qid\t"))
    qids = random.Random(seed).sample(sorted(pid_of), queries)
    docs = backend.encode([d["text"] for d in corpus], None, "document").vectors
    doc_ids = [d["_id"] for d in corpus]
    for lang in ("en", "de"):
        ids = [f"{lang}-{q}" for q in qids]
        bare = backend.encode([texts[i] for i in ids], None, "query").vectors
        qa = backend.encode([texts[i] for i in ids], backend.spec.preset("qa"), "query").vectors
        comparison = compare_instructions(bare, qa, docs, ids, doc_ids, k=10)
        quality = compare_quality(comparison, {f"{lang}-{q}": {f"en-{pid_of[q]}": 1} for q in qids},
                                  metric="ndcg", k=10, recall_k=10)
        out[f"xquad {lang}→en nDCG@10 bare"] = float(quality.scores_a.per_query["ndcg"].mean())
        out[f"xquad {lang}→en nDCG@10 QA preset"] = float(quality.scores_b.per_query["ndcg"].mean())
    out["probe"] = nearest(backend.encode_strings(PROBE).vectors)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", nargs="+", default=["float32", "int8"],
                        help="dtypes, or onnx (fp32 by ONNX Runtime); the first is the reference")
    parser.add_argument("--pairs", type=int, default=300, help="Tatoeba pairs per language (swh has 390)")
    parser.add_argument("--queries", type=int, default=100, help="XQuAD questions per language pair (seed 0)")
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    folder = str(model_folder(args.model))
    results, seconds = {}, {}
    for mode in args.modes:
        with tempfile.TemporaryDirectory() as tmp:
            backend = Backend(load_settings(model=folder, cache_dir=tmp, **mode_settings(mode))).start()
            backend.wait()
            start = time.perf_counter()
            results[mode] = measure(backend, args.pairs, args.queries)
            seconds[mode] = time.perf_counter() - start
            log(f"{mode} ({backend.status.dtype}): {seconds[mode]:.0f} s")
    reference = results[args.modes[0]]
    rows = []
    for key in (k for k in reference if k != "probe"):
        limit = TATOEBA_POINTS if key.startswith("tatoeba") else NDCG_GAP
        row = {"figure": key, args.modes[0]: reference[key]}
        for mode in args.modes[1:]:
            gap = results[mode][key] - reference[key]
            row[mode] = results[mode][key]
            row[f"{mode} − {args.modes[0]}"] = gap
            row[f"{mode} within bar"] = "yes" if abs(gap) <= limit + 1e-9 else "NO"
        rows.append(row)
    fmt = pd.DataFrame(rows)
    print(f"Tatoeba: first {args.pairs} pairs per language (bar ±{TATOEBA_POINTS} points); XQuAD: {args.queries} "
          f"questions per pair vs 240 English paragraphs (bar ±{NDCG_GAP}).\n")
    print(markdown_table(fmt, floatfmt=".4f"))
    for mode in args.modes[1:]:
        same = int((results[mode]["probe"] == reference["probe"]).sum())
        passed = all(r[f"{mode} within bar"] == "yes" for r in rows) and same == len(PROBE)
        print(f"\n{mode}: probes keeping their nearest neighbour {same}/{len(PROBE)}; "
              f"{seconds[mode]:.0f} s vs {seconds[args.modes[0]]:.0f} s; "
              f"fidelity bar {'PASSED' if passed else 'FAILED'}")


if __name__ == "__main__":
    main()
