"""ONNX Runtime against torch on the CPU, fp32 both: the same model, tokens and token-budget batches, in one run.

The app's cold encode path on a CPU (``LocalEncoder.embed``: fp32, length-sorted batches of 1,024 padded tokens)
against the same batches with the transformer run by ONNX Runtime and the rest of the module stack (pooling, Dense
layers, normalisation) by the model's own sentence-transformers modules. The transformer is exported once with
``torch.onnx.export(dynamo=True)`` (dynamic batch and sequence axes) into ``--onnx-dir``, offline, and reused.
Rounds alternate between the two (``--rounds``, best of each), so machine load hits both alike. Fidelity: the
minimum and median cosine between the two runs' final vectors.

Needs the ``onnx`` extra (``pip install -e ".[onnx]"``: onnxruntime, onnx, onnxscript), which the app does not use.

    .venv/bin/python -m benchmarks.onnx_cpu [--n 480] [--rounds 2] [--model FOLDER_OR_ID]
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import numpy as np

from benchmarks._common import model_folder
from benchmarks.encode import mixed_corpus
from harrier_explorer.backend.encoder import l2_normalise, token_budget_batches
from harrier_explorer.backend.local import LoadOptions, LocalEncoder
from harrier_explorer.backend.resolve import resolve_model
from harrier_explorer.settings import load_settings


def export(encoder: LocalEncoder, folder: Path) -> Path:
    """The encoder's transformer as ONNX (input ids + attention mask → last hidden states), exported once."""
    import torch

    path = folder / hashlib.sha256(encoder.fingerprint.encode()).hexdigest()[:16] / "model.onnx"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    decoder = encoder.model[0].auto_model

    class HiddenStates(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.decoder = decoder

        def forward(self, input_ids, attention_mask):
            return self.decoder(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).last_hidden_state

    sample = encoder.tokenizer.pad({"input_ids": encoder.tokenize(["an export sample", "two"])[0]},
                                   return_tensors="pt")
    batch, seq = torch.export.Dim("batch"), torch.export.Dim("seq")
    torch.onnx.export(HiddenStates().eval(), (sample["input_ids"], sample["attention_mask"]), str(path), dynamo=True,
                      external_data=True, input_names=["input_ids", "attention_mask"],
                      dynamic_shapes={"input_ids": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}})
    return path


def ort_embed(encoder: LocalEncoder, session, texts: list[str]) -> np.ndarray:
    """``encoder.embed``'s batches, with ONNX Runtime in place of the torch transformer."""
    import torch

    ids = encoder.tokenize(texts)[0]
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    for batch in token_budget_batches([len(x) for x in ids], encoder.batch_tokens):
        padded = encoder.tokenizer.pad({"input_ids": [ids[i] for i in batch]}, return_tensors="np")
        feed = {k: padded[k].astype(np.int64) for k in ("input_ids", "attention_mask")}
        hidden = session.run(None, feed)[0]
        features = {"token_embeddings": torch.from_numpy(hidden),
                    "attention_mask": torch.from_numpy(feed["attention_mask"])}
        with torch.inference_mode():
            for module in list(encoder.model)[1:]:
                features = module(features)
        out[batch] = l2_normalise(features["sentence_embedding"].numpy())
    return out


def main() -> None:
    import onnxruntime as ort
    import torch

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=480)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--model", default=None, help="default: the app's default resolution (demo model offline)")
    parser.add_argument("--onnx-dir", type=Path, default=None, help="default: <cache>/onnx")
    args = parser.parse_args()
    settings = load_settings()
    resolved = resolve_model(str(model_folder(args.model)), settings.cache_path)
    encoder = LocalEncoder(resolved.folder, resolved.spec, LoadOptions("cpu", "float32"), resolved.revision)
    start = time.perf_counter()
    path = export(encoder, args.onnx_dir or settings.cache_path / "onnx")
    exported = time.perf_counter() - start
    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()  # as many as torch uses
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    texts = mixed_corpus(args.n)
    tokens = int(encoder.count_tokens(texts).sum())
    runs = {"torch (the app's fp32 path)": lambda: encoder.embed(texts).vectors,
            "ONNX Runtime transformer, same batches": lambda: ort_embed(encoder, session, texts)}
    ort_embed(encoder, session, texts[:16])  # ORT builds its kernels on the first run
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    vectors = {}
    for _ in range(args.rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            vectors[name] = run()
            seconds[name].append(time.perf_counter() - start)
    torch_name, ort_name = runs
    cos = np.sum(vectors[torch_name] * vectors[ort_name], axis=1)
    print(f"model {resolved.model_id}; {len(texts)} texts, {tokens} tokens; export {exported:.0f} s ({path}); "  # noqa: T201
          f"ONNX Runtime {ort.__version__}, {options.intra_op_num_threads} threads\n")
    print("| run | best seconds | tokens/s | vs torch |\n|---|---:|---:|---:|")  # noqa: T201
    for name in runs:
        best = min(seconds[name])
        print(f"| {name} | {best:.1f} | {tokens / best:,.0f} | {min(seconds[torch_name]) / best:.2f}× |")  # noqa: T201
    print(f"\nvectors: min cosine {cos.min():.8f}, median {np.median(cos):.8f}")  # noqa: T201


if __name__ == "__main__":
    main()
