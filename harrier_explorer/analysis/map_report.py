"""Tables for the cluster map: points, cluster keywords, neighbours, and agreement with labels and languages.

Pure functions over `clusters`, `cluster_keywords`, `label_agreement` and `projection` results (no model, no UI),
shared by the Cluster map tab and benchmarks/clustering.py so that both report the same figures. The tab's
sentences are made in ui/map.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from harrier_explorer.analysis.cluster_keywords import keywords_by_language
from harrier_explorer.analysis.clusters import NOISE
from harrier_explorer.analysis.label_agreement import (
    SAMPLE,
    LabelAgreement,
    TopicOrLanguage,
    cluster_label_match,
    label_agreement,
    scored_neighbours,
)
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.errors import InputError

AGREEMENT_COLUMNS = ["grouping", "points", "classes", "silhouette", "kNN accuracy", "same-class neighbours",
                     "chance share", "V-measure (clusters)", "ARI (clusters)"]
#: The most clusters named on the map, the largest: HDBSCAN can find hundreds in a big map, whose names would cover
#: it (the keywords table lists them all).
REGION_NAMES = 30


@dataclass(frozen=True)
class AgreementReport:
    """The agreement table (one row per labelling: labels, and languages when several) and remarks for the user."""

    table: pd.DataFrame
    notes: tuple[str, ...]
    topic_or_language: TopicOrLanguage | None = None


def cluster_name(label: int) -> str:
    """Display name of a cluster label ("noise" for HDBSCAN outliers)."""
    return "noise" if label == NOISE else f"cluster {label}"


def keywords_table(texts: Sequence[str], clusters: np.ndarray, languages: Sequence[str],
                   top_n: int = 8) -> pd.DataFrame:
    """One row per cluster, largest first: cluster, size, its top term in each of its languages ("football /
    fußball / 足球") and its top c-TF-IDF keywords per language ("en: …  · de: …"; with one language, just the
    keywords)."""
    several = len(set(languages)) > 1
    try:
        keywords = keywords_by_language(texts, clusters, languages, top_n // 2 if several else top_n)
    except InputError:
        keywords = {}
    labels, sizes = np.unique(clusters, return_counts=True)
    rows = []
    for label, size in sorted(zip(labels.tolist(), sizes.tolist(), strict=True), key=lambda pair: -pair[1]):
        found = keywords.get(label, {})
        lists = {language: ", ".join(term for term, _ in terms) for language, terms in found.items()}
        rows.append([cluster_name(label), size, " / ".join(terms[0][0] for terms in found.values()) or "–",
                     " · ".join(f"{language}: {terms}" if several else terms for language, terms in lists.items())
                     or "–"])
    return pd.DataFrame(rows, columns=["cluster", "size", "top term per language", "keywords (c-TF-IDF)"])


def region_names(keywords: pd.DataFrame, most: int = REGION_NAMES) -> dict[str, str]:
    """Per cluster (its display name), the name written on its region of the map: its top term in each language
    ("football / fußball / 足球"), for the ``most`` largest clusters; clusters without keywords, and noise, get
    none."""
    named = keywords[(keywords["top term per language"] != "–") & (keywords["cluster"] != cluster_name(NOISE))]
    largest = named.sort_values("size", ascending=False, kind="stable").head(most)
    return dict(zip(largest["cluster"], largest["top term per language"], strict=True))


def region_anchors(coords: np.ndarray, clusters: np.ndarray) -> dict[str, np.ndarray]:
    """Per cluster (its display name), where to write its name: the member nearest the cluster's median. A plain
    median can fall between two lobes of a cluster, on none of its points."""
    anchors = {}
    for label in np.unique(clusters):
        if label == NOISE:
            continue
        members = coords[clusters == label]
        median = np.median(members, axis=0)
        anchors[cluster_name(int(label))] = members[np.argmin(((members - median) ** 2).sum(axis=1))]
    return anchors


def agreement_report(embeddings: np.ndarray, clusters: np.ndarray, labels: Sequence[str | None] | None,
                     languages: Sequence[str], k: int = 5) -> AgreementReport:
    """Silhouette, kNN label accuracy and V-measure / ARI of the clusters against the labels (points that have one)
    and against the languages (when there are several); with both, the topic-or-language comparison.

    Groupings that cannot be scored (one class, or as many classes as points) are skipped with a note.
    """
    notes: list[str] = []
    rows: list[list] = []
    agreements: dict[str, LabelAgreement] = {}
    groupings = []
    if labels is not None and any(labels):
        keep = np.array([bool(label) for label in labels])
        if not keep.all():
            notes.append(f"{int((~keep).sum())} points have no label and are left out of the label figures.")
        groupings.append(("labels", keep, np.asarray(labels, dtype=object)))
    if len(set(languages)) > 1:
        groupings.append(("languages", np.ones(len(languages), bool), np.asarray(languages, dtype=object)))
    searched: dict[bytes, np.ndarray] = {}  # the neighbours of each set of points: labels and languages share them
    for name, keep, values in groupings:
        points, classes, groups = embeddings[keep], values[keep].astype(str), clusters[keep]
        n_classes = len(set(classes))
        if not 2 <= n_classes <= len(points) - 1 or len(points) < 3:
            notes.append(f"The {name} can't be scored: {n_classes} distinct values among {len(points)} points.")
            continue
        k_points = min(k, len(points) - 1)
        if keep.tobytes() not in searched:
            searched[keep.tobytes()] = scored_neighbours(points, k_points)
        agreement = label_agreement(points, classes, k_points, searched[keep.tobytes()])
        if len(points) > SAMPLE:
            notes.append(f"The {name}' silhouette and neighbour figures are taken over a seeded sample of "
                         f"{SAMPLE:,} of the {len(points):,} points (V-measure and ARI over all of them).")
        match = cluster_label_match(groups, classes)
        agreements[name] = agreement
        rows.append([name, len(points), n_classes, agreement.silhouette, agreement.knn_accuracy,
                     agreement.neighbour_share, agreement.chance_share, match.v_measure, match.adjusted_rand])
    both = None
    if {"labels", "languages"} <= agreements.keys() and all(labels):
        # The same points under both labellings: exactly what `label_agreement.topic_or_language` computes.
        both = TopicOrLanguage(agreements["labels"], agreements["languages"])
    return AgreementReport(pd.DataFrame(rows, columns=AGREEMENT_COLUMNS), tuple(notes), both)


def views_table(report: AgreementReport, before: AgreementReport | None = None) -> pd.DataFrame:
    """The agreement table; with `before` (the raw embeddings, when the map is language-neutral) both, each row
    saying which vectors it scores."""
    if before is None:
        return report.table
    return pd.concat([before.table.assign(vectors="raw"), report.table.assign(vectors="language-neutral")],
                     ignore_index=True)[["vectors", *AGREEMENT_COLUMNS]]


def points_table(texts: Sequence[str], coords: np.ndarray, clusters: np.ndarray, labels: Sequence[str | None],
                 languages: Sequence[str], sources: Sequence[str]) -> pd.DataFrame:
    """The export table: one row per point with its text, layout coordinates, cluster, label, language and file."""
    table = pd.DataFrame({"point": np.arange(len(texts)), "text": list(texts)})
    for axis, values in zip("xyz", coords.T, strict=False):
        table[axis] = values
    table["cluster"] = [cluster_name(int(c)) for c in clusters]
    table["label"] = [label or "" for label in labels]
    table["language"] = list(languages)
    table["source"] = list(sources)
    return table


def neighbours_table(indices: np.ndarray, scores: np.ndarray, texts: Sequence[str], clusters: np.ndarray,
                     labels: Sequence[str | None], sources: Sequence[str], width: int = 160) -> pd.DataFrame:
    """Nearest neighbours (from `projection.nearest_neighbours`) as rows: point, cosine, cluster, label, file, text."""
    rows = [[int(i), float(s), cluster_name(int(clusters[i])), labels[i] or "", sources[i], snippet(texts[i], width)]
            for i, s in zip(indices, scores, strict=True)]
    return pd.DataFrame(rows, columns=["point", "cosine", "cluster", "label", "source", "text"])


def find_point(query: str | float | None, texts: Sequence[str]) -> int:
    """The point a user picked: a point number, or the first text containing the typed words (case-insensitive)."""
    value = str(query if query is not None else "").strip()
    if not value:
        raise InputError("Type a point number (shown when hovering a point) or some words of its text.")
    if re.fullmatch(r"#?[-+]?\d+", value):  # a number, even one out of range ("-1"), is not words of a text
        index = int(value.lstrip("#"))
        if not 0 <= index < len(texts):
            raise InputError(f"There is no point {index}: points are numbered 0 to {len(texts) - 1}.")
        return index
    needle = value.casefold()
    for index, text in enumerate(texts):
        if needle in text.casefold():
            return index
    raise InputError(f"No point has a text containing “{value}”.")
