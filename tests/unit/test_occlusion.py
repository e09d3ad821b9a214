"""Occlusion units, the texts without each, attributions and the highlighted view, by hand."""

import pytest

from harrier_explorer.analysis.occlusion import attribution, highlighted, occlude


def test_each_word_and_punctuation_run_is_a_unit_and_its_removal_leaves_one_space() -> None:
    cut = occlude("Where is the Amazon river?")
    assert [cut.unit(i) for i in range(len(cut.spans))] == ["Where", "is", "the", "Amazon", "river", "?"]
    assert cut.variants == ["is the Amazon river?", "Where the Amazon river?", "Where is Amazon river?",
                            "Where is the river?", "Where is the Amazon?", "Where is the Amazon river"]
    assert not cut.grouped


def test_scripts_without_spaces_are_cut_by_character_and_joined_without_a_space() -> None:
    cut = occlude("亚马逊河")
    assert len(cut.spans) == 4 and cut.variants[1] == "亚逊河"
    assert [occlude("iPhone手机").unit(i) for i in range(3)] == ["iPhone", "手", "机"]
    assert occlude("don't stop").variants == ["stop", "don't"]  # an apostrophe stays inside its word


def test_a_long_text_is_cut_into_at_most_max_units_runs_covering_every_word() -> None:
    text = " ".join(f"w{i}" for i in range(100))
    cut = occlude(text, max_units=40)
    assert cut.grouped and len(cut.spans) <= 40
    assert " ".join(cut.unit(i) for i in range(len(cut.spans))) == text  # runs of neighbours, in order, none lost
    assert cut.variants[0] == text[len(cut.unit(0)) + 1:]


def test_attribution_is_the_similarity_lost_without_the_unit() -> None:
    assert attribution(0.8, [0.5, 0.9, 0.8]) == pytest.approx([0.3, -0.1, 0.0])


def test_highlighted_keeps_the_text_between_units_and_scales_by_the_largest_change() -> None:
    cut = occlude("red fox, blue")
    segments = highlighted(cut, [0.2, -0.4, 0.0, 0.1])
    assert "".join(text for text, _ in segments) == "red fox, blue"
    assert segments == [("red", 0.5), (" ", None), ("fox", -1.0), (",", 0.0), (" ", None), ("blue", 0.25)]
    assert highlighted(occlude("a b"), [0.0, 0.0]) == [("a", 0.0), (" ", None), ("b", 0.0)]
