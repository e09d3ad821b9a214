"""The backend's vectors equal an independent computation with plain transformers, following the Harrier card:
AutoTokenizer + AutoModel, tokenize with padding and truncation, take the last non-padding token's hidden state,
L2-normalise. Queries carry ``Instruct: {task}\\nQuery: `` written out here by hand; documents are bare."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from transformers import AutoModel, AutoTokenizer

TASK = "Given a web search query, retrieve relevant passages that answer the query"
QUERIES = ["how fast is a fox", "Wo schläft der Hund?", "chien paresseux"]
DOCUMENTS = ["The quick brown fox jumps over the lazy dog.", "Der schnelle braune Fuchs springt über den faulen Hund.",
             "素早い茶色の狐がのろまな犬を飛び越える。", "Le renard " * 80]
#: Short enough that the last document is truncated, so truncation is compared too; long enough that the card's
#: web-search prompt (76 tokens of the tiny byte-level tokenizer) leaves room for the query.
MAX_LENGTH = 128


def last_token_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The card's pooling: the last position under left padding, else each row's last mask-1 position."""
    if bool(mask[:, -1].all()):
        return hidden[:, -1]
    rows = torch.arange(hidden.shape[0])
    return hidden[rows, mask.sum(dim=1) - 1]


def reference_embeddings(folder, texts: list[str]) -> np.ndarray:
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder, dtype=torch.float32).eval()
    batch = tokenizer(texts, max_length=MAX_LENGTH, padding=True, truncation=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**batch).last_hidden_state
    return F.normalize(last_token_pool(hidden, batch["attention_mask"]), p=2, dim=1).numpy()


@pytest.mark.parametrize("model", ["tiny_gemma", "tiny_qwen"])
def test_backend_vectors_match_plain_transformers_for_queries_and_documents(model, request, make_backend):
    folder = request.getfixturevalue(model)
    backend = make_backend(folder, dtype="float32", max_seq_length=MAX_LENGTH, max_prompt_share=0.9)
    queries = backend.encode(QUERIES, TASK, "query")
    documents = backend.encode(DOCUMENTS, TASK, "document")
    assert documents.truncated.tolist() == [False, False, False, True]

    expected_queries = reference_embeddings(folder, [f"Instruct: {TASK}\nQuery: {q}" for q in QUERIES])
    expected_documents = reference_embeddings(folder, DOCUMENTS)
    assert np.sum(queries.vectors * expected_queries, axis=1).min() >= 0.9999
    assert np.sum(documents.vectors * expected_documents, axis=1).min() >= 0.9999


def test_the_reference_is_sensitive_to_pooling_and_prompt(tiny_qwen):
    """Guards the test above: mean pooling or a missing instruction would give clearly different vectors."""
    tokenizer = AutoTokenizer.from_pretrained(tiny_qwen)
    model = AutoModel.from_pretrained(tiny_qwen, dtype=torch.float32).eval()
    batch = tokenizer(DOCUMENTS[:3], padding=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    mean = F.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1).numpy()
    last = reference_embeddings(tiny_qwen, DOCUMENTS[:3])
    assert np.sum(mean * last, axis=1).min() < 0.99
    bare = reference_embeddings(tiny_qwen, QUERIES)
    prompted = reference_embeddings(tiny_qwen, [f"Instruct: {TASK}\nQuery: {q}" for q in QUERIES])
    assert np.sum(bare * prompted, axis=1).max() < 0.99
