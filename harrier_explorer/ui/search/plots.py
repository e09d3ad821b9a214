"""Figures of the cross-lingual search tab: same-language bias per query and score distributions with the top-k cut."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from harrier_explorer.analysis.search import SearchResult, score_distribution
from harrier_explorer.ui.common import failsafe_plot

COLOURS = qualitative.Plotly


@failsafe_plot
def bias_figure(bias: pd.DataFrame) -> go.Figure:
    """Grouped bars per query: share of its top-k in its own language next to that language's corpus share."""
    fig = go.Figure([
        go.Bar(name="share of top-k in the query's language", x=bias["query"], y=bias["top-k share"],
               text=[f"{v:.0%}" for v in bias["top-k share"]], textposition="outside"),
        go.Bar(name="that language's share of the corpus", x=bias["query"], y=bias["corpus share"],
               text=[f"{v:.0%}" for v in bias["corpus share"]], textposition="outside"),
    ])
    fig.update_layout(title="Same-language bias", barmode="group", height=340, yaxis_tickformat=".0%",
                      yaxis_range=[0, 1.15], legend={"orientation": "h", "y": -0.2}, margin={"t": 50, "b": 10})
    return fig


@failsafe_plot
def distribution_figure(result: SearchResult, names: Sequence[str]) -> go.Figure:
    """One histogram of scores per query, overlaid, with a dashed line at each query's k-th hit."""
    fig = go.Figure()
    for q, name in enumerate(names):
        dist = score_distribution(result, q)
        colour = COLOURS[q % len(COLOURS)]
        fig.add_trace(go.Histogram(x=dist.scores, name=name, opacity=0.55, marker_color=colour, nbinsx=40))
        fig.add_vline(x=dist.cutoff, line_dash="dash", line_color=colour)
    fig.update_layout(title=f"Score distribution (dashed: each query's top-{result.k} cut)", barmode="overlay",
                      height=340,
                      xaxis_title="cosine", yaxis_title="documents", legend={"orientation": "h", "y": -0.25},
                      margin={"t": 50, "b": 10})
    return fig
