"""Session fixtures: tiny random decoders (offline), a backend over them, and a temporary cache folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# Before Gradio is imported (some of its modules read it once): this run's own temporary folder, for its own files
# and for those of the apps and clients it starts (TMPDIR), with Gradio's upload folder inside — tests counting the
# files Gradio serves never see another run's (two suites on one machine shared /tmp/gradio), and a run that passes
# leaves nothing in /tmp (gradio_client leaves an empty folder there for every file it downloads).
RUN_TEMP = tempfile.mkdtemp(prefix="harrier-tests-")
os.environ["TMPDIR"] = tempfile.tempdir = RUN_TEMP
os.environ.setdefault("GRADIO_TEMP_DIR", os.path.join(RUN_TEMP, "gradio"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Apps and commands the tests start run the model with torch (ONNX Runtime's export has tests of its own).
os.environ.setdefault("HARRIER_RUNTIME", "torch")

import pytest  # noqa: E402

from tests.helpers import start_backend  # noqa: E402
from tests.tiny_models import build_tiny_decoder  # noqa: E402


def pytest_sessionfinish(session, exitstatus):
    if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        shutil.rmtree(RUN_TEMP, ignore_errors=True)
    elif reporter := session.config.pluginmanager.get_plugin("terminalreporter"):
        reporter.write_line(f"This run's temporary files (apps' logs among them) are kept in {RUN_TEMP}")


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
