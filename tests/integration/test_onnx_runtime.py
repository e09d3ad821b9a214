"""``?runtime=onnx`` / ``--runtime onnx``: the transformer exported once to ONNX and run by ONNX Runtime, over both
tiny decoders — the same vectors as torch, the export reused, clear errors where it cannot run."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from harrier_explorer.backend import onnx_runtime
from harrier_explorer.backend.core import Backend
from harrier_explorer.backend.loading import parse_ref
from harrier_explorer.errors import InputError, ModelUnavailable
from harrier_explorer.settings import load_settings
from tests.helpers import start_backend

# Lengths differ (padding on either side) and one passes Gemma's sliding window (64 tokens).
find = importlib.util.find_spec
TEXTS = ["fox", "Der Hund.", "The quick brown fox jumps over the lazy dog. " * 4,
         "素早い茶色の狐がのろまな犬を飛び越える。", "Instruct: Retrieve parallel sentences\nQuery: Le chien"]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.mark.parametrize("name", ["tiny_gemma", "tiny_qwen"])
def test_onnx_runtime_gives_torchs_vectors_and_says_so(name, cache, request):
    folder = request.getfixturevalue(name)
    torch_backend = start_backend(cache, model=str(folder), dtype="float32")
    onnx_backend = start_backend(cache, model=f"{folder}?runtime=onnx")
    ours, theirs = (b.encode(TEXTS, role="document") for b in (torch_backend, onnx_backend))
    assert np.sum(ours.vectors * theirs.vectors, axis=1).min() >= 0.99999
    np.testing.assert_array_equal(ours.n_tokens, theirs.n_tokens)
    st = onnx_backend.status
    assert (st.device, st.dtype, st.batching) == ("cpu", "float32", "padded batches of 1024 tokens, ONNX Runtime")
    assert st.selfcheck.ok and "onnxruntime" in onnx_backend.wait().fingerprint  # cached apart from torch's
    assert (theirs.embedded, theirs.cached) == (len(TEXTS), 0)


def test_the_export_is_made_once_and_reused(tiny_qwen, cache, monkeypatch):
    start_backend(cache, model=str(tiny_qwen), runtime="onnx")
    exports = list((cache / "onnx").glob("*/model.onnx"))
    assert exports and not list((cache / "onnx").glob(".export-*"))  # no half-written folder left

    def no_second_export(*args):
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_runtime, "export_apart", no_second_export)
    backend = start_backend(cache, model=str(tiny_qwen), runtime="onnx")
    assert backend.encode(TEXTS[:2], role="document").vectors.shape == (2, 64)


def test_onnx_runtime_refuses_what_it_cannot_run_with_the_reason(tiny_qwen, cache):
    with pytest.raises(ModelUnavailable, match="runtime onnx runs float32 on the CPU"):
        start_backend(cache, model=f"{tiny_qwen}?runtime=onnx&dtype=int8")
    with pytest.raises(InputError, match="choose torch or onnx"):
        parse_ref(f"{tiny_qwen}?runtime=tensorrt")


def test_without_onnx_runtime_installed_the_error_says_what_to_install(tiny_qwen, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails as if not installed
    with pytest.raises(ModelUnavailable, match=r"harrier-explorer\[onnx\]"):
        start_backend(tmp_path, model=str(tiny_qwen), runtime="onnx")


def test_auto_serves_with_torch_then_moves_to_onnx_runtime_once_exported(tiny_gemma, tmp_path):
    torch_vectors = start_backend(tmp_path, model=str(tiny_gemma)).encode(TEXTS, role="document").vectors
    # A server's backend: it serves with torch and returns from start_backend once the export is in use.
    backend = start_backend(tmp_path, model=str(tiny_gemma), runtime="auto", upgrades=True)
    st = backend.status
    assert st.batching == "padded batches of 1024 tokens, ONNX Runtime" and "onnxruntime" in backend.wait().fingerprint
    assert "ONNX Runtime = torch" in {name for _, name, _ in st.selfcheck.rows()} and st.selfcheck.ok
    moved = backend.encode(TEXTS, role="document")
    assert np.sum(moved.vectors * torch_vectors, axis=1).min() >= 0.99999 and moved.embedded == len(TEXTS)
    # The next start finds the export and loads on ONNX Runtime at once, before any background work.
    again = Backend(load_settings(env={}, cache_dir=str(tmp_path), model=str(tiny_gemma), runtime="auto")).start()
    again.wait(120)
    assert "ONNX Runtime" in again.status.batching
    again.wait_selfcheck()


def test_auto_without_a_server_or_without_onnx_runtime_stays_on_torch(tiny_qwen, tmp_path, monkeypatch):
    one_shot = start_backend(tmp_path, model=str(tiny_qwen), runtime="auto")
    assert "ONNX" not in one_shot.status.batching and not (tmp_path / "onnx").exists()  # no export made
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "onnxruntime" else find(name))
    backend = start_backend(tmp_path / "b", model=str(tiny_qwen), runtime="auto", upgrades=True)
    assert backend.status.batching == "padded batches of 1024 tokens" and backend.status.selfcheck.ok


def test_an_onnx_runtime_that_differs_from_torch_is_not_used(tiny_qwen, tmp_path, monkeypatch):
    run = onnx_runtime.OnnxTransformer.__call__
    monkeypatch.setattr(onnx_runtime.OnnxTransformer, "__call__", lambda self, ids, mask: run(self, ids, mask) + 0.5)
    backend = start_backend(tmp_path, model=str(tiny_qwen), runtime="auto", upgrades=True)
    assert "ONNX" not in backend.status.batching and "onnxruntime" not in backend.wait().fingerprint
    detail = {name: detail for _, name, detail in backend.status.selfcheck.rows()}["ONNX Runtime = torch"]
    assert "differs, so torch runs the model" in detail
    with pytest.raises(ModelUnavailable, match="does not reproduce torch's vectors"):
        start_backend(tmp_path, model=str(tiny_qwen), runtime="onnx")


def test_an_export_that_fails_in_its_process_says_why(tiny_qwen, tmp_path):
    encoder = start_backend(tmp_path, model=str(tiny_qwen)).wait()
    folder, *rest = encoder.load_args
    with pytest.raises(ModelUnavailable, match=r"The ONNX export failed: .*has no \.safetensors weights"):
        onnx_runtime.export_apart((tmp_path / "gone", *rest), tmp_path / "onnx" / "x" / "model.onnx")
    assert not (tmp_path / "onnx").exists()
