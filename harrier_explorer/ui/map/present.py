"""What the Cluster map tab says: the summary, the "topic or language?" reading and the picked point's heading,
with user text (instructions, file names, document text) escaped for Markdown."""

from __future__ import annotations

from collections.abc import Sequence

from harrier_explorer.analysis.label_agreement import TopicOrLanguage
from harrier_explorer.analysis.map_report import AgreementReport, cluster_name
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.inputs.parsing import TextRecord
from harrier_explorer.ui.common import markdown_text


def summary(instruction: str, prompt: str, encoded_summary: str, notes: Sequence[str]) -> str:
    """What was embedded (role, instruction and the exact prompt it became, from cache or not) and every note."""
    lines = [f"**Documents** (role symmetric, instruction {markdown_text(instruction)} → prompt "
             f"{markdown_text(repr(prompt))}): {encoded_summary}"]
    return "  \n".join(lines + [f"_{markdown_text(note)}_" for note in notes])


def topic_or_language_sentence(result: TopicOrLanguage) -> str:
    """Plain-language reading of `topic_or_language`: do neighbours share the label or the language, beyond chance?"""
    topic_gain = result.topic.neighbour_share - result.topic.chance_share
    language_gain = result.language.neighbour_share - result.language.chance_share
    winner = "topic (label)" if topic_gain >= language_gain else "language"
    return (f"Points group by **{winner}**: among each point's {result.topic.k} nearest neighbours, "
            f"{result.topic.neighbour_share:.0%} share its label (chance {result.topic.chance_share:.0%}) and "
            f"{result.language.neighbour_share:.0%} share its language (chance {result.language.chance_share:.0%}).")


def reading(report: AgreementReport) -> str:
    """The topic-or-language sentence when labels and several languages are known, else why there is none."""
    if report.topic_or_language:
        return topic_or_language_sentence(report.topic_or_language)
    return "" if len(report.table) else "_No labels and a single language: nothing to compare the clusters with._"


def picked_heading(index: int, cluster: int, record: TextRecord) -> str:
    """The picked point: its number, cluster, file and text."""
    return (f"**Point #{index}** ({cluster_name(cluster)}, {markdown_text(record.source)}): "
            f"{markdown_text(snippet(record.text, 300))}")
