"""SIB-200 clustering agreement, with the same analysis functions as the Cluster map tab (UMAP's speed:
benchmarks/umap_speed.py).

Topic agreement of the embeddings (silhouette, kNN accuracy, V-measure / ARI of KMeans with k = 7 topics) for
English and for a six-language mix (the same sentences in each language, joined on index_id), with no instruction
and with the family's clustering preset on every text (role "symmetric"); for the mix also the topic-or-language
view.

    python -m benchmarks.clustering [--per-language 150] > clustering.md
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from benchmarks._common import EVALDATA, log, progress, read_jsonl
from harrier_explorer.analysis.clusters import kmeans
from harrier_explorer.analysis.map_report import agreement_report
from harrier_explorer.backend.core import Backend
from harrier_explorer.settings import load_settings
from harrier_explorer.ui.map.present import topic_or_language_sentence

DATA = EVALDATA / "clustering"
LANGUAGES = ("eng_Latn", "deu_Latn", "arb_Arab", "hin_Deva", "zho_Hans", "swh_Latn")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--per-language", type=int, default=150)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    backend, instruction = clustering_backend()
    status, spec = backend.status, backend.spec
    by_lang = read_sib200(args.data)
    english = by_lang["eng_Latn"]
    sets = {"eng_Latn (all)": english,
            f"6-language mix ({args.per_language} each)": parallel_mix(by_lang, args.per_language, args.seed)}

    print(f"### SIB-200 clustering agreement\n\nModel: `{status.model_id}` on {status.device} ({status.dtype}). "
          f"Topic labels: 7 SIB-200 categories. Clusters: KMeans with k = 7 on the full embeddings. kNN accuracy and "
          f"neighbour shares use the 5 nearest other points (cosine, full space). Instruction rows put "
          f"`{instruction}` ({spec.label}'s clustering preset) on every text (role symmetric).\n")
    rows = ["| texts | n | instruction | silhouette | kNN acc. | V-measure | ARI | kNN acc. by language |",
            "|---|---|---|---|---|---|---|---|"]
    for name, records in sets.items():
        texts = [r["text"] for r in records]
        for task in (None, instruction):
            start = time.perf_counter()
            result = backend.encode(texts, task, "symmetric", progress=progress(f"{name} / {task}"))
            log(f"{name} / {task}: {result.summary} in {time.perf_counter() - start:.0f} s")
            vectors = result.vectors
            clusters = kmeans(vectors, 7).labels
            report = agreement_report(vectors, clusters, [r["label"] for r in records], [r["lang"] for r in records])
            table = report.table.set_index("grouping")
            topic = table.loc["labels"]
            by_language = f"{table.loc['languages', 'kNN accuracy']:.3f}" if "languages" in table.index else "–"
            rows.append(f"| {name} | {len(texts)} | {task or '(none)'} | {topic['silhouette']:.3f} | "
                        f"{topic['kNN accuracy']:.3f} | {topic['V-measure (clusters)']:.3f} | "
                        f"{topic['ARI (clusters)']:.3f} | {by_language} |")
            if report.topic_or_language:
                print(f"- {name}, instruction {task or '(none)'}: "
                      f"{topic_or_language_sentence(report.topic_or_language)}")
    print("\n" + "\n".join(rows) + "\n")


def clustering_backend() -> tuple[Backend, str]:
    """The app's backend (its default model resolution), started, and its family's clustering preset."""
    backend = Backend(load_settings())
    backend.start().wait()
    return backend, backend.spec.preset("clustering")


def read_sib200(data: Path) -> dict[str, list[dict]]:
    """The SIB-200 records of each of LANGUAGES."""
    return {lang: read_jsonl(data / f"sib200_{lang}.jsonl") for lang in LANGUAGES}


def parallel_mix(by_lang: dict[str, list[dict]], per_language: int, seed: int) -> list[dict]:
    """A seeded sample of `per_language` sentences, the same ones (by index_id) in every language, language by
    language."""
    ids = sorted(r["index_id"] for r in by_lang["eng_Latn"])
    chosen = set(random.Random(seed).sample(ids, per_language))
    return [r for lang in LANGUAGES for r in by_lang[lang] if r["index_id"] in chosen]


if __name__ == "__main__":
    main()
