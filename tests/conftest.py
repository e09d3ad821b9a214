"""Session fixtures: tiny random decoders (offline), a backend over them, and a temporary cache folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import start_backend
from tests.tiny_models import build_tiny_decoder

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(scope="session")
def tiny_gemma(tmp_path_factory) -> Path:
    """A Gemma3-shaped tiny decoder whose tokenizer pads on the right."""
    return build_tiny_decoder(tmp_path_factory.mktemp("models") / "tiny-gemma3", "gemma3", padding_side="right")


@pytest.fixture(scope="session")
def tiny_qwen(tmp_path_factory) -> Path:
    """A Qwen3-shaped tiny decoder whose tokenizer pads on the left."""
    return build_tiny_decoder(tmp_path_factory.mktemp("models") / "tiny-qwen3", "qwen3", padding_side="left")


@pytest.fixture
def make_backend(tmp_path):
    """Build a loaded Backend over a model folder with a fresh cache: ``make_backend(folder, **settings)``."""
    def make(model: Path, **overrides):
        return start_backend(overrides.pop("cache_dir", tmp_path / "cache"), model=str(model), **overrides)

    return make


@pytest.fixture(scope="session")
def demo_model_dir() -> Path:
    """The offline demo model, when the set-up fetched it; tests that need it skip with the reason otherwise."""
    from harrier_explorer.backend.demo_model import find_demo_model
    from harrier_explorer.settings import load_settings

    folder = find_demo_model(load_settings().cache_path)
    if folder is None:
        pytest.skip("offline demo model not fetched (run `harrier-explorer fetch-demo-model`)")
    return folder
