"""Embedding on this machine: a sentence-transformers module stack run in token-budget batches, the transformer by
torch or, on a CPU in fp32, by ONNX Runtime (``on_onnx_runtime``).

Harrier and any other causal decoder get Transformer → last-token Pooling → Normalize, built explicitly: a bare
decoder folder loaded with ``SentenceTransformer(folder)`` silently gets *mean* pooling. Folders that ship
``modules.json`` (EmbeddingGemma: mean pooling + two Dense layers) are loaded as their folder says.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from harrier_explorer.backend import packing
from harrier_explorer.backend.encoder import Embedded, OnBatch, Progress, l2_normalise, token_budget_batches
from harrier_explorer.backend.scheduling import FairLock
from harrier_explorer.errors import ModelUnavailable
from harrier_explorer.models import CONTEXT_CAP, ModelSpec

log = logging.getLogger(__name__)
#: The header's dtype for ``--dtype int8`` / ``?dtype=int8``: it says the vectors are approximate.
INT8_LABEL = "int8 (fast, approximate)"


@dataclass(frozen=True)
class LoadOptions:
    device: str = "auto"
    dtype: str = "auto"
    max_seq_length: int = 0
    batch_tokens: int = 0
    packing: str = "auto"
    #: torch; onnx: the transformer by ONNX Runtime (CPU, fp32), exported into onnx_dir; auto: onnx where it runs
    #: (a CPU, fp32, onnxruntime installed, an onnx_dir given), else torch.
    runtime: str = "auto"
    onnx_dir: Path | None = None


def pick_device(requested: str) -> str:
    import torch

    if requested != "auto":
        return requested
    if torch.cuda.is_available():
        return "cuda"
    return "mps" if torch.backends.mps.is_available() else "cpu"


def read_config(folder: Path) -> dict:
    path = folder / "config.json"
    return json.loads(path.read_text()) if path.exists() else {}


def read_prompts(folder: Path) -> dict[str, str]:
    """The prompts a sentence-transformers folder saved in ``config_sentence_transformers.json`` (may be none)."""
    path = folder / "config_sentence_transformers.json"
    return dict(json.loads(path.read_text()).get("prompts") or {}) if path.exists() else {}


def weights_fingerprint(folder: Path, revision: str | None) -> str:
    """A revision (Hub snapshot hash or verified sha256) when known, else a hash of the weight files' sizes and
    first/last MiB — cheap for multi-GB folders, and any re-saved or fine-tuned checkpoint changes it."""
    if revision:
        return revision
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.safetensors")):
        size = path.stat().st_size
        digest.update(f"{path.relative_to(folder)}:{size}".encode())
        with path.open("rb") as f:
            digest.update(f.read(1 << 20))
            f.seek(max(0, size - (1 << 20)))
            digest.update(f.read(1 << 20))
    return digest.hexdigest()[:16]


class LocalEncoder:
    """One loaded model. Thread-safe: forward batches take turns through a first-come-first-served lock, so
    concurrent requests interleave batch by batch (a small request never waits for a whole big job)."""

    def __init__(self, folder: Path, spec: ModelSpec, options: LoadOptions, revision: str | None = None):
        import torch
        from sentence_transformers import SentenceTransformer

        self.folder, self.spec = folder, spec
        #: How to build this encoder again (the ONNX export's child process does).
        self.load_args = (folder, spec, options, revision)
        self.device = pick_device(options.device)
        #: Where this model's ONNX export lives when it is to run on ONNX Runtime (``on_onnx_runtime``), else None.
        self.onnx_dir = self._onnx_dir(options)
        if not any(folder.rglob("*.safetensors")):
            raise ModelUnavailable(f"{folder} has no .safetensors weights (pickled .bin weights are not loaded)")
        config = read_config(folder)
        self.last_token = spec.last_token_pooling
        wants_bf16 = options.dtype == "bfloat16" or (options.dtype == "auto" and self.device == "cuda")
        load_dtype = torch.bfloat16 if wants_bf16 else torch.float32
        model_kwargs = {"dtype": load_dtype, "use_safetensors": True}
        # Packing needs the causal decoder stack built here (Transformer → last token → Normalize).
        self.packing = self.last_token and not self.onnx_dir and (
            options.packing == "on" or (options.packing == "auto" and self.device == "cuda"))
        #: SDPA with a dense block-diagonal mask, or flex attention's sparse block mask (CUDA, compiled).
        self.attention = "flex_attention" if self.packing and self.device == "cuda" else "sdpa"
        if self.packing:
            model_kwargs["attn_implementation"] = self.attention
        if self.last_token or not (folder / "modules.json").exists():
            self.model = SentenceTransformer(modules=self._decoder_modules(folder, model_kwargs), device=self.device)
        else:
            self.model = SentenceTransformer(str(folder), device=self.device, local_files_only=True,
                                             trust_remote_code=False, model_kwargs=model_kwargs)
        self.model.eval()
        self.tokenizer = self.model.tokenizer
        limit = min(spec.max_tokens or config.get("max_position_embeddings") or CONTEXT_CAP, CONTEXT_CAP)
        self.max_seq_length = min(options.max_seq_length, limit) if options.max_seq_length else limit
        self.model.max_seq_length = self.max_seq_length
        self.dim = int(self.model.get_embedding_dimension())
        self.n_parameters = sum(p.numel() for p in self.model.parameters())
        self.dtype = "bfloat16" if load_dtype == torch.bfloat16 else "float32"
        #: What the cache fingerprint records about the arithmetic (``dtype`` is what the header shows).
        self.precision = self.dtype
        self.revision = weights_fingerprint(folder, revision)
        self.eos_token_id = self.tokenizer.eos_token_id
        # Measured: on a 2-core CPU (EmbeddingGemma-300M) 512–1024-token batches run 5× faster than 16k ones; on an
        # H200 (Harrier's 270m and 0.6b shapes, benchmarks.gpu_shapes) 64k beats 16k by 1.7–2.2× and 256k or 1M.
        self.batch_tokens = options.batch_tokens or (1024 if self.device == "cpu" else 65536)
        self.lock = FairLock()
        self.onnx = None
        if options.dtype == "int8":
            self.to_int8()

    def _onnx_dir(self, options: LoadOptions) -> Path | None:
        fp32_cpu = self.device == "cpu" and options.dtype in ("auto", "float32")
        if options.runtime == "onnx":
            if not fp32_cpu or options.onnx_dir is None:
                raise ModelUnavailable(f"runtime onnx runs float32 on the CPU (asked: {options.dtype} on "
                                       f"{self.device})")
            return options.onnx_dir
        auto = options.runtime == "auto" and fp32_cpu and importlib.util.find_spec("onnxruntime") is not None
        return options.onnx_dir if auto else None

    @property
    def onnx_export(self) -> Path | None:
        """This model's ONNX export (it may not be made yet) when it is to run on ONNX Runtime, else None."""
        from harrier_explorer.backend.onnx_runtime import export_path

        return export_path(self.onnx_dir, self.fingerprint) if self.onnx_dir else None

    def on_onnx_runtime(self) -> LocalEncoder:
        """A twin that runs the transformer by ONNX Runtime (exported first if needed) and the stack's own pooling,
        Dense and Normalize modules. This encoder is left whole for batches under way; its torch transformer is
        freed with it. Sharing the lock, the two take turns."""
        import torch

        from harrier_explorer.backend.onnx_runtime import OnnxTransformer, export_apart

        onnx = OnnxTransformer(self.onnx_export, torch.get_num_threads(),
                               partial(export_apart, self.load_args, self.onnx_export))
        twin = copy.copy(self)
        twin.onnx, twin.onnx_dir = onnx, None
        twin.model = torch.nn.Sequential(*list(self.model)[1:])
        twin.precision = f"float32, onnxruntime {onnx.version}"
        return twin

    def to_int8(self) -> None:
        """int8 linear layers (per-token activations, SmoothQuant-folded MLPs; see ``int8.py``), in place. CPU only;
        an explicit "fast (approximate)" mode: it does not meet the fidelity bar that ``auto`` holds dtypes to."""
        from harrier_explorer.backend import int8
        from harrier_explorer.backend.selfcheck import PROBE

        if self.device != "cpu":
            raise ModelUnavailable(f"dtype int8 runs on the CPU only (device is {self.device})")
        int8.smooth_mlps(self.model, lambda: self.embed(PROBE))
        int8.quantise_linears(self.model)
        self.dtype, self.precision = INT8_LABEL, int8.SCHEME

    def _decoder_modules(self, folder: Path, model_kwargs: dict) -> list:
        from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

        transformer = Transformer(str(folder), model_kwargs=model_kwargs)
        mode = "lasttoken" if self.last_token else "mean"
        return [transformer, Pooling(transformer.get_embedding_dimension(), mode), Normalize()]

    @property
    def batching(self) -> str:
        """How texts share a forward pass, for the header and the Model tab."""
        if self.packing:
            return f"packed rows of {packing.row_width(self.batch_tokens)} tokens, {self.attention.replace('_', ' ')}"
        runtime = ", ONNX Runtime" if self.onnx else ""
        return f"padded batches of {self.batch_tokens} tokens{runtime}"

    def use_attention(self, name: str) -> None:
        """Switch the attention kernel in place (flex attention that does not compile falls back to SDPA)."""
        self.model[0].auto_model.set_attn_implementation(name)
        self.attention = name

    @property
    def identity(self) -> str:
        """The weights, whatever the dtype they run in."""
        return f"{self.spec.hf_id or self.folder.name}@{self.revision}"

    @property
    def fingerprint(self) -> str:
        return f"{self.identity}|{self.precision}|{self.max_seq_length}"

    @property
    def weight_bytes(self) -> int:
        tensors = [*self.model.parameters(), *self.model.buffers()]
        return sum(t.numel() * t.element_size() for t in tensors) + (self.onnx.weight_bytes if self.onnx else 0)

    def tokenize(self, strings: Sequence[str]) -> tuple[list[list[int]], np.ndarray, np.ndarray]:
        """Token ids per string (EOS appended by the tokenizer, after truncation), full lengths, truncated flags."""
        ids = self.tokenizer(list(strings), add_special_tokens=True)["input_ids"]
        full = np.array([len(x) for x in ids], dtype=np.int64)
        truncated = full > self.max_seq_length
        if truncated.any():
            long = [strings[i] for i in np.flatnonzero(truncated)]
            cut = self.tokenizer(long, add_special_tokens=True, truncation=True,
                                 max_length=self.max_seq_length)["input_ids"]
            for i, row in zip(np.flatnonzero(truncated), cut):
                ids[i] = row
        return ids, full, truncated

    def count_tokens(self, strings: Sequence[str]) -> np.ndarray:
        return self.tokenize(strings)[1]

    def embed(self, strings: Sequence[str], progress: Progress | None = None,
              on_batch: OnBatch | None = None) -> Embedded:
        ids, full, truncated = self.tokenize(strings)
        out = np.zeros((len(strings), self.dim), dtype=np.float32)
        done = 0
        for batch, vectors in (self._packed(ids) if self.packing else self._padded(ids)):
            out[batch] = l2_normalise(vectors)
            done += len(batch)
            if on_batch:
                on_batch(batch, Embedded(out[batch], full[batch], truncated[batch]))
            if progress:
                progress(done, len(strings))
        return Embedded(out, full, truncated)

    def _padded(self, ids: list[list[int]]) -> Iterator[tuple[list[int], np.ndarray]]:
        """Length-sorted batches within the token budget, padded on the tokenizer's side, through the module stack."""
        import torch

        for batch in token_budget_batches([len(x) for x in ids], self.batch_tokens):
            padded = self.tokenizer.pad({"input_ids": [ids[i] for i in batch]}, return_tensors="pt")
            features = {k: padded[k].to(self.device) for k in ("input_ids", "attention_mask")}
            with self.lock, torch.inference_mode():
                if self.onnx:  # the transformer by ONNX Runtime; self.model is the stack's pooling, Dense, Normalize
                    hidden = self.onnx(padded["input_ids"].numpy(), padded["attention_mask"].numpy())
                    features["token_embeddings"] = torch.from_numpy(hidden)
                features = self.model(features)
                vectors = features["sentence_embedding"].float().cpu().numpy()
            yield batch, vectors

    def _packed(self, ids: list[list[int]]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Packed rows (``packing.py``) through the decoder itself; each text's last hidden state is its vector."""
        import torch

        decoder = self.model[0].auto_model
        pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.eos_token_id
        for forward in packing.packed_forwards(ids, self.batch_tokens, pad_id):
            tensors = [torch.from_numpy(a) for a in (forward.input_ids, forward.position_ids,
                                                     forward.last_row, forward.last_col)]
            if self.device == "cuda":
                tensors = [t.pin_memory().to(self.device, non_blocking=True) for t in tensors]
            input_ids, position_ids, rows, cols = tensors
            with self.lock, torch.inference_mode():
                hidden = decoder(input_ids=input_ids, position_ids=position_ids, use_cache=False).last_hidden_state
                vectors = hidden[rows, cols].float().cpu().numpy()
            yield forward.owners, vectors
