"""Saved scenarios replay each tab's results without the model: a run recorded on the hash test encoder, written,
read back and replayed on a backend whose model cannot load gives the very tables the live run gave; anything the
tape does not hold is a message, not a new embedding."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from harrier_explorer.analysis.projection import ProjectionParams, project
from harrier_explorer.backend.core import Backend
from harrier_explorer.errors import InputError
from harrier_explorer.settings import load_settings
from harrier_explorer.ui.bitext.handlers import BitextRequest, match_bitext
from harrier_explorer.ui.forms import TextInput, build_request, parameters
from harrier_explorer.ui.long_doc.handlers import LongDocRequest, long_document
from harrier_explorer.ui.map.build import MapRequest, run_map
from harrier_explorer.ui.search.handlers import SearchRequest, cross_lingual_search
from harrier_explorer.workflows import scenario as scenarios

DOCS = ["The football final ended two to one.", "Das Fußballspiel endete zwei zu eins.", "Rain fell all day.",
        "Es regnete den ganzen Tag.", "The parliament passed the law.", "Das Parlament beschloss das Gesetz.",
        "A new vaccine was tested.", "Ein neuer Impfstoff wurde getestet."]


def silent(*_args, **_kwargs) -> None:
    """A progress callback that shows nothing."""


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Backend:
    return Backend(load_settings(env={}, model="fake:hash", cache_dir=str(tmp_path_factory.mktemp("cache"))))


@pytest.fixture(scope="module")
def modelless(tmp_path_factory) -> Backend:
    """A backend whose model cannot load: a replay must never need it."""
    return Backend(load_settings(env={}, model=str(tmp_path_factory.mktemp("empty") / "no-model"), no_cache=True))


CASES = {
    "search": (cross_lingual_search, SearchRequest(queries="football final\nRegen", k=3,
                                                   corpus=TextInput(paste="\n".join(DOCS)))),
    "bitext": (match_bitext, BitextRequest(source=TextInput(paste="\n".join(DOCS[0::2])),
                                           target=TextInput(paste="\n".join(DOCS[1::2])))),
    "map": (run_map, MapRequest(documents=TextInput(paste="\n".join(DOCS)), method="PCA", k=2,
                                queries="football")),
    "long_doc": (long_document, LongDocRequest(query="vaccine", document=" ".join(DOCS * 6), chunk_tokens=16,
                                               overlap_tokens=0)),
}


def tables(result) -> dict[str, pd.DataFrame]:
    return {f.name: getattr(result, f.name) for f in dataclasses.fields(result)
            if isinstance(getattr(result, f.name), pd.DataFrame)}


@pytest.mark.parametrize("tab", CASES)
def test_a_saved_run_replays_the_same_tables_without_the_model(tab, live, modelless, tmp_path):
    handler, request = CASES[tab]
    result, tapes, layouts = scenarios.record(live, handler, request, silent)
    saved = scenarios.Scenario(tab, parameters(request), live.default_ref, tapes, layouts, title="t")
    path = scenarios.write(saved, tmp_path / "s.zip", {})
    opened = scenarios.read(path, tmp_path / "opened")
    replayed = scenarios.replay(opened, modelless.settings, handler, build_request(type(request), opened.params),
                                silent)
    assert tables(result), "the case shows tables"
    for name, table in tables(result).items():
        pd.testing.assert_frame_equal(tables(replayed)[name], table, obj=name)
    assert modelless.status.state != "ready"  # the page's own model never served the replay


def test_a_map_replays_its_layout_and_placed_queries_without_refitting(live, modelless, tmp_path):
    handler, request = CASES["map"]
    _, tapes, layouts = scenarios.record(live, handler, request, silent)
    assert layouts.layouts and layouts.placed  # the map and the query placed on it
    opened = scenarios.read(scenarios.write(scenarios.Scenario("map", parameters(request), live.default_ref, tapes,
                                                               layouts), tmp_path / "m.zip", {}), tmp_path / "o")
    layout = next(iter(opened.layouts.layouts.values()))
    assert layout.replayed and layout.pca is None and layout.umap is None  # coordinates only: nothing refitted
    with pytest.raises(InputError, match="build the map again"):
        layout.place(layout.coords[:1] * 0 + 1)


def test_a_changed_request_is_a_message_not_an_embedding(live, modelless, tmp_path):
    handler, request = CASES["search"]
    _, tapes, layouts = scenarios.record(live, handler, request, silent)
    saved = scenarios.Scenario("search", parameters(request), live.default_ref, tapes, layouts)
    changed = dataclasses.replace(request, queries="a question nobody asked")
    with pytest.raises(InputError, match="holds no answer"):
        scenarios.replay(saved, modelless.settings, handler, changed, silent)


def test_input_files_travel_inside_the_scenario(live, tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(DOCS), encoding="utf-8")
    request = SearchRequest(queries="football", k=2, corpus=TextInput(files=[str(corpus)]))
    result, tapes, layouts = scenarios.record(live, cross_lingual_search, request, silent)
    path = scenarios.write(scenarios.Scenario("search", parameters(request), live.default_ref, tapes, layouts),
                           tmp_path / "s.zip", {"corpus_files": True})
    corpus.unlink()  # the original is gone: the copy inside the file serves
    opened = scenarios.read(path, tmp_path / "opened")
    assert opened.params["corpus_files"][0].startswith(str(tmp_path / "opened"))
    replayed = scenarios.replay(opened, live.settings, cross_lingual_search,
                                build_request(SearchRequest, opened.params), silent)
    pd.testing.assert_frame_equal(replayed.hits_1, result.hits_1)


def test_layouts_taped_in_one_thread_are_not_served_to_another_run(live):
    params = ProjectionParams(method="pca")
    vectors = live.encode(DOCS).vectors
    with scenarios.taped_layouts() as tape:
        project(vectors, params)
    assert len(tape.layouts) == 1
    assert not project(vectors, params).replayed  # outside the block: the live cache, never a saved layout
