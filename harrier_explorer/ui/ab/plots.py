"""Plotly figures of the Instruction A/B tab: the score-distribution shift and the instruction × query sweep heatmap.

Plotly renders tags in labels and hover text, so user text (instructions, query texts and ids) is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from harrier_explorer.analysis.ab_test import ScoreShift
from harrier_explorer.analysis.instruction_sweep import SweepResult
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.ui.ab.present import query_name
from harrier_explorer.ui.common import failsafe_plot, scatter_type

COLOURS = {"A": "#2563eb", "B": "#ea580c"}


@failsafe_plot
def score_shift_figure(shift: ScoreShift, k: int, query_ids: Sequence[str]) -> go.Figure:
    """Left: histograms of the top-k scores under A and B; right: top-1 score per query, A vs B (y = x dashed)."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(f"Top-{k} scores of every query", "Top-1 score per query"))
    for side, values in (("A", shift.topk_a), ("B", shift.topk_b)):
        fig.add_trace(go.Histogram(x=values.ravel(), name=f"{side} top-{k}", opacity=0.6, nbinsx=40,
                                   marker_color=COLOURS[side]), row=1, col=1)
    low = float(min(shift.top1_a.min(), shift.top1_b.min()))
    high = float(max(shift.top1_a.max(), shift.top1_b.max()))
    fig.add_trace(go.Scatter(x=[low, high], y=[low, high], mode="lines", line={"dash": "dash", "color": "#888"},
                             name="B = A", hoverinfo="skip"), row=1, col=2)
    fig.add_trace(scatter_type(len(shift.top1_a))(
        x=shift.top1_a, y=shift.top1_b, mode="markers", name="queries", marker={"color": "#0f766e", "size": 7},
        text=[f"{query_name(i)} · {html.escape(qid)}" for i, qid in enumerate(query_ids)],
        hovertemplate="%{text}<br>A %{x:.3f} → B %{y:.3f}<extra></extra>"), row=1, col=2)
    fig.update_layout(barmode="overlay", height=360, margin={"t": 40, "b": 40, "l": 50, "r": 20},
                      legend={"orientation": "h", "y": -0.2},
                      title_text=f"Mean top-1: A {shift.mean_top1_a:.3f} → B {shift.mean_top1_b:.3f}", title_x=0.5)
    fig.update_xaxes(title_text="cosine", row=1, col=1)
    fig.update_xaxes(title_text="top-1 under A", row=1, col=2)
    fig.update_yaxes(title_text="count", row=1, col=1)
    fig.update_yaxes(title_text="top-1 under B", row=1, col=2)
    return fig


@failsafe_plot
def sweep_heatmap(result: SweepResult, metric_label: str, query_texts: Sequence[str]) -> go.Figure:
    """Instruction × query heatmap of the sweep metric; hover shows the query text; a mean column sorts rows."""
    values = result.values
    query_ids = list(values.columns)
    means = values.mean(axis=1, skipna=True)
    z = values.to_numpy(dtype=float)
    rows = [f"{html.escape(snippet(label, 60))}  (mean {mean:.3f})" for label, mean in means.items()]
    columns = [query_name(i) for i in range(len(query_ids))]
    hover = [[html.escape(f"{qid}: {snippet(t, 90)}") for qid, t in zip(query_ids, query_texts, strict=True)]
             for _ in rows]
    show_values = z.size <= 200
    fig = go.Figure(go.Heatmap(z=z, x=columns, y=rows, colorscale="Viridis", zmin=0, zmax=1, customdata=hover,
                               texttemplate="%{z:.2f}" if show_values else None,
                               hovertemplate="%{y}<br>%{x} = %{customdata}<br>" + metric_label
                               + " = %{z:.3f}<extra></extra>", colorbar={"title": {"text": metric_label}}))
    fig.update_layout(height=max(320, 140 + 48 * len(rows)), margin={"t": 40, "b": 40, "l": 20, "r": 20},
                      xaxis={"title": "query (hover for its text)", "showticklabels": len(query_ids) <= 80},
                      yaxis={"autorange": "reversed", "automargin": True},
                      title_text=f"{metric_label} per instruction and query", title_x=0.5)
    return fig
