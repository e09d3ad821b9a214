"""``?runtime=onnx`` / ``--runtime onnx``: the transformer exported once to ONNX and run by ONNX Runtime, over both
tiny decoders — the same vectors as torch, the export reused, clear errors where it cannot run."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from harrier_explorer.backend import onnx_runtime
from harrier_explorer.backend.loading import parse_ref
from harrier_explorer.errors import InputError, ModelUnavailable
from tests.helpers import start_backend

# Lengths differ (padding on either side) and one passes Gemma's sliding window (64 tokens).
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

    monkeypatch.setattr(onnx_runtime, "export", no_second_export)
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
