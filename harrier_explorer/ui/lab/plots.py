"""The Instruction lab's figure: each wording's metric against how far it moves the query embeddings from no
instruction — does a bigger move buy a better score? User text (instructions) is HTML-escaped: plotly renders tags."""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go

from harrier_explorer.analysis.instruction_lab import ALPHA, LabScores
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.ui.common import failsafe_plot
from harrier_explorer.ui.lab.present import metric_label

#: Marker colours: significantly better / worse than the baseline, the baseline, the rest.
COLOURS = {"better": "#15803d", "worse": "#b91c1c", "baseline": "#111827", "no difference": "#2563eb"}


@failsafe_plot
def gain_vs_shift(scores: LabScores, origins: Sequence[str], metric: str,
                  scores_b: LabScores | None = None) -> go.Figure:
    """One point per wording (numbered as in the table): x = 1 − mean cosine to the no-instruction query
    embeddings, y = the metric's mean with its 95% bootstrap interval; the baseline's mean dashed. Model B's
    wordings, if any, are open diamonds (each model's shift from its own no-instruction embeddings)."""
    t, name = scores.table, metric_label(metric)
    fig = go.Figure()
    for group in COLOURS:
        rows = [i for i, line in enumerate(t.index) if _group(scores, line) == group]
        if not rows:
            continue
        part = t.iloc[rows]
        hover = [f"#{i + 1} · {html.escape(origins[i])}<br>{html.escape(snippet(t.index[i], 90))}" for i in rows]
        fig.add_trace(go.Scatter(
            x=part["shift"], y=part["mean"], mode="markers+text", name=group, text=[f"#{i + 1}" for i in rows],
            textposition="top center", customdata=hover, marker={"size": 11, "color": COLOURS[group]},
            error_y={"type": "data", "symmetric": False, "array": part.ci_high - part["mean"],
                     "arrayminus": part["mean"] - part.ci_low, "thickness": 1.2},
            hovertemplate="%{customdata}<br>" + name + " %{y:.3f}, shift %{x:.4f}<extra></extra>"))
    fig.add_hline(y=float(t.loc[scores.baseline, "mean"]), line={"dash": "dash", "color": "#6b7280"})
    if scores_b is not None:
        tb = scores_b.table
        fig.add_trace(go.Scatter(
            x=tb["shift"], y=tb["mean"], mode="markers+text", name="model B",
            text=[f"B#{i + 1}" for i in range(len(tb))], textposition="bottom center",
            marker={"size": 10, "symbol": "diamond-open", "color": "#ea580c"},
            customdata=[html.escape(snippet(line, 90)) for line in tb.index],
            hovertemplate="model B · %{customdata}<br>" + name + " %{y:.3f}, shift %{x:.4f}<extra></extra>"))
    fig.update_layout(height=420, margin={"t": 50, "b": 50, "l": 60, "r": 20}, title_x=0.5,
                      title_text=f"{name} (95% interval) against the move of the query embeddings",
                      xaxis_title="embedding shift from no instruction (1 − mean cosine)", yaxis_title=name,
                      legend={"orientation": "h", "y": -0.18})
    return fig


def _group(scores: LabScores, line: str) -> str:
    if line == scores.baseline:
        return "baseline"
    row = scores.table.loc[line]
    if row.p_baseline < ALPHA:
        return "better" if row.diff_baseline > 0 else "worse"
    return "no difference"
