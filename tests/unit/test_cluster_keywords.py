"""Tests for c-TF-IDF cluster keywords: hand-computed weights, top words, and CJK/Indic tokenisation."""

from __future__ import annotations

import numpy as np
import pytest

from harrier_explorer.analysis.cluster_keywords import cluster_keywords, tokenize
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
    # Bigrams seen twice in one cluster only; "の" bigrams seen once each rank lower.
    assert {term for term, _ in keywords[0]} == {"東京", "京の"}
    assert {term for term, _ in keywords[1]} == {"大阪", "阪の"}


def test_only_stop_words_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no words"):
        cluster_keywords(["the and of", "a an"], [0, 1])
