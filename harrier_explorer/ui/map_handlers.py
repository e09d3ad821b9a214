"""Handlers of the Cluster map tab: embed (whole or chunked), lay out, cluster, colour, place queries, neighbours.

Documents are embedded with role "symmetric": the clustering instruction goes on every document. Queries are
embedded with role "query" under instruction A (and B) and placed on the existing layout (`Projection.place`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import numpy as np

from harrier_explorer.analysis import map_report
from harrier_explorer.analysis.clusters import Clustering, hdbscan, kmeans
from harrier_explorer.analysis.projection import (
    MIN_POINTS,
    ProjectionParams,
    nearest_neighbours,
    project,
)
from harrier_explorer.analysis.snippets import snippet
from harrier_explorer.backend.core import Backend, EncodeResult
from harrier_explorer.errors import InputError
from harrier_explorer.inputs.chunk_records import chunk_records
from harrier_explorer.inputs.language import resolve_languages
from harrier_explorer.inputs.parsing import TextRecord
from harrier_explorer.ui.common import (
    NONE,
    export_table,
    instruction_value,
    load_text_source,
    progress_to,
)
from harrier_explorer.ui.map_plots import MapPoints, QueryMarks, map_figure

COLOUR_BY = ("cluster", "label", "language", "source file")
LONG_DOCS = ("embed whole (truncate at the model limit)", "split into token chunks")


@dataclass(frozen=True)
class MapRun:
    """One map: the points (after chunking), their embeddings, layout, clusters and placed queries."""

    records: tuple[TextRecord, ...]
    languages: tuple[str, ...]
    encoded: EncodeResult
    coords: np.ndarray
    clustering: Clustering
    queries: tuple[QueryMarks, ...] = ()
    title: str = ""

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.records]


def run_map(backend: Backend, previous: MapRun | None, paste, files, text_col, id_col, label_col, lang_col, split,
            long_docs, chunk_tokens, overlap_tokens, instruction, method, dims, n_neighbors, min_dist, seed,
            cluster_method, k, min_cluster_size, cluster_space, colour_by, query_text, query_a, query_b,
            progress=gr.Progress()):
    loaded = load_text_source(backend, "Documents", paste, files, text_col, id_col, label_col, lang_col, split)
    notes = list(loaded.notes)
    records = list(loaded.records)
    task = instruction_value(instruction)
    if long_docs == LONG_DOCS[1]:
        records = _chunk(backend, records, task, int(chunk_tokens), int(overlap_tokens), notes)
    if len(records) < MIN_POINTS:
        raise InputError(f"The map needs at least {MIN_POINTS} documents (or chunks); got {len(records)}. "
                         "Add more text, or split documents into sentences or chunks.")
    encoded = _embed(backend, previous, records, task, progress)
    if truncated := int(encoded.truncated.sum()):
        notes.append(f"{truncated} of {len(records)} documents were truncated at {backend.status.max_seq_length} "
                     "tokens (choose 'split into token chunks' to embed all of their text).")
    progress(0.9, desc="Laying out and clustering")
    params = ProjectionParams(method="pca" if method == "PCA" else "umap", n_components=int(dims),
                              n_neighbors=int(n_neighbors), min_dist=float(min_dist),
                              seed=None if seed in (None, "") else int(seed))
    layout = project(encoded.vectors, params)
    notes += layout.notes
    space = layout.coords if cluster_space == "map layout" else encoded.vectors
    clustering = _cluster(space, cluster_method, int(k or 0), int(min_cluster_size), notes)
    languages = tuple(resolve_languages([r.text for r in records], [r.lang for r in records]))
    title = f"{method} {int(dims)}-D of {len(records)} texts · {clustering.method}, {clustering.n_clusters} clusters"
    run = MapRun(tuple(records), languages, encoded, layout.coords, clustering,
                 _place_queries(backend, layout, query_text, query_a, query_b), title)
    labels = [r.label for r in records]
    report = map_report.agreement_report(encoded.vectors, clustering.labels,
                                         labels if any(labels) else None, languages)
    summary = (f"**Documents** (role symmetric, instruction: {task or NONE}): {encoded.summary}"
               + "".join(f"  \n_{note}_" for note in (*notes, *report.notes)))
    reading = (map_report.topic_or_language_sentence(report.topic_or_language) if report.topic_or_language else
               "" if len(report.table) else "_No labels and a single language: nothing to compare the clusters with._")
    return (run, summary, *redraw(run, colour_by), map_report.keywords_table(run.texts, clustering.labels),
            report.table.round(3), reading, export_table(_points_table(run), "cluster_map_points.csv"))


def redraw(run: MapRun | None, colour_by: str, highlight: tuple[int, list[int]] | None = None):
    """The figure (coloured by one attribute) and its standalone HTML export."""
    if run is None:
        raise InputError("Build the map first.")
    fig = map_figure(_points(run, colour_by), colour_by, run.queries, highlight, run.title)
    folder = Path(tempfile.mkdtemp(prefix="harrier-export-"))
    fig.write_html(folder / "cluster_map.html", include_plotlyjs=True)  # self-contained: works offline
    return fig, str(folder / "cluster_map.html")


def neighbours(run: MapRun | None, picked, colour_by: str, k: int = 10):
    """The picked point's nearest neighbours in the full embedding space, as a table and rings on the map."""
    if run is None:
        raise InputError("Build the map first.")
    index = map_report.find_point(picked, run.texts)
    indices, scores = nearest_neighbours(run.encoded.vectors, index, int(k))
    labels, sources = [r.label for r in run.records], [r.source for r in run.records]
    table = map_report.neighbours_table(indices, scores, run.texts, run.clustering.labels, labels, sources)
    fig, html_path = redraw(run, colour_by, (index, indices.tolist()))
    heading = (f"**Point #{index}** ({map_report.cluster_name(int(run.clustering.labels[index]))}, "
               f"{run.records[index].source}): {snippet(run.texts[index], 300)}")
    return heading, table.round(4), fig, html_path


def _chunk(backend: Backend, records: list[TextRecord], task: str | None, max_tokens: int, overlap: int,
           notes: list[str]) -> list[TextRecord]:
    # The prompt prefix and special tokens share the model's window with the chunk.
    prompt_tokens = int(backend.count_tokens([backend.prompt(task, "symmetric")])[0])
    if prompt_tokens < 0:
        raise InputError("Token-aware chunking needs a local model (a remote server can't count tokens).")
    room = backend.status.max_seq_length - prompt_tokens
    if max_tokens > room:
        notes.append(f"Chunk size lowered from {max_tokens} to {room} tokens (the model's limit minus the prompt).")
        max_tokens = room
    chunked = chunk_records(records, lambda s: int(backend.count_tokens([s])[0]), max_tokens,
                            min(overlap, max_tokens - 1))
    if len(chunked) != len(records):
        notes.append(f"{len(records)} documents became {len(chunked)} chunks of at most {max_tokens} tokens "
                     f"(overlap {min(overlap, max_tokens - 1)}).")
    return chunked


def _embed(backend: Backend, previous: MapRun | None, records: list[TextRecord], task: str | None,
           progress) -> EncodeResult:
    """The documents' embeddings: the previous map's when the same strings were embedded, else fresh (cache-backed)."""
    prefix = backend.prompt(task, "symmetric")
    if previous is not None and previous.encoded.prompts == [prefix + r.text for r in records]:
        old = previous.encoded
        return EncodeResult(old.vectors, old.n_tokens, old.truncated, old.prompts, cached=len(old.prompts))
    return backend.encode([r.text for r in records], task, "symmetric", progress_to(progress, "Embedding documents"))


def _cluster(points: np.ndarray, method: str, k: int, min_cluster_size: int, notes: list[str]) -> Clustering:
    n = len(points)
    if method == "HDBSCAN":
        size = max(2, min(min_cluster_size, n))
        if size != min_cluster_size:
            notes.append(f"HDBSCAN min cluster size lowered from {min_cluster_size} to {size} for {n} points.")
        return hdbscan(points, size)
    if k and k > n:
        notes.append(f"KMeans k lowered from {k} to {n}, the number of points.")
        k = n
    return kmeans(points, k or None)


def _place_queries(backend: Backend, layout, query_text: str, query_a, query_b) -> tuple[QueryMarks, ...]:
    """Queries under A (and under B when it differs) placed on the layout, as star markers."""
    texts = [line.strip() for line in (query_text or "").splitlines() if line.strip()]
    if not texts:
        return ()
    sides = [("A", instruction_value(query_a))]
    if instruction_value(query_b) != sides[0][1]:
        sides.append(("B", instruction_value(query_b)))
    marks = []
    for side, task in sides:
        vectors = backend.encode(texts, task, "query").vectors
        labels = [f"Q{n}" + (f" · {side}" if len(sides) > 1 else "") for n in range(1, len(texts) + 1)]
        marks.append(QueryMarks(layout.place(vectors), labels, f"{side}: {task or NONE}"))
    return tuple(marks)


def _points(run: MapRun, colour_by: str) -> MapPoints:
    cluster_names = [map_report.cluster_name(int(c)) for c in run.clustering.labels]
    groups = {"cluster": cluster_names, "label": [r.label or "(no label)" for r in run.records],
              "language": list(run.languages), "source file": [r.source for r in run.records]}
    hover = np.array([[i, cluster_names[i], snippet(r.text, 140), r.source, r.label or "–", run.languages[i]]
                      for i, r in enumerate(run.records)], dtype=object)
    return MapPoints(run.coords, groups.get(colour_by, cluster_names), hover)


def _points_table(run: MapRun):
    return map_report.points_table(run.texts, run.coords, run.clustering.labels, [r.label for r in run.records],
                                   run.languages, [r.source for r in run.records])
