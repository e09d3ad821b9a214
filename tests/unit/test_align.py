"""Tests for the ordered document alignment (1-1, 1-2, 2-1 blocks and skips by dynamic programming)."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from harrier_explorer.analysis.align import MOVES, align_documents
from harrier_explorer.errors import InputError

E = np.eye(16, dtype=np.float32)  # orthonormal "sentences": cos(E[a], E[b]) is 1 if a == b, else 0


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def _blocks(alignment) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.src, b.tgt) for b in alignment.blocks]


def test_a_target_sentence_split_in_two_is_aligned_as_a_one_to_two_merge():
    # Target sentence 1 is split into halves (E1 ± E9) / √2; each half has cos 0.707 with source 1, their mean is E1.
    # Merge cost: (1 - 1) × 3/2 = 0. Alternative 1-1 + skip of the other half: (1 - 0.707) + 0.2 = 0.49.
    src = E[[0, 1, 2]]
    tgt = np.stack([E[0], _unit(E[1] + E[9]), _unit(E[1] - E[9]), E[2]])
    alignment = align_documents(src, tgt)
    assert _blocks(alignment) == [((0,), (0,)), ((1,), (1, 2)), ((2,), (3,))]
    assert [b.score for b in alignment.blocks] == pytest.approx([1.0, 1.0, 1.0])
    assert alignment.cost == pytest.approx(0.0, abs=1e-6)
    assert alignment.cells == ((0, 0), (1, 1), (1, 2), (2, 3))


def test_a_source_sentence_split_in_two_is_aligned_as_a_two_to_one_merge():
    src = np.stack([E[0], _unit(E[1] + E[9]), _unit(E[1] - E[9]), E[2]])
    alignment = align_documents(src, E[[0, 1, 2]])
    assert _blocks(alignment) == [((0,), (0,)), ((1, 2), (1,)), ((3,), (2,))]


def test_an_extra_source_sentence_with_no_translation_is_skipped():
    # Source 2 (E7) has no counterpart. Skip cost 0.2; merging it into its neighbour costs
    # (1 - cos((E1 + E7)/√2, E1)) × 3/2 = (1 - 0.707) × 1.5 = 0.44.
    src = E[[0, 1, 7, 2]]
    alignment = align_documents(src, E[[0, 1, 2]])
    assert _blocks(alignment) == [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,))]
    assert alignment.blocks[2].score is None
    assert alignment.cost == pytest.approx(0.2)
    assert (2, 2) not in alignment.cells


def test_a_higher_skip_penalty_makes_the_extra_sentence_merge_instead():
    # With skip_penalty = 0.5 > 0.44, merging source 2 into a neighbour is cheaper than skipping it.
    alignment = align_documents(E[[0, 1, 7, 2]], E[[0, 1, 2]], skip_penalty=0.5)
    assert ((1, 2), (1,)) in _blocks(alignment)
    assert alignment.cost == pytest.approx((1 - np.sqrt(0.5)) * 1.5, rel=1e-5)


def test_unrelated_sentences_are_skipped_rather_than_paired():
    # Source 1 (E5) and target 1 (E6) are unrelated (cos 0 < 1 - 2 × 0.2): two skips (0.4) beat a 1-1 pair (1.0).
    alignment = align_documents(E[[0, 5, 2]], E[[0, 6, 2]])
    assert ((1,), (1,)) not in _blocks(alignment)
    assert alignment.cost == pytest.approx(0.4)


def _brute_force_cost(src: np.ndarray, tgt: np.ndarray, skip_penalty: float) -> float:
    """Cheapest cost over every monotone path, enumerated recursively from the end."""

    def block_cost(i: int, j: int, a: int, b: int) -> float:
        if a == 0 or b == 0:
            return skip_penalty
        merged_src, merged_tgt = src[i - a:i].mean(axis=0), tgt[j - b:j].mean(axis=0)
        cos = merged_src @ merged_tgt / np.linalg.norm(merged_src) / np.linalg.norm(merged_tgt)
        return (1 - cos) * (a + b) / 2

    @functools.cache
    def best(i: int, j: int) -> float:
        if i == j == 0:
            return 0.0
        return min(best(i - a, j - b) + block_cost(i, j, a, b) for a, b in MOVES if a <= i and b <= j)

    return best(len(src), len(tgt))


@pytest.mark.parametrize("seed", range(5))
def test_the_alignment_cost_is_the_minimum_over_all_paths(seed):
    rng = np.random.default_rng(seed)
    shared = rng.normal(size=(5, 6))
    src = shared[: rng.integers(2, 6)] + 0.5 * rng.normal(size=(1, 6))
    tgt = shared[: rng.integers(2, 6)] + 0.5 * rng.normal(size=(1, 6))
    src = (src / np.linalg.norm(src, axis=1, keepdims=True)).astype(np.float32)
    tgt = (tgt / np.linalg.norm(tgt, axis=1, keepdims=True)).astype(np.float32)
    alignment = align_documents(src, tgt, skip_penalty=0.3)
    assert alignment.cost == pytest.approx(_brute_force_cost(src, tgt, 0.3), rel=1e-5)
    covered_src = [i for b in alignment.blocks for i in b.src]
    covered_tgt = [j for b in alignment.blocks for j in b.tgt]
    assert covered_src == list(range(len(src))) and covered_tgt == list(range(len(tgt)))


def test_a_negative_skip_penalty_is_refused():
    with pytest.raises(InputError, match="skip_penalty"):
        align_documents(E[[0]], E[[0]], skip_penalty=-0.1)
