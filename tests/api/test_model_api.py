"""The Model tab's actions through gradio_client: named parameters, numbers as numbers, the user's error."""

from __future__ import annotations

import pytest
from gradio_client.exceptions import AppError

from tests.tiny_models import HARRIER_PROMPTS


def test_compare_two_takes_named_parameters_and_returns_the_cosine_as_a_number(client):
    cosine, table = client.predict(text_a="hello world", text_b="hello world!", instruction="Retrieve parallel "
                                   "sentences", role_a="symmetric", role_b="symmetric", api_name="/compare_two")
    assert isinstance(cosine, float) and 0.5 < cosine <= 1.0
    assert [row[2] for row in table["data"]] == [repr("Instruct: Retrieve parallel sentences\nQuery: hello world"),
                                                 repr("Instruct: Retrieve parallel sentences\nQuery: hello world!")]


@pytest.mark.parametrize("instruction", ["sts_query", "STS", "STS: Retrieve semantically similar text",
                                         "Retrieve semantically similar text"])
def test_a_prompt_name_a_preset_name_its_label_and_its_task_all_embed_the_same_prompt(client, instruction):
    _, table = client.predict(text_a="a", text_b="b", instruction=instruction, role_a="query", role_b="document",
                              api_name="/compare_two")
    assert table["data"][0][2] == repr(HARRIER_PROMPTS["sts_query"] + "a")
    assert table["data"][1][2] == repr("b")


def test_raw_text_embeds_no_prompt_at_all(client):
    _, table = client.predict(text_a="a", text_b="b", instruction="(raw text)", role_a="symmetric",
                              role_b="symmetric", api_name="/compare_two")
    assert [row[2] for row in table["data"]] == [repr("a"), repr("b")]


def test_an_empty_text_is_the_users_message_not_a_traceback(client):
    with pytest.raises(AppError, match="Type a text in both boxes"):
        client.predict(text_a="", text_b="x", api_name="/compare_two")


def test_the_api_lists_named_parameters_with_defaults(client):
    info = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/compare_two"]
    names = [p["parameter_name"] for p in info["parameters"]]
    assert names == ["text_a", "text_b", "instruction", "role_a", "role_b"]


def test_model_info_reports_the_test_encoder(client):
    checks, facts = client.predict(api_name="/model_info")
    values = dict((row[0], row[1]) for row in facts["data"])
    assert values["model"] == "fake:hash" and values["dimensions"] == 64 and isinstance(values["cache entries"], int)
    assert "test encoder" in str(checks["data"])


def test_parity_of_one_model_on_two_references_is_one_text_by_text(client):
    summary, min_cosine, rho, facts, texts = client.predict(model_b="fake:hash?dtype=bfloat16", probe="",
                                                            api_name="/model_parity")
    assert min_cosine == pytest.approx(1.0) and rho == pytest.approx(1.0)
    assert "Same space" in summary and len(texts["data"]) == 20
    assert facts["headers"][1:] == ["fake:hash", "fake:hash?dtype=bfloat16"]
    assert {row[0]: row[1:] for row in facts["data"]}["dimensions"] == [64, 64]  # numbers, not strings


def test_parity_across_dimensions_compares_the_similarity_matrices(client):
    summary, min_cosine, rho, _, texts = client.predict(model_b="fake:hash?dim=16", probe="a cat\na dog\na car\n"
                                                        "the cat sat", api_name="/model_parity")
    assert min_cosine is None and -1 <= rho <= 1 and "Different spaces (64 vs 16 dims)" in summary
    assert "cosine A·B" not in texts["headers"]


def test_parity_needs_a_model_b(client):
    with pytest.raises(AppError, match="Choose model B"):
        client.predict(model_b="", api_name="/model_parity")


def test_speed_against_quality_measures_every_model_on_the_example_pairs(client):
    table, _plot = client.predict(model_b="fake:hash?dim=16", more_models="", pair_file=None,
                                  api_name="/model_speed_quality")
    rows = {row[0]: dict(zip(table["headers"], row)) for row in table["data"]}
    assert set(rows) == {"fake:hash", "fake:hash (first 16 dims)"}
    for row in rows.values():
        assert row["texts/s"] > 0 and 0 <= row["margin accuracy s → t"] <= 1
