"""The curated scenarios in assets/scenarios replay without any model, and every figure their stories quote is what
the replayed results show (so a story and its data cannot drift apart)."""

from __future__ import annotations

import pandas as pd
import pytest

from harrier_explorer.backend.core import Backend
from harrier_explorer.settings import load_settings
from harrier_explorer.ui.ab.handlers import ABRequest, run_ab
from harrier_explorer.ui.bitext.handlers import BitextRequest, match_bitext
from harrier_explorer.ui.forms import build_request
from harrier_explorer.ui.long_doc.handlers import LongDocRequest, long_document
from harrier_explorer.ui.map.build import MapRequest, run_map
from harrier_explorer.ui.scenarios import CURATED
from harrier_explorer.ui.search.handlers import SearchRequest, cross_lingual_search
from harrier_explorer.workflows import scenario as scenarios
from tests.helpers import plain

ACTIONS = {"search": (SearchRequest, cross_lingual_search), "bitext": (BitextRequest, match_bitext),
           "ab": (ABRequest, run_ab), "map": (MapRequest, run_map), "long_doc": (LongDocRequest, long_document)}


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    """name → (scenario, result), replayed on a backend whose model cannot load."""
    backend = Backend(load_settings(env={}, model=str(tmp_path_factory.mktemp("none") / "no-model"), no_cache=True))
    out = {}
    for path in sorted(CURATED.glob("*.zip")):
        scenario = scenarios.read(path, tmp_path_factory.mktemp(path.stem))
        request_cls, handler = ACTIONS[scenario.tab]
        out[path.stem] = scenario, scenarios.replay(scenario, backend.settings, handler,
                                                    build_request(request_cls, scenario.params), lambda *a, **k: None)
    return out


def story_and(replayed, name: str, *figures: str):
    """The scenario's result, once each figure is checked to be quoted in its story."""
    scenario, result = replayed[name]
    assert scenario.title and scenario.story
    for figure in figures:
        assert figure in scenario.story, figure
    return scenario, result


def test_the_curated_set_covers_the_four_stories_and_long_documents(replayed):
    assert set(replayed) == {"same-question-four-languages", "mining-translations", "instruction-helps-or-hurts",
                             "topics-not-languages", "answer-past-the-limit"}


def test_the_same_question_in_four_languages_finds_one_answer_in_five_languages(replayed):
    scenario, result = story_and(replayed, "same-question-four-languages", "126 FLORES sentences in nine languages",
                                 "every hit of every top 5")
    corpus = pd.read_csv(scenario.params["corpus_files"][0], sep="\t")
    id_of = dict(zip(corpus["text"], corpus["id"].str.split("-").str[-1]))  # "en-1624": sentence 1624 in English
    hits = [result.hits_1, result.hits_2, result.hits_3, result.hits_4]
    assert {id_of[text] for table in hits for text in table["text"]} == {id_of[hits[0]["text"][0]]}
    assert all(len(set(table["lang"])) == 5 for table in hits)
    assert [table["lang"][0] for table in hits] == ["en", "de", "ja", "sw"]  # its own language first


def test_mining_translations_gets_all_80_right(replayed):
    _, result = story_and(replayed, "mining-translations", "80 of 80 right, by cosine and by margin")
    assert "80 source × 80 target" in plain(result.status)
    accuracy = result.accuracy.set_index("score")
    assert set(accuracy.index) == {"cosine", "margin"}
    assert (accuracy[["accuracy source → target", "accuracy target → source"]] == 1.0).all().all()


def test_the_instruction_helps_six_questions_and_hurts_two(replayed):
    _, result = story_and(replayed, "instruction-helps-or-hurts", "0.919 to 0.926", "helps 6 questions",
                          "hurts 2", "Q5: 0.88 → 1.00", "Q10: 1.00 → 0.92", "p = 0.14")
    quality = result.quality.set_index("metric")
    assert round(quality.loc["nDCG@10", "A"], 3) == 0.919 and round(quality.loc["nDCG@10", "B"], 3) == 0.926
    per_query = result.per_query.set_index("Q")
    assert (per_query["B vs A"] == "win").sum() == 6 and (per_query["B vs A"] == "loss").sum() == 2
    assert round(per_query.loc["Q5", "nDCG@10 A"], 2) == 0.88 and per_query.loc["Q5", "nDCG@10 B"] == 1.0
    assert per_query.loc["Q10", "nDCG@10 A"] == 1.0 and round(per_query.loc["Q10", "nDCG@10 B"], 2) == 0.92
    assert "p = 0.14" in plain(result.verdict)


def test_topics_not_languages_once_each_language_mean_is_removed(replayed):
    _, result = story_and(replayed, "topics-not-languages", "294 SIB-200 sentences on 7 topics", "0.47", "0.34",
                          "0.53", "0.00", "final, match", "Spiel, Tore", "比赛")
    v = result.agreement.set_index(["vectors", "grouping"])["V-measure (clusters)"].round(2)
    assert v[("raw", "languages")] == 0.47 and v[("raw", "labels")] == 0.34
    assert v[("language-neutral", "labels")] == 0.53 and v[("language-neutral", "languages")] == 0.0
    football = result.keywords[result.keywords["keywords (c-TF-IDF)"].str.contains("比赛")].iloc[0]
    for word in ("final", "match", "spiel", "tore"):
        assert word in football["keywords (c-TF-IDF)"]
    assert "294 texts" in plain(result.summary)


def test_the_answer_past_the_limit_is_never_read_whole(replayed):
    _, result = story_and(replayed, "answer-past-the-limit", "5,336 tokens", "2,048 tokens", "0.059", "0.589",
                          "tokens 5,034–5,238", "0.146")
    summary = plain(result.summary)
    for figure in ("5,336 tokens", "reads 2,048", "0.059", "0.589", "tokens 5,034–5,238", "0.146",
                   "The best chunk lies past the limit"):
        assert figure in summary, figure
