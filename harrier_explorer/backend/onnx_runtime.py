"""A loaded model's transformer run by ONNX Runtime on the CPU, in fp32 (``--runtime auto``, the default on a CPU
where onnxruntime is installed; ``--runtime onnx``, ``?runtime=onnx``).

Exported once with ``torch.onnx.export(dynamo=True)`` (dynamic batch and sequence axes) into
``<cache>/onnx/<fingerprint hash>/`` and reused at every later start; pooling, Dense layers and normalisation stay the
model's own sentence-transformers modules, so only the transformer's kernels change. benchmarks.onnx_cpu on 2 cores
(AVX-512): 1.84× the torch path, minimum cosine 0.99999988 to its vectors. sentence-transformers' own
``backend="onnx"`` goes through optimum-onnx, which does not import with transformers 5.

The export runs in a child process (``python -m harrier_explorer.backend.onnx_runtime``) that loads the same weights:
tracing runs Python for up to a minute, which in the serving process held the GIL against the page (a scenario opened
meanwhile took 7–15 s instead of 3) and patched ``builtins.min``/``max`` under numba's feet. It uses one core, so
that a 2-core machine keeps one for the page.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from harrier_explorer.errors import ModelUnavailable

log = logging.getLogger(__name__)
INSTALL_HINT = 'pip install "harrier-explorer[onnx]" (onnxruntime, onnx, onnxscript)'
#: What the export traces with (any two texts of different lengths: the batch and sequence axes stay dynamic).
SAMPLE = ["an export sample", "two"]


def export_path(root: Path, fingerprint: str) -> Path:
    return root / hashlib.sha256(fingerprint.encode()).hexdigest()[:16] / "model.onnx"


def export_apart(load_args: tuple, path: Path) -> None:
    """Export the transformer of ``LocalEncoder(*load_args)`` to ``path`` in a child process; ModelUnavailable with
    the child's last word if it fails."""
    done = subprocess.run([sys.executable, "-m", __name__, str(path)], input=pickle.dumps(load_args),
                          capture_output=True, check=False)
    if done.returncode:
        lines = done.stderr.decode(errors="replace").strip().splitlines() or [f"exit status {done.returncode}"]
        raise ModelUnavailable(f"The ONNX export failed: {lines[-1]}")


def export(decoder, sample: dict, path: Path) -> None:
    """``decoder`` (input ids + attention mask → last hidden states) as ONNX at ``path``, written to a temporary
    folder first and renamed, so a second process never reads half an export."""
    import torch

    class HiddenStates(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.decoder = decoder

        def forward(self, input_ids, attention_mask):
            return self.decoder(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).last_hidden_state

    path.parent.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=path.parent.parent, prefix=".export-"))
    try:
        batch, seq = torch.export.Dim("batch"), torch.export.Dim("seq")
        torch.onnx.export(HiddenStates().eval(), (sample["input_ids"], sample["attention_mask"]),
                          str(work / path.name), dynamo=True, external_data=True,
                          input_names=["input_ids", "attention_mask"],
                          dynamic_shapes={"input_ids": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}})
        try:
            work.rename(path.parent)
        except OSError:  # another process finished the same export first: keep theirs
            if not path.exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


class OnnxTransformer:
    """The transformer of a loaded sentence-transformers stack, as an ONNX Runtime session (exported if needed)."""

    def __init__(self, path: Path, threads: int, make) -> None:
        """``make()`` writes the export at ``path`` when there is none yet."""
        try:
            import onnxruntime as ort
        except ImportError:
            raise ModelUnavailable(f"runtime onnx needs ONNX Runtime: {INSTALL_HINT}") from None
        self.path = path
        if not path.exists():
            log.info("Exporting the transformer to ONNX (once) into %s", path.parent)
            make()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        self.version = ort.__version__
        self.weight_bytes = sum(f.stat().st_size for f in self.path.parent.iterdir())

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        feed = {"input_ids": input_ids.astype(np.int64), "attention_mask": attention_mask.astype(np.int64)}
        return self.session.run(None, feed)[0]


def _export_in_child() -> None:
    """The child's side of ``export_apart``: the pickled LocalEncoder arguments on stdin, the export's path in argv."""
    import torch

    from harrier_explorer.backend.local import LocalEncoder

    torch.set_num_threads(1)  # as fast as two (EmbeddingGemma-300M: 63.5 s, 64.1 s): tracing is Python
    folder, spec, options, revision = pickle.load(sys.stdin.buffer)
    encoder = LocalEncoder(folder, spec, replace(options, runtime="torch", packing="off", onnx_dir=None), revision)
    sample = encoder.tokenizer.pad({"input_ids": encoder.tokenize(SAMPLE)[0]}, return_tensors="pt")
    try:
        export(encoder.model[0].auto_model, sample, Path(sys.argv[1]))
    except ImportError as exc:
        sys.exit(f"exporting to ONNX needs {exc.name}: {INSTALL_HINT}")


if __name__ == "__main__":
    _export_in_child()
