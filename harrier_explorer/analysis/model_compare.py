"""Where two models (or two backends, dtypes, sizes) agree and disagree on the same texts.

Pure numpy/scipy: vectors of the two models come in (their dimensions may differ), comparisons come out.

- ``parity``: per-text cosine between A's and B's vector of the same text — only meaningful when both embed into
  the same space (one model on two backends, in two dtypes, or truncated against full after re-normalising the
  truncation's own prefix is *not* the same space: use ``similarity_agreement`` there).
- ``similarity_agreement``: Spearman's rho between A's and B's cosine for every pair of texts — rank agreement of
  the two similarity matrices, which works across different dimensions.
- ``neighbour_overlap``: per text, the Jaccard overlap of its k nearest neighbours under A and under B — "where do
  the models see my documents differently?".
- ``ranking_agreement``: per query, overlap@k, Kendall tau over the union of the top k, and RBO of A's and B's
  rankings of one corpus.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import spearmanr

from harrier_explorer.analysis.metrics import rank_by_score
from harrier_explorer.analysis.rank_agreement import kendall_tau_of_union, overlap_at_k, rank_biased_overlap
from harrier_explorer.errors import InputError


@dataclass(frozen=True)
class Parity:
    """cosine[i] = <a_i, b_i>; ``same_nearest`` says whether text i's nearest neighbour is the same under A and B."""

    cosine: np.ndarray
    same_nearest: np.ndarray

    @property
    def min(self) -> float:
        return float(self.cosine.min())

    @property
    def mean(self) -> float:
        return float(self.cosine.mean())


def _check_pair(a: np.ndarray, b: np.ndarray, *, same_dim: bool = False, min_rows: int = 1) -> None:
    if a.ndim != 2 or b.ndim != 2 or len(a) != len(b):
        raise InputError(f"Both models must embed the same texts: got {a.shape} and {b.shape}.")
    if same_dim and a.shape[1] != b.shape[1]:
        raise InputError(f"Per-text cosine needs the same dimensions (A {a.shape[1]}, B {b.shape[1]}); compare the "
                         "similarity matrices instead.")
    if len(a) < min_rows:
        raise InputError(f"This comparison needs at least {min_rows} texts, got {len(a)}.")


def _nearest(vectors: np.ndarray, k: int) -> np.ndarray:
    """(n, k) indices of each row's k nearest other rows by cosine (ties: lower index first)."""
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    return np.argsort(-sims, axis=1, kind="stable")[:, :k]


def parity(a: np.ndarray, b: np.ndarray) -> Parity:
    """Per-text cosine of A's and B's (L2-normalised) vectors of the same texts, and nearest-neighbour agreement."""
    _check_pair(a, b, same_dim=True, min_rows=2)
    return Parity(np.sum(a * b, axis=1), _nearest(a, 1)[:, 0] == _nearest(b, 1)[:, 0])


def similarity_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rho of the two models' cosine over all n(n-1)/2 pairs of texts (any dimensions)."""
    _check_pair(a, b, min_rows=3)
    upper = np.triu_indices(len(a), k=1)
    return float(spearmanr((a @ a.T)[upper], (b @ b.T)[upper]).statistic)


def neighbour_overlap(a: np.ndarray, b: np.ndarray, k: int = 10) -> np.ndarray:
    """(n,) Jaccard overlap |N_A(i) ∩ N_B(i)| / |N_A(i) ∪ N_B(i)| of each text's k nearest neighbours."""
    _check_pair(a, b, min_rows=2)
    k = min(k, len(a) - 1)
    near_a, near_b = _nearest(a, k), _nearest(b, k)
    out = np.empty(len(a))
    for i, (na, nb) in enumerate(zip(near_a, near_b, strict=True)):
        sa, sb = set(na.tolist()), set(nb.tolist())
        out[i] = len(sa & sb) / len(sa | sb)
    return out


@dataclass(frozen=True)
class RankingAgreement:
    """Per query: overlap@k, Kendall tau over the union of both top k, and rank-biased overlap (p = 0.9)."""

    overlap: np.ndarray
    kendall_tau: np.ndarray
    rbo: np.ndarray
    k: int


def ranking_agreement(scores_a: np.ndarray, scores_b: np.ndarray, k: int = 10) -> RankingAgreement:
    """Compare A's and B's rankings of one corpus, query by query (scores: (queries, docs) under each model)."""
    if scores_a.shape != scores_b.shape or scores_a.ndim != 2:
        raise InputError(f"Both models must score the same queries and documents: {scores_a.shape} vs "
                         f"{scores_b.shape}.")
    k = min(k, scores_a.shape[1])
    overlap, tau, rbo = [], [], []
    for row_a, row_b in zip(scores_a, scores_b, strict=True):
        top_a, top_b = rank_by_score(row_a)[:k].tolist(), rank_by_score(row_b)[:k].tolist()
        overlap.append(overlap_at_k(top_a, top_b, k))
        tau.append(kendall_tau_of_union(row_a, row_b, k))
        rbo.append(rank_biased_overlap(top_a, top_b))
    return RankingAgreement(np.array(overlap), np.array(tau), np.array(rbo), k)


def ranks(scores: np.ndarray) -> np.ndarray:
    """(queries, docs) 1-based rank of every document under each query, best first, ties to the lower index — the
    order ``rank_by_score`` gives, so "rank under A" of a document in B's top k is what A's own table shows."""
    order = rank_by_score(scores)
    out = np.empty_like(order)
    np.put_along_axis(out, order, np.arange(1, scores.shape[-1] + 1), axis=-1)
    return out


@dataclass(frozen=True)
class GoldDisagreement:
    """Rows (in gold order) that one model matches to their gold partner and the other does not, one direction."""

    a_only: np.ndarray  # rows A gets right and B wrong
    b_only: np.ndarray  # rows B gets right and A wrong
    predicted_a: np.ndarray  # (n,) A's nearest column of every row
    predicted_b: np.ndarray  # (n,) B's nearest column of every row


def gold_disagreement(scores_a: np.ndarray, scores_b: np.ndarray) -> GoldDisagreement:
    """Where two models' nearest-neighbour matches of two lists in gold order (row i ↔ column i) part: the
    accuracy difference of two models is made of exactly these rows (ties go to the lower index, numpy argmax)."""
    if scores_a.shape != scores_b.shape or scores_a.ndim != 2 or scores_a.shape[0] != scores_a.shape[1]:
        raise InputError(f"Both models must score the same two lists in gold order: {scores_a.shape} vs "
                         f"{scores_b.shape}.")
    gold = np.arange(len(scores_a))
    pa, pb = scores_a.argmax(axis=1), scores_b.argmax(axis=1)
    return GoldDisagreement(np.flatnonzero((pa == gold) & (pb != gold)), np.flatnonzero((pb == gold) & (pa != gold)),
                            pa, pb)


@dataclass(frozen=True)
class NeighbourhoodChange:
    """Per text i: near_a[i] and near_b[i], its k nearest other texts under A and under B ((n, k), best first, ties
    to the lower index), and jaccard[i] = |near_a[i] ∩ near_b[i]| / |near_a[i] ∪ near_b[i]|."""

    near_a: np.ndarray
    near_b: np.ndarray
    jaccard: np.ndarray

    @property
    def k(self) -> int:
        return self.near_a.shape[1]

    def most_changed(self) -> np.ndarray:
        """Every text's index, lowest Jaccard first (ties: lower index first)."""
        return np.argsort(self.jaccard, kind="stable")


def neighbourhood_change(a: np.ndarray, b: np.ndarray, k: int = 10) -> NeighbourhoodChange:
    """The Jaccard overlap ``neighbour_overlap`` gives, with the neighbours themselves, so that a view can list what
    changed for the texts the two models see most differently (k is lowered to n - 1 for small sets)."""
    _check_pair(a, b, min_rows=2)
    k = min(k, len(a) - 1)
    near_a, near_b = _nearest(a, k), _nearest(b, k)
    # Each row holds k distinct indices, so |∩| counts A's neighbours found in B's row and |∪| = 2k - |∩|.
    shared = (near_a[:, :, None] == near_b[:, None, :]).sum(axis=(1, 2))
    return NeighbourhoodChange(near_a, near_b, shared / (2 * k - shared))
