"""The page header says which model is active and why, while loading, after a failure and after a fallback."""

from __future__ import annotations

from types import SimpleNamespace

from harrier_explorer.backend.core import Status
from harrier_explorer.backend.selfcheck import SelfCheck
from harrier_explorer.ui.build import header_markdown


def header(**status) -> str:
    return header_markdown(SimpleNamespace(status=Status(**status)))


def test_the_header_shows_the_loading_step_before_the_model_is_ready():
    assert header(state="loading", message="Loading google/embeddinggemma-300m…").endswith(
        "Loading google/embeddinggemma-300m…")


def test_a_failed_load_is_shown_with_its_reason_and_escaped():
    text = header(state="error", message="Model could not be loaded: <b>no weights</b>")
    assert "&lt;b&gt;no weights&lt;/b&gt;" in text and "<b>" not in text


def test_a_fallback_is_labelled_in_the_highlighted_colour_with_its_reason():
    text = header(state="ready", model_id="google/embeddinggemma-300m", is_fallback=True,
                  reason="offline demo model, because the Hub is unreachable", device="cpu", dtype="float32",
                  batching="padded batches of 1024 tokens", dim=768, max_seq_length=2048,
                  selfcheck=SelfCheck(done=True))
    assert "**google/embeddinggemma-300m**" in text
    assert '<span class="hx-fallback">(offline demo model, because the Hub is unreachable)</span>' in text
    assert "cpu · float32 · padded batches of 1024 tokens · 768 dims · max 2048 tokens · self-check passed" in text


def test_the_header_says_checking_while_the_background_self_check_runs():
    text = header(state="ready", model_id="m", reason="local folder m", device="cpu", dtype="float32")
    assert "self-check running…" in text


def test_a_failed_self_check_points_to_the_model_tab():
    check = SelfCheck()
    check.add("EOS appended", False, "last token id 5, EOS id 1")
    text = header(state="ready", model_id="m", reason="local folder m", selfcheck=check)
    assert "self-check FAILED (see the Model tab)" in text and "hx-fallback" not in text
