"""The cross-lingual search tab through gradio_client: named parameters, plain tables with numbers in them, the exact
strings embedded for every form of instruction, the user's errors, and the MCP schema."""

from __future__ import annotations

import pytest
from gradio_client import handle_file
from gradio_client.exceptions import AppError

from harrier_explorer.models import HARRIER_PRESETS, HARRIER_SAVED_PROMPTS
from harrier_explorer.ui.common import example_path
from tests.api.mcp import mcp_tools

CORPUS = "The fox is red.\nDer Fuchs ist rot.\nA dog sleeps."
OUTPUTS = ["status", "strings", "hits_1", "hits_2", "hits_3", "hits_4", "parity", "by_language", "bias",
           "distribution", "download", "model_b_status", "model_b_hits", "agreement", "parity_by_model",
           "bias_by_model"]


def _search(client, **kwargs) -> dict:
    return dict(zip(OUTPUTS, client.predict(**kwargs, api_name="/cross_lingual_search"), strict=True))


def test_the_example_corpus_by_named_parameters_gives_plain_tables_of_numbers(client):
    queries = open(example_path("search_queries.txt"), encoding="utf-8").read()
    out = _search(client, queries=queries, corpus_files=[handle_file(example_path("search_corpus.tsv"))], k=5)
    assert "4 queries × 126 documents, top-5" in out["status"]
    hits = out["hits_1"]
    assert hits["headers"] == ["#", "score", "lang", "text", "label"]
    assert [row[0] for row in hits["data"]] == [1, 2, 3, 4, 5]
    assert all(isinstance(row[1], float) for row in hits["data"])
    assert all(isinstance(row[2], float) for row in out["parity"]["data"])  # overlap@k
    assert out["download"].endswith("search_results.csv")


def _rows(table: dict) -> list[dict]:
    return [dict(zip(table["headers"], row, strict=True)) for row in table["data"]]


def test_model_b_ranks_beside_model_a_with_agreement_parity_and_bias_by_model(client):
    queries = open(example_path("search_queries.txt"), encoding="utf-8").read()
    out = _search(client, queries=queries, corpus_files=[handle_file(example_path("search_corpus.tsv"))], k=5,
                  model_b="fake:hash?dim=16")
    assert "Model B" in out["model_b_status"] and "16 dims" in out["model_b_status"]
    hits = _rows(out["model_b_hits"])
    assert len(hits) == 4 * 5 and [h["#"] for h in hits[:5]] == [1, 2, 3, 4, 5]
    assert all(isinstance(h["A #"], int) and h["A #"] >= 1 for h in hits)
    a_hits = _rows(out["hits_1"])  # model A's own table of Q1 gets each hit's rank under B
    assert out["hits_1"]["headers"] == ["#", "score", "B #", "lang", "text", "label"]
    q1 = [h for h in hits if h["query"].startswith("Q1")]
    a_top, b_top = {h["text"] for h in a_hits}, {h["text"] for h in q1}
    assert all((h["A #"] <= 5) == (h["text"] in a_top) for h in q1)  # rank under A agrees with A's own table
    assert all((h["B #"] <= 5) == (h["text"] in b_top) for h in a_hits)  # and the other way round
    agreement = _rows(out["agreement"])
    assert [row["query"] for row in agreement] == ["Q1 (en)", "Q2 (de)", "Q3 (ja)", "Q4 (sw)"]
    for row in agreement:
        assert row["overlap@k"] == sum(h["A #"] <= 5 for h in hits if h["query"] == row["query"]) / 5
        assert all(isinstance(row[m], float) and -1 <= row[m] <= 1 for m in ("Kendall tau", "RBO"))
    parity = out["parity_by_model"]
    assert parity["headers"] == ["query A", "query B", "overlap@k A", "overlap@k B", "Kendall tau A",
                                 "Kendall tau B"] and len(parity["data"]) == 6
    assert [row[2] for row in parity["data"]] == [row[2] for row in out["parity"]["data"]]  # A's column is A's table
    bias = out["bias_by_model"]
    assert bias["headers"] == ["query", "language", "corpus share", "top-k share A", "top-k share B", "ratio A",
                               "ratio B"]
    assert [row[0] for row in out["strings"]["data"]][-5:] == ["Q1 (en) · B", "Q2 (de) · B", "Q3 (ja) · B",
                                                               "Q4 (sw) · B", "document 1 · B"]


def test_a_model_agrees_with_itself_in_bfloat16_and_model_a_alone_has_no_model_b_outputs(client):
    same = _search(client, queries="red fox\nroter Fuchs", corpus_paste=CORPUS, k=2,
                   model_b="fake:hash?dtype=bfloat16")
    assert [row[1:] for row in same["agreement"]["data"]] == [[1.0, 1.0, 1.0]] * 2  # overlap, tau, RBO
    assert all(hit["A #"] == hit["#"] for hit in _rows(same["model_b_hits"]))  # no document moves
    alone = _search(client, queries="red fox", corpus_paste=CORPUS, k=2)
    assert alone["model_b_status"] == "" and alone["model_b_hits"]["data"] == alone["agreement"]["data"] == []


def test_absent_queries_have_no_table(client):
    out = _search(client, queries="red fox", corpus_paste=CORPUS, k=2)
    assert len(out["hits_1"]["data"]) == 2 and out["hits_2"]["data"] == out["hits_4"]["data"] == []


@pytest.mark.parametrize("instruction, task", [
    ("Find texts about foxes", "Find texts about foxes"),  # free text
    (f"retrieval (QA): {HARRIER_PRESETS['retrieval (QA)']}", HARRIER_PRESETS["retrieval (QA)"]),  # a preset's label
    ("retrieval (QA)", HARRIER_PRESETS["retrieval (QA)"]),  # a preset's name
])
def test_any_form_of_instruction_goes_on_the_queries_only(client, instruction, task):
    strings = _search(client, queries="red fox", instruction=instruction, corpus_paste=CORPUS)["strings"]["data"]
    assert strings == [["Q1 (en)", repr(f"Instruct: {task}\nQuery: red fox")], ["document 1", repr("The fox is red.")]]


def test_a_saved_prompt_name_and_no_instruction(client):
    saved = _search(client, queries="red fox", instruction="web_search_query", corpus_paste=CORPUS)["strings"]
    assert saved["data"][0][1] == repr(HARRIER_SAVED_PROMPTS["web_search_query"] + "red fox")
    bare = _search(client, queries="red fox", corpus_paste=CORPUS)["strings"]  # the default: (none)
    assert bare["data"][0][1] == repr("red fox")


def test_the_api_names_every_parameter_and_column_choices_default_to_auto(client):
    info = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    parameters = {p["parameter_name"]: p for p in info["/cross_lingual_search"]["parameters"]}
    assert list(parameters) == ["queries", "instruction", "k", "corpus_paste", "corpus_files", "corpus_text_column",
                                "corpus_id_column", "corpus_label_column", "corpus_language_column", "corpus_split",
                                "model_b"]
    assert parameters["model_b"]["parameter_default"] == ""
    assert parameters["corpus_text_column"]["parameter_default"] == "(auto)"
    assert parameters["corpus_paste"]["parameter_default"] == "" and parameters["k"]["parameter_default"] == 5
    assert "/search_example" not in info  # a helper button, not a tool


@pytest.mark.parametrize("kwargs, message", [
    ({"queries": "fox"}, "corpus is empty"),
    ({"queries": "", "corpus_paste": CORPUS}, "at least one query"),
    ({"queries": "a\nb\nc\nd\ne", "corpus_paste": CORPUS}, "Up to 4 queries"),
    ({"queries": "fox", "corpus_paste": CORPUS, "k": 0}, "less than minimum value 1"),  # the slider says so
])
def test_bad_requests_answer_the_users_message(client, kwargs, message):
    with pytest.raises(AppError, match=message):
        client.predict(**kwargs, api_name="/cross_lingual_search")


@pytest.mark.parametrize("content, message", [
    (bytes(range(256)) * 20, "binary"),
    (b"", "empty"),
])
def test_bad_uploads_answer_the_users_message(client, tmp_path, content, message):
    path = tmp_path / "corpus.txt"
    path.write_bytes(content)
    with pytest.raises(AppError, match=message):
        client.predict(queries="fox", corpus_files=[handle_file(str(path))], api_name="/cross_lingual_search")


def test_a_windows_latin_1_upload_is_read_and_said_so(client, tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_bytes("Café au lait\nCrème brûlée et pâté\n".encode("cp1252"))
    out = _search(client, queries="café", corpus_files=[handle_file(str(path))])
    assert "2 documents" in out["status"] and "cp1252" in out["status"]
    assert out["hits_1"]["data"][0][3] in ("Café au lait", "Crème brûlée et pâté")


def test_mcp_describes_instruction_and_columns_as_any_string(fake_backend):
    tools = mcp_tools(fake_backend)
    schema = tools["cross_lingual_search"]["inputSchema"]["properties"]
    assert schema["instruction"] == {**schema["instruction"], "type": "string"} and "enum" not in schema["instruction"]
    assert "enum" not in schema["corpus_text_column"] and schema["corpus_text_column"]["default"] == "(auto)"
    assert "preset" in schema["instruction"]["description"]
    assert not {"load_example", "search_example"} & set(tools)


def test_a_message_with_the_users_own_text_reads_as_typed(client, tmp_path):
    path = tmp_path / "corpus.csv"
    path.write_text("text,label\nfoxes run,animals\n", encoding="utf-8")
    with pytest.raises(AppError) as error:
        client.predict(queries="fox", corpus_files=[handle_file(str(path))], corpus_text_column="R&D notes",
                       api_name="/cross_lingual_search")
    assert "'R&D notes'" in str(error.value)  # not R&amp;D: only "<" is escaped, for the page's toast
