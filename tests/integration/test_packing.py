"""Packed rows (the CUDA encode path, forced on here with ``packing=on``) against padded batches, over both tiny
decoders: texts longer than Gemma's sliding window (64) and longer than a row, the load-time check, its fallbacks."""

from __future__ import annotations

import numpy as np
import pytest

from harrier_explorer.backend import packing

TEXTS = ["fox", "Der Hund.", "The quick brown fox jumps over the lazy dog. " * 3,
         "素早い茶色の狐がのろまな犬を飛び越える。" * 4,
         "Le renard brun rapide saute par-dessus le chien paresseux. " * 5,
         "Instruct: Retrieve parallel sentences\nQuery: Le chien"] * 7


@pytest.fixture(params=["tiny_gemma", "tiny_qwen"], ids=["gemma3", "qwen3"])
def folder(request):
    return request.getfixturevalue(request.param)


def test_packed_rows_give_the_vectors_of_padded_batches(folder, make_backend):
    # A 128-token budget: rows of 128, so the longest texts (~200 tokens) get rows of their own, 256 wide.
    backend = make_backend(folder, dtype="float32", packing="on", batch_tokens=128)
    encoder = backend.wait()
    assert encoder.packing and encoder.batching == "packed rows of 128 tokens, sdpa"
    ids, n_tokens, _ = encoder.tokenize(TEXTS)
    assert n_tokens.max() > 128 and n_tokens.min() < 8
    packed = encoder.embed(TEXTS).vectors
    encoder.packing = False
    padded = encoder.embed(TEXTS).vectors
    assert np.sum(packed * padded, axis=1).min() >= 0.9999
    sims = packed @ packed.T
    assert sims[0, 1] < 0.9999  # texts in one row do not see each other


def test_the_load_time_check_reports_packing_and_the_header_shows_it(tiny_qwen, make_backend):
    backend = make_backend(tiny_qwen, dtype="float32", packing="on")
    checks = {c.name: c for c in backend.status.selfcheck.checks}
    assert checks["packed = padded"].ok and "min cosine 1.0000" in checks["packed = padded"].detail
    assert backend.status.batching == "packed rows of 1024 tokens, sdpa"


def test_packing_is_off_by_default_on_the_cpu(tiny_qwen, make_backend):
    backend = make_backend(tiny_qwen, dtype="float32")
    assert not backend.wait().packing and backend.status.batching == "padded batches of 1024 tokens"
    assert "packed = padded" not in {c.name for c in backend.status.selfcheck.checks}


def test_rows_whose_texts_see_each_other_fail_the_check_and_packing_is_switched_off(tiny_gemma, make_backend,
                                                                                     monkeypatch):
    real = packing.pack_rows

    def unbroken_positions(*args, **kwargs):  # one running position per row: transformers sees one long text
        forward = real(*args, **kwargs)
        forward.position_ids[:] = np.arange(forward.position_ids.shape[1])
        return forward

    monkeypatch.setattr(packing, "pack_rows", unbroken_positions)
    backend = make_backend(tiny_gemma, dtype="float32", packing="on")
    detail = {c.name: c.detail for c in backend.status.selfcheck.checks}["packed = padded"]
    assert "packing is off" in detail
    assert not backend.wait().packing and backend.status.batching == "padded batches of 1024 tokens"


def test_flex_attention_that_fails_falls_back_to_sdpa(tiny_qwen, monkeypatch):
    from harrier_explorer.backend.local import LoadOptions, LocalEncoder
    from harrier_explorer.backend.resolve import resolve_model
    from harrier_explorer.backend.selfcheck import SelfCheck, packing_check

    resolved = resolve_model(str(tiny_qwen), tiny_qwen.parent / "cache")
    encoder = LocalEncoder(resolved.folder, resolved.spec, LoadOptions("cpu", "float32", packing="on"))
    encoder.attention = "flex_attention"  # as chosen on CUDA
    real = encoder._packed

    def failing_flex(ids):
        if encoder.attention == "flex_attention":
            raise RuntimeError("inductor: no working C++ compiler")
        return real(ids)

    monkeypatch.setattr(encoder, "_packed", failing_flex)
    monkeypatch.setattr(encoder, "use_attention", lambda name: setattr(encoder, "attention", name))
    check = SelfCheck()
    packing_check(encoder, check)
    assert encoder.packing and encoder.attention == "sdpa"
    assert check.ok and "sdpa" in check.checks[0].detail
