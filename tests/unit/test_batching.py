"""Token-budget batching and L2 normalisation, shared by every encoder."""

from __future__ import annotations

import numpy as np
import pytest

from harrier_explorer.backend.encoder import l2_normalise, token_budget_batches


def test_a_hand_worked_example_groups_longest_first_within_the_budget():
    # lengths 8, 8 fill 16; then 5, 3, 2 pad to 3 × 5 = 15 ≤ 16.
    assert token_budget_batches([3, 8, 5, 8, 2], budget=16) == [[1, 3], [2, 0, 4]]


@pytest.mark.parametrize("seed", range(5))
def test_every_index_appears_once_longest_first_and_within_budget(seed):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 700, size=300).tolist()
    budget = 1024
    batches = token_budget_batches(lengths, budget)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    ordered = [lengths[i] for i in flat]
    assert ordered == sorted(ordered, reverse=True)
    for batch in batches:
        assert len(batch) * max(lengths[i] for i in batch) <= budget


def test_a_text_longer_than_the_budget_gets_a_batch_of_its_own():
    assert token_budget_batches([10, 5000, 10], budget=1024) == [[1], [0, 2]]


def test_the_row_cap_splits_batches_of_many_short_texts():
    assert [len(b) for b in token_budget_batches([1] * 10, budget=1000, max_batch=4)] == [4, 4, 2]


def test_no_texts_means_no_batches():
    assert token_budget_batches([], budget=1024) == []


def test_l2_normalise_gives_unit_float32_rows_and_leaves_a_zero_row_at_zero():
    out = l2_normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]], atol=1e-7)
