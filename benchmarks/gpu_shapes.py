"""GPU throughput at Harrier's real shapes (random weights: the same compute, nothing about quality;
../shared/model-facts.md, "Shapes"): this project's encode path (``Backend.encode``, length-sorted batches under a
token budget) against sentence-transformers' default ``encode`` and against a padded forward at 512 tokens, on one
mixed-length multilingual corpus, in bf16, in one run — tokens/s and the share of the GPU's bf16 matmul rate
measured in the same run.

The tokenizer is a 32k byte-level BPE trained on the corpus (no Harrier tokenizer can be had offline), so token
counts are close to a real multilingual tokenizer's; the models keep their real vocabularies.

Prepared on any machine (the corpus comes from ../shared/evaldata, which a GPU box may not have), run on the GPU:

    .venv/bin/python -m benchmarks.gpu_shapes --prepare .gpu          # corpus + tokenizer into .gpu/
    python -m benchmarks.gpu_shapes --data .gpu [--sizes 270m 0.6b]  # on the GPU box
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

#: Harrier's shapes (model-facts.md): family and config.
SHAPES = {
    "270m": ("gemma3", dict(hidden_size=640, num_hidden_layers=18, num_attention_heads=4, num_key_value_heads=1,
                            head_dim=256, intermediate_size=2048, vocab_size=262144)),
    "0.6b": ("qwen3", dict(hidden_size=1024, num_hidden_layers=28, num_attention_heads=16, num_key_value_heads=8,
                           head_dim=128, intermediate_size=3072, vocab_size=151936)),
}
#: Not a speed setting: the positions the random model is built with (the corpus' longest text is far below).
MAX_POSITIONS = 32768


def prepare(out: Path, n: int) -> None:
    from benchmarks.encode import mixed_corpus
    from tests.tiny_models import train_tokenizer

    texts = mixed_corpus(n)
    out.mkdir(parents=True, exist_ok=True)
    (out / "corpus.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    train_tokenizer(texts, vocab_size=32000).save_pretrained(out / "tokenizer")
    print(f"{len(texts)} texts and a 32k tokenizer in {out}")  # noqa: T201 - a script's one line of output


def flops_per_token(shape: dict, context: float) -> float:
    """Matmul FLOPs of one token's forward: 2 × the non-embedding weights it passes, plus attention's two products
    over ``context`` positions (QKᵀ and AV)."""
    h, layers, d = shape["hidden_size"], shape["num_hidden_layers"], shape["head_dim"]
    q, kv = shape["num_attention_heads"] * d, shape["num_key_value_heads"] * d
    weights = layers * (h * q + 2 * h * kv + q * h + 3 * h * shape["intermediate_size"])
    return 2 * weights + layers * 4 * q * context


def sync() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def timed(fn) -> float:
    sync()
    start = time.perf_counter()
    fn()
    sync()
    return time.perf_counter() - start


def matmul_peak(device: str, n: int = 8192) -> float:
    """bf16 FLOP/s of a large matrix product on this device (the mean of 10 after 3 warm-ups)."""
    import torch

    a = torch.randn(n, n, device=device, dtype=torch.bfloat16)
    for _ in range(3):
        a @ a
    return 10 * 2 * n**3 / timed(lambda: [a @ a for _ in range(10)])


def measure(size: str, texts: list[str], tokenizer_dir: Path, work: Path, peak: float, device: str,
            budgets: list[int], packings: list[str], smoke: bool = False) -> list[dict]:
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel, AutoTokenizer

    from harrier_explorer.backend.core import Backend
    from harrier_explorer.settings import load_settings
    from tests.tiny_models import TINY, build_tiny_decoder

    family, shape = SHAPES[size]
    if smoke:  # the code path on a CPU in seconds: the tiny shape with this size's family and vocabulary
        shape = TINY | {"vocab_size": shape["vocab_size"]}
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    folder = build_tiny_decoder(work / size, family, shape=shape, tokenizer=tokenizer, max_positions=MAX_POSITIONS,
                                dtype=torch.bfloat16)
    lengths = np.array([len(x) for x in tokenizer(texts)["input_ids"]])
    tokens = int(lengths.sum())
    # Attention context per token in a packed or length-sorted batch: its own text's length.
    mixed = flops_per_token(shape, float((lengths**2).sum() / tokens / 2))
    rows = []

    def row(mode: str, seconds: float, n_tokens: int, per_token: float) -> None:
        rate = n_tokens / seconds
        rows.append({"size": size, "mode": mode, "seconds": round(seconds, 2), "tokens/s": round(rate),
                     "% of bf16 matmul peak": round(100 * rate * per_token / peak, 1)})
        print(rows[-1], flush=True)  # noqa: T201 - progress of a long run

    row("tokenizing alone (the CPU side of every mode)", timed(lambda: tokenizer(texts)), tokens, 0.0)
    for budget in budgets:
        for packing in packings:
            backend = Backend(load_settings(env={}, model=str(folder), device=device, dtype="bfloat16",
                                            no_cache=True, batch_tokens=budget, packing=packing)).start()
            encoder = backend.wait()
            backend.encode(texts[:256], None, "document")  # warm-up: kernels, allocator, flex compiles
            seconds = timed(lambda b=backend: b.encode(texts, None, "document"))
            check = {c.name: c.detail for c in backend.status.selfcheck.checks}.get("packed = padded")
            row(f"harrier-explorer encode, {encoder.batching} (budget {budget})"
                + (f"; packed = padded: {check.split(' over')[0]}" if check else ""), seconds, tokens, mixed)

    st = SentenceTransformer(str(folder), device=device, model_kwargs={"dtype": torch.bfloat16})
    st.encode(texts[:256])
    row("sentence-transformers encode (defaults: batches of 32)", timed(lambda: st.encode(texts)), tokens, mixed)

    model = AutoModel.from_pretrained(folder, dtype=torch.bfloat16).to(device).eval()
    batch = torch.randint(3, 32000, (8 if smoke else 64, 512), device=device)
    with torch.inference_mode():
        for _ in range(3):
            model(input_ids=batch)
        seconds = timed(lambda: [model(input_ids=batch) for _ in range(10)])
    row(f"padded forward, {len(batch)} × 512 tokens", seconds, 10 * batch.numel(), flops_per_token(shape, 256.0))

    print(f"{size}: {len(texts)} texts, {tokens} tokens, median {int(np.median(lengths))}, max {lengths.max()}",  # noqa: T201
          flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", type=Path, help="write the corpus and tokenizer here, then stop")
    parser.add_argument("--n", type=int, default=4000, help="texts in the corpus (--prepare)")
    parser.add_argument("--data", type=Path, default=Path(".gpu"))
    parser.add_argument("--sizes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--out", type=Path, help="also write the table here (markdown)")
    parser.add_argument("--smoke", action="store_true", help="tiny shapes on the CPU, 64 texts: checks the script")
    parser.add_argument("--budgets", nargs="+", type=int, default=[65536],
                        help="token budgets of the project's batches to compare")
    parser.add_argument("--packing", nargs="+", default=["off", "on"], choices=["off", "on"],
                        help="the encode path with padded batches (off) and with packed rows (on: flex attention "
                             "where it compiles, else SDPA)")
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare, args.n)
        return
    import pandas as pd
    import torch

    from benchmarks._common import markdown_table

    texts = json.loads((args.data / "corpus.json").read_text(encoding="utf-8"))
    device = "cpu" if args.smoke else "cuda"
    texts = texts[:64] if args.smoke else texts
    peak = matmul_peak(device, 512 if args.smoke else 8192)
    name = torch.cuda.get_device_name() if device == "cuda" else "CPU (smoke run)"
    print(f"{name}: bf16 matmul {peak / 1e12:.1f} TFLOP/s; torch {torch.__version__}", flush=True)  # noqa: T201
    with tempfile.TemporaryDirectory() as work:
        rows = [r for size in args.sizes
                for r in measure(size, texts, args.data / "tokenizer", Path(work), peak, device, args.budgets,
                                 args.packing, args.smoke)]
    table = markdown_table(pd.DataFrame(rows), ".1f")
    print(table)  # noqa: T201
    if args.out:
        args.out.write_text(f"{name}: bf16 matmul {peak / 1e12:.0f} TFLOP/s\n\n{table}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
