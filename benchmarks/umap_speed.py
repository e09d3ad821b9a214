"""UMAP up to 10k points: the map's layout settings against the previous ones and UMAP's own defaults, in seconds
and trustworthiness, in one run.

Data: 10,000 real texts (SIB-200 in six languages, then Tatoeba sentences in deu, fra, jpn, swh, rus), embedded by
the app's default model with its clustering preset (cached after the first run); smaller sizes are seeded samples.
Every setting is fitted after warm-ups that pay numba's compilation of both neighbour searches. Trustworthiness
(scikit-learn, 15 neighbours, cosine, against the full embeddings) is the mean over three seeded samples of up to
2,000 points of the layout, since its O(n²) tables would not fit for 10k.

    python -m benchmarks.umap_speed [--sizes 1000 3000 10000] > umap.md
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.manifold import trustworthiness

from benchmarks._common import EVALDATA, log, progress, read_jsonl
from benchmarks.clustering import LANGUAGES, clustering_backend
from harrier_explorer.analysis import projection
from harrier_explorer.analysis.projection import ProjectionParams, clear_cache, project

TATOEBA = ("deu", "fra", "jpn", "swh", "rus")


def texts(n: int) -> list[str]:
    """The first n of SIB-200's sentences (six languages) followed by Tatoeba's non-English sides."""
    out = [r["text"] for lang in LANGUAGES for r in read_jsonl(EVALDATA / "clustering" / f"sib200_{lang}.jsonl")]
    for lang in TATOEBA:
        lines = (EVALDATA / "bitext_tatoeba" / f"{lang}.tsv").read_text(encoding="utf-8").splitlines()[1:]
        out += [line.split("\t")[0] for line in lines]
    return out[:n]


def trust(vectors: np.ndarray, coords: np.ndarray, samples: int = 3, size: int = 2000) -> float:
    """Mean trustworthiness of the layout over seeded samples of `size` points."""
    scores = []
    for seed in range(samples):
        idx = np.random.default_rng(seed).choice(len(vectors), size=min(size, len(vectors)), replace=False)
        scores.append(trustworthiness(vectors[idx], coords[idx], n_neighbors=15, metric="cosine"))
    return float(np.mean(scores))


def umap_defaults(vectors: np.ndarray, seed: int) -> np.ndarray:
    """The obvious alternative: umap.UMAP(metric="cosine") on the raw vectors, seeded."""
    import umap

    return umap.UMAP(metric="cosine", random_state=seed).fit_transform(vectors)


def previous_settings(vectors: np.ndarray, seed: int) -> np.ndarray:
    """``project`` before the short run and the forced neighbour descent: PCA to 50, then UMAP's defaults."""
    import umap
    from sklearn.decomposition import PCA

    points = PCA(n_components=projection.PCA_DIM, random_state=seed).fit_transform(vectors)
    return umap.UMAP(metric="cosine", random_state=seed).fit_transform(points)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    backend, instruction = clustering_backend()
    everything = backend.encode(texts(max(args.sizes)), instruction, "symmetric", progress=progress("embed")).vectors
    previous_settings(everything[:300], 0)  # numba compiles UMAP's kernels and both neighbour searches, untimed
    previous_settings(everything[:5000], 0)
    project(everything[:300])
    clear_cache()

    settings = {"UMAP's defaults on the raw vectors": lambda v: umap_defaults(v, args.seed),
                "previous map settings (PCA 50, then UMAP's defaults)": lambda v: previous_settings(v, args.seed),
                "**map settings now** (`project`)": lambda v: project(v, ProjectionParams(seed=args.seed)).coords}
    print(f"### UMAP on real embeddings (dim {everything.shape[1]}, {backend.status.model_id}), 2-D, seed "
          f"{args.seed}\n")
    print("| points | layout | seconds | × UMAP's defaults | × previous | trustworthiness (15 nn) |\n"
          "|---:|---|---:|---:|---:|---:|")
    for n in args.sizes:
        idx = np.sort(np.random.default_rng(n).choice(len(everything), n, replace=False))
        vectors, times, scores = everything[idx], [], []
        for label, fit in settings.items():
            clear_cache()
            start = time.perf_counter()
            coords = fit(vectors)
            times.append(time.perf_counter() - start)
            scores.append(trust(vectors, coords))
            log(f"{n} {label}: {times[-1]:.1f} s, trustworthiness {scores[-1]:.4f}")
        for label, seconds, score in zip(settings, times, scores, strict=True):
            print(f"| {n:,} | {label} | {seconds:.1f} | {times[0] / seconds:.1f}× | {times[1] / seconds:.1f}× | "
                  f"{score:.4f} |", flush=True)


if __name__ == "__main__":
    main()
