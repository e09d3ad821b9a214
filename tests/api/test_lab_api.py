"""The Instruction lab through gradio_client, as a script author calls it: proposals as text, every wording scored
with numbers as numbers, parallel data as labels, the held-out check, the search, the exports and the user's errors."""

from __future__ import annotations

import json

import pytest
from gradio_client import handle_file
from gradio_client.exceptions import AppError

from harrier_explorer.models import HARRIER_PRESETS
from harrier_explorer.ui.common import example_path
from tests.api.mcp import mcp_tools
from tests.helpers import plain

QA = HARRIER_PRESETS["retrieval (QA)"]
OUTPUTS = ["summary", "verdict", "variants", "gain_vs_shift", "words", "word_table", "variants_csv", "report_html",
           "model_b_verdict", "model_b_table"]


def example_files() -> dict:
    return dict(queries_files=[handle_file(example_path("ab_queries.tsv"))],
                corpus_files=[handle_file(example_path("ab_corpus.tsv"))],
                qrels_file=handle_file(example_path("ab_qrels.tsv")))


def lab(client, **kwargs) -> dict:
    return dict(zip(OUTPUTS, client.predict(**kwargs, api_name="/lab_run"), strict=True))


def _rows(table: dict) -> list[dict]:
    return [dict(zip(table["headers"], row, strict=True)) for row in table["data"]]


def test_propose_gives_none_the_base_the_family_presets_and_the_rewrites(client):
    lines = client.predict(base_instruction="retrieval (QA)", domain="medical", api_name="/lab_propose").splitlines()
    assert lines[:2] == ["(none)", QA]  # a preset's name becomes its task string: the lab rewrites words
    assert HARRIER_PRESETS["retrieval (web)"] in lines
    assert "Given a question, retrieve medical passages that answer the question" in lines
    assert len(lines) == len(set(lines))


def test_every_wording_is_scored_tested_and_exported(client):
    wordings = "\n".join(["(none)", QA, "Retrieve passages", "find the answer"])
    out = lab(client, **example_files(), base_instruction=QA, variants=wordings, held_out=0.3, seed=1)
    rows = _rows(out["variants"])
    assert [row["instruction"] for row in rows] == ["(none)", QA, "Retrieve passages", "find the answer"]
    assert [row["origin"] for row in rows] == ["no instruction", "base", "shorten", "yours"]
    for row in rows:  # numbers as numbers, each mean inside its interval
        assert isinstance(row["nDCG@10"], float) and row["95% low"] <= row["nDCG@10"] <= row["95% high"]
    assert rows[0]["shift from no instruction"] == 0 and rows[1]["shift from no instruction"] > 0
    verdict = plain(out["verdict"])
    assert "Wording moves nDCG@10 by up to" in verdict and "40 queries" in verdict and "Held out:" in verdict
    assert "28 train queries" in verdict or "picked on 28 queries" in verdict
    assert [w["token"].strip() for w in out["words"]] == QA.split()  # the base, word by word
    assert all(-1 <= w["class_or_confidence"] <= 1 for w in out["words"])
    assert len(out["word_table"]["data"]) == len(QA.split())
    assert out["variants_csv"].endswith("instruction_lab.csv")
    report = open(out["report_html"], encoding="utf-8").read()
    assert "Instruction lab" in report and "plotly" in report and "Instruct: Given a question" in report


def test_parallel_data_as_labels_pairs_query_i_with_document_i(client):
    out = lab(client, queries_paste="the cat sleeps\nit rains today\nI like bread",
              corpus_paste="die Katze schläft\nes regnet heute\nich mag Brot", labels_from_rows=True,
              base_instruction="STS", variants="(none)\nSTS", held_out=0, ablate_words=False)
    assert "Labels from the rows" in plain(out["summary"]) and "3 queries" in plain(out["verdict"])
    assert out["words"] == [] and len(out["variants"]["data"]) == 2


def test_without_labels_the_lab_measures_agreement_with_the_baseline(client):
    out = lab(client, queries_paste="capital of France\nbig cats", corpus_paste="Paris.\nLions.\nRain.",
              variants="(none)\nRetrieve passages", base_instruction="Retrieve passages", baseline="base instruction",
              held_out=0.3)
    assert "No relevance labels" in plain(out["verdict"]) and "Held out" not in plain(out["verdict"])
    assert out["variants"]["headers"][3] == "overlap@k with the baseline"


def test_search_reports_the_held_out_check(client):
    summary, steps = client.predict(**example_files(), start="retrieval (QA)", rounds=2, held_out=0.3,
                                    api_name="/lab_search")
    rows = _rows(steps)
    assert rows[0]["rule"] == "start" and rows[0]["instruction"] == QA and len(rows) <= 3
    assert all(isinstance(row["nDCG@10 held out"], float) for row in rows)
    assert "held-out queries" in plain(summary)


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(labels_from_rows=True, queries_paste="a\nb\nc", corpus_paste="x\ny"), "do not pair up"),
    (dict(variants="\n".join(f"wording {i}" for i in range(25))), "more than 20"),
    (dict(baseline="best"), "not in the list of choices"),
    (dict(metric="accuracy"), "not in the list of choices"),
    (dict(held_out=1.5), "greater than maximum value 0.7"),
])
def test_bad_requests_get_clear_messages(client, kwargs, message):
    request = {**example_files(), "base_instruction": QA, "variants": "(none)\nRetrieve passages", **kwargs}
    if "queries_paste" in kwargs:
        request.pop("queries_files"), request.pop("corpus_files"), request.pop("qrels_file")
    with pytest.raises(AppError, match=message):
        client.predict(**request, api_name="/lab_run")


def test_search_without_labels_says_why(client):
    with pytest.raises(AppError, match="needs relevance labels"):
        client.predict(queries_paste="a\nb", corpus_paste="x\ny", start="STS", api_name="/lab_search")


def test_a_dropped_word_shows_which_documents_enter_and_leave_a_query_top_k(client):
    lab(client, **example_files(), base_instruction=QA, variants="(none)\nRetrieve passages", held_out=0)
    summary, changes = client.predict(word=7, query="Q2", api_name="/lab_word_query")  # "the"
    assert plain(summary).startswith("Without **the**, ") and "top 10 of Q2" in plain(summary)
    rows = _rows(changes)
    assert rows and {"rank with", "rank without", "move without the word"} <= set(rows[0])
    assert all(row["score with"] == round(row["score with"], 4) for row in rows)  # rounded as shown, float32 or not
    entered = sum(row["move without the word"] == "new" for row in rows)
    assert f"{entered} document(s) enter" in plain(summary)
    assert client.predict(word="the", query="Q2", api_name="/lab_word_query")[0] == summary  # the word itself
    with pytest.raises(AppError, match="word must be from 0 to 8"):
        client.predict(word=9, query="Q2", api_name="/lab_word_query")
    with pytest.raises(AppError, match="'because' is not a word of the base instruction"):
        client.predict(word="because", query="Q2", api_name="/lab_word_query")


def test_model_b_scores_the_same_wordings_with_its_own_presets(client):
    out = lab(client, **example_files(), base_instruction=QA, variants=f"(none)\n{QA}\nRetrieve passages",
              held_out=0, ablate_words=False, model_b="fake:hash?dim=16")
    assert "Model B: fake" in plain(out["model_b_verdict"]) and "16 dims" in out["model_b_verdict"]
    rows = _rows(out["model_b_table"])
    assert [row["instruction (model A)"] for row in rows] == ["(none)", QA, "Retrieve passages"]
    assert [row["model B got"] for row in rows] == ["(none)", QA, "Retrieve passages"]  # one family: as typed
    assert all(isinstance(row["nDCG@10"], float) for row in rows)
    assert "model B" in [trace.get("name") for trace in json.loads(out["gain_vs_shift"]["plot"])["data"]]
    alone = lab(client, **example_files(), base_instruction=QA, variants="(none)\nRetrieve passages", held_out=0,
                ablate_words=False)
    assert alone["model_b_verdict"] == "" and "model B" not in alone["gain_vs_shift"]["plot"]


def test_a_model_b_that_cannot_load_leaves_model_a_results(client):
    out = lab(client, **example_files(), base_instruction=QA, variants="(none)\nRetrieve passages", held_out=0,
              ablate_words=False, model_b="/no/such/folder")
    assert "could not be used" in plain(out["model_b_verdict"])
    assert len(out["variants"]["data"]) == 2


def test_too_few_queries_to_hold_out_skip_the_check_with_a_note(client):
    out = lab(client, queries_paste="red fox\nrain\nbread", corpus_paste="The fox.\nIt rains.\nBread.",
              labels_from_rows=True, variants="(none)\nRetrieve passages", base_instruction="Retrieve passages",
              held_out=0.3, ablate_words=False)
    assert "No held-out check" in plain(out["summary"]) and "Held out:" not in plain(out["verdict"])


def test_mcp_clients_see_the_lab_with_free_text_instructions(fake_backend):
    tools = mcp_tools(fake_backend)
    assert {"lab_propose", "lab_run", "lab_search"} <= set(tools)
    assert not {"lab_word_query", "first_word_view", "word_query_pickers", "load_example"} & set(tools)
    schema = tools["lab_run"]["inputSchema"]["properties"]
    assert schema["base_instruction"]["type"] == "string" and "enum" not in schema["base_instruction"]
    assert "parallel data" in schema["labels_from_rows"]["description"]
