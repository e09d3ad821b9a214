"""Load-time checks of a local encoder, shown in the Model tab and by ``harrier-explorer info``.

Quick checks (before the model is used; tokenising only):
- EOS: for last-token-pooled decoders, the tokenizer must append the EOS itself (the pooled token is that EOS).
- Dimension: the model's output size must match its profile.
The packing check (at load, when packing is on): packed rows must reproduce padded batches.
The runtime check (when the transformer moves to ONNX Runtime): ONNX Runtime must reproduce torch's vectors.
The batch check (after the model is usable, in the background: the header says "checking…" meanwhile):
- Batch vs single: padded batches must reproduce one-at-a-time vectors (catches padding-side pooling bugs).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from harrier_explorer.backend.local import LocalEncoder
from harrier_explorer.errors import ModelUnavailable

log = logging.getLogger(__name__)

# Four meanings in five languages: each sentence's nearest neighbour should be a translation.
PROBE = [
    "The weather is lovely today.", "Das Wetter ist heute herrlich.", "Il fait très beau aujourd'hui.",
    "今日はとても良い天気です。", "Hali ya hewa ni nzuri sana leo.",
    "Where is the nearest train station?", "Wo ist der nächste Bahnhof?", "Où est la gare la plus proche ?",
    "一番近い駅はどこですか？", "Kituo cha treni kilicho karibu kiko wapi?",
    "The central bank raised interest rates again.", "Die Zentralbank hat die Zinsen erneut erhöht.",
    "La banque centrale a de nouveau relevé ses taux.", "中央銀行は再び金利を引き上げた。",
    "Benki kuu imepandisha tena viwango vya riba.",
    "My grandmother grows tomatoes in her garden.", "Meine Großmutter baut Tomaten in ihrem Garten an.",
    "Ma grand-mère cultive des tomates dans son jardin.", "祖母は庭でトマトを育てている。",
    "Bibi yangu hupanda nyanya katika bustani yake.",
]
BATCH_SINGLE_MIN_COS = 0.9999
#: Packed against padded, by precision: bf16 rounds each op to 8 bits of mantissa (0.9998 on an H200, 64 texts).
PACKED_MIN_COS = {"float32": 0.9999, "bfloat16": 0.999}
#: ONNX Runtime against torch, both fp32: only the kernels' summation order differs (0.99999988 measured).
ONNX_MIN_COS = 0.99999


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class SelfCheck:
    checks: list[Check] = field(default_factory=list)
    #: False while the background batch check is still running.
    done: bool = False

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def summary(self) -> str:
        if not self.ok:
            return "self-check FAILED (see the Model tab)"
        return "self-check passed" if self.done else "self-check running…"

    def add(self, name: str, ok: bool, detail: str) -> None:
        self.checks.append(Check(name, bool(ok), detail))

    def rows(self) -> list[list[str]]:
        return [["pass" if c.ok else "FAIL", c.name, c.detail] for c in self.checks]


def nearest(vectors: np.ndarray) -> np.ndarray:
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    return sims.argmax(axis=1)


def quick_checks(encoder: LocalEncoder, check: SelfCheck) -> None:
    if encoder.last_token:
        ids = encoder.tokenizer("Hello world")["input_ids"]
        eos = encoder.eos_token_id
        check.add("EOS appended", eos is not None and ids[-1] == eos,
                  f"last token id {ids[-1]}, EOS id {eos} ({encoder.tokenizer.eos_token!r})")
    expected = encoder.spec.dim
    check.add("dimension", expected is None or expected == encoder.dim,
              f"{encoder.dim}" + (f" (profile says {expected})" if expected else " (no profile value)"))


def batch_check(encoder: LocalEncoder, check: SelfCheck) -> None:
    # Four texts of different lengths: every row but the longest is padded, on whichever side the tokenizer pads.
    texts = [PROBE[0], PROBE[3], PROBE[9], PROBE[13]]
    batch = encoder.embed(texts).vectors
    single = np.vstack([encoder.embed([t]).vectors for t in texts])
    min_cos = float(np.min(np.sum(batch * single, axis=1)))
    check.add("batch = single", min_cos >= BATCH_SINGLE_MIN_COS,
              f"min cosine {min_cos:.6f} over {len(texts)} texts ({encoder.tokenizer.padding_side} padding, "
              f"threshold {BATCH_SINGLE_MIN_COS})")


def packing_check(encoder: LocalEncoder, check: SelfCheck) -> None:
    """Packed rows against padded batches (under SDPA) on the probe. Flex attention that does not compile falls
    back to SDPA; packing that still disagrees is switched off, and the encoder pads as before."""
    chosen = encoder.attention
    encoder.packing = False
    encoder.use_attention("sdpa")
    padded = encoder.embed(PROBE).vectors
    encoder.packing = True
    encoder.use_attention(chosen)
    try:
        packed = encoder.embed(PROBE).vectors
    except Exception as exc:  # torch.compile's failures share no base class
        if chosen == "sdpa":
            raise
        log.warning("flex attention failed (%s); packing with SDPA instead", exc)
        encoder.use_attention("sdpa")
        packed = encoder.embed(PROBE).vectors
    min_cos = float(np.min(np.sum(packed * padded, axis=1)))
    threshold = PACKED_MIN_COS.get(encoder.precision, PACKED_MIN_COS["bfloat16"])
    detail = f"min cosine {min_cos:.6f} over {len(PROBE)} texts ({encoder.batching}, threshold {threshold})"
    if min_cos < threshold:
        encoder.packing = False
        encoder.use_attention("sdpa")
        detail += "; packing is off, texts are padded"
    check.add("packed = padded", True, detail)


def runtime_check(encoder: LocalEncoder, check: SelfCheck, *, required: bool) -> LocalEncoder:
    """The encoder's ONNX Runtime twin (exported first if needed) when it reproduces torch's probe vectors; else
    the torch encoder as it was (``auto``) or ModelUnavailable (``runtime onnx``, asked for by name)."""
    twin = encoder.on_onnx_runtime()
    theirs, ours = encoder.embed(PROBE).vectors, twin.embed(PROBE).vectors
    min_cos = float(np.min(np.sum(theirs * ours, axis=1)))
    detail = f"min cosine {min_cos:.7f} to torch over {len(PROBE)} texts (threshold {ONNX_MIN_COS})"
    if min_cos >= ONNX_MIN_COS:
        check.add("ONNX Runtime = torch", True, detail)
        return twin
    if required:
        raise ModelUnavailable(f"ONNX Runtime does not reproduce torch's vectors: {detail}")
    check.add("ONNX Runtime = torch", True, f"{detail}; differs, so torch runs the model")
    return encoder
