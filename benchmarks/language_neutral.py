"""SIB-200 six-language mix: do clusters find topics or languages, with and without the language-neutral view?

The Cluster map tab's own functions on the same sentences in eng, deu, arb, hin, zho and swh (150 of the 1004 SIB-200
sentences each, joined on index_id, a seeded sample per `--seeds` value), embedded with the family's clustering
preset on every text (role "symmetric"): KMeans with k = 7 (the topics) and with k chosen by silhouette, on the raw
embeddings and on `centre_by_language` of them; V-measure of the clusters against the topic labels and against the
languages, and the topic-or-language neighbour shares.

    python -m benchmarks.language_neutral [--per-language 150] [--seeds 0 1 2] > language_neutral.md
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sklearn.metrics import v_measure_score

from benchmarks._common import log, progress
from benchmarks.clustering import DATA, LANGUAGES, clustering_backend, parallel_mix, read_sib200
from harrier_explorer.analysis.clusters import kmeans
from harrier_explorer.analysis.label_agreement import topic_or_language
from harrier_explorer.analysis.language_neutral import centre_by_language
from harrier_explorer.inputs.language import normalize_code

TOPICS = 7


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--per-language", type=int, default=150)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0], help="one sample of sentences per seed")
    args = parser.parse_args()

    backend, instruction = clustering_backend()
    status, spec = backend.status, backend.spec
    by_lang = read_sib200(args.data)
    print(f"### Topics or languages: the language-neutral view on SIB-200\n\nModel: `{status.model_id}` on "
          f"{status.device} ({status.dtype}); instruction `{instruction}` ({spec.label}'s clustering preset) on every "
          f"text. {args.per_language} sentences × {len(LANGUAGES)} languages per sample; KMeans as in the tab "
          "(seed 0, 4 restarts). V-measure: 1 = the clusters are exactly those groups, 0 = independent of them. "
          "Neighbour shares: of each point's 5 nearest (cosine), the share with its topic / its language.\n")
    rows = ["| sample seed | vectors | V vs topics (k = 7) | V vs languages (k = 7) | auto k | V vs topics (auto k) "
            "| V vs languages (auto k) | same-topic neighbours | same-language neighbours |",
            "|---|---|---|---|---|---|---|---|---|"]
    for seed in args.seeds:
        mix = parallel_mix(by_lang, args.per_language, seed)
        topics, languages = [r["label"] for r in mix], [normalize_code(r["lang"]) for r in mix]
        start = time.perf_counter()
        raw = backend.encode([r["text"] for r in mix], instruction, "symmetric",
                             progress=progress(f"sample {seed}")).vectors
        log(f"sample {seed}: embedded in {time.perf_counter() - start:.0f} s")
        for view, vectors in (("raw", raw), ("language-neutral", centre_by_language(raw, languages))):
            fixed, auto = kmeans(vectors, TOPICS).labels, kmeans(vectors)
            shares = topic_or_language(vectors, topics, languages)
            rows.append(f"| {seed} | {view} | {v_measure_score(topics, fixed):.3f} | "
                        f"{v_measure_score(languages, fixed):.3f} | {auto.n_clusters} | "
                        f"{v_measure_score(topics, auto.labels):.3f} | {v_measure_score(languages, auto.labels):.3f} | "
                        f"{shares.topic.neighbour_share:.2f} (chance {shares.topic.chance_share:.2f}) | "
                        f"{shares.language.neighbour_share:.2f} (chance {shares.language.chance_share:.2f}) |")
            log(rows[-1])
    print("\n".join(rows))


if __name__ == "__main__":
    main()
