"""Keywords that characterise each cluster, by class-based TF-IDF (c-TF-IDF, as in BERTopic).

Each cluster is treated as one document (its texts concatenated); a term scores high when it is frequent
in that cluster and rare across clusters: w(t, c) = tf(t, c) / |c| * log(1 + A / f(t)), with |c| the words
in cluster c, A the average words per cluster and f(t) the count of t over all clusters.

Tokens are script-aware so that multilingual corpora work: words are runs of Unicode letters, marks and
digits (so Devanagari or Arabic words with combining marks stay whole); scripts written without spaces
(Han, kana, Thai, Lao, Khmer, Myanmar) yield overlapping character bigrams, a standard segmentation-free
stand-in for words.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import regex
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
from sklearn.preprocessing import normalize

from harrier_explorer.errors import InputError

_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]+")
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")


def tokenize(text: str, stop_words: Collection[str] = ENGLISH_STOP_WORDS) -> list[str]:
    """Lower-cased words (2+ characters, not stop words) plus character bigrams of unspaced scripts."""
    text = text.lower()
    tokens = []
    for run in _UNSPACED.findall(text):
        # A lone character (e.g. one kanji between kana-free words) is kept as itself.
        tokens.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    # Single letters of spaced scripts are mostly initials and articles, hence the 2-character minimum.
    words = _WORD.findall(_UNSPACED.sub(" ", text))
    tokens.extend(word for word in words if len(word) > 1 and word not in stop_words)
    return tokens


def cluster_keywords(
    texts: Sequence[str],
    labels: Sequence[int] | np.ndarray,
    top_n: int = 10,
    stop_words: Collection[str] = ENGLISH_STOP_WORDS,
) -> dict[int, list[tuple[str, float]]]:
    """Top c-TF-IDF terms of every cluster.

    Args:
        texts: one text per point.
        labels: cluster of each point (the noise label -1, if present, is treated as one more class).
        top_n: terms per cluster.
        stop_words: dropped words (default sklearn's English list; c-TF-IDF's idf also damps words that
            are common in every cluster, whatever the language).

    Returns:
        cluster label -> up to top_n (term, weight) pairs, highest weight first; terms of weight 0 omitted.
    """
    labels = np.asarray(labels)
    if len(texts) != len(labels):
        raise InputError(f"Got {len(texts)} texts but {len(labels)} cluster labels.")
    vectorizer = CountVectorizer(analyzer=lambda text: tokenize(text, stop_words))
    try:
        counts = vectorizer.fit_transform(texts)  # counts[i, t] = occurrences of term t in text i
    except ValueError as error:  # sklearn's "empty vocabulary": nothing but stop words or punctuation
        raise InputError("No keywords: the texts contain no words besides stop words.") from error
    classes, class_of_text = np.unique(labels, return_inverse=True)
    n = len(labels)
    membership = csr_matrix((np.ones(n), (class_of_text, np.arange(n))), shape=(len(classes), n))
    class_counts = (membership @ counts).toarray()  # class_counts[c, t] = count of term t in cluster c
    weights = _c_tf_idf(class_counts)
    terms = vectorizer.get_feature_names_out()
    keywords = {}
    for label, row in zip(classes.tolist(), weights, strict=True):
        # Stable sort of the negated weights: equal weights keep alphabetical order (the vocabulary's order).
        best = np.argsort(-row, kind="stable")[:top_n]
        keywords[label] = [(str(terms[t]), float(row[t])) for t in best if row[t] > 0]
    return keywords


def _c_tf_idf(class_counts: np.ndarray) -> np.ndarray:
    """weights[c, t] = class_counts[c, t] / words in c * log(1 + average words per class / count of t overall)."""
    tf = normalize(class_counts, norm="l1")
    average_words = class_counts.sum() / len(class_counts)
    idf = np.log1p(average_words / class_counts.sum(axis=0))
    return tf * idf
