"""qrels files in their common shapes become {query_id: {doc_id: relevance}}; bitext files become aligned pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from harrier_explorer.errors import InputError
from harrier_explorer.inputs.pairs import load_bitext, parse_qrels


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_qrels_tsv_with_header_and_default_relevance(tmp_path):
    path = write(tmp_path, "q.tsv", "query_id\tdoc_id\trelevance\nq1\td1\t2\nq1\td2\t1.0\nq2\td3\n")
    assert parse_qrels(path, 5) == {"q1": {"d1": 2, "d2": 1}, "q2": {"d3": 1}}


def test_qrels_without_header_csv_trec_and_jsonl_forms(tmp_path):
    assert parse_qrels(write(tmp_path, "q.csv", "q1,d1\nq2,d2\n"), 5) == {"q1": {"d1": 1}, "q2": {"d2": 1}}
    assert parse_qrels(write(tmp_path, "q.txt", "q1 0 d1 3\n"), 5) == {"q1": {"d1": 3}}
    jsonl = '{"query_id": "q1", "corpus_id": "d9", "score": 1}\n{"query_id": "q1", "doc_id": "d8", "relevance": 0}\n'
    assert parse_qrels(write(tmp_path, "q.jsonl", jsonl), 5) == {"q1": {"d9": 1, "d8": 0}}


def test_qrels_with_a_non_numeric_relevance_names_the_line(tmp_path):
    with pytest.raises(InputError, match="Line 3 of q.tsv: relevance 'high'"):
        parse_qrels(write(tmp_path, "q.tsv", "qid\tpid\trel\nq1\td1\t1\nq1\td2\thigh\n"), 5)


def test_bitext_reads_two_columns_and_skips_half_empty_rows(tmp_path):
    path = write(tmp_path, "pairs.tsv", "de\ten\nHallo\tHello\n\torphan\nJa\tYes\n")
    bitext = load_bitext(path, 5, 100)
    assert (bitext.source, bitext.target) == (("Hallo", "Ja"), ("Hello", "Yes"))
    assert (bitext.source_name, bitext.target_name) == ("de", "en")
    assert bitext.notes == ("pairs.tsv: skipped 1 rows with a blank side",)
