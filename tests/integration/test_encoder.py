"""The local encoder over real (tiny, random) decoders: last-token pooling under both padding sides, the EOS,
truncation, and the status the page header shows."""

from __future__ import annotations

import numpy as np
import pytest
from transformers import AutoTokenizer

from harrier_explorer.errors import InputError, ModelUnavailable

# Lengths differ a lot so that batches carry real padding.
TEXTS = ["fox", "The quick brown fox jumps over the lazy dog.", "Der Hund.",
         "素早い茶色の狐がのろまな犬を飛び越える。 Le renard brun rapide saute par-dessus le chien paresseux.",
         "Instruct: Retrieve parallel sentences\nQuery: Le chien"]
LONG = "The quick brown fox jumps over the lazy dog. " * 6


@pytest.fixture(params=[("tiny_gemma", "right"), ("tiny_qwen", "left")], ids=["gemma3-right-pad", "qwen3-left-pad"])
def decoder(request, make_backend):
    """(backend, padding side) over each tiny decoder, float32, as auto picks on a CPU."""
    name, side = request.param
    return make_backend(request.getfixturevalue(name), dtype="float32"), side


def test_a_padded_batch_equals_each_text_embedded_alone(decoder):
    backend, side = decoder
    encoder = backend.wait()
    assert encoder.tokenizer.padding_side == side and encoder.last_token
    batch = encoder.embed(TEXTS).vectors
    alone = np.vstack([encoder.embed([t]).vectors for t in TEXTS])
    assert np.sum(batch * alone, axis=1).min() >= 0.9999


def test_the_tokenizer_appends_eos_to_unpadded_input(decoder):
    backend, _ = decoder
    encoder = backend.wait()
    ids, n_tokens, truncated = encoder.tokenize(TEXTS)
    assert encoder.eos_token_id is not None
    assert all(row[-1] == encoder.eos_token_id for row in ids)
    assert [row.count(encoder.eos_token_id) for row in ids] == [1] * len(TEXTS)  # never added twice
    assert n_tokens.tolist() == [len(row) for row in ids] and not truncated.any()
    assert backend.status.selfcheck.ok
    assert {c.name for c in backend.status.selfcheck.checks} >= {"EOS appended", "batch = single", "dimension"}


def test_vectors_are_unit_length_float32_and_differ_between_texts(decoder):
    backend, _ = decoder
    result = backend.encode(TEXTS, role="document")
    assert result.vectors.dtype == np.float32 and result.vectors.shape == (len(TEXTS), 64)
    np.testing.assert_allclose(np.linalg.norm(result.vectors, axis=1), 1.0, atol=1e-5)
    sims = result.vectors @ result.vectors.T
    assert sims[~np.eye(len(TEXTS), dtype=bool)].max() < 0.9999


def test_queries_are_embedded_with_the_harrier_prompt_read_from_the_saved_prompts(decoder):
    backend, _ = decoder
    result = backend.encode(["Le chien"], "Retrieve parallel sentences", "query")
    assert result.prompts == [TEXTS[-1]]
    np.testing.assert_allclose(result.vectors[0], backend.encode_strings([TEXTS[-1]]).vectors[0], atol=1e-6)


def test_a_long_text_is_truncated_to_the_cap_keeps_its_eos_and_reports_its_full_length(tiny_qwen, make_backend):
    backend = make_backend(tiny_qwen, dtype="float32", max_seq_length=16)
    full_length = len(AutoTokenizer.from_pretrained(tiny_qwen)(LONG)["input_ids"])
    assert full_length > 16
    result = backend.encode([LONG, "fox"], role="document")
    assert result.truncated.tolist() == [True, False]
    assert result.n_tokens[0] == full_length and result.n_tokens[1] <= 16
    assert "1 truncated" in result.summary
    encoder = backend.wait()
    ids, _, _ = encoder.tokenize([LONG])
    assert len(ids[0]) == 16 and ids[0][-1] == encoder.eos_token_id
    assert backend.status.max_seq_length == 16


def test_token_counts_include_the_eos(tiny_gemma, make_backend):
    backend = make_backend(tiny_gemma, dtype="float32")
    tokenizer = AutoTokenizer.from_pretrained(tiny_gemma)
    expected = [len(tokenizer(t)["input_ids"]) for t in TEXTS]
    assert backend.count_tokens(TEXTS).tolist() == expected


def test_progress_reports_reach_the_total(tiny_gemma, make_backend):
    backend = make_backend(tiny_gemma, dtype="float32", batch_tokens=64)
    seen: list[tuple[int, int]] = []
    backend.encode(TEXTS, role="document", progress=lambda done, total: seen.append((done, total)))
    assert len(seen) > 1 and seen[-1] == (len(TEXTS), len(TEXTS))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_more_texts_than_max_items_is_an_input_error_naming_the_limit(tiny_gemma, make_backend):
    backend = make_backend(tiny_gemma, dtype="float32", max_items=2)
    with pytest.raises(InputError, match="limit of 2"):
        backend.encode(TEXTS[:3], role="document")


def test_a_local_folder_is_reported_as_such_in_the_status(tiny_qwen, make_backend):
    st = make_backend(tiny_qwen, dtype="float32").status
    assert (st.state, st.message, st.model_id, st.is_fallback) == ("ready", "Ready", str(tiny_qwen), False)
    assert st.reason == f"local folder {tiny_qwen}"
    assert (st.device, st.dtype, st.dim, st.max_seq_length) == ("cpu", "float32", 64, 512)


def test_a_folder_without_safetensors_weights_fails_to_load_with_the_reason(tmp_path):
    from harrier_explorer.backend.core import Backend
    from harrier_explorer.settings import load_settings

    folder = tmp_path / "pickled-model"
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "qwen3"}')
    (folder / "pytorch_model.bin").write_bytes(b"not loaded")
    backend = Backend(load_settings(env={}, model=str(folder), cache_dir=str(tmp_path / "cache")))
    with pytest.raises(ModelUnavailable, match="safetensors"):
        backend.encode(["x"])
    assert backend.status.state == "error" and "safetensors" in backend.status.message


def test_auto_runs_float32_on_a_cpu_whatever_its_features(tiny_qwen, make_backend):
    # bf16 and int8 move Tatoeba accuracy beyond the fidelity bar (README, benchmarks.quantised_fidelity).
    st = make_backend(tiny_qwen).status
    assert (st.device, st.dtype) == ("cpu", "float32")
