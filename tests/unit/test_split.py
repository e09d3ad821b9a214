"""Paragraph and sentence splitting, and token-bounded chunking with overlap, checked with a whitespace tokenizer."""

from __future__ import annotations

import pytest

from harrier_explorer.errors import InputError
from harrier_explorer.inputs.split import chunk_by_tokens, split_paragraphs, split_sentences


def words(text: str) -> int:
    """Toy tokenizer: one token per whitespace-separated word."""
    return len(text.split())


def test_paragraphs_are_separated_by_blank_lines_even_with_spaces_or_crlf():
    text = "First para\nstill first.\r\n  \r\nSecond.\n\n\n\nThird.\n"
    assert split_paragraphs(text) == ["First para\nstill first.", "Second.", "Third."]


def test_english_sentences_respect_abbreviations():
    text = "Dr. Smith went to Washington. He arrived at 5 p.m. on Monday.  It was late!"
    expected = ["Dr. Smith went to Washington.", "He arrived at 5 p.m. on Monday.", "It was late!"]
    assert split_sentences(text, "en") == expected


def test_japanese_sentences_split_on_full_width_punctuation():
    text = "今日は晴れです。明日は雨でしょう！本当ですか？はい。"
    assert split_sentences(text, "ja") == ["今日は晴れです。", "明日は雨でしょう！", "本当ですか？", "はい。"]


def test_chinese_sentences_split_on_full_width_punctuation():
    assert split_sentences("今天天气很好。明天会下雨吗？是的！", "zh") == ["今天天气很好。", "明天会下雨吗？", "是的！"]


def test_undetermined_language_falls_back_to_generic_rules():
    assert split_sentences("One here. Two here.", "und") == ["One here.", "Two here."]


SIX_SENTENCES = " ".join(f"Sentence number {n} has exactly seven words." for n in range(1, 7))


def test_chunks_end_at_sentence_boundaries_and_spans_point_into_the_source():
    chunks = chunk_by_tokens(SIX_SENTENCES, words, max_tokens=15, overlap_tokens=0, lang="en")
    assert [c.n_tokens for c in chunks] == [14, 14, 14]
    for chunk in chunks:
        assert SIX_SENTENCES[chunk.start : chunk.end] == chunk.text
        assert chunk.text.startswith("Sentence") and chunk.text.endswith(".")


def test_overlap_repeats_the_last_sentence_when_it_fits():
    chunks = chunk_by_tokens(SIX_SENTENCES, words, max_tokens=21, overlap_tokens=7, lang="en")
    # 3 sentences per chunk, each next chunk starting with the previous chunk's last sentence.
    assert [(c.start, c.end) for c in chunks][0][0] == 0
    assert [c.n_tokens for c in chunks] == [21, 21, 14]
    for previous, current in zip(chunks, chunks[1:]):
        last_sentence = previous.text[previous.text.rfind("Sentence") :]
        assert current.text.startswith(last_sentence)


def test_overlap_smaller_than_a_sentence_gives_no_overlap_but_still_progresses():
    chunks = chunk_by_tokens(SIX_SENTENCES, words, max_tokens=14, overlap_tokens=3, lang="en")
    assert len(chunks) == 3 and chunks[1].start == chunks[0].end + 1


def test_budget_holds_even_when_token_counts_are_not_additive():
    def with_boundary_tokens(text: str) -> int:  # joining two sentences costs one extra token
        return words(text) + text.count(". ")

    chunks = chunk_by_tokens(SIX_SENTENCES, with_boundary_tokens, max_tokens=14, lang="en")
    assert [c.n_tokens for c in chunks] == [7] * 6


def test_a_sentence_longer_than_the_budget_is_cut_between_words_with_overlap():
    text = " ".join(f"w{i}" for i in range(50)) + "."
    chunks = chunk_by_tokens(text, words, max_tokens=10, overlap_tokens=3, lang="en")
    assert all(c.n_tokens <= 10 for c in chunks)
    for previous, current in zip(chunks, chunks[1:]):
        assert previous.text.split()[-3:] == current.text.split()[:3]
    covered = [w for c in chunks for w in c.text.split()]
    assert sorted(set(covered), key=covered.index) == text.split()


def test_a_word_longer_than_the_budget_is_cut_into_characters():
    chars = lambda s: len(s)  # noqa: E731 - a character tokenizer for this one test
    chunks = chunk_by_tokens("abcdefghij", chars, max_tokens=4, lang="en")
    assert [c.text for c in chunks] == ["abcd", "efgh", "ij"]


def test_blank_text_gives_no_chunks():
    assert chunk_by_tokens("  \n ", words, max_tokens=5, lang="en") == []


@pytest.mark.parametrize(("max_tokens", "overlap"), [(0, 0), (5, 5), (5, -1)])
def test_invalid_budget_or_overlap_is_an_input_error(max_tokens, overlap):
    with pytest.raises(InputError, match="max_tokens"):
        chunk_by_tokens("some text", words, max_tokens=max_tokens, overlap_tokens=overlap)


def test_language_is_detected_for_chunking_when_not_given():
    text = "今日は晴れです。明日は雨でしょう！本当ですか？はい。"
    chunks = chunk_by_tokens(text, len, max_tokens=10)
    assert [c.text for c in chunks] == ["今日は晴れです。", "明日は雨でしょう！", "本当ですか？はい。"]


def test_sentence_rules_come_from_the_opening_so_a_huge_text_costs_no_more_than_a_short_one():
    from harrier_explorer.inputs.split import sentence_rules_language

    text = "Das ist ein deutscher Satz über den Bahnhof. " * 60 + "An English tail. " * 50_000
    assert sentence_rules_language(text) == "de"
