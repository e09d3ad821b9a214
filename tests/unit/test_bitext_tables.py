"""Tests for the bitext tab's tables and the heatmap downsampling."""

from __future__ import annotations

import numpy as np
import pytest

from harrier_explorer.analysis.align import AlignedBlock, Alignment, alignment_frame
from harrier_explorer.analysis.bitext import (
    accuracy_frame,
    downsample_max,
    errors_frame,
    gold_report,
    match,
    neighbourhood_frame,
    pair_neighbourhood,
    pairs_frame,
    ratio_margin,
    unmatched_frame,
)
from harrier_explorer.errors import InputError

# Target 1 is a hub: by cosine both sources pick it; by margin the diagonal wins.
HUB = np.array([[0.78, 0.80], [0.70, 0.85]])
SOURCE, TARGET = ["s0", "s1"], ["t0", "t1"]


def test_pairs_frame_numbers_sentences_from_1_next_to_their_texts():
    margins = ratio_margin(HUB, k=1)
    frame = pairs_frame(match(HUB, "forward"), margins, SOURCE, TARGET)
    assert frame[["source #", "source", "target #", "target"]].values.tolist() == [[1, "s0", 2, "t1"],
                                                                                  [2, "s1", 2, "t1"]]


def test_unmatched_frame_lists_sentences_in_no_pair_and_below_the_threshold():
    frame = unmatched_frame(match(HUB, "forward", threshold=0.82), SOURCE, TARGET)
    assert frame.values.tolist() == [["source", 1, "s0", "below the threshold"], ["target", 1, "t0", "in no pair"]]


def test_neighbourhood_frame_lists_both_sides():
    pair = pair_neighbourhood(ratio_margin(HUB, k=2), 0, 0)
    frame = neighbourhood_frame(pair, SOURCE, TARGET)
    assert frame[["side", "rank", "#", "text"]].values.tolist() == [
        ["targets nearest to source", 1, 2, "t1"], ["targets nearest to source", 2, 1, "t0"],
        ["sources nearest to target", 1, 1, "s0"], ["sources nearest to target", 2, 2, "s1"]]


def test_gold_report_tables_show_the_hub_error_under_cosine_only():
    report = gold_report(ratio_margin(HUB, k=1))
    accuracy = accuracy_frame(report).set_index("score")
    assert accuracy.loc["cosine", "accuracy source → target"] == 0.5
    assert accuracy.loc["margin", "accuracy source → target"] == 1.0
    errors = errors_frame(report, SOURCE, TARGET)
    first = errors.iloc[0]
    assert (first["score"], first["direction"], first["#"], first["text"], first["gold partner"], first["matched #"],
            first["matched text"]) == ("cosine", "source → target", 1, "s0", "t0", 2, "t1")


def test_downsample_max_keeps_the_best_cell_of_each_block():
    matrix = np.arange(35, dtype=np.float32).reshape(5, 7)
    small, block = downsample_max(matrix, max_side=3)
    assert block == 3 and small.shape == (2, 3)
    assert small.tolist() == [[16, 19, 20], [30, 33, 34]]  # edge blocks padded, not wrapped
    same, one = downsample_max(matrix, max_side=7)
    assert one == 1 and same is not None and same.shape == (5, 7)
    with pytest.raises(InputError):
        downsample_max(matrix, max_side=0)


def test_alignment_frame_joins_merged_sentences_and_leaves_skips_unscored():
    alignment = Alignment(blocks=(AlignedBlock((0,), (0, 1), 0.9), AlignedBlock((1,), (), None)), cost=0.3)
    frame = alignment_frame(alignment, ["A.", "B."], ["x.", "y."])
    assert frame["block"].tolist() == ["1-2", "1-0"]
    assert frame.iloc[0][["source #", "target #", "target"]].tolist() == ["1", "1, 2", "x. y."]
    assert np.isnan(frame["cosine"].iloc[1])


def test_accuracy_by_model_has_a_row_per_model_and_score():
    from harrier_explorer.analysis.bitext import accuracy_by_model

    diagonal = np.array([[0.9, 0.1], [0.2, 0.8]])
    frame = accuracy_by_model({"A": gold_report(ratio_margin(HUB, k=1)), "B": gold_report(ratio_margin(diagonal, 1))})
    assert frame[["model", "score", "accuracy source → target"]].values.tolist() == [
        ["A", "cosine", 0.5], ["A", "margin", 1.0], ["B", "cosine", 1.0], ["B", "margin", 1.0]]


def test_disagreements_frame_shows_both_models_match_where_only_one_is_right():
    from harrier_explorer.analysis.bitext import disagreements_frame

    diagonal = np.array([[0.9, 0.1], [0.2, 0.8]])
    frame = disagreements_frame(HUB, diagonal, SOURCE, TARGET)  # under cosine A sends s0 to the hub t1
    assert frame.values.tolist() == [["B", "source → target", 1, "s0", 2, "t1", 0.80, 1, "t0", 0.9]]
    assert disagreements_frame(HUB, HUB, SOURCE, TARGET).empty
