"""Cross-lingual similarity search: rank a corpus for several queries and compare the rankings.

Backs the search tab. It answers "which documents does each query find?", "do translations of one question find the
same documents?" (translation parity) and "does the model prefer documents in the query's own language?"
(same-language bias). Inputs are L2-normalised embeddings, so the score of a document is its cosine with the query.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from harrier_explorer.analysis.rank_agreement import kendall_tau_of_union, overlap_at_k
from harrier_explorer.analysis.similarity import cosine_matrix, top_k
from harrier_explorer.errors import InputError


@dataclass(frozen=True)
class Hits:
    """Top hits of one query, best first: the document at rank r (1-based) is doc_indices[r - 1].

    Equal scores are ordered by the lower document index.
    """

    doc_indices: np.ndarray  # (k,) int, indices into the corpus
    scores: np.ndarray  # (k,) float32, scores[r] = cos(query, corpus[doc_indices[r]])


@dataclass(frozen=True)
class SearchResult:
    """Every query's scores against the whole corpus, and its top-k."""

    scores: np.ndarray  # (q, n): scores[i, j] = cos(queries[i], corpus[j])
    hits: tuple[Hits, ...]  # one per query
    k: int  # requested k clamped to the corpus size


@dataclass(frozen=True)
class ParityPair:
    """How similarly two queries rank the corpus."""

    a: int  # query index
    b: int  # query index, a < b
    overlap: float  # |top_k(a) ∩ top_k(b)| / k
    kendall_tau: float  # Kendall tau-b over the union of both top-k (NaN when undefined, e.g. a 1-document union)


@dataclass(frozen=True)
class LanguageBias:
    """Share of a query's top-k written in its own language, against that language's share of the corpus."""

    language: str
    top_k_share: float
    corpus_share: float
    ratio: float  # top_k_share / corpus_share; > 1 means over-represented; NaN when the language is absent


@dataclass(frozen=True)
class ScoreDistribution:
    """Data for a histogram of one query's scores, with the score of its k-th hit marked."""

    scores: np.ndarray  # (n,) score of every document
    cutoff: float  # score of the k-th hit: documents at or above it (ties aside) are in the top-k


def search(queries: np.ndarray, corpus: np.ndarray, k: int = 10) -> SearchResult:
    """Rank the corpus for each query by cosine similarity.

    Args:
        queries: (q, d) L2-normalised query embeddings.
        corpus: (n, d) L2-normalised document embeddings.
        k: hits kept per query; clamped to n.
    """
    scores = cosine_matrix(queries, corpus)
    indices, values = top_k(scores, k)
    hits = tuple(Hits(doc_indices=i, scores=v) for i, v in zip(indices, values, strict=True))
    return SearchResult(scores=scores, hits=hits, k=indices.shape[1])


def hits_frame(result: SearchResult, doc_languages: Sequence[str] | None = None) -> pd.DataFrame:
    """Long table of every query's hits: columns query, rank (1-based), doc, score [, language]."""
    rows = [
        {"query": q, "rank": r + 1, "doc": int(doc), "score": float(score)}
        for q, hits in enumerate(result.hits)
        for r, (doc, score) in enumerate(zip(hits.doc_indices, hits.scores, strict=True))
    ]
    frame = pd.DataFrame(rows, columns=["query", "rank", "doc", "score"])
    if doc_languages is not None:
        frame["language"] = [doc_languages[d] for d in frame["doc"]]
    return frame


def translation_parity(result: SearchResult) -> tuple[ParityPair, ...]:
    """Compare the rankings of every pair of queries (typically one question in several languages).

    overlap@k = |A ∩ B| / k for the two top-k sets. The rank correlation is Kendall's tau-b between the two queries'
    scores over the union of their top-k (`rank_agreement.kendall_tau_of_union`): it looks only at documents that
    at least one query ranks highly (a whole-corpus correlation is dominated by the irrelevant tail), and every
    document in the union has a score under both queries, so no rank is imputed for a document missing from one list.
    """
    if len(result.hits) < 2:
        raise InputError(f"translation parity needs at least 2 queries, got {len(result.hits)}")
    pairs = []
    for a, b in itertools.combinations(range(len(result.hits)), 2):
        overlap = overlap_at_k(result.hits[a].doc_indices.tolist(), result.hits[b].doc_indices.tolist(), result.k)
        tau = kendall_tau_of_union(result.scores[a], result.scores[b], result.k)
        pairs.append(ParityPair(a=a, b=b, overlap=overlap, kendall_tau=tau))
    return tuple(pairs)


def hits_by_language(scores: np.ndarray, doc_languages: Sequence[str], k: int = 5) -> dict[str, Hits]:
    """Top-k of one query within each document language, languages in sorted order.

    Args:
        scores: (n,) one query's scores against the corpus (a row of SearchResult.scores).
        doc_languages: language code of each of the n documents.
        k: hits kept per language; clamped to that language's document count.
    """
    if len(doc_languages) != len(scores):
        raise InputError(f"got {len(doc_languages)} document languages for {len(scores)} documents")
    languages = np.asarray(doc_languages)
    by_language = {}
    for language in np.unique(languages):
        members = np.flatnonzero(languages == language)
        local, values = top_k(scores[members], k)
        by_language[str(language)] = Hits(doc_indices=members[local], scores=values)
    return by_language


def same_language_bias(hits: Hits, doc_languages: Sequence[str], query_language: str) -> LanguageBias:
    """How over-represented the query's language is among its hits, relative to the corpus."""
    languages = np.asarray(doc_languages)
    top_share = float(np.mean(languages[hits.doc_indices] == query_language))
    corpus_share = float(np.mean(languages == query_language))
    # An absent language has no "fair share" to compare against: the ratio is undefined, not 0 or infinite.
    ratio = top_share / corpus_share if corpus_share > 0 else float("nan")
    return LanguageBias(query_language, top_k_share=top_share, corpus_share=corpus_share, ratio=ratio)


def score_distribution(result: SearchResult, query: int) -> ScoreDistribution:
    """All scores of one query plus the k-th hit's score, for a histogram with the top-k cut drawn on it."""
    if not 0 <= query < len(result.hits):
        raise InputError(f"query index {query} is out of range (0..{len(result.hits) - 1})")
    return ScoreDistribution(scores=result.scores[query], cutoff=float(result.hits[query].scores[-1]))



def ranked_frame(hits: Hits, corpus: pd.DataFrame) -> pd.DataFrame:
    """One query's hits for display: rank (1-based), score, then the hit's row of `corpus` (text, language, id …).

    Args:
        hits: the query's hits.
        corpus: one row per corpus document, in corpus order; its columns are copied for each hit.
    """
    frame = corpus.iloc[hits.doc_indices].reset_index(drop=True)
    frame.insert(0, "score", hits.scores.astype(float))
    frame.insert(0, "rank", np.arange(1, len(hits.doc_indices) + 1))
    return frame


def parity_frame(pairs: Sequence[ParityPair], query_names: Sequence[str]) -> pd.DataFrame:
    """Translation parity as a table: query A, query B, overlap@k, Kendall tau (over the union of both top-k)."""
    return pd.DataFrame([(query_names[p.a], query_names[p.b], p.overlap, p.kendall_tau) for p in pairs],
                        columns=["query A", "query B", "overlap@k", "Kendall tau"])


def language_hits_frame(result: SearchResult, doc_languages: Sequence[str], corpus: pd.DataFrame,
                        query_names: Sequence[str], k: int = 3) -> pd.DataFrame:
    """Each query's top-k within each document language: query, language, rank, score, then the corpus columns."""
    parts = []
    for q, name in enumerate(query_names):
        for language, hits in hits_by_language(result.scores[q], doc_languages, k).items():
            part = ranked_frame(hits, corpus.drop(columns=["language"], errors="ignore"))
            part.insert(0, "language", language)
            part.insert(0, "query", name)
            parts.append(part)
    return pd.concat(parts, ignore_index=True)


def bias_frame(result: SearchResult, doc_languages: Sequence[str], query_languages: Sequence[str],
               query_names: Sequence[str]) -> pd.DataFrame:
    """Same-language bias of every query: query, language, top-k share, corpus share, ratio."""
    rows = []
    for hits, language, name in zip(result.hits, query_languages, query_names, strict=True):
        bias = same_language_bias(hits, doc_languages, language)
        rows.append((name, language, bias.top_k_share, bias.corpus_share, bias.ratio))
    return pd.DataFrame(rows, columns=["query", "language", "top-k share", "corpus share", "ratio"])


def results_frame(result: SearchResult, corpus: pd.DataFrame, query_texts: Sequence[str]) -> pd.DataFrame:
    """Every query's hits in one long table for export: query number (1-based), query, rank, score, corpus columns."""
    parts = []
    for q, text in enumerate(query_texts):
        part = ranked_frame(result.hits[q], corpus)
        part.insert(0, "query", text)
        part.insert(0, "query #", q + 1)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
