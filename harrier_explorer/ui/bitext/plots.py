"""Figures of the bitext tab: the score matrix (block-max downsampled when large) with the chosen pairs or the
alignment path drawn on it, and the histogram of pair scores with the threshold line."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from harrier_explorer.analysis.align import Alignment
from harrier_explorer.analysis.bitext import Matching, downsample_max
from harrier_explorer.ui.common import failsafe_plot

#: Largest side drawn cell by cell; a bigger matrix is shown as the maximum of square blocks.
MAX_HEATMAP_SIDE = 300


def _heatmap(matrix: np.ndarray, score: str) -> tuple[go.Figure, int]:
    """The matrix as a heatmap, rows (sources) down, columns (targets) across, in original indices."""
    shown, block = downsample_max(matrix, MAX_HEATMAP_SIDE)
    centre = (block - 1) / 2  # a block's cell sits at the middle of the original indices it covers
    fig = go.Figure(go.Heatmap(
        z=shown, x=np.arange(shown.shape[1]) * block + centre, y=np.arange(shown.shape[0]) * block + centre,
        colorscale="Viridis", colorbar={"title": score, "thickness": 12},
        hovertemplate="source %{y}, target %{x}: %{z:.3f}<extra></extra>" if block == 1 else
        f"{block}×{block} block around source %{{y:.0f}}, target %{{x:.0f}}: max %{{z:.3f}}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", title="source")
    fig.update_xaxes(title="target")
    fig.update_layout(height=460, margin={"t": 60, "l": 10, "r": 10, "b": 10}, legend={"orientation": "h", "y": 1.02})
    return fig, block


def _downsample_note(block: int) -> str:
    return f" (shown as the max of {block}×{block} blocks)" if block > 1 else ""


@failsafe_plot
def matrix_figure(matrix: np.ndarray, score: str, matching: Matching) -> go.Figure:
    """Heatmap of the scores with the chosen pairs marked (WebGL markers; white = matched, red = below threshold)."""
    fig, block = _heatmap(matrix, score)
    for flag, name, colour in ((True, "matched", "white"), (False, "below threshold", "red")):
        keep = matching.matched == flag
        if keep.any():
            marker = {"symbol": "circle-open", "color": colour, "size": 7 if block == 1 else 4}
            fig.add_trace(go.Scattergl(x=matching.tgt[keep], y=matching.src[keep], mode="markers", name=name,
                                       marker=marker))
    fig.update_layout(title=f"{score} of every pair{_downsample_note(block)}")
    return fig


@failsafe_plot
def histogram_figure(scores: np.ndarray, score: str, threshold: float) -> go.Figure:
    """Histogram of the chosen pairs' scores with a line at the threshold."""
    fig = go.Figure(go.Histogram(x=scores, nbinsx=40, marker_color="#636efa"))
    fig.add_vline(x=threshold, line_dash="dash", line_color="red", annotation_text=f"threshold {threshold:.3f}")
    fig.update_layout(title=f"{score} of the chosen pairs", xaxis_title=score, yaxis_title="pairs", height=460,
                      margin={"t": 60, "l": 10, "r": 10, "b": 10})
    return fig


@failsafe_plot
def alignment_figure(cosine: np.ndarray, alignment: Alignment) -> go.Figure:
    """Sentence cosine heatmap with the alignment path: a line through the centre of each aligned block."""
    fig, block = _heatmap(cosine, "cosine")
    aligned = [b for b in alignment.blocks if b.src and b.tgt]
    fig.add_trace(go.Scatter(x=[np.mean(b.tgt) for b in aligned], y=[np.mean(b.src) for b in aligned],
                             mode="lines+markers", name="alignment path", line={"color": "red", "width": 2},
                             marker={"size": 5}))
    fig.update_layout(title=f"Sentence cosine and the alignment path{_downsample_note(block)}")
    return fig
