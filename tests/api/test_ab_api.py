"""The Instruction A/B tab through gradio_client, as a script author calls it: named parameters, every form of
instruction, numbers as numbers, labels from a file, a standalone sweep, the session-bound per-query view, the user's
errors, and the MCP schema."""

from __future__ import annotations

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from harrier_explorer.models import HARRIER_PRESETS
from harrier_explorer.ui.common import example_path
from tests.api.mcp import mcp_tools
from tests.helpers import plain

OUTPUTS = ["summary", "verdict", "side_by_side", "changes", "strings", "agreement", "quality", "per_query",
           "score_shift", "per_query_csv", "rankings_csv"]
QUERIES = "capital of France\nbig cats\nrainy weather"
CORPUS = "Paris is the capital of France.\nLions and tigers are big cats.\nIt rains a lot in April.\nSnow."
QA_LABEL = f"retrieval (QA): {HARRIER_PRESETS['retrieval (QA)']}"


def compare(client, **kwargs) -> dict:
    return dict(zip(OUTPUTS, client.predict(**kwargs, api_name="/ab_compare"), strict=True))


def example_files() -> dict:
    return dict(queries_files=[handle_file(example_path("ab_queries.tsv"))],
                corpus_files=[handle_file(example_path("ab_corpus.tsv"))],
                qrels_file=handle_file(example_path("ab_qrels.tsv")))


def test_the_example_files_give_a_verdict_and_tables_of_numbers(client):
    out = compare(client, **example_files(), instruction_b="retrieval (QA)")
    assert "40 of 40 labelled query ids" in plain(out["summary"])
    assert "nDCG@10" in out["verdict"] and "40 queries" in out["verdict"]
    per_query = out["per_query"]
    assert per_query["headers"][:5] == ["Q", "query", "nDCG@10 A", "nDCG@10 B", "B vs A"]
    assert all(isinstance(row[2], float) for row in per_query["data"])
    assert [row[0] for row in out["side_by_side"]["data"]] == list(range(1, 11))  # ranks as numbers
    assert out["per_query_csv"].endswith("ab_per_query.csv") and out["rankings_csv"].endswith("ab_rankings.csv")


@pytest.mark.parametrize("instruction, task", [
    (QA_LABEL, HARRIER_PRESETS["retrieval (QA)"]),  # a preset's label embeds its task, not the label text
    ("retrieval (QA)", HARRIER_PRESETS["retrieval (QA)"]),  # a preset's name
    ("Find the passage about this", "Find the passage about this"),  # free text
])
def test_any_form_of_instruction_goes_on_the_queries_only(client, instruction, task):
    strings = compare(client, queries_paste=QUERIES, corpus_paste=CORPUS, instruction_b=instruction)["strings"]
    under_a, under_b, document = (row[1] for row in strings["data"])
    assert under_a == repr("capital of France")  # A: (none), the default
    assert under_b == repr(f"Instruct: {task}\nQuery: capital of France")
    assert not document.startswith("'Instruct")


def test_a_sweep_needs_no_earlier_comparison(client):
    fresh = Client(client.src, verbose=False)
    summary, _, values, csv = fresh.predict(queries_paste=QUERIES, corpus_paste=CORPUS, k=2,
                                            instructions=f"(none)\n{QA_LABEL}\nfind animals", api_name="/ab_sweep")
    assert values["headers"][:3] == ["Q", "query", "(none) (mean 1.000)"]
    assert [header.split(" (mean")[0] for header in values["headers"][3:]] == [QA_LABEL, "find animals"]
    assert [row[:3] for row in values["data"]] == [["Q1", "capital of France", 1.0], ["Q2", "big cats", 1.0],
                                                   ["Q3", "rainy weather", 1.0]]  # (none) against the baseline
    assert "overlap@2" in plain(summary) and csv.endswith("instruction_sweep.csv")


def test_the_per_query_view_works_in_the_session_of_the_comparison(client):
    first = compare(client, queries_paste=QUERIES, corpus_paste=CORPUS, k=2)
    assert first["strings"]["data"][0][0] == "query paste:1 under A"  # the first query's view comes with it
    by_name = client.predict(query="Q3", api_name="/ab_show_query")
    by_id = client.predict(query="paste:3", api_name="/ab_show_query")
    assert by_name == by_id and by_name[2]["data"][0][1] == repr("rainy weather")
    with pytest.raises(AppError, match="No comparison in this session yet"):
        Client(client.src, verbose=False).predict(query="Q1", api_name="/ab_show_query")


def test_a_qrels_file_that_names_no_loaded_query_is_refused(client, tmp_path):
    path = tmp_path / "qrels.tsv"
    path.write_text("q1\td1\t1\nq2\td2\t1\n", encoding="utf-8")
    with pytest.raises(AppError, match="None of the 2 labelled query ids in qrels.tsv is loaded"):
        client.predict(queries_paste=QUERIES, corpus_paste=CORPUS, qrels_file=handle_file(str(path)),
                       api_name="/ab_compare")


@pytest.mark.parametrize("kwargs, message", [
    ({"queries_paste": QUERIES}, "Corpus is empty"),
    ({"queries_paste": QUERIES, "corpus_paste": "one document"}, "at least 2 documents"),
    ({"queries_paste": QUERIES, "corpus_paste": CORPUS, "qrels_rows": {"headers": ["query_id", "doc_id"],
                                                                       "data": [["paste:9", "paste:1"]]}},
     "not loaded"),
])
def test_bad_requests_answer_the_users_message(client, kwargs, message):
    with pytest.raises(AppError, match=message):
        client.predict(**kwargs, api_name="/ab_compare")


def test_the_api_names_every_parameter_and_hides_the_example_button(client):
    info = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    parameters = {p["parameter_name"]: p for p in info["/ab_compare"]["parameters"]}
    assert {"queries_paste", "queries_files", "corpus_paste", "corpus_text_column", "qrels_file", "qrels_rows", "k",
            "instruction_a", "instruction_b"} <= set(parameters)
    assert "previous" not in parameters  # the session state is not a parameter
    assert parameters["corpus_id_column"]["parameter_default"] == "(auto)"
    assert parameters["k"]["parameter_default"] == 10
    assert [p["parameter_name"] for p in info["/ab_show_query"]["parameters"]] == ["query"]
    assert {"instructions", "queries_paste", "corpus_paste", "qrels_file"} <= {
        p["parameter_name"] for p in info["/ab_sweep"]["parameters"]}
    assert "/ab_example" not in info and "/load_example" not in info


def test_mcp_takes_any_string_as_an_instruction(fake_backend):
    tools = mcp_tools(fake_backend)
    schema = tools["run_ab"]["inputSchema"]["properties"]
    for name in ("instruction_a", "instruction_b"):
        assert schema[name]["type"] == "string" and "enum" not in schema[name]
        assert "preset" in schema[name]["description"]
    assert "enum" not in schema["queries_text_column"]
    assert {"run_ab", "run_sweep", "show_query"} <= set(tools) and "load_example" not in tools
