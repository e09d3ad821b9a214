"""Offline language identification returns ISO 639-1 codes, prefers given codes, and names languages for display."""

from __future__ import annotations

from pathlib import Path

import pytest

from harrier_explorer.inputs.language import (
    detect_language,
    detect_languages,
    language_name,
    normalize_code,
    resolve_languages,
)
from harrier_explorer.inputs.parsing import load_files

#: Short sentences (a question a user might paste) in the languages the app is demonstrated with.
SHORT = {
    "en": "Where is the train station?",
    "de": "Wo ist der Bahnhof?",
    "fr": "Où est la gare ?",
    "es": "¿Dónde está la estación de tren?",
    "ja": "駅はどこですか？",
    "zh": "火车站在哪里？",
    "ar": "أين محطة القطار؟",
    "hi": "रेलवे स्टेशन कहाँ है?",
    "sw": "Kituo cha treni kiko wapi?",
    "ru": "Где находится вокзал?",
}


@pytest.mark.parametrize(("code", "text"), SHORT.items())
def test_short_texts_are_identified_in_ten_languages(code, text):
    assert detect_language(text) == code


def test_standard_chinese_is_not_reported_as_a_regional_variety():
    # py3langid labels this FLORES zho_Hans sentence "wuu" (Wu Chinese); we fold that into "zh".
    assert detect_language("赏樱，亦称“花见”（hanami），从 8 世纪开始就成为了日本习俗。") == "zh"


@pytest.mark.parametrize("text", ["", "   ", "12345", "?!", "3.14 + 2"])
def test_text_without_letters_is_undetermined(text):
    assert detect_language(text) == "und"


def test_batch_detection_keeps_order():
    texts = list(SHORT.values()) * 1000
    codes = detect_languages(texts)
    assert codes == list(SHORT) * 1000


def test_given_codes_win_and_blank_ones_are_detected():
    texts = ["Wo ist der Bahnhof?", "Where is the train station?", "Kituo cha treni kiko wapi?"]
    assert resolve_languages(texts, ["deu_Latn", "", None]) == ["de", "en", "sw"]
    assert resolve_languages(texts) == ["de", "en", "sw"]


@pytest.mark.parametrize(
    ("tag", "code"),
    [("de", "de"), ("DE-at", "de"), ("deu", "de"), ("deu_Latn", "de"), ("zho_Hans", "zh"), ("swh", "sw"),
     ("yue", "yue"), ("", "und"), (None, "und")],
)
def test_language_tags_normalize_to_two_letter_codes(tag, code):
    assert normalize_code(tag) == code


def test_display_names():
    assert [language_name(c) for c in ("de", "ja", "sw", "jpn_Jpan", "und")] == [
        "German", "Japanese", "Swahili", "Japanese", "Undetermined",
    ]
    assert language_name("qaa") == "qaa"


def test_detection_agrees_with_the_language_column_of_the_example_corpus():
    examples = Path(__file__).resolve().parents[2] / "assets" / "examples"
    corpus = load_files([examples / "search_corpus.tsv"], max_file_mb=5, max_items=1000)
    assert detect_languages(corpus.texts) == corpus.langs
    queries = load_files([examples / "search_queries.txt"], max_file_mb=5, max_items=1000)
    assert detect_languages(queries.texts) == ["en", "de", "ja", "sw"]
