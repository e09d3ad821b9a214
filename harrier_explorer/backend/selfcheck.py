"""Load-time checks of a local encoder, shown in the Model tab and by ``harrier-explorer info``.

- EOS: for last-token-pooled decoders, the tokenizer must append the EOS itself (the pooled token is that EOS).
- Batch vs single: padded batches must reproduce one-at-a-time vectors (catches padding-side pooling bugs).
- Dimension: the model's output size must match its profile.
- CPU dtype: bf16 is used only where it is measured faster *and* keeps every probe's nearest neighbour.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from harrier_explorer.backend.local import LocalEncoder

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


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class SelfCheck:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, detail: str) -> None:
        self.checks.append(Check(name, bool(ok), detail))

    def rows(self) -> list[list[str]]:
        return [["pass" if c.ok else "FAIL", c.name, c.detail] for c in self.checks]


def _timed_embed(encoder: LocalEncoder, texts: list[str]) -> tuple[np.ndarray, float]:
    encoder.embed(texts[:2])  # warm-up: first calls pay one-off kernel selection costs
    start = time.perf_counter()
    vectors = encoder.embed(texts).vectors
    return vectors, time.perf_counter() - start


def _nearest(vectors: np.ndarray) -> np.ndarray:
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    return sims.argmax(axis=1)


def choose_cpu_dtype(encoder: LocalEncoder, check: SelfCheck, min_speedup: float = 1.2) -> None:
    """Switch a float32 CPU encoder to bf16 when that is faster and every probe keeps its nearest neighbour."""
    texts = PROBE * 2
    models = {"float32": encoder.model, "bfloat16": encoder.bf16_copy()}
    times: dict[str, list[float]] = {"float32": [], "bfloat16": []}
    vectors: dict[str, np.ndarray] = {}
    # Interleaved and repeated, best of two: one noisy timing on a busy machine must not flip the choice.
    for dtype in ("float32", "bfloat16", "float32", "bfloat16"):
        encoder.use(models[dtype], dtype)
        vectors[dtype], seconds = _timed_embed(encoder, texts)
        times[dtype].append(seconds)
    fp32, bf16 = vectors["float32"], vectors["bfloat16"]
    speedup = min(times["float32"]) / min(times["bfloat16"])
    min_cos = float(np.min(np.sum(fp32 * bf16, axis=1)))
    same_nn = bool((_nearest(fp32[: len(PROBE)]) == _nearest(bf16[: len(PROBE)])).all())
    chosen = "bfloat16" if speedup >= min_speedup and same_nn else "float32"
    encoder.use(models[chosen], chosen)
    check.add("CPU dtype", True,
              f"{encoder.dtype}: bf16 {speedup:.2f}× the speed of fp32, min cosine bf16 vs fp32 {min_cos:.4f}, "
              f"nearest neighbours {'unchanged' if same_nn else 'CHANGED'} on {len(PROBE)} probes")


def run_selfcheck(encoder: LocalEncoder) -> SelfCheck:
    check = SelfCheck()
    if encoder.last_token:
        ids = encoder.tokenizer("Hello world")["input_ids"]
        eos = encoder.eos_token_id
        check.add("EOS appended", eos is not None and ids[-1] == eos,
                  f"last token id {ids[-1]}, EOS id {eos} ({encoder.tokenizer.eos_token!r})")
    texts = PROBE[:8]
    batch = encoder.embed(texts).vectors
    single = np.vstack([encoder.embed([t]).vectors for t in texts])
    min_cos = float(np.min(np.sum(batch * single, axis=1)))
    check.add("batch = single", min_cos >= BATCH_SINGLE_MIN_COS,
              f"min cosine {min_cos:.6f} over {len(texts)} texts ({encoder.tokenizer.padding_side} padding, "
              f"threshold {BATCH_SINGLE_MIN_COS})")
    expected = encoder.spec.dim
    check.add("dimension", expected is None or expected == encoder.dim,
              f"{encoder.dim}" + (f" (profile says {expected})" if expected else " (no profile value)"))
    return check
