"""The Instruction A/B tab through gradio_client, as a script author calls it: named parameters, every form of
instruction, numbers as numbers, labels from a file, a standalone sweep, the session-bound per-query view, the user's
errors, model B's model × instruction grid, and the MCP schema."""

from __future__ import annotations

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from harrier_explorer.models import HARRIER_PRESETS
from harrier_explorer.ui.common import example_path
from tests.api.mcp import mcp_tools
from tests.helpers import plain

OUTPUTS = ["summary", "verdict", "side_by_side", "changes", "strings", "agreement", "quality", "per_query",
           "score_shift", "per_query_csv", "rankings_csv", "model_b_status", "grid", "grid_pairs"]
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


def _rows(table: dict) -> list[dict]:
    return [dict(zip(table["headers"], row, strict=True)) for row in table["data"]]


def test_model_b_makes_a_model_by_instruction_grid_with_every_two_cells_tested(client):
    out = compare(client, **example_files(), instruction_b="retrieval (QA)", model_b="fake:hash?dim=16")
    assert "Model B: fake" in plain(out["model_b_status"]) and "16 dims" in out["model_b_status"]
    assert "Best nDCG@10: model " in out["model_b_status"] and "over 40 queries" in out["model_b_status"]
    grid = _rows(out["grid"])
    assert [(row["model"], row["metric"]) for row in grid] == [("model A", "nDCG@10"), ("model A", "MRR@10"),
                                                               ("model B", "nDCG@10"), ("model B", "MRR@10")]
    for row in grid:  # numbers as numbers, each mean inside its interval
        for side in "AB":
            assert isinstance(row[f"instruction {side}"], float)
            assert row[f"{side} low (95%)"] <= row[f"instruction {side}"] <= row[f"{side} high (95%)"]
    quality = {row[0]: row for row in out["quality"]["data"]}  # model A's cells are model A's own A/B figures
    assert [grid[0]["instruction A"], grid[0]["instruction B"]] == pytest.approx(quality["nDCG@10"][1:3], abs=1e-4)
    assert [grid[1]["instruction A"], grid[1]["instruction B"]] == pytest.approx(quality["MRR@10"][1:3], abs=1e-4)
    pairs = _rows(out["grid_pairs"])
    assert len(pairs) == 6 and len({(p["cell 1"], p["cell 2"]) for p in pairs}) == 6
    first = pairs[0]  # model A under A vs under B: the pair the verdict tests
    assert (first["cell 1"], first["cell 2"]) == ("model A · instruction A", "model A · instruction B")
    assert first["nDCG@10: 2 − 1"] == pytest.approx(quality["nDCG@10"][3], abs=1e-3)
    for pair in pairs:
        for metric in ("nDCG@10", "MRR@10"):
            assert 0 < pair[f"{metric} p"] <= pair[f"{metric} p (Holm)"] <= 1
    assert [row[0] for row in out["strings"]["data"]][3:] == [f"{row[0]} · model B" for row in
                                                              out["strings"]["data"][:3]]


def test_without_labels_the_grid_is_agreement_with_model_a_under_instruction_a(client):
    out = compare(client, queries_paste=QUERIES, corpus_paste=CORPUS, k=2, model_b="fake:hash?dim=16")
    assert "need relevance labels" in plain(out["model_b_status"])
    grid = _rows(out["grid"])
    assert [row["metric"] for row in grid] == ["overlap@2 with model A · instruction A",
                                               "RBO with model A · instruction A"] * 2
    assert grid[0]["instruction A"] == grid[1]["instruction A"] == 1.0  # the reference agrees with itself
    assert grid[0]["instruction B"] == pytest.approx(out["agreement"]["data"][0][1])  # model A's own A/B overlap
    pairs = _rows(out["grid_pairs"])
    assert len(pairs) == 6 and all(0 <= p["overlap@2"] <= 1 and isinstance(p["RBO"], float) for p in pairs)


def test_a_model_b_that_scores_like_model_a_differs_from_it_in_no_pair(client):
    out = compare(client, **example_files(), instruction_b="retrieval (QA)", model_b="fake:hash?dtype=bfloat16")
    grid = _rows(out["grid"])
    assert [grid[2][c] for c in ("instruction A", "instruction B")] == [grid[0][c] for c in ("instruction A",
                                                                                             "instruction B")]
    same = [p for p in _rows(out["grid_pairs"]) if p["cell 1"][-1] == p["cell 2"][-1]]  # one instruction, two models
    assert [(p["nDCG@10: 2 − 1"], p["nDCG@10 p"]) for p in same] == [(0.0, 1.0), (0.0, 1.0)]


def test_a_model_b_that_cannot_load_is_said_and_model_a_stands(client):
    out = compare(client, **example_files(), instruction_b="retrieval (QA)", model_b="/no/such/model")
    assert "Model B (/no/such/model) could not be used:** Model could not be loaded" in plain(out["model_b_status"])
    assert "Model A's results above are complete" in plain(out["model_b_status"])
    assert "nDCG@10" in out["verdict"] and len(out["per_query"]["data"]) == 40
    assert out["grid"]["data"] == out["grid_pairs"]["data"] == []


def test_without_model_b_there_are_no_model_b_outputs(client):
    out = compare(client, queries_paste=QUERIES, corpus_paste=CORPUS, k=2)
    assert out["model_b_status"] == "" and out["grid"]["data"] == out["grid_pairs"]["data"] == []
    assert len(out["strings"]["data"]) == 3


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
            "instruction_a", "instruction_b", "model_b"} <= set(parameters)
    assert parameters["model_b"]["parameter_default"] == ""
    assert "previous" not in parameters  # the session state is not a parameter
    assert parameters["corpus_id_column"]["parameter_default"] == "(auto)"
    assert parameters["k"]["parameter_default"] == 10
    assert [p["parameter_name"] for p in info["/ab_show_query"]["parameters"]] == ["query"]
    assert {"instructions", "queries_paste", "corpus_paste", "qrels_file"} <= {
        p["parameter_name"] for p in info["/ab_sweep"]["parameters"]}
    assert "/ab_example" not in info and "/load_example" not in info


def test_mcp_takes_any_string_as_an_instruction(fake_backend):
    tools = mcp_tools(fake_backend)
    schema = tools["ab_compare"]["inputSchema"]["properties"]
    for name in ("instruction_a", "instruction_b"):
        assert schema[name]["type"] == "string" and "enum" not in schema[name]
        assert "preset" in schema[name]["description"]
    assert "enum" not in schema["queries_text_column"]
    # Tools are named by api_name; ab_show_query reads the session's result, which MCP callers would share.
    assert {"ab_compare", "ab_sweep"} <= set(tools) and not {"ab_show_query", "load_example"} & set(tools)
