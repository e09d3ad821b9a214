"""Ordered sentence alignment of two parallel documents, by dynamic programming over sentence embeddings.

Backs the document-alignment view of the bitext tab. Translations keep sentence order but not sentence boundaries, so,
like vecalign and Bleualign, the path may merge two sentences on one side (1-2, 2-1) and skip a sentence with no
counterpart (1-0, 0-1). A merged block is scored by the cosine of the normalised mean of its members' embeddings
(the only thing available without re-running the model); that is why this takes embeddings, not just the
sentence-level similarity matrix.

Cost model (minimised), as in vecalign: an aligned block costs (1 - cos) × (sentences in block) / 2, so a 1-1 block
costs 1 - cos and a merge is charged per sentence it covers (an unweighted cost would favour fewer, merged blocks);
a skipped sentence costs `skip_penalty`. Hence two unrelated sentences are skipped rather than paired when their
cosine is below 1 - 2 × skip_penalty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from harrier_explorer.analysis.similarity import (
    check_embeddings,
    cosine_matrix,
    normalise_rows,
)
from harrier_explorer.errors import InputError

#: Block shapes the path may use, (source sentences, target sentences). On equal cost the earlier one wins, so
#: 1-1 is preferred over a merge and a merge over skips.
MOVES: tuple[tuple[int, int], ...] = ((1, 1), (1, 2), (2, 1), (1, 0), (0, 1))

#: Default cost of leaving one sentence unaligned: pairs with cosine below 1 - 2 × 0.2 = 0.6 are skipped instead.
DEFAULT_SKIP_PENALTY = 0.2

#: sims[(a, b)][i - a][j - b] = similarity of the block of `a` source and `b` target sentences ending at (i, j).
BlockSimilarities = dict[tuple[int, int], list[list[float]]]


@dataclass(frozen=True)
class AlignedBlock:
    """One step of the path: the sentences it joins and their similarity (None for a skip)."""

    src: tuple[int, ...]  # source sentence indices, empty for a 0-1 skip
    tgt: tuple[int, ...]  # target sentence indices, empty for a 1-0 skip
    score: float | None  # cos(mean src embedding, mean tgt embedding)


@dataclass(frozen=True)
class Alignment:
    """A monotone path through the (n, m) sentence similarity matrix covering every sentence once."""

    blocks: tuple[AlignedBlock, ...]  # in document order
    cost: float  # total cost of the path (lower is better)

    @property
    def cells(self) -> tuple[tuple[int, int], ...]:
        """(src, tgt) cells of the matrix covered by aligned blocks, to draw the path on the similarity heatmap."""
        return tuple((i, j) for block in self.blocks for i in block.src for j in block.tgt)


def align_documents(src: np.ndarray, tgt: np.ndarray, skip_penalty: float = DEFAULT_SKIP_PENALTY) -> Alignment:
    """Align two sentence-split documents in order, allowing 1-1, 1-2, 2-1 blocks and skips.

    Args:
        src: (n, d) L2-normalised embeddings of the source sentences, in document order.
        tgt: (m, d) L2-normalised embeddings of the target sentences, in document order.
        skip_penalty: cost of leaving one sentence unaligned; raise it to favour merges, lower it to favour skips.

    Returns:
        The minimum-cost Alignment. O(n × m) time and memory; the loop is pure Python, fine for documents of a few
        hundred sentences.
    """
    if skip_penalty < 0:
        raise InputError(f"skip_penalty must be >= 0, got {skip_penalty}")
    similarity = _block_similarities(src, tgt)
    n, m = len(similarity[(1, 1)]), len(similarity[(1, 1)][0])
    # Plain lists: the loop reads one cell at a time, several times faster than indexing numpy arrays.
    cost = [[float("inf")] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            for move, (a, b) in enumerate(MOVES):
                if a > i or b > j:
                    continue
                candidate = cost[i - a][j - b] + _block_cost(similarity, a, b, i, j, skip_penalty)
                if candidate < cost[i][j]:  # strict: ties keep the earlier move in MOVES
                    cost[i][j], back[i][j] = candidate, move
    return Alignment(blocks=_trace_back(back, similarity, n, m), cost=cost[n][m])


def alignment_frame(alignment: Alignment, source: Sequence[str], target: Sequence[str]) -> pd.DataFrame:
    """The path as a table, one row per block: shape ("1-1", "1-2", "1-0", ...), sentence numbers (1-based, joined
    with ", "), the sentences (joined with a space) and the block's cosine (empty for a skip)."""
    rows = [(f"{len(b.src)}-{len(b.tgt)}", ", ".join(str(i + 1) for i in b.src), " ".join(source[i] for i in b.src),
             ", ".join(str(j + 1) for j in b.tgt), " ".join(target[j] for j in b.tgt), b.score)
            for b in alignment.blocks]
    return pd.DataFrame(rows, columns=["block", "source #", "source", "target #", "target", "cosine"])


def _block_similarities(src: np.ndarray, tgt: np.ndarray) -> BlockSimilarities:
    """Similarity of every non-skip block shape, as nested lists for the DP loop.

    sims[(a, b)][i - a][j - b] = cos(normalised mean of src[i-a:i], normalised mean of tgt[j-b:j]). A shape that
    does not fit (a merge in a one-sentence document) gets no rows or columns, and the DP never reads it.
    """
    src, tgt = check_embeddings(src, "source sentences"), check_embeddings(tgt, "target sentences")
    src_pairs = normalise_rows(src[:-1] + src[1:])  # src_pairs[i] = normalised mean of src[i], src[i + 1]
    tgt_pairs = normalise_rows(tgt[:-1] + tgt[1:])
    return {
        (1, 1): cosine_matrix(src, tgt).tolist(),
        (1, 2): (src @ tgt_pairs.T).tolist(),
        (2, 1): (src_pairs @ tgt.T).tolist(),
    }


def _block_cost(similarity: BlockSimilarities, a: int, b: int, i: int, j: int, skip_penalty: float) -> float:
    """Cost of the block of `a` source and `b` target sentences ending at (i, j)."""
    if a == 0 or b == 0:
        return skip_penalty
    return (1.0 - similarity[(a, b)][i - a][j - b]) * (a + b) / 2


def _trace_back(back: list[list[int]], similarity: BlockSimilarities, n: int, m: int) -> tuple[AlignedBlock, ...]:
    """Follow the back-pointers from (n, m) to (0, 0) and return the blocks in document order."""
    blocks = []
    i, j = n, m
    while i > 0 or j > 0:
        a, b = MOVES[back[i][j]]
        score = None if a == 0 or b == 0 else float(similarity[(a, b)][i - a][j - b])
        blocks.append(AlignedBlock(src=tuple(range(i - a, i)), tgt=tuple(range(j - b, j)), score=score))
        i, j = i - a, j - b
    return tuple(reversed(blocks))
