"""/long_document through gradio_client: named parameters, numbers returned as numbers, the cut and the chunks
consistent with the hash test encoder's own token counts (one per word, plus one); bad input answered with a
message."""

from __future__ import annotations

import pytest
from gradio_client.exceptions import AppError

OUTPUTS = ["summary", "plot", "text", "chunks"]
DOCUMENT = " ".join(f"Sentence number {i} tells about the harbour and its ships." for i in range(120))


def read(client, **kwargs) -> dict:
    return dict(zip(OUTPUTS, client.predict(**kwargs, api_name="/long_document"), strict=True))


def test_a_document_past_the_limit_is_cut_and_read_along_in_chunks(client, fake_backend):
    out = read(client, query="harbour ships", document=DOCUMENT, chunk_tokens=50)
    limit = fake_backend.status.max_seq_length
    assert f"the model reads {limit:,}" in out["summary"] and "tokens are not read" in out["summary"]
    rows = out["chunks"]["data"]
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1)) and len(rows) > 20
    assert all(isinstance(row[2], float) and -1 <= row[2] <= 1 for row in rows)
    assert {row[3] for row in rows} == {"yes", "no"}  # some chunks lie past the limit
    marked = [segment for segment in out["text"] if segment["class_or_confidence"]]
    assert any("not read whole" in segment["class_or_confidence"] for segment in marked)
    assert "".join(segment["token"] for segment in out["text"]) == DOCUMENT


def test_bad_input_is_a_message(client):
    with pytest.raises(AppError, match="Give a query and a document"):
        read(client, query="harbour", document="   ")
    with pytest.raises(AppError, match="overlap"):
        read(client, query="harbour", document=DOCUMENT, chunk_tokens=20, overlap_tokens=20)


def test_whole_or_chunked_ranks_a_corpus_both_ways_with_metrics(client):
    corpus = "\n".join([DOCUMENT, "The lighthouse keeper lives on the island.", "Bread is baked at dawn."])
    out = client.predict(queries_paste="lighthouse keeper\nbaked bread", corpus_paste=corpus,
                         qrels_rows={"headers": ["query_id", "doc_id"],
                                     "data": [["paste:1", "paste:2"], ["paste:2", "paste:3"]]},
                         k=3, chunk_tokens=40, api_name="/whole_or_chunked")
    summary, metrics, per_query = out
    assert "1 cut at the model's limit" in summary and "split into chunks of at most 40 tokens" in summary
    rows = {row[0]: row[1:] for row in metrics["data"]}
    assert set(rows) == {"nDCG@10", "MRR@10", "Recall@10"}
    assert all(isinstance(v, float) and 0 <= v <= 1 for v in rows["nDCG@10"][:2])
    assert [row[0].split(":")[0] for row in per_query["data"]] == ["Q1", "Q2"]
