"""Keywords that characterise each cluster, by class-based TF-IDF (c-TF-IDF, as in BERTopic).

Each cluster is treated as one document (its texts concatenated); a term scores high when it is frequent
in that cluster and rare across clusters: w(t, c) = tf(t, c) / |c| * log(1 + A / f(t)), with |c| the words
in cluster c, A the average words per cluster and f(t) the count of t over all clusters.

Tokens are script-aware so that multilingual corpora work: words are runs of Unicode letters, marks and
digits (so Devanagari or Arabic words with combining marks stay whole); scripts written without spaces yield
overlapping character bigrams of their Han, Thai, Lao, Khmer or Myanmar runs, a standard segmentation-free stand-in
for words, and whole katakana runs (Japanese loanwords: サッカー). Hiragana (Japanese inflections and particles)
and the commonest Chinese particles (的, 了, 是 …) break runs instead of joining bigrams, which would otherwise be
the top "words" of every Chinese or Japanese cluster.

Stop words come from stopwords-iso (the `stopwordsiso` wheel ships its lists: no download) for the text's
language, plus sklearn's English list for every language. Keywords are ranked per language (`keywords_by_language`):
c-TF-IDF among one language's texts, so that a cross-lingual cluster reads "football / fußball / 足球" instead of
its largest language's words.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Collection, Sequence

import numpy as np
import regex
import stopwordsiso
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
from sklearn.preprocessing import normalize

from harrier_explorer.errors import InputError

_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}ー\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]+")
#: Pieces of an unspaced run: a katakana word (with its long-vowel marks), or a run of one other script; hiragana
#: and the particles below are left out, so they split the run.
_PIECES = regex.compile(r"[\p{Katakana}ー]+|[^\p{Katakana}ー\p{Hiragana}的了是在和与]+")
_KATAKANA = regex.compile(r"[\p{Katakana}ー]+")
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
#: Longest stop word looked for inside unspaced text (stopwords-iso's Chinese and Japanese ones have at most 4
#: characters, bar one; Thai ones up to 9).
_LONGEST_STOP_WORD = 9
#: A language needs this share of a cluster's texts for its own keywords there (fewer are strays, not a theme).
MIN_LANGUAGE_SHARE = 0.1


@functools.cache
def stop_words(language: str | None) -> frozenset[str]:
    """sklearn's English stop words plus stopwords-iso's list for an ISO 639-1 code (none for "und" or unknown).

    English keeps sklearn's list alone: stopwords-iso's English list also drops content words ("world", "research",
    "state")."""
    extra = stopwordsiso.stopwords(language) if language and language != "en" else set()
    return frozenset(ENGLISH_STOP_WORDS | extra)


def tokenize(text: str, stop_words: Collection[str] = ENGLISH_STOP_WORDS) -> list[str]:
    """Lower-cased words (2+ characters, not stop words) plus character bigrams of unspaced scripts and katakana
    words; no bigram is, or straddles, a stop word of two or more characters."""
    text = text.lower()
    tokens = []
    for piece in (piece for run in _UNSPACED.findall(text) for piece in _PIECES.findall(run)):
        if _KATAKANA.fullmatch(piece):
            tokens.extend([piece] if len(piece) > 1 and piece not in stop_words else [])
            continue
        for part in _between_stop_words(piece, stop_words):  # a lone character (one kanji between kana) is itself
            grams = [part] if len(part) == 1 else [part[i : i + 2] for i in range(len(part) - 1)]
            tokens.extend(gram for gram in grams if gram not in stop_words)
    # Single letters of spaced scripts are mostly initials and articles, hence the 2-character minimum.
    words = _WORD.findall(_UNSPACED.sub(" ", text))
    tokens.extend(word for word in words if len(word) > 1 and word not in stop_words)
    return tokens


def _between_stop_words(piece: str, stop_words: Collection[str]) -> list[str]:
    """The parts of an unspaced piece between its stop words of two or more characters (longest match first), so
    that no bigram straddles a stop word ("我们可以" leaves no "们可"). Single-character stop words do not split:
    in Chinese they are also halves of content words (上海, 大学)."""
    parts, start, i = [], 0, 0
    while i < len(piece):
        length = next((n for n in range(min(_LONGEST_STOP_WORD, len(piece) - i), 1, -1)
                       if piece[i : i + n] in stop_words), 0)
        if length:
            parts.append(piece[start:i])
            start = i = i + length
        else:
            i += 1
    return [part for part in [*parts, piece[start:]] if part]


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


def keywords_by_language(
    texts: Sequence[str],
    labels: Sequence[int] | np.ndarray,
    languages: Sequence[str],
    top_n: int = 10,
) -> dict[int, dict[str, list[tuple[str, float]]]]:
    """Top c-TF-IDF terms of every cluster in each of its languages.

    Each language's texts are scored among themselves (their clusters as the classes, that language's stop words),
    so every language's function words are damped by its own idf. A language appears in a cluster when it has at
    least MIN_LANGUAGE_SHARE of the cluster's texts (and always when it is the cluster's largest).

    Returns:
        cluster label -> {language: up to top_n (term, weight) pairs}, languages in order of their texts in the
        cluster, most first (ties: the cluster's first text first); a language whose texts hold no words besides
        stop words is left out.
    """
    labels, codes = np.asarray(labels), np.asarray(languages, dtype=object)
    if not len(texts) == len(labels) == len(codes):
        raise InputError(f"Got {len(texts)} texts, {len(labels)} cluster labels and {len(codes)} languages.")
    by_language = {}
    for language in dict.fromkeys(codes.tolist()):
        mask = codes == language
        try:
            by_language[language] = cluster_keywords([t for t, m in zip(texts, mask) if m], labels[mask], top_n,
                                                     stop_words(language))
        except InputError:  # only stop words in this language
            continue
    keywords = {}
    for label in np.unique(labels).tolist():
        members = codes[labels == label]
        ranked = Counter(members.tolist()).most_common()  # ties in the order the languages first appear
        keywords[label] = {language: by_language[language][label] for n, (language, count) in enumerate(ranked)
                           if (n == 0 or count >= MIN_LANGUAGE_SHARE * len(members))
                           and by_language.get(language, {}).get(label)}
    return keywords


def _c_tf_idf(class_counts: np.ndarray) -> np.ndarray:
    """weights[c, t] = class_counts[c, t] / words in c * log(1 + average words per class / count of t overall)."""
    tf = normalize(class_counts, norm="l1")
    average_words = class_counts.sum() / len(class_counts)
    idf = np.log1p(average_words / class_counts.sum(axis=0))
    return tf * idf
