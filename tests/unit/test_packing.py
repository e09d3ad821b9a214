"""Packed rows: every text placed once, within its row, with positions that restart and the right last token."""

from __future__ import annotations

import numpy as np
import pytest

from harrier_explorer.backend.packing import ROW_TOKENS, best_fit, pack_rows, packed_forwards, row_width


def test_best_fit_places_every_text_once_and_fills_rows_within_their_width():
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 60, size=500).tolist()
    rows = best_fit(lengths, 128)
    assert sorted(i for row in rows for i in row) == list(range(500))
    used = [sum(lengths[i] for i in row) for row in rows]
    assert max(used) <= 128
    # Best-fit decreasing: at most one row in the whole packing is less than half full.
    assert sum(u <= 64 for u in used) <= 1
    assert len(rows) <= -(-sum(lengths) // 128) + 2


def test_a_text_longer_than_a_row_gets_a_row_of_its_own():
    rows = best_fit([300, 5, 5, 129], 128)
    assert rows[0] == [0] and rows[1] == [3] and sorted(rows[2]) == [1, 2]


def test_pack_rows_restarts_positions_at_each_text_and_fills_the_rest_with_one_pad_text():
    ids = [[5, 6, 7], [8, 9], [10]]
    forward = pack_rows(ids, [[0, 1], [2]], width=6, pad_id=0)
    assert forward.input_ids.tolist() == [[5, 6, 7, 8, 9, 0], [10, 0, 0, 0, 0, 0]]
    assert forward.position_ids.tolist() == [[0, 1, 2, 0, 1, 0], [0, 0, 1, 2, 3, 4]]
    assert forward.owners.tolist() == [0, 1, 2]
    last = forward.input_ids[forward.last_row, forward.last_col]
    assert last.tolist() == [ids[i][-1] for i in forward.owners]


@pytest.mark.parametrize("budget", [64, 1024, 65536])
def test_packed_forwards_keep_to_the_budget_and_round_long_rows_up_to_whole_rows(budget):
    width = row_width(budget)
    assert width == min(budget, ROW_TOKENS)
    rng = np.random.default_rng(1)
    ids = [list(range(1, n + 1)) for n in rng.integers(1, 40, size=300)] + [[3] * (width + 1), [4] * (3 * width)]
    forwards = list(packed_forwards(ids, budget, pad_id=0))
    owners = np.concatenate([f.owners for f in forwards])
    assert sorted(owners.tolist()) == list(range(len(ids)))
    # The two long texts come first, alone, in rows of 2 and 3 widths.
    assert [f.input_ids.shape for f in forwards[:2]] == [(1, 3 * width), (1, 2 * width)]
    for f in forwards[2:]:
        assert f.input_ids.shape[1] == width and f.input_ids.size <= max(budget, width)
    for f in forwards:
        # Each text's last token sits where its positions end.
        assert (f.position_ids[f.last_row, f.last_col] == [len(ids[i]) - 1 for i in f.owners]).all()
