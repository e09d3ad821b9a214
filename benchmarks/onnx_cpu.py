"""ONNX Runtime against torch on the CPU, fp32 both, in alternating rounds: the app's encode path (``LocalEncoder``:
length-sorted batches of 1,024 padded tokens) with ``runtime="torch"`` and with ``runtime="onnx"`` — the same model,
tokens and batches; only the transformer's kernels differ (``backend/onnx_runtime.py``). Rounds alternate
(``--rounds``, best of each), so machine load hits both alike; ``benchmarks.encode`` gives the one-run cold/warm
table and ``benchmarks.quantised_fidelity --modes float32 onnx`` the fidelity bar. The export (once, into
``<cache>/onnx``) is timed separately.

    .venv/bin/python -m benchmarks.onnx_cpu [--n 480] [--rounds 2] [--model FOLDER_OR_ID]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks._common import model_folder
from benchmarks.encode import mixed_corpus
from harrier_explorer.backend.local import LoadOptions, LocalEncoder
from harrier_explorer.backend.resolve import resolve_model
from harrier_explorer.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=480)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--model", default=None, help="default: the app's default resolution (demo model offline)")
    args = parser.parse_args()
    settings = load_settings()
    resolved = resolve_model(str(model_folder(args.model)), settings.cache_path)
    encoders = {}
    for runtime in ("torch", "onnx"):
        start = time.perf_counter()
        options = LoadOptions("cpu", "float32", runtime=runtime, onnx_dir=settings.cache_path / "onnx")
        encoders[runtime] = LocalEncoder(resolved.folder, resolved.spec, options, resolved.revision)
        print(f"{runtime}: loaded (and exported, the first time) in {time.perf_counter() - start:.0f} s")  # noqa: T201
    texts = mixed_corpus(args.n)
    tokens = int(encoders["torch"].count_tokens(texts).sum())
    for encoder in encoders.values():
        encoder.embed(texts[:16])  # kernels built on the first run
    seconds: dict[str, list[float]] = {runtime: [] for runtime in encoders}
    vectors = {}
    for _ in range(args.rounds):
        for runtime, encoder in encoders.items():
            start = time.perf_counter()
            vectors[runtime] = encoder.embed(texts).vectors
            seconds[runtime].append(time.perf_counter() - start)
    cos = np.sum(vectors["torch"] * vectors["onnx"], axis=1)
    print(f"\nmodel {resolved.model_id}; {len(texts)} texts, {tokens} tokens; {encoders['onnx'].precision}\n")  # noqa: T201
    print("| runtime | best seconds | tokens/s | vs torch |\n|---|---:|---:|---:|")  # noqa: T201
    for runtime in encoders:
        best = min(seconds[runtime])
        print(f"| {runtime} | {best:.1f} | {tokens / best:,.0f} | {min(seconds['torch']) / best:.2f}× |")  # noqa: T201
    print(f"\nvectors: min cosine {cos.min():.8f}, median {np.median(cos):.8f}")  # noqa: T201


if __name__ == "__main__":
    main()
