"""Model resolution offline and the fallback to the demo model; then the real demo model (EmbeddingGemma-300M),
when the set-up fetched it: its saved prompts match our template, it loads with a passing self-check, and
translations outrank unrelated sentences.

The fallback tests use a fake "verified" demo folder: a tiny decoder copied into the cache with the marker file.
"""

from __future__ import annotations

import shutil
import time

import numpy as np
import pytest

from harrier_explorer.backend.core import Backend
from harrier_explorer.backend.demo_model import DEMO_MODEL_ID, demo_model_dir, find_demo_model
from harrier_explorer.backend.local import read_prompts
from harrier_explorer.backend.resolve import DEFAULT_MODEL, resolve_model
from harrier_explorer.errors import ModelUnavailable
from harrier_explorer.models import EMBEDDINGGEMMA
from harrier_explorer.settings import load_settings
from tests.helpers import start_backend

# Four meanings in English, German, French and Japanese; ids i // 4 is the meaning.
SENTENCES = [
    "The train leaves at seven.", "Der Zug fährt um sieben ab.", "Le train part à sept heures.",
    "電車は七時に出発します。",
    "I lost my umbrella.", "Ich habe meinen Regenschirm verloren.", "J'ai perdu mon parapluie.", "傘をなくしました。",
    "The soup is too salty.", "Die Suppe ist zu salzig.", "La soupe est trop salée.", "スープが塩辛すぎる。",
    "Children are playing football in the park.", "Kinder spielen im Park Fußball.",
    "Des enfants jouent au football dans le parc.", "子供たちが公園でサッカーをしている。",
]
MEANING = np.arange(len(SENTENCES)) // 4


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """HF_HUB_OFFLINE=1 and an empty Hugging Face cache, so nothing is found or fetched from the Hub."""
    import huggingface_hub.constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))


@pytest.fixture
def fake_demo_cache(tiny_gemma, tmp_path):
    """A cache folder whose demo model is the tiny decoder, marked verified."""
    cache = tmp_path / "cache"
    shutil.copytree(tiny_gemma, demo_model_dir(cache))
    (demo_model_dir(cache) / ".harrier-verified").write_text("test")
    return cache


def test_a_local_folder_resolves_to_itself_with_its_saved_prompts(tiny_qwen, tmp_path):
    resolved = resolve_model(str(tiny_qwen), tmp_path)
    assert (resolved.folder, resolved.model_id, resolved.is_fallback) == (tiny_qwen, str(tiny_qwen), False)
    assert resolved.spec.family == "harrier" and resolved.spec.last_token_pooling


def test_an_unknown_id_offline_is_unavailable_quickly_and_not_replaced(offline, fake_demo_cache):
    start = time.monotonic()
    with pytest.raises(ModelUnavailable, match="someone/not-a-model.*HF_HUB_OFFLINE"):
        resolve_model("someone/not-a-model", fake_demo_cache)
    assert time.monotonic() - start < 5


def test_a_name_that_is_neither_folder_nor_hub_id_is_unavailable(tmp_path):
    with pytest.raises(ModelUnavailable, match="neither a local folder nor a Hugging Face id"):
        resolve_model("harrier", tmp_path)


def test_the_default_model_offline_falls_back_to_the_demo_model_and_says_so(offline, fake_demo_cache):
    resolved = resolve_model(DEFAULT_MODEL, fake_demo_cache)
    assert resolved.is_fallback and resolved.model_id == DEMO_MODEL_ID
    assert resolved.folder == demo_model_dir(fake_demo_cache) and resolved.spec == EMBEDDINGGEMMA
    assert resolved.reason.startswith("offline demo model") and DEFAULT_MODEL in resolved.reason


def test_a_fallback_backend_shows_the_demo_model_and_why_in_its_status(offline, fake_demo_cache):
    backend = Backend(load_settings(env={}, cache_dir=str(fake_demo_cache), dtype="float32")).start()
    backend.wait(120)
    st = backend.status
    assert (st.state, st.model_id, st.is_fallback) == ("ready", DEMO_MODEL_ID, True)
    assert "offline demo model" in st.reason and "HF_HUB_OFFLINE" in st.reason
    assert backend.spec.family == "embeddinggemma"
    assert backend.encode(["x"], "search result", "query").prompts == ["task: search result | query: x"]


def test_find_demo_model_needs_the_verified_marker(tmp_path):
    assert find_demo_model(tmp_path) is None
    demo_model_dir(tmp_path).mkdir(parents=True)
    assert find_demo_model(tmp_path) is None  # an interrupted fetch leaves no marker
    (demo_model_dir(tmp_path) / ".harrier-verified").write_text("x")
    assert find_demo_model(tmp_path) == demo_model_dir(tmp_path)


# -- the real demo model -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_backend(demo_model_dir, tmp_path_factory) -> Backend:
    return start_backend(tmp_path_factory.mktemp("demo"), timeout=300, model=str(demo_model_dir), dtype="float32")


@pytest.mark.demo_model
def test_our_embeddinggemma_template_reproduces_its_saved_prompts(demo_model_dir):
    saved = read_prompts(demo_model_dir)
    assert EMBEDDINGGEMMA.prompt("search result", "query") == saved["query"] == saved["Retrieval-query"]
    assert EMBEDDINGGEMMA.prompt("search result", "document") == saved["document"] == saved["Retrieval-document"]
    assert EMBEDDINGGEMMA.prompt(EMBEDDINGGEMMA.preset("sts"), "symmetric") == saved["STS"]
    assert EMBEDDINGGEMMA.prompt(EMBEDDINGGEMMA.preset("clustering"), "symmetric") == saved["Clustering"]


@pytest.mark.demo_model
def test_the_demo_model_loads_with_a_passing_self_check(demo_backend):
    st = demo_backend.status
    assert (st.state, st.model_id, st.dim, st.max_seq_length) == ("ready", DEMO_MODEL_ID, 768, 2048)
    assert st.selfcheck.ok, st.selfcheck.rows()


@pytest.mark.demo_model
def test_each_sentences_nearest_neighbour_is_a_translation(demo_backend):
    vectors = demo_backend.encode(SENTENCES, demo_backend.spec.preset("sts"), "symmetric").vectors
    sims = vectors @ vectors.T
    same = MEANING[:, None] == MEANING[None, :]
    off_diagonal = ~np.eye(len(SENTENCES), dtype=bool)
    np.fill_diagonal(sims, -np.inf)
    assert (MEANING[sims.argmax(axis=1)] == MEANING).all()
    translation, unrelated = sims[same & off_diagonal].mean(), sims[~same].mean()
    assert translation > unrelated + 0.3, (translation, unrelated)
