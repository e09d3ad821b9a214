"""The Cluster map tab through gradio_client: named parameters, numbers checked with the field's name, recolouring
and neighbours in the session of the map (and a clear message without one), one HTML export per map, model B's map
and neighbourhood changes in the same call (and a model B that fails), the MCP schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gradio.utils import get_upload_folder
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from harrier_explorer.ui.common import example_path
from harrier_explorer.ui.map.export import NAME
from tests.api.mcp import call_tools, mcp_app, mcp_tools
from tests.helpers import plain

OUTPUTS = ["summary", "plot", "plot_html", "keywords", "agreement", "reading", "k_curve", "points_csv",
           "model_b_status", "plot_b", "changes"]
DOCS = "red apples\ngreen pears\nblue berries\nyellow bananas\nred cherries\ngreen limes"


def build(client, **kwargs) -> dict:
    return dict(zip(OUTPUTS, client.predict(**kwargs, api_name="/map_build"), strict=True))


def html_exports() -> set[Path]:
    """Every copy of the map's HTML export in Gradio's upload folder (where Gradio keeps whatever it serves)."""
    return set(Path(get_upload_folder()).rglob(NAME))


def test_the_example_file_gives_a_map_keywords_and_agreement(client):
    out = build(client, documents_files=[handle_file(example_path("map_docs.jsonl"))], colour_by="label",
                queries="How many goals were scored in the final?", instruction="clustering (generic)")
    assert "294 texts" in out["summary"]
    assert "prompt 'Instruct: Identify the category of documents\\nQuery: '" in plain(out["summary"])  # its task
    assert sum(row[1] for row in out["keywords"]["data"]) == 294  # sizes as numbers
    assert {tuple(row[:2]) for row in out["agreement"]["data"]} == {
        (view, grouping) for view in ("raw", "language-neutral") for grouping in ("labels", "languages")}
    assert all(isinstance(value, float) for row in out["agreement"]["data"] for value in row[4:])
    assert "**Language-neutral view:** Points group by" in out["reading"]
    assert out["plot_html"].endswith(NAME) and out["points_csv"].endswith("cluster_map_points.csv")


def test_the_language_neutral_view_is_a_named_switch_with_figures_before_and_after(client, tmp_path):
    rows = [{"text": f"{text} {n}", "label": label, "lang": lang} for n in range(4)
            for label, lang, text in (("sport", "en", "football match"), ("food", "en", "pasta recipe"),
                                      ("sport", "de", "Fußball Spiel"), ("food", "de", "Pasta Rezept"))]
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")
    docs = [handle_file(str(path))]
    neutral = build(client, documents_files=docs)
    headers = neutral["agreement"]["headers"]
    assert headers[0] == "vectors" and [row[:2] for row in neutral["agreement"]["data"]] == [
        ["raw", "labels"], ["raw", "languages"], ["language-neutral", "labels"], ["language-neutral", "languages"]]
    assert "**Raw embeddings:** Points group by" in neutral["reading"]
    assert "**Language-neutral view:** Points group by" in neutral["reading"]
    assert neutral["k_curve"]["type"] == "plotly" and "silhouette" in neutral["k_curve"]["plot"]
    keywords = {row[0]: row[3] for row in neutral["keywords"]["data"]}
    assert all(text.startswith(("en: ", "de: ")) for text in keywords.values())  # per language
    raw = build(client, documents_files=docs, language_neutral=False, k=2)
    assert raw["agreement"]["headers"][0] == "grouping" and raw["k_curve"] is None
    assert "Raw embeddings" not in raw["reading"]


def test_recolour_and_neighbours_work_on_the_sessions_map(client):
    build(client, documents_paste=DOCS)
    plot, html, plot_b = client.predict(colour_by="language", api_name="/map_colour")
    assert html.endswith(NAME) and plot_b is None  # no model B
    picked, table, _, _, _ = client.predict(point="2", colour_by="cluster", api_name="/map_neighbours")
    assert picked.startswith("**Point #2**") and "blue berries" in picked
    assert [row[0] for row in table["data"]] and all(isinstance(row[1], float) for row in table["data"])
    by_words, *_ = client.predict(point="cherries", api_name="/map_neighbours")
    assert by_words.startswith("**Point #4**")
    filtered, *_ = client.predict(colour_by="cluster", only=["source file: paste"], api_name="/map_colour")
    kept = [len(t["selectedpoints"]) for t in json.loads(filtered["plot"])["data"] if t.get("selectedpoints")]
    assert sum(kept) == len(DOCS.splitlines())  # every point kept bright: they all come from the paste
    with pytest.raises(AppError, match="field: value"):
        client.predict(colour_by="cluster", only=["colour: red"], api_name="/map_colour")


@pytest.mark.parametrize("api_name, kwargs", [("/map_neighbours", {"point": "1"}),
                                              ("/map_colour", {"colour_by": "label"})])
def test_without_a_map_in_the_session_the_message_says_how_to_get_one(client, api_name, kwargs):
    with pytest.raises(AppError, match="No map in this session yet: build one first"):
        Client(client.src, verbose=False).predict(**kwargs, api_name=api_name)


def test_each_map_keeps_one_html_export_however_often_it_is_redrawn(client):
    before = html_exports()
    fresh = Client(client.src, verbose=False, download_files=False)  # its downloads would land in the same folder
    for _ in range(2):  # a second map in the same session deletes the first one's export
        html = build(fresh, documents_paste=DOCS)["plot_html"]
        for colour_by in ("label", "language", "cluster"):
            html = fresh.predict(colour_by=colour_by, api_name="/map_colour")[1]
        html = fresh.predict(point="3", api_name="/map_neighbours")[3]
    served = html_exports() - before
    assert served == {Path(html["path"])}  # and no copies: Gradio serves the file where it was written


@pytest.mark.parametrize("kwargs, message", [
    ({"seed": -1}, "seed must be from 0 to 4294967295, got -1"),
    ({"k": -3}, "KMeans k must be at least 0"),
    ({"documents_paste": "just one"}, "at least 3 documents"),
    ({"method": "tSNE"}, "not in the list of choices"),
])
def test_bad_requests_answer_the_users_message(client, kwargs, message):
    with pytest.raises(AppError, match=message):
        client.predict(**{"documents_paste": DOCS, **kwargs}, api_name="/map_build")


def test_the_api_names_every_parameter_and_hides_the_example_button(client):
    info = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    parameters = {p["parameter_name"]: p for p in info["/map_build"]["parameters"]}
    assert {*(f"documents_{part}" for part in ("paste", "files", "text_column", "id_column", "label_column",
                                                "language_column", "split")), "long_docs", "chunk_tokens",
            "overlap_tokens", "instruction", "method", "dims", "n_neighbors", "min_dist", "seed", "cluster_method",
            "k", "min_cluster_size", "cluster_space", "language_neutral", "colour_by", "queries", "query_instruction_a",
            "query_instruction_b", "model_b", "vectors"} == set(parameters)
    assert parameters["model_b"]["parameter_default"] == ""
    assert parameters["documents_label_column"]["parameter_default"] == "(auto)"
    assert parameters["seed"]["parameter_default"] == 42 and parameters["dims"]["parameter_default"] == 2
    assert parameters["dims"]["type"] == {"type": "integer", "enum": [2, 3]}  # not strings, which the radio refused
    assert '"scatter3d"' in build(client, documents_paste=DOCS, dims=3, method="PCA")["plot"]["plot"]
    assert parameters["language_neutral"]["parameter_default"] is True
    assert [p["parameter_name"] for p in info["/map_neighbours"]["parameters"]] == ["colour_by", "point", "only"]
    assert [p["parameter_name"] for p in info["/map_colour"]["parameters"]] == ["colour_by", "only"]
    assert "/map_example" not in info


def test_model_b_maps_the_same_points_with_their_neighbourhood_changes_in_the_same_call(client):
    out = build(client, documents_paste=DOCS, model_b="fake:hash?dim=16", queries="fruit")
    assert "Model B" in out["model_b_status"] and "16 dims" in out["model_b_status"]
    assert "Procrustes" in out["model_b_status"]
    assert out["plot_b"]["type"] == "plotly" and "Model B" in out["plot_b"]["plot"]
    changes = [dict(zip(out["changes"]["headers"], row, strict=True)) for row in out["changes"]["data"]]
    assert sorted(row["point"] for row in changes) == list(range(6))  # every point, as numbers
    jaccard = [row["Jaccard"] for row in changes]
    assert jaccard == sorted(jaccard) and all(0 <= value <= 1 for value in jaccard)  # lowest first
    assert len(changes[0]["5 nearest under A"].split(", ")) == 5  # k lowered to n - 1 for 6 documents
    with open(out["points_csv"], encoding="utf-8") as f:
        assert f.readline().strip().endswith("x B,y B,jaccard A-B")
    plot, _, plot_b = client.predict(colour_by="cluster", api_name="/map_colour")
    assert "Model A" in plot["plot"] and "Model B" in plot_b["plot"]  # recoloured in the session, both maps
    picked, _, _, _, ringed_b = client.predict(point="2", api_name="/map_neighbours")
    assert "nearest neighbours (Jaccard" in picked and "point #2" in ringed_b["plot"]


def test_a_model_b_that_cannot_load_says_why_and_model_a_is_mapped_alone(client, tmp_path):
    missing = str(tmp_path / "no-such-model")
    out = build(client, documents_paste=DOCS, model_b=missing)
    assert "could not be used" in out["model_b_status"] and "no\\-such\\-model" in out["model_b_status"]
    assert "6 texts" in out["summary"] and out["plot"]["type"] == "plotly"
    assert out["plot_b"] is None and out["changes"]["data"] == []


def test_without_model_b_there_are_no_model_b_outputs(client):
    out = build(client, documents_paste=DOCS)
    assert out["model_b_status"] == "" and out["plot_b"] is None and out["changes"]["data"] == []
    assert "Model A" not in out["plot"]["plot"]


def test_mcp_takes_any_string_as_an_instruction(fake_backend):
    tools = mcp_tools(fake_backend)
    schema = tools["map_build"]["inputSchema"]["properties"]
    for name in ("instruction", "query_instruction_a", "query_instruction_b"):
        assert schema[name]["type"] == "string" and "enum" not in schema[name]
    assert "seed" in schema and {k: v for k, v in schema["dims"].items() if k != "description"} == {
        "type": "integer", "enum": [2, 3], "default": 2}
    # The follow-ups read the session's map: MCP callers share one session, so they are no tools.
    assert not {"map_colour", "map_neighbours", "map_find", "redraw", "neighbours", "find"} & set(tools)


def test_find_selects_by_words_meaning_and_filters_with_named_parameters(client):
    build(client, documents_paste=DOCS)
    info = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/map_find"]
    assert [p["parameter_name"] for p in info["parameters"]] == ["colour_by", "find", "match", "k", "only",
                                                                 "instruction"]
    summary, table, csv, plot, plot_b = client.predict(find="RED", api_name="/map_find")
    rows = [dict(zip(table["headers"], row, strict=True)) for row in table["data"]]
    assert [row["point"] for row in rows] == [0, 4] and "**2** of 6 points" in summary  # point numbers as numbers
    assert "x" not in table["headers"] and plot_b is None
    with open(csv, encoding="utf-8") as f:
        assert f.readline().startswith("point,text,x,y,cluster") and len(f.readlines()) == 2
    summary, table, *_ = client.predict(find="yellow fruit", match="meaning", k=3,
                                        instruction="Retrieve relevant passages", api_name="/map_find")
    assert len(table["data"]) == 3 and "the 3 closest in meaning" in summary
    cosines = [row[1] for row in table["data"]]
    assert table["headers"][1] == "cosine" and all(isinstance(c, float) for c in cosines)
    assert cosines == sorted(cosines, reverse=True)
    summary, table, *_ = client.predict(only=["source file: paste"], api_name="/map_find")
    assert len(table["data"]) == 6 and "source file paste" in plain(summary)
    with pytest.raises(AppError, match="A filter reads 'field: value'"):
        client.predict(only=["colour: red"], api_name="/map_find")
    with pytest.raises(AppError, match="No point of this map has cluster 'cluster 99'; its values are: cluster 0"):
        client.predict(only=["cluster: cluster 99"], api_name="/map_colour")  # not every point faded, unexplained
    with pytest.raises(AppError, match="No map in this session yet"):
        Client(client.src, verbose=False).predict(find="red", api_name="/map_find")


def test_a_parquet_of_vectors_is_mapped_as_uploaded(client, tmp_path):
    import numpy as np
    import pandas as pd

    rows = DOCS.splitlines()
    vectors = np.eye(len(rows), 8) + 0.1  # 8 dimensions: not the model's
    path = tmp_path / "mine.parquet"
    pd.DataFrame({"text": rows, "label": ["red", "green", "blue", "yellow", "red", "green"],
                  "embedding": list(vectors)}).to_parquet(path)
    out = build(client, vectors=handle_file(str(path)), queries="fruit")
    assert "vectors from mine.parquet, not embedded here): 6 texts, 8 dimensions" in plain(out["summary"])
    assert "Queries not placed" in plain(out["summary"]) and "L2-normalised" in plain(out["summary"])
    with open(out["points_csv"], encoding="utf-8") as f:
        assert "red apples" in f.read()
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 and nothing else")
    with pytest.raises(AppError, match="bad.parquet is not a readable parquet file"):
        build(client, vectors=handle_file(str(bad)))


def test_mcp_tools_that_keep_a_session_result_answer_with_their_outputs(fake_backend):
    """map_build, match_bitext, ab_compare and lab_run also return a State (the session's result): Gradio 6.31's MCP
    server answered them with nothing or "pop from empty list" (mended by ui/mcp_state.py)."""
    ranking = {"queries_paste": "big cats\nrain\ncold", "corpus_paste": "Lions are big cats.\nIt rains.\nSnow."}
    calls = [("map_build", {"documents_paste": DOCS}),
             ("match_bitext", {"source_paste": "a red fox\na black dog", "target_paste": "ein roter Fuchs\nein Hund"}),
             ("ab_compare", ranking), ("lab_run", {**ranking, "labels_from_rows": True})]
    with mcp_app(fake_backend) as url:
        results = call_tools(url, calls)
    for (name, _), result in zip(calls, results, strict=True):
        text = " ".join(getattr(item, "text", "") for item in result.content)
        assert not result.isError and text, (name, text[:300])
    assert "6 texts" in " ".join(item.text for item in results[0].content)


def test_one_mcp_caller_cannot_read_or_act_on_another_s_map(fake_backend):
    """Gradio runs every MCP caller's queued tools in one shared session: a follow-up over MCP would read the map
    another agent built."""
    with mcp_app(fake_backend) as url:
        (built,) = call_tools(url, [("map_build", {"documents_paste": DOCS})])
        (found,) = call_tools(url, [("map_find", {"find": "red"})])  # another connection, another agent
    assert not built.isError and found.isError
    assert "red apples" not in " ".join(getattr(item, "text", "") for item in found.content)
