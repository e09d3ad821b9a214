"""XQuAD instruction A/B: nDCG@10 with no instruction (A) vs the family's question-answering preset (B).

Uses the real backend (the configured model, else the offline demo model) and the same analysis functions as the
Instruction A/B tab (`compare_instructions`, `compare_quality`, `quality_table`, `verdict`). Two pairs:
en queries → en corpus (monolingual) and de queries → en corpus (cross-lingual, via qrels_langagnostic.tsv).
The same random sample of questions (seed 0) is used in both pairs, against all 240 English paragraphs.

    python -m benchmarks.xquad_ab [--queries 300] [--data ../shared/evaldata/retrieval/xquad] > xquad.md
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from benchmarks._common import EVALDATA, log, markdown_table, progress, read_jsonl
from harrier_explorer.analysis.ab_report import quality_table
from harrier_explorer.analysis.ab_test import compare_instructions, compare_quality
from harrier_explorer.backend.core import Backend
from harrier_explorer.settings import load_settings
from harrier_explorer.ui.ab.present import verdict

DATA = EVALDATA / "retrieval" / "xquad"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--queries", type=int, default=300, help="questions per pair (of 1190)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    corpus = [d for d in read_jsonl(args.data / "corpus.jsonl") if d["lang"] == "en"]
    questions = {q["_id"]: q["text"] for q in read_jsonl(args.data / "queries.jsonl")}
    pid_of = dict(line.rstrip("\n").split("\t") for line in (args.data / "qrels_langagnostic.tsv").open()
                  if not line.startswith("qid\t"))
    qids = random.Random(args.seed).sample(sorted(pid_of), args.queries)

    backend = Backend(load_settings())
    backend.start().wait()
    spec, status = backend.spec, backend.status
    instruction_b = spec.preset("qa")
    log(f"model {status.model_id} ({status.device}, {status.dtype}); B = {instruction_b!r}")

    start = time.perf_counter()
    docs = backend.encode([d["text"] for d in corpus], None, "document", progress=progress("corpus"))
    log(f"corpus: {docs.summary} in {time.perf_counter() - start:.0f} s")
    doc_ids = [d["_id"] for d in corpus]

    print(f"### XQuAD: no instruction (A) vs the QA preset (B)\n\nModel: `{status.model_id}` on {status.device} "
          f"({status.dtype}). B = `{instruction_b}` ({spec.label} preset for question answering), on the query "
          f"side only; the corpus (240 English paragraphs) is embedded bare. {args.queries} questions per pair, "
          f"sampled with seed {args.seed}; the paired p-value is a sign-flip permutation test of mean nDCG@10 "
          f"(B − A), 10,000 resamples.\n")
    summary = ["| pair | queries | nDCG@10 A | nDCG@10 B | B − A | p | wins / ties / losses | overlap@10 A∩B |",
               "|---|---|---|---|---|---|---|---|"]
    for query_lang in ("en", "de"):
        texts = [questions[f"{query_lang}-{qid}"] for qid in qids]
        ids = [f"{query_lang}-{qid}" for qid in qids]
        qrels = {f"{query_lang}-{qid}": {f"en-{pid_of[qid]}": 1} for qid in qids}
        start = time.perf_counter()
        under_a = backend.encode(texts, None, "query", progress=progress(f"{query_lang} A"))
        under_b = backend.encode(texts, instruction_b, "query", progress=progress(f"{query_lang} B"))
        log(f"{query_lang} queries: A {under_a.summary}; B {under_b.summary} in {time.perf_counter() - start:.0f} s")
        comparison = compare_instructions(under_a.vectors, under_b.vectors, docs.vectors, ids, doc_ids, k=10)
        quality = compare_quality(comparison, qrels, metric="ndcg", k=10, recall_k=10)
        pair = f"{query_lang} → en"
        table = quality_table(quality)
        means = table.set_index("metric")
        summary.append(f"| {pair} | {quality.test.n_pairs} | {means.loc['nDCG@10', 'A']:.4f} | "
                       f"{means.loc['nDCG@10', 'B']:.4f} | {quality.test.mean_difference:+.4f} | "
                       f"{quality.test.p_value:.3g} | {quality.wins} / {quality.ties} / {quality.losses} | "
                       f"{comparison.per_query['overlap'].mean():.3f} |")
        print(f"#### {pair}\n\n{markdown_table(table)}\n\n{verdict(quality)}\n")
    print("#### Summary\n\n" + "\n".join(summary))


if __name__ == "__main__":
    main()
