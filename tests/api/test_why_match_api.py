"""/why_match through gradio_client: each word of both texts and of the instruction dropped in turn, the cosine
measured again, checked against the same strings embedded by hand; bad input answered with a message."""

from __future__ import annotations

import pytest
from gradio_client.exceptions import AppError

from tests.api.mcp import mcp_tools

OUTPUTS = ["summary", "query_words", "document_words", "instruction_words", "units"]
INSTRUCTION = "Retrieve animal facts"


def why(client, **kwargs) -> dict:
    return dict(zip(OUTPUTS, client.predict(**kwargs, api_name="/why_match"), strict=True))


def test_each_word_costs_the_cosine_measured_without_it(client, fake_backend):
    out = why(client, query="red fox", document="The fox is red.", instruction=INSTRUCTION)
    query_prefix, document_prefix = fake_backend.prompt(INSTRUCTION, "query"), fake_backend.prompt(None, "document")

    def cosine(query: str, document: str, prefix: str = query_prefix) -> float:
        vectors = fake_backend.encode_strings([prefix + query, document_prefix + document]).vectors
        return float(vectors[0] @ vectors[1])

    full = cosine("red fox", "The fox is red.")
    assert f"Cosine {full:.3f}" in out["summary"]
    units = {(row[0], row[1]): row[2] for row in out["units"]["data"]}  # (side, word) → cosine without
    assert units[("query", "red")] == pytest.approx(cosine("fox", "The fox is red."), abs=1e-4)
    assert units[("document", "fox")] == pytest.approx(cosine("red fox", "The is red."), abs=1e-4)
    without_animal = fake_backend.prompt("Retrieve facts", "query")
    assert units[("instruction", "animal")] == pytest.approx(cosine("red fox", "The fox is red.", without_animal),
                                                             abs=1e-4)
    # The highlighted texts give back both texts, every word weighted in [-1, 1].
    assert "".join(s["token"] for s in out["query_words"]) == "red fox"
    assert "".join(s["token"] for s in out["document_words"]) == "The fox is red."
    weights = [s["class_or_confidence"] for s in out["query_words"] + out["document_words"]
               if s["class_or_confidence"] is not None]
    assert weights and all(-1 <= w <= 1 for w in weights) and max(abs(w) for w in weights) == pytest.approx(1)
    assert [s["token"].strip() for s in out["instruction_words"]] == INSTRUCTION.split()


def test_symmetric_pairs_put_the_instruction_on_both_sides(client, fake_backend):
    out = why(client, query="red fox", document="renard roux", instruction=INSTRUCTION, symmetric=True)
    prefix = fake_backend.prompt(INSTRUCTION, "symmetric")
    vectors = fake_backend.encode_strings([prefix + "red fox", prefix + "renard roux"]).vectors
    assert f"Cosine {float(vectors[0] @ vectors[1]):.3f}" in out["summary"]


def test_a_missing_text_is_a_message(client):
    with pytest.raises(AppError, match="Give both texts"):
        why(client, query="red fox", document="  ")


def test_mcp_clients_see_why_match_with_a_free_text_instruction(fake_backend):
    tools = mcp_tools(fake_backend)
    assert "why_match" in tools and "pick" not in tools
    schema = tools["why_match"]["inputSchema"]["properties"]
    assert set(schema) >= {"query", "document", "instruction", "symmetric"}
    assert schema["instruction"]["type"] == "string" and "enum" not in schema["instruction"]
