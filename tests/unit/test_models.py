"""Model profiles: prompt strings byte-exact per family card, and which profile a model id or folder gets.

The Harrier expectations are checked against the prompts every Harrier size ships in its
``config_sentence_transformers.json`` (tests/tiny_models.HARRIER_PROMPTS, copied verbatim from model-facts.md).
"""

from __future__ import annotations

import pytest

from harrier_explorer.models import (
    CONTEXT_CAP,
    EMBEDDINGGEMMA,
    GENERIC,
    HARRIER_06B,
    HARRIER_27B,
    HARRIER_270M,
    NO_INSTRUCTION,
    RAW_TEXT,
    spec_for,
)
from tests.tiny_models import HARRIER_PROMPTS

HARRIERS = (HARRIER_270M, HARRIER_06B, HARRIER_27B)


@pytest.mark.parametrize("spec", HARRIERS, ids=lambda s: s.label)
def test_harrier_query_prompt_is_instruct_newline_query_with_one_trailing_space(spec):
    text = spec.prompt("Retrieve parallel sentences", "query") + "Guten Morgen"
    assert text == "Instruct: Retrieve parallel sentences\nQuery: Guten Morgen"


@pytest.mark.parametrize(("preset", "shipped"), [("retrieval (web)", "web_search_query"), ("STS", "sts_query"),
                                                 ("bitext mining", "bitext_query")])
def test_harrier_presets_reproduce_the_prompts_shipped_with_the_model(preset, shipped):
    assert HARRIER_270M.prompt(HARRIER_270M.presets[preset], "query") == HARRIER_PROMPTS[shipped]


def test_harrier_symmetric_inputs_get_the_same_prompt_as_queries():
    assert HARRIER_06B.prompt("Retrieve semantically similar text", "symmetric") == HARRIER_PROMPTS["sts_query"]


def test_harrier_documents_are_bare_whatever_the_instruction():
    assert HARRIER_270M.prompt("Retrieve parallel sentences", "document") == ""


@pytest.mark.parametrize("instruction", [None, "", "   "])
def test_a_missing_or_blank_instruction_adds_no_prompt_to_harrier_queries(instruction):
    assert HARRIER_270M.prompt(instruction, "query") == ""


def test_surrounding_whitespace_of_an_instruction_is_not_copied_into_the_prompt():
    assert HARRIER_270M.prompt("  Retrieve parallel sentences \n", "query") == HARRIER_PROMPTS["bitext_query"]


def test_embeddinggemma_queries_and_documents_use_its_own_template():
    assert EMBEDDINGGEMMA.prompt("search result", "query") == "task: search result | query: "
    assert EMBEDDINGGEMMA.prompt("search result", "document") == "title: none | text: "
    assert EMBEDDINGGEMMA.prompt(EMBEDDINGGEMMA.preset("sts"), "symmetric") == "task: sentence similarity | query: "


@pytest.mark.parametrize(("instruction", "expected"), [("query:", "query: "), ("search_query: ", "search_query: "),
                                                       ("Represent this:\n", "Represent this:\n")])
def test_generic_models_take_the_instruction_verbatim_with_a_separating_space(instruction, expected):
    assert GENERIC.prompt(instruction, "query") == expected
    assert GENERIC.prompt(instruction, "document") == ""


def test_an_unknown_role_is_rejected():
    with pytest.raises(ValueError, match="passage"):
        HARRIER_270M.prompt("x", "passage")


def test_task_kinds_map_to_the_family_presets():
    assert HARRIER_270M.preset("bitext") == "Retrieve parallel sentences"
    assert HARRIER_270M.preset("retrieval") == HARRIER_270M.presets["retrieval (web)"]
    assert EMBEDDINGGEMMA.preset("retrieval") == "search result"
    assert HARRIER_270M.preset("no such task") is None


@pytest.mark.parametrize(("model_id", "dim", "backbone"), [("microsoft/harrier-oss-v1-270m", 640, "270m"),
                                                           ("microsoft/harrier-oss-v1-0.6b", 1024, "0.6b"),
                                                           ("microsoft/harrier-oss-v1-27b", 5376, "27b")])
def test_the_three_harrier_ids_get_their_profile(model_id, dim, backbone):
    spec = spec_for(model_id)
    assert (spec.family, spec.hf_id, spec.dim, spec.max_tokens) == ("harrier", model_id, dim, CONTEXT_CAP)
    assert spec.last_token_pooling and spec.label.endswith(backbone)


@pytest.mark.parametrize("folder", ["/models/harrier-oss-v1-0.6b", "/models/harrier-oss-v1-0.6b/",
                                    "checkpoints/harrier-oss-v1-0.6b"])
def test_a_folder_named_like_a_harrier_repo_gets_that_profile(folder):
    assert spec_for(folder) == HARRIER_06B


def test_a_renamed_folder_with_harrier_shaped_saved_prompts_keeps_the_harrier_template():
    config = {"model_type": "qwen3", "hidden_size": 1024, "max_position_embeddings": 40960}
    spec = spec_for("/data/my-finetune", config, HARRIER_PROMPTS)
    assert spec.family == "harrier" and spec.hf_id is None and spec.label == "my-finetune"
    assert spec.prompt("Retrieve parallel sentences", "query") == HARRIER_PROMPTS["bitext_query"]
    assert spec.last_token_pooling and spec.dim == 1024
    assert spec.max_tokens == CONTEXT_CAP  # 40960 claimed, capped at the card's 32768


def test_an_unknown_decoder_gets_last_token_pooling_and_the_generic_template():
    spec = spec_for("/data/some-llama-embedder", {"model_type": "llama", "hidden_size": 4096})
    assert spec.family == "generic" and spec.last_token_pooling and spec.dim == 4096
    assert spec.prompt("query:", "query") == "query: "


def test_a_bidirectional_gemma_like_embeddinggemma_is_not_pooled_on_the_last_token():
    config = {"model_type": "gemma3_text", "use_bidirectional_attention": True, "max_position_embeddings": 2048}
    spec = spec_for("/data/renamed-embeddinggemma", config)
    assert not spec.last_token_pooling and spec.max_tokens == 2048


def test_an_encoder_only_model_is_not_pooled_on_the_last_token():
    assert not spec_for("/data/minilm", {"model_type": "bert"}).last_token_pooling


def test_a_folder_with_other_saved_prompts_gets_them_as_prompt_names_used_verbatim():
    prompts = {"query": "task: search result | query: ", "document": "title: none | text: ", "empty": ""}
    spec = spec_for("/data/other", {"model_type": "gemma3_text", "use_bidirectional_attention": True}, prompts)
    assert spec.family == "generic"
    assert spec.saved_prompts == {"query": "task: search result | query: ", "document": "title: none | text: "}
    assert spec.prompt("query", "query") == "task: search result | query: "
    assert spec.prompt("query", "symmetric") == "task: search result | query: "


@pytest.mark.parametrize(("name", "prefix"), list(HARRIER_PROMPTS.items()))
def test_the_cards_prompt_names_give_the_saved_prefix_byte_for_byte(name, prefix):
    for spec in HARRIERS:
        assert spec.prompt(name, "query") == prefix
        assert spec.prompt(name, "symmetric") == prefix
        assert spec.prompt(name, "document") == ""


def test_a_presets_visible_label_means_its_task_not_free_text():
    label = "retrieval: search result"
    assert EMBEDDINGGEMMA.prompt(label, "query") == "task: search result | query: "
    assert HARRIER_270M.prompt("STS: Retrieve semantically similar text", "query") == HARRIER_PROMPTS["sts_query"]
    assert HARRIER_270M.prompt("STS", "query") == HARRIER_PROMPTS["sts_query"]  # the preset's name


def test_none_is_the_families_document_format_and_raw_text_is_no_prompt_at_all():
    assert EMBEDDINGGEMMA.prompt(NO_INSTRUCTION, "query") == "title: none | text: "
    assert EMBEDDINGGEMMA.prompt(RAW_TEXT, "query") == ""
    assert EMBEDDINGGEMMA.prompt(RAW_TEXT, "document") == ""
    assert HARRIER_270M.prompt(NO_INSTRUCTION, "symmetric") == ""
    labels = dict((value, label) for label, value in EMBEDDINGGEMMA.choices())
    assert "'title: none | text: '" in labels[NO_INSTRUCTION] and "no prompt at all" in labels[RAW_TEXT]


def test_embeddinggemma_is_known_by_its_id():
    assert spec_for("google/embeddinggemma-300m") == EMBEDDINGGEMMA
