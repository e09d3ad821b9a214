"""Tests for c-TF-IDF cluster keywords: hand-computed weights, top words, CJK/Indic tokenisation, stop words of
each language (stopwords-iso, offline) and keywords per language."""

from __future__ import annotations

import numpy as np
import pytest

from harrier_explorer.analysis.cluster_keywords import cluster_keywords, keywords_by_language, stop_words, tokenize
from harrier_explorer.errors import InputError


def test_top_words_are_the_ones_specific_to_each_cluster() -> None:
    texts = ["cats purr", "cats meow", "market stocks", "stocks fall", "common cats"]
    keywords = cluster_keywords(texts, [0, 0, 1, 1, 0], top_n=1)
    assert [term for term, _ in keywords[0]] == ["cats"]
    assert [term for term, _ in keywords[1]] == ["stocks"]


def test_weights_match_hand_computed_c_tf_idf() -> None:
    # Cluster 0: "apple apple pear" (3 words), cluster 1: "pear plum" (2 words); average words A = 2.5.
    keywords = dict(cluster_keywords(["apple apple pear", "pear plum"], [0, 1], top_n=3))
    apple = 2 / 3 * np.log(1 + 2.5 / 2)  # tf 2/3, apple occurs 2 times overall
    pear_in_0 = 1 / 3 * np.log(1 + 2.5 / 2)  # pear occurs 2 times overall
    plum = 1 / 2 * np.log(1 + 2.5 / 1)
    assert dict(keywords[0]) == {"apple": pytest.approx(apple), "pear": pytest.approx(pear_in_0)}
    assert keywords[1][0] == ("plum", pytest.approx(plum))


def test_tokenize_splits_unspaced_scripts_into_bigrams_and_keeps_marked_words_whole() -> None:
    assert tokenize("東京都") == ["東京", "京都"]
    assert tokenize("नमस्ते दुनिया") == ["नमस्ते", "दुनिया"]
    assert tokenize("The café, a x-ray!") == ["café", "ray"]


def test_japanese_clusters_get_their_own_keywords() -> None:
    texts = ["東京の天気", "東京の電車", "大阪の料理", "大阪の市場"]
    keywords = cluster_keywords(texts, [0, 0, 1, 1], top_n=2)
    # Hiragana (の) splits the runs: 東京 / 大阪 are seen twice in their cluster, 天気, 電車 … once.
    assert [term for term, _ in keywords[0]][0] == "東京" and [term for term, _ in keywords[1]][0] == "大阪"
    assert not any("の" in term for terms in keywords.values() for term, _ in terms)


def test_katakana_words_stay_whole_and_hiragana_is_no_keyword() -> None:
    assert tokenize("サッカーの試合を見ました", stop_words("ja")) == ["サッカー", "試合", "見"]


def test_chinese_particles_and_stop_words_make_no_bigrams() -> None:
    # 的 / 是 split the run; 他们 and 一个 are stopwords-iso Chinese stop words.
    assert tokenize("他们的足球比赛是一个", stop_words("zh")) == ["足球", "球比", "比赛"]


@pytest.mark.parametrize("language, text, kept", [
    ("en", "The players and the coach won the final", ["players", "coach", "won", "final"]),
    ("de", "Die Spieler und der Trainer haben das Finale gewonnen", ["spieler", "trainer", "finale", "gewonnen"]),
    ("zh", "我们可以去这个城市", ["城市"]),  # 去: a one-character stop word, alone
])
def test_stop_words_of_each_language_are_gone(language, text, kept) -> None:
    assert tokenize(text, stop_words(language)) == kept


def test_stop_words_ship_offline_and_keep_english_content_words() -> None:
    assert {"und", "der", "die"} <= stop_words("de") and {"我们", "可以"} <= stop_words("zh")
    assert "the" in stop_words("de")  # English stop words count in every language
    assert {"world", "research"}.isdisjoint(stop_words("en"))  # sklearn's list, not stopwords-iso's English one
    assert stop_words("und") == stop_words("xx")  # undetermined or unknown: English only


def test_a_cross_lingual_cluster_reads_its_top_terms_per_language() -> None:
    texts = ["The football match", "football fans cheer", "Das Fußball Spiel", "Fußball ist toll", "足球比赛很好",
             "我们的足球", "The pasta recipe", "pasta with sauce", "Ein Pasta Rezept", "Pasta mit Soße", "面条很好吃",
             "面条和酱"]
    languages = ["en", "en", "de", "de", "zh", "zh"] * 2
    keywords = keywords_by_language(texts, [0] * 6 + [1] * 6, languages, top_n=1)
    assert {lang: terms[0][0] for lang, terms in keywords[0].items()} == {"en": "football", "de": "fußball",
                                                                          "zh": "足球"}
    assert keywords[1]["de"][0][0] == "pasta" and keywords[1]["zh"][0][0] == "面条"


def test_a_language_with_a_stray_text_in_a_cluster_gets_no_keywords_there() -> None:
    texts = [f"football match {n}" for n in range(10)] + ["Fußball Spiel"] + ["pasta recipe", "Pasta Rezept"]
    languages = ["en"] * 10 + ["de", "en", "de"]
    keywords = keywords_by_language(texts, [0] * 11 + [1, 1], languages, top_n=2)
    assert list(keywords[0]) == ["en"] and list(keywords[1]) == ["en", "de"]  # 1 German of 11 is below 10 %


def test_only_stop_words_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no words"):
        cluster_keywords(["the and of", "a an"], [0, 1])
