"""What the Cluster map tab says: the summary, the "topic or language?" reading, the picked point's heading and, with
model B, B's line and the points whose neighbourhoods change most; user text (instructions, file names, document
text) escaped for Markdown."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from harrier_explorer.analysis.label_agreement import TopicOrLanguage
from harrier_explorer.analysis.map_report import AgreementReport, cluster_name
from harrier_explorer.analysis.model_compare import NeighbourhoodChange
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.inputs.parsing import TextRecord
from harrier_explorer.ui.common import markdown_text


def summary(instruction: str, prompt: str, encoded_summary: str, notes: Sequence[str], vectors_from: str = "") -> str:
    """What was embedded (role, instruction and the exact prompt it became, from cache or not) — or which file the
    vectors came from — and every note."""
    how = (f"vectors from {markdown_text(vectors_from)}, not embedded here" if vectors_from else
           f"role symmetric, instruction {markdown_text(instruction)} → prompt {markdown_text(repr(prompt))}")
    lines = [f"**Documents** ({how}): {encoded_summary}"]
    return "  \n".join(lines + [f"_{markdown_text(note)}_" for note in notes])


def topic_or_language_sentence(result: TopicOrLanguage) -> str:
    """Plain-language reading of `topic_or_language`: do neighbours share the label or the language, beyond chance?"""
    topic_gain = result.topic.neighbour_share - result.topic.chance_share
    language_gain = result.language.neighbour_share - result.language.chance_share
    winner = "topic (label)" if topic_gain >= language_gain else "language"
    return (f"Points group by **{winner}**: among each point's {result.topic.k} nearest neighbours, "
            f"{result.topic.neighbour_share:.0%} share its label (chance {result.topic.chance_share:.0%}) and "
            f"{result.language.neighbour_share:.0%} share its language (chance {result.language.chance_share:.0%}).")


def reading(report: AgreementReport, before: AgreementReport | None = None) -> str:
    """The topic-or-language sentence when labels and several languages are known, else why there is none; with
    `before` (the raw embeddings of a language-neutral map), the sentence before and after, and the clusters'
    V-measure against labels and languages in both."""
    if before is None:
        if report.topic_or_language:
            return topic_or_language_sentence(report.topic_or_language)
        return "" if len(report.table) else "_No labels and a single language: nothing to compare the clusters with._"
    lines = []
    for name, shown in (("Raw embeddings", before), ("Language-neutral view", report)):
        if shown.topic_or_language:
            lines.append(f"**{name}:** {topic_or_language_sentence(shown.topic_or_language)}")
    raw, neutral = (dict(zip(shown.table["grouping"], shown.table["V-measure (clusters)"], strict=True))
                    for shown in (before, report))
    changes = [f"{grouping} {raw[grouping]:.2f} → {neutral[grouping]:.2f}" for grouping in ("labels", "languages")
               if grouping in raw and grouping in neutral]
    if changes:
        lines.append("Removing each language's mean vector moved the clusters' V-measure against "
                     f"{' and against '.join(changes)} (1 = the clusters are exactly those groups).")
    return "  \n".join(lines)


def picked_heading(index: int, cluster: int, record: TextRecord, change: NeighbourhoodChange | None = None) -> str:
    """The picked point: its number, cluster, file and text; with model B, how many of its nearest neighbours the two
    models share."""
    heading = (f"**Point #{index}** ({cluster_name(cluster)}, {markdown_text(record.source)}): "
               f"{markdown_text(snippet(record.text, 300))}")
    if change is None:
        return heading
    shared = len(set(change.near_a[index].tolist()) & set(change.near_b[index].tolist()))
    return (f"{heading}  \nModels A and B share {shared} of its {change.k} nearest neighbours "
            f"(Jaccard {change.jaccard[index]:.2f}); each map rings its own model's.")


def model_b_fit(status: str, disparity: float, k: int) -> str:
    """Model B's line, and what its map shows: how far B's layout is from A's after turning it (Procrustes)."""
    return (f"{status} Its map is laid out with the same parameters and turned onto model A's (Procrustes, disparity "
            f"{disparity:.2f}: 0 is the same shape, 1 nothing in common), coloured by A's groups; "
            f"colouring by neighbour overlap compares each point's {k} nearest neighbours under A and B.")


def model_b_failed(ref: str, error: Exception) -> str:
    """Why there is no model B map: the model's message; model A's map is shown all the same."""
    return (f"**Model B ({markdown_text(ref)}) could not be used:** {markdown_text(str(error).rstrip('.'))}. "
            "Model A's map is shown alone.")


def changes_table(change: NeighbourhoodChange, texts: Sequence[str], rows: int) -> pd.DataFrame:
    """The points whose neighbourhoods change most from A to B, lowest Jaccard first: the text and its nearest
    neighbours (point numbers, nearest first) under each model."""
    order = change.most_changed()[:rows]
    return pd.DataFrame({
        "point": order, "Jaccard": change.jaccard[order].round(3),
        "text": [snippet(texts[i], 160) for i in order],
        f"{change.k} nearest under A": [", ".join(map(str, change.near_a[i].tolist())) for i in order],
        f"{change.k} nearest under B": [", ".join(map(str, change.near_b[i].tolist())) for i in order]})
