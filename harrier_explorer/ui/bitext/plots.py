"""Figures of the bitext tab: the score matrix (block-max downsampled when large) with the chosen pairs or the
alignment path drawn on it, and the histogram of pair scores with the threshold line.

The matrix axes are the sentences themselves ("12. Ich habe Hunger."), so hovering a cell shows both sentences
and both scores; ticks number the sentences from 1, as every table of the tab does.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from harrier_explorer.analysis.align import Alignment
from harrier_explorer.analysis.bitext import MarginScores, Matching, downsample_max
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.ui.common import failsafe_plot, scatter_type
from harrier_explorer.workflows.bitext import score_matrix

#: Largest side drawn cell by cell; a bigger matrix is shown as the maximum of square blocks.
MAX_HEATMAP_SIDE = 300
#: Characters of each sentence in the hover label.
HOVER_CHARS = 70
TICKS = 10


def _labels(texts: Sequence[str], block: int) -> list[str]:
    """One axis category per row or column shown: the numbered sentence, or the range of sentences of a block."""
    if block == 1:
        return [f"{i + 1}. {html.escape(snippet(t, HOVER_CHARS))}" for i, t in enumerate(texts)]
    return [f"{start + 1}–{min(start + block, len(texts))}" for start in range(0, len(texts), block)]


def _numbered_axis(labels: list[str], block: int, title: str) -> dict:
    step = max(1, math.ceil(len(labels) / TICKS))
    return {"title": title, "tickmode": "array", "tickvals": labels[::step],
            "ticktext": [str(i * block + 1) for i in range(0, len(labels), step)]}


class Heatmap:
    """A score matrix over the sentences of two lists; ``cell(i, j)`` places sentence pairs on it."""

    def __init__(self, matrix: np.ndarray, score: str, source: Sequence[str], target: Sequence[str],
                 other: tuple[str, np.ndarray] | None = None):
        shown, self.block = downsample_max(matrix, MAX_HEATMAP_SIDE)
        self.rows, self.columns = _labels(source, self.block), _labels(target, self.block)
        if self.block > 1:
            hover, customdata = (f"sources %{{y}} × targets %{{x}}<br>best {score} %{{z:.3f}}"
                                 "<extra></extra>"), None
        elif other:
            hover = f"source %{{y}}<br>target %{{x}}<br>{score} %{{z:.3f}} · {other[0]} %{{customdata:.3f}}"
            hover, customdata = hover + "<extra></extra>", np.round(other[1], 3)
        else:
            hover, customdata = f"source %{{y}}<br>target %{{x}}<br>{score} %{{z:.3f}}<extra></extra>", None
        self.figure = go.Figure(go.Heatmap(z=shown, x=self.columns, y=self.rows, customdata=customdata,
                                           hovertemplate=hover, colorscale="Viridis",
                                           colorbar={"title": score, "thickness": 12}))
        self.figure.update_yaxes(autorange="reversed", **_numbered_axis(self.rows, self.block, "source sentence"))
        self.figure.update_xaxes(**_numbered_axis(self.columns, self.block, "target sentence"))
        self.figure.update_layout(height=460, margin={"t": 60, "l": 10, "r": 10, "b": 10},
                                  legend={"orientation": "h", "y": 1.02})

    def cells(self, src: Sequence[int], tgt: Sequence[int]) -> tuple[list[str], list[str]]:
        """(x, y) of sentence pairs (0-based indices) on the matrix's axes."""
        return [self.columns[j // self.block] for j in tgt], [self.rows[i // self.block] for i in src]

    def titled(self, title: str) -> go.Figure:
        note = f" (shown as the max of {self.block}×{self.block} blocks)" if self.block > 1 else ""
        self.figure.update_layout(title=title + note)
        return self.figure


@failsafe_plot
def matrix_figure(margins: MarginScores, score: str, matching: Matching, source: Sequence[str],
                  target: Sequence[str]) -> go.Figure:
    """The chosen score of every pair (hover: both sentences, both scores) with the chosen pairs marked
    (white = matched, red = below the threshold)."""
    other = "cosine" if score == "margin" else "margin"
    heatmap = Heatmap(score_matrix(margins, score), score, source, target, (other, score_matrix(margins, other)))
    for flag, name, colour in ((True, "matched", "white"), (False, "below threshold", "red")):
        keep = matching.matched == flag
        if keep.any():
            x, y = heatmap.cells(matching.src[keep], matching.tgt[keep])
            marker = {"symbol": "circle-open", "color": colour, "size": 7 if heatmap.block == 1 else 4}
            heatmap.figure.add_trace(scatter_type(len(matching.src))(x=x, y=y, mode="markers", name=name,
                                                                     marker=marker, hoverinfo="skip"))
    return heatmap.titled(f"{score} of every pair")


@failsafe_plot
def histogram_figure(scores: np.ndarray, score: str, threshold: float) -> go.Figure:
    """Histogram of the chosen pairs' scores with a line at the threshold."""
    fig = go.Figure(go.Histogram(x=scores, nbinsx=40, marker_color="#636efa"))
    fig.add_vline(x=threshold, line_dash="dash", line_color="red", annotation_text=f"threshold {threshold:.3f}")
    fig.update_layout(title=f"{score} of the chosen pairs", xaxis_title=score, yaxis_title="pairs", height=460,
                      margin={"t": 60, "l": 10, "r": 10, "b": 10})
    return fig


@failsafe_plot
def alignment_figure(cosine: np.ndarray, alignment: Alignment, source: Sequence[str],
                     target: Sequence[str]) -> go.Figure:
    """Sentence cosine heatmap with the alignment path through every cell an aligned block covers."""
    heatmap = Heatmap(cosine, "cosine", source, target)
    src, tgt = zip(*alignment.cells) if alignment.cells else ((), ())
    x, y = heatmap.cells(src, tgt)
    heatmap.figure.add_trace(go.Scatter(x=x, y=y, mode="lines+markers", name="alignment path", hoverinfo="skip",
                                        line={"color": "red", "width": 2}, marker={"size": 5}))
    return heatmap.titled("Sentence cosine and the alignment path")
