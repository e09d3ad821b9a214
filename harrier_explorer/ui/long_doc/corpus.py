"""The Long documents tab's corpus section: the same queries and corpus ranked with each document embedded whole
(cut at the model's limit) and chunked (scored by its best chunk), side by side, with nDCG@10 / MRR@10 / Recall@k and
a paired test when relevance labels are given."""

from __future__ import annotations

from dataclasses import dataclass, field

import gradio as gr
import numpy as np
import pandas as pd

from harrier_explorer.analysis.ab_test import ABQuality, compare_quality, compare_rankings
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.backend.core import Backend
from harrier_explorer.models import NO_INSTRUCTION
from harrier_explorer.ui.ab.present import query_name, verdict
from harrier_explorer.ui.common import INSTRUCTION_FORMS, instruction_value, progress_to, whole_number
from harrier_explorer.ui.ranking_data import RankingData, load_ranking_data
from harrier_explorer.workflows.long_document import whole_vs_chunked


@dataclass(frozen=True)
class ChunkedRequest(RankingData):
    instruction: str = field(default=NO_INSTRUCTION, metadata={"doc": f"on the queries, {INSTRUCTION_FORMS}"})
    chunk_tokens: int = field(default=256, metadata={"doc": "tokens per chunk (at most the model's limit)"})
    overlap_tokens: int = field(default=0, metadata={"doc": "tokens shared by consecutive chunks"})


@dataclass(frozen=True)
class ChunkedResult:
    summary: str  # Markdown: the verdict (with labels) or the agreement, and what was chunked or cut
    metrics: pd.DataFrame  # with labels: metric, whole, chunked, chunked − whole, 95% CI, p
    per_query: pd.DataFrame  # query, top-1 whole, top-1 chunked, overlap@k (and each metric under both)


def whole_or_chunked(backend: Backend, request: ChunkedRequest, progress=gr.Progress()) -> ChunkedResult:
    """Does chunking help on my corpus? Each document embedded whole and in chunks (max over chunks), every query
    ranked both ways; with labels, the metrics of both and a paired test of chunked − whole."""
    data = load_ranking_data(backend, request)
    chunk_tokens = whole_number(request.chunk_tokens, "chunk size (tokens)", 16)
    overlap = whole_number(request.overlap_tokens, "overlap (tokens)", 0, chunk_tokens - 1)
    out = whole_vs_chunked(backend, data.queries.texts, data.docs.texts, instruction_value(request.instruction),
                           chunk_tokens, overlap, progress_to(progress, "Embedding documents and chunks"))
    comparison = compare_rankings(out.whole, out.chunked, data.queries.ids, data.docs.ids, data.k)
    quality = compare_quality(comparison, data.qrels) if data.qrels else None
    lines = [f"**{verdict(quality, 'whole', 'chunked')}**" if quality else
             f"**Whole and chunked share {comparison.per_query['overlap'].mean():.0%} of their top {data.k} on "
             "average.** Add relevance labels to see which retrieves better.",
             f"{len(data.docs.texts)} documents: {out.n_truncated} cut at the model's limit when embedded whole, "
             f"{out.n_split} split into chunks of at most {out.chunk_tokens} tokens ({out.n_chunks} chunks in all); "
             f"texts embedded: {out.embedded}, from the cache: {out.cached}.", *data.notes]
    top_whole, top_chunked = comparison.order_a[:, 0], comparison.order_b[:, 0]
    per_query = pd.DataFrame({
        "query": [f"{query_name(i)}: {snippet(t, 60)}" for i, t in enumerate(data.queries.texts)],
        "top-1 whole": [snippet(data.docs.texts[j], 80) for j in top_whole],
        "top-1 chunked": [snippet(data.docs.texts[j], 80) for j in top_chunked],
        f"overlap@{data.k}": comparison.per_query["overlap"].to_numpy().round(3)})
    if quality:
        for side, scores in (("whole", quality.scores_a), ("chunked", quality.scores_b)):
            values = scores.per_query[quality.metric].reindex(data.queries.ids)
            per_query[f"{scores.label(quality.metric)} {side}"] = values.to_numpy().round(4)
    return ChunkedResult("\n\n".join(lines), _metrics(quality), per_query)


def _metrics(quality: ABQuality | None) -> pd.DataFrame:
    if quality is None:
        return pd.DataFrame(columns=["metric", "whole", "chunked", "chunked − whole"])
    a, b = quality.scores_a, quality.scores_b
    rows = [[a.label(m), a.means[m], b.means[m], b.means[m] - a.means[m]] for m in a.means]
    table = pd.DataFrame(rows, columns=["metric", "whole", "chunked", "chunked − whole"])
    return table.round({"whole": 4, "chunked": 4, "chunked − whole": 4}).replace({np.nan: None})
