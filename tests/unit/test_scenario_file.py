"""The scenario file: what is written is read back (tables, files, layouts, placements), and anything that is not a
scenario — not a zip, no scenario.json, another format, too large, hostile names — is a message."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from harrier_explorer.analysis.projection import LayoutTape, Projection, ProjectionParams, taped_layouts
from harrier_explorer.backend.replay import ReplayEncoder, Tape
from harrier_explorer.errors import InputError
from harrier_explorer.models import HARRIER_270M
from harrier_explorer.workflows import scenario as scenarios


def tape() -> Tape:
    t = Tape("some/model", "some/model", HARRIER_270M, 4, 512, "float32")
    t.vectors["hello"] = (np.array([1, 0, 0, 0], np.float32), 2, False)
    t.counts["abc"] = 7
    return t


def saved(tmp_path, **params):
    layouts = LayoutTape()
    params_key = ProjectionParams(method="pca")
    layouts.layouts[("fp", params_key)] = Projection(np.arange(6, dtype=np.float32).reshape(3, 2), params_key,
                                                     None, None, ("a note",))
    layouts.placed[("fp", "points")] = np.array([[0.5, 1.5]])
    scenario = scenarios.Scenario("search", params, "some/model", [tape()], layouts, title="T", story="S")
    return scenarios.write(scenario, tmp_path / "s.zip", {name: isinstance(v, list) for name, v in params.items()
                                                          if name.endswith("files")})


def test_what_is_written_is_read_back(tmp_path):
    corpus = tmp_path / "corpus.tsv"
    corpus.write_text("text\nhello\n", encoding="utf-8")
    rows = pd.DataFrame({"query_id": ["q1"], "doc_id": ["d1"], "relevance": [1]})
    opened = scenarios.read(saved(tmp_path, queries="hello", k=3, qrels_rows=rows, corpus_files=[str(corpus)]),
                            tmp_path / "opened")
    assert (opened.tab, opened.title, opened.story, opened.model_a) == ("search", "T", "S", "some/model")
    assert opened.params["queries"] == "hello" and opened.params["k"] == 3
    pd.testing.assert_frame_equal(opened.params["qrels_rows"], rows, check_dtype=False)
    (copy,) = opened.params["corpus_files"]
    assert open(copy, encoding="utf-8").read() == "text\nhello\n"
    (t,) = opened.tapes
    assert t.spec == HARRIER_270M and t.counts == {"abc": 7}
    np.testing.assert_array_equal(t.vectors["hello"][0], [1, 0, 0, 0])
    layout = next(iter(opened.layouts.layouts.values()))
    assert layout.replayed and layout.notes == ("a note",)
    np.testing.assert_array_equal(opened.layouts.placed[("fp", "points")], [[0.5, 1.5]])


def test_the_vectors_are_a_parquet_table_any_tool_reads(tmp_path):
    with zipfile.ZipFile(saved(tmp_path)) as zf:
        zf.extract("vectors.parquet", tmp_path)
    table = pd.read_parquet(tmp_path / "vectors.parquet")
    assert list(table.columns) == ["model", "string", "vector", "n_tokens", "truncated"]
    assert table.loc[0, "string"] == "hello" and len(table.loc[0, "vector"]) == 4


def test_a_replay_answers_only_what_is_on_the_tape():
    encoder = ReplayEncoder(tape())
    assert encoder.embed(["hello"]).n_tokens.tolist() == [2]
    with pytest.raises(InputError, match="holds no answer of some/model for 'bye'"):
        encoder.embed(["hello", "bye"])
    with pytest.raises(InputError, match="holds no answer"):
        encoder.count_tokens(["hello"])  # counted strings are keyed by hash: "hello" was embedded, never counted


def test_a_saved_layout_places_only_the_points_it_placed(tmp_path):
    opened = scenarios.read(saved(tmp_path), tmp_path / "o")
    layout = next(iter(opened.layouts.layouts.values()))
    with taped_layouts(opened.layouts), pytest.raises(InputError, match="build the map again"):
        layout.place(np.ones((1, 4)))


def write_zip(path, entries: dict) -> str:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize("make, message", [
    (lambda p: (p.write_text("just text"), p)[1], "is not a saved scenario"),
    (lambda p: write_zip(p, {"other.txt": "x"}), "is not a readable scenario"),
    (lambda p: write_zip(p, {"scenario.json": "{not json"}), "is not a readable scenario"),
    (lambda p: write_zip(p, {"scenario.json": json.dumps({"format": "something-else/9"})}), "this version opens"),
    (lambda p: write_zip(p, {"scenario.json": json.dumps({"format": scenarios.FORMAT})}), "is not a readable"),
])
def test_what_is_not_a_scenario_is_a_message(tmp_path, make, message):
    path = make(tmp_path / "x.zip")
    with pytest.raises(InputError, match=message):
        scenarios.read(path, tmp_path / "o")


def test_a_file_that_unpacks_too_large_is_refused(tmp_path):
    with pytest.raises(InputError, match="unpacks to more than"):
        scenarios.read(saved(tmp_path), tmp_path / "o", max_mb=0.0001)


def test_hostile_file_names_stay_inside_the_folder(tmp_path):
    path = saved(tmp_path, corpus_files=[])
    with zipfile.ZipFile(path) as zf:
        entries = {i.filename: zf.read(i) for i in zf.infolist()}
    meta = json.loads(entries["scenario.json"])
    meta["files"]["corpus_files"] = {"many": True, "names": ["../../escape.txt"]}
    entries["scenario.json"] = json.dumps(meta)
    entries["inputs/corpus_files/0/../../escape.txt"] = "x"
    write_zip(path, entries)
    opened = scenarios.read(path, tmp_path / "o")
    (copy,) = opened.params["corpus_files"]
    assert copy.startswith(str(tmp_path / "o")) and copy.endswith("escape.txt")
    assert not (tmp_path / "escape.txt").exists()
