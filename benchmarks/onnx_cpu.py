"""ONNX Runtime against torch on the CPU, fp32 both, in alternating rounds: the app's encode path (``LocalEncoder``:
length-sorted batches of 1,024 padded tokens) with ``runtime="torch"`` and with ``runtime="onnx"`` — the same model,
tokens and batches; only the transformer's kernels differ (``backend/onnx_runtime.py``). Rounds alternate
(``--rounds``, best of each), so machine load hits both alike; ``benchmarks.encode`` gives the one-run cold/warm
table and ``benchmarks.quantised_fidelity --modes float32 onnx`` the fidelity bar. The export (once, into
``<cache>/onnx``) is timed separately.

Both are set against this machine's best fp32 matrix-multiply rate (square 2,048 matrices, same threads, by torch's
MKL and by ONNX Runtime's MLAS): the model's arithmetic per real token (2 × the transformer's linear weights, plus
attention's L² terms) over the time — how much headroom fp32 has left at all.

    .venv/bin/python -m benchmarks.onnx_cpu [--n 480] [--rounds 2] [--model FOLDER_OR_ID]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

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
        if runtime == "onnx":
            encoders[runtime] = encoders[runtime].on_onnx_runtime()
        print(f"{runtime}: loaded (and exported, the first time) in {time.perf_counter() - start:.0f} s")  # noqa: T201
    texts = mixed_corpus(args.n)
    lengths = encoders["torch"].count_tokens(texts).clip(max=encoders["torch"].max_seq_length)
    tokens = int(lengths.sum())
    flops = model_flops(encoders["torch"].model[0].auto_model, lengths)
    rates = gemm_rates()
    gemm = max(rates.values())
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
    gemms = ", ".join(f"{name} {rate / 1e9:.0f}" for name, rate in rates.items())
    print(f"fp32 GEMM 2048², {torch.get_num_threads()} threads, GFLOP/s: {gemms}; the model: "  # noqa: T201
          f"{flops / tokens / 1e6:.0f} MFLOP per token\n")
    print("| runtime | best seconds | tokens/s | vs torch | GFLOP/s | % of the best GEMM |\n"  # noqa: T201
          "|---|---:|---:|---:|---:|---:|")
    for runtime in encoders:
        best = min(seconds[runtime])
        print(f"| {runtime} | {best:.1f} | {tokens / best:,.0f} | {min(seconds['torch']) / best:.2f}× "  # noqa: T201
              f"| {flops / best / 1e9:.0f} | {100 * flops / best / gemm:.0f} % |")
    print(f"\nvectors: min cosine {cos.min():.8f}, median {np.median(cos):.8f}")  # noqa: T201


def model_flops(decoder, lengths: np.ndarray) -> float:
    """Multiply-adds × 2 of a forward over texts of these lengths: every linear weight once per token (the
    embedding table is a lookup) and attention's Q·K and A·V over each text's full square."""
    linear = sum(m.weight.numel() for m in decoder.modules() if isinstance(m, torch.nn.Linear))
    config = decoder.config
    heads = config.num_attention_heads
    heads_dim = heads * (getattr(config, "head_dim", None) or config.hidden_size // heads)
    return float(2 * linear * lengths.sum() + 4 * heads_dim * config.num_hidden_layers * (lengths ** 2).sum())


def gemm_rates(n: int = 2048, repeats: int = 5) -> dict[str, float]:
    """FLOP/s of one n×n fp32 matrix product, best of ``repeats``, by torch and by ONNX Runtime."""
    import onnxruntime as ort
    from onnx import TensorProto, helper

    a, b = np.random.default_rng(0).standard_normal((2, n, n), dtype=np.float32)
    square = [helper.make_tensor_value_info(name, TensorProto.FLOAT, [n, n]) for name in "ABY"]
    graph = helper.make_graph([helper.make_node("MatMul", ["A", "B"], ["Y"])], "gemm", square[:2], square[2:])
    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    session = ort.InferenceSession(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                                                     ir_version=8).SerializeToString(), options)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    runs = {"torch (MKL)": lambda: ta @ tb, "ONNX Runtime (MLAS)": lambda: session.run(None, {"A": a, "B": b})}
    rates = {}
    for name, run in runs.items():
        run()  # warm-up
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - start)
        rates[name] = 2 * n**3 / best
    return rates

if __name__ == "__main__":
    main()
