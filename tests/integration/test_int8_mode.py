"""``--dtype int8`` / ``?dtype=int8``: int8 linear layers (per-token activations) over the tiny decoders — it loads,
embeds unit vectors, is labelled approximate, is cached apart from fp32 and stays close to fp32."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from harrier_explorer.backend.int8 import SCHEME, Int8Linear, quantise_linears, smooth_mlps
from harrier_explorer.backend.loading import parse_ref
from harrier_explorer.backend.local import INT8_LABEL
from harrier_explorer.errors import InputError

TEXTS = ["fox", "The quick brown fox jumps over the lazy dog.", "Der schnelle braune Fuchs springt.",
         "素早い茶色の狐がのろまな犬を飛び越える。", "Le renard brun rapide saute par-dessus le chien paresseux."]
#: Per-token int8 keeps each linear layer's output within about 1 % (relative error ≈ √(in_features) · ½ step /
#: 127 per row); two tiny layers of random weights compound that to cosines above 0.99 against fp32, while a wrong
#: scale or transposed weight gives cosines near 0 — so 0.98 separates "approximate" from "broken" with margin.
MIN_COS_TO_FP32 = 0.98


@pytest.mark.parametrize("model", ["tiny_gemma", "tiny_qwen"])
def test_int8_mode_embeds_unit_vectors_close_to_fp32_with_its_own_fingerprint(model, request, make_backend, tmp_path):
    folder = request.getfixturevalue(model)
    fp32 = make_backend(folder, dtype="float32", cache_dir=tmp_path / "a")
    int8 = make_backend(folder, dtype="int8", cache_dir=tmp_path / "b")
    a = fp32.encode(TEXTS, role="document").vectors
    b = int8.encode(TEXTS, role="document").vectors
    assert b.dtype == np.float32 and b.shape == a.shape
    np.testing.assert_allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    assert np.sum(a * b, axis=1).min() >= MIN_COS_TO_FP32
    assert np.abs(a - b).max() > 1e-6  # really quantised
    encoder = int8.wait()
    assert any(isinstance(m, Int8Linear) for m in encoder.model.modules())
    assert not any(isinstance(m, torch.nn.Linear) for m in encoder.model.modules())
    assert SCHEME in encoder.fingerprint and encoder.fingerprint != fp32.wait().fingerprint
    assert int8.status.dtype == INT8_LABEL and "approximate" in INT8_LABEL
    assert int8.status.selfcheck.ok  # batch = single still holds: per-token scales do not depend on the batch


def test_int8_is_a_model_reference_option_and_a_setting():
    assert parse_ref("some/folder?dtype=int8").dtype == "int8"
    with pytest.raises(InputError, match="int8"):
        parse_ref("some/folder?dtype=int4")
    from harrier_explorer.settings import load_settings

    assert load_settings(env={}, dtype="int8").dtype == "int8"


def test_int8_linear_matches_the_float_product_within_quantisation_error():
    torch.manual_seed(0)
    linear = torch.nn.Linear(96, 40)
    x = torch.randn(3, 7, 96)
    x[0, 0] *= 100  # an outlier token: per-token scales keep the other tokens exact to int8 precision
    with torch.no_grad():
        expected, got = linear(x), Int8Linear(linear)(x)
    rel = (got - expected).norm(dim=-1) / expected.norm(dim=-1)
    assert got.shape == expected.shape and float(rel.max()) < 0.03


def test_smoothing_the_mlp_leaves_the_float_model_unchanged(tiny_qwen):
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(tiny_qwen, dtype=torch.float32).eval()
    batch = AutoTokenizer.from_pretrained(tiny_qwen)(TEXTS, padding=True, return_tensors="pt")
    with torch.inference_mode():
        before = model(**batch).last_hidden_state
        assert smooth_mlps(model, lambda: model(**batch)) == 2
        after = model(**batch).last_hidden_state
    torch.testing.assert_close(after, before, rtol=1e-4, atol=1e-4)
    assert quantise_linears(model) == 2 * 7
