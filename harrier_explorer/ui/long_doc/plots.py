"""The Long documents tab's figure: the query's cosine to each chunk along the document's tokens, with the
whole-document cosine and the model's limit."""

from __future__ import annotations

import plotly.graph_objects as go

from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.ui.common import failsafe_plot
from harrier_explorer.workflows.long_document import LongDocument


@failsafe_plot
def along_figure(out: LongDocument) -> go.Figure:
    r = out.reading
    middles = (r.starts + r.ends) / 2
    hover = [f"chunk {i + 1}: tokens {s:,}–{e:,}<br>cosine {c:.3f}<br>{snippet(t.text, 90)}"
             for i, (s, e, c, t) in enumerate(zip(r.starts, r.ends, r.cosines, out.chunks, strict=True))]
    fig = go.Figure(go.Scatter(x=middles, y=r.cosines, mode="lines+markers", name="query · chunk",
                               hovertext=hover, hoverinfo="text"))
    fig.add_hline(y=r.whole, line_dash="dash", annotation_text=f"whole document {r.whole:.3f}",
                  annotation_position="bottom right")
    if r.read_tokens is not None:
        fig.add_vline(x=r.read_tokens, line_dash="dot", line_color="grey",
                      annotation_text=f"the model stops reading (token {r.read_tokens:,})")
    best = r.best
    fig.add_trace(go.Scatter(x=[middles[best]], y=[r.cosines[best]], mode="markers", name="best chunk",
                             marker={"size": 14, "symbol": "star", "color": "#f5a623"}, hoverinfo="skip"))
    fig.update_layout(title="Cosine to the query along the document", height=360, margin={"t": 50, "b": 40},
                      xaxis_title="token position in the document", yaxis_title="cosine",
                      legend={"orientation": "h", "y": -0.25})
    return fig
