"""``--dtype auto`` on a CPU, decided once per model and CPU and remembered, never timed at start-up.

Timing fp32 against bf16 at every start flipped with machine load: the app and the CLI picked different dtypes
minutes apart, so the same texts got different vectors and never shared cache entries. The rule now:

- a CPU without AMX (bf16 matrix units) runs fp32 — bf16 is emulated there and measured 0.4–0.8× the speed;
- a CPU with AMX runs bf16 if it keeps every probe's nearest neighbour (a fidelity check, made once, in place:
  no second copy of the weights), else fp32. The verdict is stored in ``<cache>/dtype-choices.json`` under the
  model's identity, the CPU's model name and the torch version, so every later start reads it.
"""

from __future__ import annotations

import json
import logging
import platform
from pathlib import Path

import numpy as np

from harrier_explorer.backend.local import LocalEncoder
from harrier_explorer.backend.selfcheck import PROBE, SelfCheck, nearest

log = logging.getLogger(__name__)
CHOICES_FILE = "dtype-choices.json"


def cpu_flags() -> tuple[str, set[str]]:
    """(CPU model name, feature flags) from /proc/cpuinfo; empty where the system has none (macOS, Windows)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return platform.processor() or platform.machine(), set()
    fields = {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in text.splitlines()[:64] if ":" in line)}
    return fields.get("model name") or platform.machine(), set(fields.get("flags", "").split())


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def choose_cpu_dtype(encoder: LocalEncoder, cache_root: Path, check: SelfCheck, reload_fp32) -> LocalEncoder:
    """Apply the remembered (or, first time on an AMX CPU, measured) dtype; returns the encoder to use.

    ``reload_fp32()`` builds a fresh float32 encoder, for the one case where the in-place bf16 cast was unfaithful.
    """
    import torch

    cpu, flags = cpu_flags()
    if "amx_bf16" not in flags:
        check.add("CPU dtype", True, "float32: this CPU has no AMX, where bf16 runs slower (from the CPU's features)")
        return encoder
    key = f"{encoder.identity}|{encoder.max_seq_length}|{cpu}|torch {torch.__version__}"
    path = cache_root / CHOICES_FILE
    choices = _load(path)
    if key not in choices:
        choices[key] = _measure(encoder)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(choices, indent=1), encoding="utf-8")
        except OSError as exc:  # a read-only cache: decide again next time, same answer
            log.warning("Could not remember the dtype choice in %s: %s", path, exc)
    choice = choices[key]
    if choice["dtype"] == "bfloat16" and encoder.dtype != "bfloat16":
        encoder.to_bfloat16()
    elif choice["dtype"] == "float32" and encoder.dtype != "float32":
        encoder = reload_fp32()
    check.add("CPU dtype", True, f"{choice['dtype']}: {choice['detail']} (decided once, in {path.name})")
    return encoder


def _measure(encoder: LocalEncoder) -> dict:
    fp32 = encoder.embed(PROBE).vectors
    encoder.to_bfloat16()
    bf16 = encoder.embed(PROBE).vectors
    min_cos = float(np.min(np.sum(fp32 * bf16, axis=1)))
    same = bool((nearest(fp32) == nearest(bf16)).all())
    return {"dtype": "bfloat16" if same else "float32",
            "detail": f"AMX CPU; bf16 vs fp32 min cosine {min_cos:.4f}, nearest neighbours "
                      f"{'unchanged' if same else 'CHANGED'} on {len(PROBE)} probes"}
