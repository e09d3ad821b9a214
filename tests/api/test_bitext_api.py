"""The bitext tab through gradio_client: one /match_bitext call returns every view, the session's re-choice and
margin explanation, the document alignment, every form of instruction, the user's errors and the MCP schema."""

from __future__ import annotations

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from harrier_explorer.models import HARRIER_PRESETS
from harrier_explorer.ui.common import example_path
from tests.api.mcp import mcp_tools

VIEWS = ["threshold", "heatmap", "histogram", "pairs", "unmatched", "download", "accuracy", "errors"]
MATCH = ["status", "strings", "model_b_status", *VIEWS, "accuracy_by_model", "disagreements", "heatmap_b"]
LISTS = {"source_paste": "a red fox\na black dog\na white cat", "target_paste": "ein roter Fuchs\nein schwarzer Hund"}


def _match(client, **kwargs) -> dict:
    return dict(zip(MATCH, client.predict(**kwargs, api_name="/match_bitext"), strict=True))


@pytest.fixture(scope="module")
def example(client) -> dict:
    return _match(client, pair_file=handle_file(example_path("bitext_de_en.tsv")))


def test_one_call_returns_pairs_accuracy_unmatched_and_the_heatmap(example):
    assert "80 source × 80 target sentences" in example["status"]
    pairs = example["pairs"]
    assert pairs["headers"] == ["source #", "source", "target #", "target", "cosine", "margin", "matched"]
    first = pairs["data"][0]
    assert isinstance(first[0], int) and first[0] >= 1 and isinstance(first[5], float) and first[6] is True
    accuracy = {row[0]: row[1:] for row in example["accuracy"]["data"]}
    assert set(accuracy) == {"cosine", "margin"} and all(isinstance(v, float) for v in accuracy["margin"][:2])
    assert example["unmatched"]["headers"] == ["side", "#", "text", "why"]
    assert example["heatmap"]["type"] == "plotly" and "source %{y}" in example["heatmap"]["plot"]
    assert example["threshold"]["value"] == example["threshold"]["minimum"]  # 0 moved to the lowest chosen score
    assert example["download"].endswith("bitext_pairs.tsv")


def test_the_session_rechooses_pairs_and_explains_a_margin_without_embedding_again(client, example):
    high = example["threshold"]["maximum"]
    view = dict(zip(VIEWS, client.predict(method="forward", score="margin", threshold=high,
                                              api_name="/rematch_bitext"), strict=True))
    pairs = view["pairs"]
    assert len(pairs["data"]) == 80 and not all(row[6] for row in pairs["data"])  # forward: one pair per source
    explanation, neighbours = client.predict(source_number=2, target_number=3, k=3, api_name="/margin_neighbours")
    assert explanation.startswith("**Source 2 → target 3:**") and "margin =" in explanation
    assert [row[1] for row in neighbours["data"]] == [1, 2, 3, 1, 2, 3]


def test_a_rematch_takes_any_threshold_and_moves_it_into_the_range_of_the_score_it_chooses(client):
    out = _match(client, pair_file=handle_file(example_path("bitext_de_en.tsv")), score="cosine")
    cosine_low = out["threshold"]["minimum"]
    assert cosine_low > 0  # the page's slider now spans the cosines chosen, not 0
    view = dict(zip(VIEWS, client.predict(api_name="/rematch_bitext"), strict=True))  # the defaults: margin, 0
    margin_low, margin_high = view["threshold"]["minimum"], view["threshold"]["maximum"]
    assert view["threshold"]["value"] == margin_low and all(row[6] for row in view["pairs"]["data"])
    middle = round((margin_low + margin_high) / 2, 2)
    view = dict(zip(VIEWS, client.predict(score="margin", threshold=middle, api_name="/rematch_bitext"),
                    strict=True))  # above every cosine: Gradio had refused it against the cosine slider's range
    assert view["threshold"]["value"] == middle and not all(row[6] for row in view["pairs"]["data"])


def test_model_b_accuracy_disagreements_and_heatmap_in_the_same_call(client):
    out = _match(client, pair_file=handle_file(example_path("bitext_de_en.tsv")), model_b="fake:hash?dim=16")
    assert "Model B" in out["model_b_status"] and "16 dims" in out["model_b_status"]
    table = out["accuracy_by_model"]
    assert table["headers"][:4] == ["model", "score", "accuracy source → target", "accuracy target → source"]
    rows = {(row[0], row[1]): row[2:] for row in table["data"]}
    assert set(rows) == {("A", "cosine"), ("A", "margin"), ("B", "cosine"), ("B", "margin")}
    a_margin = {row[0]: row[1:3] for row in out["accuracy"]["data"]}["margin"]
    assert rows["A", "margin"][:2] == a_margin and all(isinstance(v, float) for v in rows["B", "margin"][:2])
    disagreements = out["disagreements"]
    assert disagreements["headers"] == ["right", "direction", "#", "text", "A #", "A's match", "A score", "B #",
                                        "B's match", "B score"]
    for right, _, number, _, a_number, _, _, b_number, _, _ in disagreements["data"]:
        assert (a_number == number) == (right == "A") and (b_number == number) == (right == "B")
    # under margin (the default score), the accuracy gap is exactly the rows only one model gets right
    forward = [row[0] for row in disagreements["data"] if row[1] == "source → target"]
    assert round((forward.count("A") - forward.count("B")) / 80, 4) == round(rows["A", "margin"][0]
                                                                            - rows["B", "margin"][0], 4)
    assert out["heatmap_b"]["type"] == "plotly" and "Model B" in out["heatmap_b"]["plot"]
    assert [row[0] for row in out["strings"]["data"]] == ["source 1", "target 1", "source 1 · B", "target 1 · B"]


def test_a_model_agrees_with_itself_and_model_a_alone_has_no_model_b_outputs(client):
    same = _match(client, pair_file=handle_file(example_path("bitext_de_en.tsv")), model_b="fake:hash?dtype=bfloat16")
    rows = {(row[0], row[1]): row[2:] for row in same["accuracy_by_model"]["data"]}
    assert rows["A", "margin"] == rows["B", "margin"] and same["disagreements"]["data"] == []
    alone = _match(client, **LISTS)
    assert alone["model_b_status"] == "" and alone["accuracy_by_model"]["data"] == [] and alone["heatmap_b"] is None


def test_a_new_session_must_match_first(client):
    fresh = Client(client.src, verbose=False)
    try:
        with pytest.raises(AppError, match="Match two lists first"):
            fresh.predict(source_number=1, target_number=1, api_name="/margin_neighbours")
    finally:
        fresh.close()


@pytest.mark.parametrize("instruction, task", [
    ("Pair each sentence with its translation", "Pair each sentence with its translation"),  # free text
    (f"bitext mining: {HARRIER_PRESETS['bitext mining']}", HARRIER_PRESETS["bitext mining"]),  # a preset's label
    ("bitext_query", HARRIER_PRESETS["bitext mining"]),  # a prompt name saved with the model
])
def test_any_form_of_instruction_goes_on_both_lists(client, instruction, task):
    strings = _match(client, instruction=instruction, **LISTS)["strings"]["data"]
    assert strings == [["source 1", repr(f"Instruct: {task}\nQuery: a red fox")],
                       ["target 1", repr(f"Instruct: {task}\nQuery: ein roter Fuchs")]]


def test_lists_of_different_lengths_have_no_accuracy_and_list_the_unpaired_source(client):
    out = _match(client, method="assignment", **LISTS)
    assert "same length" in out["accuracy"]["data"][0][0]
    assert [row[0] for row in out["unmatched"]["data"]] == ["source"]


def test_the_api_names_every_parameter(client):
    info = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    names = [p["parameter_name"] for p in info["/match_bitext"]["parameters"]]
    assert names[:4] == ["instruction", "pair_file", "source_column", "target_column"]
    assert names[-5:] == ["method", "score", "k", "threshold", "gold"] and "source_split" in names
    assert names[-6] == "model_b"
    defaults = {p["parameter_name"]: p["parameter_default"] for p in info["/match_bitext"]["parameters"]}
    assert defaults["source_column"] == defaults["source_text_column"] == "(auto)" and defaults["gold"] is True
    assert [p["parameter_name"] for p in info["/align_documents"]["parameters"]] == [
        "instruction", "text_a", "file_a", "text_b", "file_b", "skip_cost"]
    assert not {"/bitext_example", "/alignment_example"} & set(info)


def test_alignment_numbers_sentences_from_1_in_the_table_and_on_the_plot(client):
    text = "The cat sleeps on the mat. The dog barks at the moon. It rains all day."  # the test encoder's translation
    status, strings, path, blocks, download = client.predict(text_a=text, text_b=text, api_name="/align_documents")
    assert "A: 3 sentences" in status and strings["data"][0][0] == "A, sentence 1"
    assert [row[1] for row in blocks["data"]] == ["1", "2", "3"]
    assert '"1. The cat sleeps on the mat."' in path["plot"] and download.endswith("alignment.tsv")


@pytest.mark.parametrize("content, message", [
    (b"de\nHallo\nDanke\n", "needs two text columns"),
    (bytes(range(256)) * 20, "binary"),
    (b"de\ten\n\t\n", "no row has text in both"),
])
def test_bad_pair_files_answer_the_users_message(client, tmp_path, content, message):
    path = tmp_path / "pairs.tsv"
    path.write_bytes(content)
    with pytest.raises(AppError, match=message):
        client.predict(pair_file=handle_file(str(path)), api_name="/match_bitext")


@pytest.mark.parametrize("kwargs, message", [
    ({"target_paste": "x\ny"}, "source list is empty"),
    ({"source_paste": "only one", "target_paste": "x\ny"}, "at least 2 sentences"),
    ({**LISTS, "method": "sideways"}, "not in the list of choices"),
])
def test_bad_lists_answer_the_users_message(client, kwargs, message):
    with pytest.raises(AppError, match=message):
        client.predict(**kwargs, api_name="/match_bitext")


def test_mcp_takes_any_instruction_and_column_and_describes_the_choices(fake_backend):
    tools = mcp_tools(fake_backend)
    schema = tools["match_bitext"]["inputSchema"]["properties"]
    assert "enum" not in schema["instruction"] and "enum" not in schema["source_column"]
    assert schema["method"]["enum"] == ["forward", "backward", "mutual", "assignment"]
    assert "Tatoeba" in tools["match_bitext"]["description"] and "preset" in schema["instruction"]["description"]
    assert "enum" not in tools["align_documents"]["inputSchema"]["properties"]["instruction"]
    assert not {"load_example", "bitext_example", "alignment_example"} & set(tools)


def test_a_margin_that_is_not_a_number_says_why_and_cosine_still_matches(client):
    # The test encoder embeds one-letter texts as zero vectors: their neighbours' mean cosine is 0.
    lists = {"source_paste": "Hallo\nWelt", "target_paste": "c\nd"}
    with pytest.raises(AppError, match="ratio margin divides by the mean cosine .* Choose the score 'cosine'"):
        _match(client, **lists)
    assert "2 source × 2 target sentences" in _match(client, **lists, score="cosine")["status"]
