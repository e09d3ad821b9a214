"""map_report: keywords, agreement with labels and languages, export table, neighbours, point lookup; snippets; the
map tab's topic-or-language sentence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from harrier_explorer.analysis import map_report
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.errors import InputError
from harrier_explorer.ui.map.present import topic_or_language_sentence


def blobs():
    """Two tight groups by topic; language alternates, so topic explains the neighbours and language doesn't."""
    rng = np.random.default_rng(0)
    centres = np.eye(6)[:2]
    x = np.repeat(centres, 10, axis=0) + 0.05 * rng.standard_normal((20, 6))
    return x / np.linalg.norm(x, axis=1, keepdims=True), ["sport"] * 10 + ["food"] * 10, ["en", "de"] * 10


def test_agreement_report_topic_beats_language():
    x, labels, langs = blobs()
    clusters = np.array([0] * 10 + [1] * 10)
    report = map_report.agreement_report(x, clusters, labels, langs)
    table = report.table.set_index("grouping")
    assert table.loc["labels", "kNN accuracy"] == 1.0 and table.loc["labels", "V-measure (clusters)"] == 1.0
    assert table.loc["languages", "ARI (clusters)"] < 0.1
    assert topic_or_language_sentence(report.topic_or_language).startswith("Points group by **topic")


def test_agreement_report_skips_what_cannot_be_scored():
    x, labels, _ = blobs()
    report = map_report.agreement_report(x, np.zeros(20, int), ["only"] * 20, ["en"] * 20)
    assert report.table.empty and "can't be scored" in report.notes[0] and report.topic_or_language is None
    partial = map_report.agreement_report(x, np.zeros(20, int), labels[:18] + [None, None], ["en"] * 20)
    assert partial.table.loc[0, "points"] == 18 and "2 points have no label" in partial.notes[0]


def test_keywords_and_points_tables():
    texts = ["football match goal"] * 3 + ["pasta sauce recipe"] * 3
    clusters = np.array([0, 0, 0, 1, 1, -1])
    table = map_report.keywords_table(texts, clusters, ["en"] * 6)
    assert list(table["cluster"]) == ["cluster 0", "cluster 1", "noise"]
    assert table.loc[0, "keywords (c-TF-IDF)"].startswith("football") and table.loc[0, "top term per language"]
    mixed = map_report.keywords_table(["football match", "Fußball Spiel", "pasta sauce", "Pasta Soße"],
                                      np.array([0, 0, 1, 1]), ["en", "de", "en", "de"], top_n=4)
    assert mixed.loc[0, "top term per language"] == "football / fußball"
    assert mixed.loc[0, "keywords (c-TF-IDF)"] == "en: football, match · de: fußball, spiel"
    points = map_report.points_table(texts, np.zeros((6, 3)), clusters, [None] * 6, ["en"] * 6, ["f.txt"] * 6)
    assert list(points.columns) == ["point", "text", "x", "y", "z", "cluster", "label", "language", "source"]
    assert points.loc[5, "cluster"] == "noise"


def test_neighbours_table_and_find_point():
    table = map_report.neighbours_table(np.array([2, 0]), np.array([0.9, 0.5]), ["a", "b", "c"], np.array([0, 1, 1]),
                                        ["x", None, "z"], ["f", "f", "g"])
    assert list(table["point"]) == [2, 0] and list(table["label"]) == ["z", "x"]
    texts = ["Red apple", "Green pear", "COVID-19 cases"]
    assert map_report.find_point("1", texts) == 1 and map_report.find_point("#0", texts) == 0
    assert map_report.find_point("PEAR", texts) == 1
    for bad, message in (("", "Type a point"), ("7", "no point 7"), ("-1", "no point -1"), ("plum", "No point has")):
        with pytest.raises(InputError, match=message):
            map_report.find_point(bad, texts)


def test_snippet():
    assert snippet("a  b\nc") == "a b c"
    assert snippet("x" * 10, 5) == "xxxx…"


def test_region_names_are_the_top_terms_and_anchors_sit_on_a_member_near_the_median():
    keywords = pd.DataFrame({"cluster": ["cluster 0", "cluster 1", "noise"], "size": [3, 2, 1],
                             "top term per language": ["football / fußball", "–", "rain"], "keywords (c-TF-IDF)": "x"})
    assert map_report.region_names(keywords) == {"cluster 0": "football / fußball"}  # none without terms, or noise
    many = pd.DataFrame({"cluster": [f"cluster {c}" for c in range(5)], "size": [2, 9, 4, 9, 1],
                         "top term per language": list("abcde"), "keywords (c-TF-IDF)": "x"})
    assert map_report.region_names(many, most=3) == {"cluster 1": "b", "cluster 3": "d", "cluster 2": "c"}  # largest
    # A crescent: its median (0, 0.2) lies off the points; the anchor is the member nearest to it.
    coords = np.array([[-1.0, 0.0], [-0.5, 0.8], [0.0, 1.0], [0.5, 0.8], [1.0, 0.0], [5.0, 5.0], [9.0, 9.0]])
    clusters = np.array([0, 0, 0, 0, 0, 1, -1])
    anchors = map_report.region_anchors(coords, clusters)
    assert set(anchors) == {"cluster 0", "cluster 1"}
    median = np.median(coords[:5], axis=0)
    nearest = min(coords[:5].tolist(), key=lambda p: (p[0] - median[0]) ** 2 + (p[1] - median[1]) ** 2)
    assert anchors["cluster 0"].tolist() == nearest and anchors["cluster 1"].tolist() == [5.0, 5.0]
