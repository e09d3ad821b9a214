"""Bitext matching: pair the sentences of two lists (usually two languages) and score how well the model does it.

Backs the bitext tab. Pairs are found from a score matrix, either raw cosine (`similarity.cosine_matrix`) or the ratio
margin of Artetxe & Schwenk (2019), "Margin-based parallel corpus mining with multilingual sentence embeddings", which
discounts "hub" sentences that are close to everything. Every matching function takes the (n, m) matrix
scores[i, j] = score(src[i], tgt[j]), so the same code matches by cosine or by margin.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import accuracy_score

from harrier_explorer.analysis.model_compare import gold_disagreement
from harrier_explorer.analysis.similarity import top_k
from harrier_explorer.errors import InputError

MatchMethod = Literal["forward", "backward", "mutual", "assignment"]
MATCH_METHODS: tuple[MatchMethod, ...] = ("forward", "backward", "mutual", "assignment")


@dataclass(frozen=True)
class MarginScores:
    """Ratio margin of every (src, tgt) pair, with the neighbourhoods it was computed from."""

    cosine: np.ndarray  # (n, m): cosine[i, j] = cos(src[i], tgt[j])
    margin: np.ndarray  # (n, m): cosine[i, j] / (mean(src_neighbour_scores[i]) / 2 + mean(tgt_neighbour_scores[j]) / 2)
    src_neighbours: np.ndarray  # (n, k_src): tgt indices of NN_k(src[i]), best first
    src_neighbour_scores: np.ndarray  # (n, k_src): their cosines
    tgt_neighbours: np.ndarray  # (m, k_tgt): src indices of NN_k(tgt[j]), best first
    tgt_neighbour_scores: np.ndarray  # (m, k_tgt): their cosines
    k_src: int  # k clamped to m (src sentences look for neighbours among the m targets)
    k_tgt: int  # k clamped to n


@dataclass(frozen=True)
class PairNeighbourhood:
    """One pair's cosine and margin, and the k neighbours on each side that form the margin's denominator."""

    src: int
    tgt: int
    cosine: float
    margin: float
    src_neighbours: np.ndarray  # (k_src,) tgt indices nearest to src
    src_neighbour_scores: np.ndarray  # (k_src,)
    tgt_neighbours: np.ndarray  # (k_tgt,) src indices nearest to tgt
    tgt_neighbour_scores: np.ndarray  # (k_tgt,)


@dataclass(frozen=True)
class Matching:
    """Chosen (src, tgt) pairs, sorted by src then tgt."""

    src: np.ndarray  # (p,) int
    tgt: np.ndarray  # (p,) int
    score: np.ndarray  # (p,) the score the pairs were chosen by (cosine or margin)
    matched: np.ndarray  # (p,) bool: False where score < threshold


@dataclass(frozen=True)
class BitextError:
    """A row whose nearest neighbour is not its gold partner (the same row index)."""

    row: int
    predicted: int
    gold_score: float  # score of (row, row)
    predicted_score: float  # score of (row, predicted)


@dataclass(frozen=True)
class GoldAccuracy:
    """Nearest-neighbour accuracy of two lists in gold order (row i of one translates row i of the other)."""

    src_to_tgt: float
    tgt_to_src: float
    src_to_tgt_errors: tuple[BitextError, ...]
    tgt_to_src_errors: tuple[BitextError, ...]


def ratio_margin(cosine: np.ndarray, k: int = 4) -> MarginScores:
    """Ratio margin of every pair (Artetxe & Schwenk 2019, eq. "ratio").

    margin(x, y) = cos(x, y) / (sum_{z in NN_k(x)} cos(x, z) / 2k + sum_{z in NN_k(y)} cos(y, z) / 2k),
    where NN_k(x) are the k targets nearest to source x and NN_k(y) the k sources nearest to target y. `k` is clamped
    to the list it searches (k_src = min(k, m), k_tgt = min(k, n)) and each sum is divided by 2 × its own clamped k,
    so the denominator stays the mean of the two neighbourhood averages. It assumes those averages are positive,
    as they are for real embedding models.

    Args:
        cosine: (n, m) cosine matrix, cosine[i, j] = cos(src[i], tgt[j]).
        k: neighbourhood size (the paper uses 4).
    """
    src_idx, src_val = top_k(cosine, k)
    tgt_idx, tgt_val = top_k(cosine.T, k)
    k_src, k_tgt = src_idx.shape[1], tgt_idx.shape[1]
    denominator = src_val.sum(axis=1)[:, None] / (2 * k_src) + tgt_val.sum(axis=1)[None, :] / (2 * k_tgt)
    return MarginScores(
        cosine=cosine, margin=cosine / denominator,
        src_neighbours=src_idx, src_neighbour_scores=src_val,
        tgt_neighbours=tgt_idx, tgt_neighbour_scores=tgt_val,
        k_src=k_src, k_tgt=k_tgt,
    )


def pair_neighbourhood(margins: MarginScores, src: int, tgt: int) -> PairNeighbourhood:
    """The neighbours on each side that form the margin of the pair (src, tgt), for display."""
    n, m = margins.cosine.shape
    if not (0 <= src < n and 0 <= tgt < m):
        raise InputError(f"pair ({src}, {tgt}) is outside the {n} × {m} score matrix")
    return PairNeighbourhood(
        src=src, tgt=tgt,
        cosine=float(margins.cosine[src, tgt]), margin=float(margins.margin[src, tgt]),
        src_neighbours=margins.src_neighbours[src], src_neighbour_scores=margins.src_neighbour_scores[src],
        tgt_neighbours=margins.tgt_neighbours[tgt], tgt_neighbour_scores=margins.tgt_neighbour_scores[tgt],
    )


def match(scores: np.ndarray, method: MatchMethod = "mutual", threshold: float | None = None) -> Matching:
    """Pair sources with targets by a score matrix (cosine, or `MarginScores.margin`).

    Args:
        scores: (n, m) matrix, scores[i, j] = score(src[i], tgt[j]).
        method: "forward": each source to its best target; "backward": each target to its best source;
            "mutual": pairs that are both (mutual nearest neighbours); "assignment": the one-to-one matching of
            min(n, m) pairs with the largest total score (Hungarian algorithm, works for non-square matrices).
            Nearest-neighbour ties go to the lower index.
        threshold: pairs scoring below it are kept but flagged matched=False; None flags none.
    """
    scores = np.asarray(scores)
    if scores.ndim != 2 or 0 in scores.shape:
        raise InputError(f"scores must be a non-empty (n, m) matrix, got shape {scores.shape}")
    forward = scores.argmax(axis=1)  # argmax returns the first maximum: ties go to the lower index
    backward = scores.argmax(axis=0)
    if method == "forward":
        src, tgt = np.arange(scores.shape[0]), forward
    elif method == "backward":
        src, tgt = backward, np.arange(scores.shape[1])
    elif method == "mutual":
        src = np.flatnonzero(backward[forward] == np.arange(scores.shape[0]))
        tgt = forward[src]
    elif method == "assignment":
        src, tgt = linear_sum_assignment(scores, maximize=True)
    else:
        raise InputError(f"unknown matching method {method!r}; choose one of {', '.join(MATCH_METHODS)}")
    order = np.lexsort((tgt, src))
    src, tgt = src[order], tgt[order]
    chosen = scores[src, tgt]
    matched = np.ones(len(src), dtype=bool) if threshold is None else chosen >= threshold
    return Matching(src=src, tgt=tgt, score=chosen, matched=matched)


def gold_accuracy(scores: np.ndarray) -> GoldAccuracy:
    """Nearest-neighbour accuracy in both directions for lists in gold order, as MTEB's BitextMining computes it.

    MTEB (Tatoeba, BUCC, ...) takes, for each source row, the target with the highest cosine and scores
    sklearn's accuracy_score against the gold row; it reports the source-to-target direction only, and `tgt_to_src`
    here is the same computation on the transposed matrix. Ties go to the lower index (numpy argmax); MTEB's
    torch.topk leaves tie order unspecified, so results can differ only on exact ties. Pass
    `MarginScores.margin` instead of the cosine matrix for accuracy under margin scoring.

    Args:
        scores: (n, n) matrix, scores[i, j] = score(src[i], tgt[j]); row i's gold partner is column i.
    """
    scores = np.asarray(scores)
    if scores.ndim != 2 or scores.shape[0] != scores.shape[1] or scores.shape[0] == 0:
        raise InputError(f"gold-order accuracy needs two lists of the same length, got a {scores.shape} score matrix")
    forward, forward_errors = _nearest_neighbour_accuracy(scores)
    backward, backward_errors = _nearest_neighbour_accuracy(scores.T)
    return GoldAccuracy(forward, backward, forward_errors, backward_errors)


def pairs_frame(matching: Matching, margins: MarginScores, source: Sequence[str],
                target: Sequence[str]) -> pd.DataFrame:
    """The chosen pairs for display or export, one row each: source # and target # (numbered from 1, like every
    table and plot of sentences), both texts, cosine, margin, and matched (False: below the threshold)."""
    return pd.DataFrame({
        "source #": matching.src + 1,
        "source": [source[i] for i in matching.src],
        "target #": matching.tgt + 1,
        "target": [target[j] for j in matching.tgt],
        "cosine": margins.cosine[matching.src, matching.tgt].astype(float),
        "margin": margins.margin[matching.src, matching.tgt].astype(float),
        "matched": matching.matched,
    })


def unmatched_frame(matching: Matching, source: Sequence[str], target: Sequence[str]) -> pd.DataFrame:
    """The sentences of either list in no matched pair: side, # (from 1), text, and why (in no chosen pair, or only
    in pairs below the threshold)."""
    rows = []
    for side, texts, chosen in (("source", source, matching.src), ("target", target, matching.tgt)):
        matched, flagged = set(chosen[matching.matched].tolist()), set(chosen[~matching.matched].tolist())
        rows += [(side, i + 1, text, "below the threshold" if i in flagged else "in no pair")
                 for i, text in enumerate(texts) if i not in matched]
    return pd.DataFrame(rows, columns=["side", "#", "text", "why"])


def neighbourhood_frame(pair: PairNeighbourhood, source: Sequence[str], target: Sequence[str]) -> pd.DataFrame:
    """The neighbours behind one pair's margin: side, rank, # (from 1), text, cosine; source side first."""
    rows = [("targets nearest to source", r + 1, int(j) + 1, target[j], float(c))
            for r, (j, c) in enumerate(zip(pair.src_neighbours, pair.src_neighbour_scores, strict=True))]
    rows += [("sources nearest to target", r + 1, int(i) + 1, source[i], float(c))
             for r, (i, c) in enumerate(zip(pair.tgt_neighbours, pair.tgt_neighbour_scores, strict=True))]
    return pd.DataFrame(rows, columns=["side", "rank", "#", "text", "cosine"])


def gold_report(margins: MarginScores) -> dict[str, GoldAccuracy]:
    """Gold-order accuracy under both scores: {"cosine": ..., "margin": ...}."""
    return {"cosine": gold_accuracy(margins.cosine), "margin": gold_accuracy(margins.margin)}


def accuracy_frame(report: dict[str, GoldAccuracy]) -> pd.DataFrame:
    """One row per score: accuracy source → target (MTEB's reported direction), target → source, and errors."""
    return pd.DataFrame(
        [(score, acc.src_to_tgt, acc.tgt_to_src, len(acc.src_to_tgt_errors), len(acc.tgt_to_src_errors))
         for score, acc in report.items()],
        columns=["score", "accuracy source → target", "accuracy target → source", "errors s → t", "errors t → s"])


def errors_frame(report: dict[str, GoldAccuracy], source: Sequence[str], target: Sequence[str]) -> pd.DataFrame:
    """Every gold-order error under every score: the sentence (# from 1), its gold partner's text, what it matched
    instead, and both scores."""
    columns = ["score", "direction", "#", "text", "gold partner", "matched #", "matched text", "gold score",
               "matched score"]
    rows = []
    for score, acc in report.items():
        for direction, errors, own, other in (("source → target", acc.src_to_tgt_errors, source, target),
                                              ("target → source", acc.tgt_to_src_errors, target, source)):
            rows += [(score, direction, e.row + 1, own[e.row], other[e.row], e.predicted + 1, other[e.predicted],
                      e.gold_score, e.predicted_score) for e in errors]
    return pd.DataFrame(rows, columns=columns)


def downsample_max(matrix: np.ndarray, max_side: int = 300) -> tuple[np.ndarray, int]:
    """Shrink a matrix for display by block-max pooling so that neither side exceeds `max_side`.

    Square blocks of `block` × `block` cells become their maximum (the best pair in a block stays visible, which
    striding would drop); edge blocks that stick out are padded with -inf. Returns (matrix, block); block 1 means
    the matrix came back unchanged. Cell (r, c) of the result covers rows r·block … r·block + block − 1.
    """
    matrix = np.asarray(matrix, dtype=np.float32)
    if max_side < 1:
        raise InputError(f"max_side must be at least 1, got {max_side}")
    n, m = matrix.shape
    block = max(1, math.ceil(max(n, m) / max_side))
    if block == 1:
        return matrix, 1
    rows, cols = math.ceil(n / block), math.ceil(m / block)
    padded = np.full((rows * block, cols * block), -np.inf, dtype=np.float32)
    padded[:n, :m] = matrix
    return padded.reshape(rows, block, cols, block).max(axis=(1, 3)), block


def _nearest_neighbour_accuracy(scores: np.ndarray) -> tuple[float, tuple[BitextError, ...]]:
    """Accuracy of row i's argmax being column i, and the rows where it is not."""
    gold = np.arange(scores.shape[0])
    predicted = scores.argmax(axis=1)
    errors = tuple(
        BitextError(row=int(i), predicted=int(predicted[i]),
                    gold_score=float(scores[i, i]), predicted_score=float(scores[i, predicted[i]]))
        for i in np.flatnonzero(predicted != gold)
    )
    return float(accuracy_score(gold, predicted)), errors


def accuracy_by_model(reports: dict[str, dict[str, GoldAccuracy]]) -> pd.DataFrame:
    """Gold-order accuracy of several models in one table: one row per model and score (``accuracy_frame``'s
    columns after a "model" column), so the models' numbers stand under each other."""
    parts = [accuracy_frame(report).assign(model=model) for model, report in reports.items()]
    frame = pd.concat(parts, ignore_index=True)
    return frame[["model", *frame.columns[:-1]]]


def disagreements_frame(scores_a: np.ndarray, scores_b: np.ndarray, source: Sequence[str],
                        target: Sequence[str]) -> pd.DataFrame:
    """The sentences (gold order) one model matches to their partner and the other does not, in both directions:
    which model is right, the direction, the sentence (# from 1), and each model's match (# and text) and score."""
    columns = ["right", "direction", "#", "text", "A #", "A's match", "A score", "B #", "B's match", "B score"]
    rows = []
    for direction, a, b, own, other in (("source → target", scores_a, scores_b, source, target),
                                        ("target → source", scores_a.T, scores_b.T, target, source)):
        d = gold_disagreement(a, b)
        for right, members in (("A", d.a_only), ("B", d.b_only)):
            rows += [(right, direction, int(i) + 1, own[i], int(d.predicted_a[i]) + 1, other[d.predicted_a[i]],
                      float(a[i, d.predicted_a[i]]), int(d.predicted_b[i]) + 1, other[d.predicted_b[i]],
                      float(b[i, d.predicted_b[i]])) for i in members]
    return pd.DataFrame(rows, columns=columns)
