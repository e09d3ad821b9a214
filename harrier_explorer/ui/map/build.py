"""Building a Cluster map: embed (whole or chunked) or load the user's vectors, lay out, cluster, place queries,
score the clusters, and model B's side. What is done with a built map afterwards is in ``views`` and ``selection``.

Documents are embedded with role "symmetric": the clustering instruction goes on every document. Queries are
embedded with role "query" under instruction A (and B) and placed on the existing layout (`Projection.place`).
Building a map takes the whole input; the map it returns (``run.MapRun``) is the session's (gr.State).

With model B (issue 9) the same records are embedded by B too, laid out with the same parameters and turned onto A's
map (Procrustes), coloured alike (A's clusters), and each point's 10 nearest neighbours under A and B are compared
(Jaccard). A model B that fails leaves model A's map as it is, with a line saying why.

The language-neutral view (on by default; issue 11) removes each language's mean vector before layout and
clustering (`analysis.language_neutral`), so that parallel multilingual documents group by topic rather than by
language. Everything after embedding (layout, clusters, queries, neighbours, model B's map) then uses the centred
vectors; the raw vectors are clustered alike (the same k) for the "before" figures. Corpora in one language are
mapped as embedded, with a note saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from harrier_explorer.analysis import map_report
from harrier_explorer.analysis.clusters import AUTO_K_RANGE, Clustering, hdbscan, kmeans
from harrier_explorer.analysis.language_neutral import LanguageCentring, fit_centring
from harrier_explorer.analysis.map_compare import align_layout
from harrier_explorer.analysis.model_compare import neighbourhood_change
from harrier_explorer.analysis.projection import (
    MAX_SEED,
    Projection,
    ProjectionParams,
    project,
)
from harrier_explorer.backend.core import Backend, EncodeResult
from harrier_explorer.errors import USER_FACING, InputError
from harrier_explorer.inputs.chunk_records import chunk_records
from harrier_explorer.inputs.language import detect_languages, resolve_languages
from harrier_explorer.inputs.parsing import TextRecord
from harrier_explorer.models import NO_INSTRUCTION
from harrier_explorer.ui.cancel import check_cancelled
from harrier_explorer.ui.common import (
    INSTRUCTION_FORMS,
    export_table,
    instruction_value,
    load_text_source,
    progress_to,
    whole_number,
)
from harrier_explorer.ui.forms import TextInput
from harrier_explorer.ui.map import own_vectors, present
from harrier_explorer.ui.map.plots import silhouette_figure
from harrier_explorer.ui.map.queries import place_queries, query_sides, query_texts
from harrier_explorer.ui.map.run import MapB, MapRun
from harrier_explorer.ui.map.views import COLOUR_BY, NEIGHBOURS, ColourRequest, points_table, redraw
from harrier_explorer.ui.model_b import model_b_status
from harrier_explorer.workflows.model_b import instruction_for, model_b_ref

LONG_DOCS = ("embed whole (truncate at the model limit)", "split into token chunks")
METHODS = ("UMAP", "PCA")
CLUSTER_METHODS = ("KMeans", "HDBSCAN")
CLUSTER_SPACES = ("embeddings", "map layout")
#: Rows of the "neighbourhoods that change most" table (the points CSV has every point's Jaccard).
CHANGED_ROWS = 100
MODEL_B_DOC = ("model B (the page's 'Compare with model B'): a Hugging Face id, folder, http(s)://…/v1 server or a "
               "?dim= / ?dtype= variant; empty: model A alone. B embeds the same documents (same chunks) with its own "
               "family's clustering preset where the instruction is model A's preset, else with the same instruction")


@dataclass(frozen=True)
class MapRequest:
    documents: TextInput = field(default_factory=TextInput, metadata={"doc": "the documents mapped"})
    long_docs: str = field(default=LONG_DOCS[0], metadata={"doc": " or ".join(map(repr, LONG_DOCS))})
    chunk_tokens: int = field(default=256, metadata={"doc": "tokens per chunk, when splitting into token chunks"})
    overlap_tokens: int = field(default=32, metadata={"doc": "tokens shared by consecutive chunks"})
    instruction: str = field(default=NO_INSTRUCTION, metadata={
        "doc": f"put on every document (role symmetric): {INSTRUCTION_FORMS}"})
    method: str = field(default=METHODS[0], metadata={"doc": "layout: 'UMAP' or 'PCA'"})
    dims: int = field(default=2, metadata={"doc": "2 or 3"})
    n_neighbors: int = field(default=15, metadata={"doc": "UMAP n_neighbors (2 to 100; lowered for small sets)"})
    min_dist: float = field(default=0.1, metadata={"doc": "UMAP min_dist, 0 to 1"})
    seed: int | None = field(default=42, metadata={
        "doc": f"layout seed, 0 to {MAX_SEED}; empty (None) is faster but not reproducible"})
    cluster_method: str = field(default=CLUSTER_METHODS[0], metadata={"doc": "'KMeans' or 'HDBSCAN'"})
    k: int = field(default=0, metadata={"doc": "KMeans k; 0 chooses k by silhouette"})
    min_cluster_size: int = field(default=5, metadata={"doc": "HDBSCAN min cluster size (at least 2)"})
    cluster_space: str = field(default=CLUSTER_SPACES[0], metadata={
        "doc": "cluster the full 'embeddings' or the 2-D/3-D 'map layout'"})
    language_neutral: bool = field(default=True, metadata={
        "doc": "remove each language's mean vector before layout and clustering, so that documents group by topic "
               "rather than by language (Libovický et al., 2020); no effect on documents in one language"})
    colour_by: str = field(default=COLOUR_BY[0], metadata={"doc": " or ".join(map(repr, COLOUR_BY))})
    queries: str = field(default="", metadata={"doc": "queries to place on the map, one per line (optional)"})
    query_instruction_a: str = field(default=NO_INSTRUCTION, metadata={
        "doc": f"put on the queries (role query), side A: {INSTRUCTION_FORMS}"})
    query_instruction_b: str = field(default=NO_INSTRUCTION, metadata={
        "doc": "side B, drawn too (with A → B moves) when it differs from A"})
    model_b: str = field(default="", metadata={"doc": MODEL_B_DOC})
    vectors: str | None = field(default=None, metadata={
        "doc": "vectors you already have, mapped instead of embedding: a .parquet with a vector column (the CLI's "
               "`embed` output: its text, id, label and lang columns are used too) or a .npy matrix whose rows "
               "follow the documents given"})
    previous: MapRun | None = None  # the session's last map (gr.State): its vectors are reused, its export deleted


@dataclass(frozen=True)
class MapResult:
    run: MapRun
    summary: str  # Markdown: what was embedded, from cache or not, and what was adapted
    plot: object
    plot_html: str
    keywords: pd.DataFrame  # cluster, size, c-TF-IDF keywords
    agreement: pd.DataFrame  # silhouette, kNN accuracy, V-measure, ARI against labels and languages (raw and neutral)
    reading: str  # Markdown: do points group by topic or by language? (before and after the language-neutral view)
    k_curve: object  # plotly figure: silhouette against k when KMeans chose k, else None
    points_csv: str  # every point: text, coordinates, cluster, label, language, file (with B: B's coordinates, Jaccard)
    # Model B (empty without one; with a failed one, only the status saying why).
    model_b_status: str = ""
    plot_b: object = None
    changes: pd.DataFrame | None = None  # lowest Jaccard first: the text, its nearest neighbours under A and under B


def run_map(backend: Backend, request: MapRequest, progress) -> MapResult:
    """Embed documents (the instruction on every one), lay them out with UMAP or PCA in 2-D or 3-D, cluster them
    (KMeans or HDBSCAN) with c-TF-IDF keywords, place queries under instructions A and B, and score the clusters
    against labels and languages (silhouette, kNN accuracy, V-measure, ARI, topic or language?)."""
    params = _layout_params(request)
    chunk_tokens = whole_number(request.chunk_tokens, "chunk size (tokens)", 16)
    overlap_tokens = whole_number(request.overlap_tokens, "overlap (tokens)", 0)
    k = whole_number(request.k or 0, "KMeans k", 0)
    min_cluster_size = whole_number(request.min_cluster_size, "HDBSCAN min cluster size", 2)
    task = instruction_value(request.instruction)
    notes: list[str] = []
    if request.vectors:
        if request.long_docs == LONG_DOCS[1]:
            raise InputError("Token chunks are embedded here; with your own vectors each row is one point. Choose "
                             f"'{LONG_DOCS[0]}' under Long documents.")
        records, encoded = own_vectors.load(backend, request.vectors, request.documents, notes)
    else:
        loaded = load_text_source(backend, "Documents", request.documents,
                                  max_item_chars=None if request.long_docs == LONG_DOCS[1] else True)
        notes += loaded.notes
        records = list(loaded.records)
        if request.long_docs == LONG_DOCS[1]:
            records = _chunk(backend, records, task, chunk_tokens, overlap_tokens, notes)
        own_vectors.check_enough(records)
        previous = request.previous
        reusable = None if previous is None or previous.vectors_from else previous.encoded
        encoded = _embed(backend, reusable, records, task, progress)
        if truncated := int(encoded.truncated.sum()):
            notes.append(f"{truncated} of {len(records)} documents were truncated at "
                         f"{backend.status.max_seq_length} tokens (choose 'split into token chunks' to embed all "
                         "of their text).")
    _stage(progress, 0.85, "Laying out")
    languages = tuple(resolve_languages([r.text for r in records], [r.lang for r in records]))
    centring = _centring(encoded.vectors, languages, request.language_neutral, notes)
    vectors = encoded.vectors if centring is None else centring.apply(encoded.vectors, languages)
    layout = project(vectors, params, _epochs(progress, 0.85, "Laying out"))
    notes += layout.notes
    _stage(progress, 0.9, "Clustering")
    in_layout = request.cluster_space == "map layout"
    clustering = _cluster(layout.coords if in_layout else vectors, request.cluster_method, k, min_cluster_size, notes)
    title = (f"{request.method} {params.n_components}-D of {len(records):,} texts · {clustering.method}, "
             f"{clustering.n_clusters} clusters" + (" · language-neutral" if centring else ""))
    sides = query_sides(request.query_instruction_a, request.query_instruction_b)
    texts = own_vectors.placeable(backend, query_texts(request.queries), encoded.vectors, request.vectors, notes)
    queries = place_queries(backend, layout, texts, sides, centre=query_centre(centring))
    b, b_status = None, ""
    if ref_b := model_b_ref(backend, request.model_b):
        try:
            b = _map_b(backend, ref_b, request, records, (task, layout, vectors, languages, centring), progress)
            title = f"Model A · {title}"
        except USER_FACING as error:  # model A's map is made all the same
            b_status = present.model_b_failed(ref_b, error)
    vectors_from = Path(request.vectors).name if request.vectors else ""
    keywords = map_report.keywords_table([r.text for r in records], clustering.labels, languages)
    run = MapRun(tuple(records), languages, encoded, vectors, layout.coords, clustering, queries, title, b, centring,
                 vectors_from, region_names=map_report.region_names(keywords))
    if request.previous is not None:
        request.previous.export.discard()
    labels = [r.label for r in records]
    labels = labels if any(labels) else None
    _stage(progress, 0.95, "Scoring the clusters against labels and languages")
    report = map_report.agreement_report(vectors, clustering.labels, labels, languages)
    before = None
    if centring is not None:  # the same clustering of the raw embeddings (the same k): what the view changed
        raw_space = (project(encoded.vectors, params, _epochs(progress, 0.95, "Laying out the raw embeddings")).coords
                     if in_layout else encoded.vectors)
        raw = _cluster(raw_space, request.cluster_method, clustering.n_clusters, min_cluster_size, [])
        before = map_report.agreement_report(encoded.vectors, raw.labels, labels, languages)
    drawn = redraw(ColourRequest(run, request.colour_by))
    embedded = (f"{len(records):,} texts, {encoded.vectors.shape[1]} dimensions" if vectors_from else
                encoded.summary)
    summary = present.summary(task, backend.prompt(task, "symmetric"), embedded, [*notes, *report.notes],
                              vectors_from)
    return MapResult(run, summary, drawn.plot, drawn.plot_html,
                     keywords,
                     map_report.views_table(report, before).round(3), present.reading(report, before),
                     silhouette_figure(clustering, bool(centring)),
                     export_table(points_table(run), "cluster_map_points.csv"),
                     b.status if b else b_status, drawn.plot_b,
                     present.changes_table(b.change, run.texts, CHANGED_ROWS) if b else None)


def _stage(progress, fraction: float, desc: str) -> None:
    """Says which stage the build is in, and ends a build whose event was stopped before its next stage starts."""
    check_cancelled()
    progress(fraction, desc=desc)


def _epochs(progress, fraction: float, desc: str):
    """UMAP's epochs as the build's progress (within 5 % of the bar from `fraction`); Stop ends the fit between
    epochs."""
    return lambda done, total: _stage(progress, fraction + 0.05 * done / total, f"{desc}: epoch {done} of {total}")


def _centring(vectors: np.ndarray, languages: Sequence[str], wanted: bool, notes: list[str]) -> LanguageCentring | None:
    """The language centring to apply, or None: not wanted, or one language only (said in a note)."""
    if not wanted:
        return None
    centring = fit_centring(vectors, languages)
    if not centring.active:
        notes.append(f"Language-neutral view: no effect, every document is in one language ({languages[0]}).")
        return None
    if single := sorted(lang for lang in centring.means if languages.count(lang) == 1):
        notes.append(f"Language-neutral view: {', '.join(single)} has a single document, centred on the mean of "
                     "the language means (its own mean would leave nothing).")
    return centring


def query_centre(centring: LanguageCentring | None):
    """How queries are placed in a language-neutral map: minus the mean of their (detected) language in the corpus,
    or of all its languages for a language it lacks."""
    if centring is None:
        return None
    return lambda texts, vectors: centring.apply(vectors, detect_languages(texts))


def _map_b(backend: Backend, ref_b: str, request: MapRequest, records: list[TextRecord],
           a: tuple[str, Projection, np.ndarray, tuple[str, ...], LanguageCentring | None], progress) -> MapB:
    """Model B's side: the same records embedded by B (its own family's preset where A's was kept), laid out with the
    same parameters and turned onto A's layout, B's queries placed, and each point's neighbours under A and B;
    centred on B's own language means when A's map is language-neutral."""
    task, layout_a, vectors_a, languages, centring_a = a
    task_b = instruction_for(backend, task, "clustering", ref_b)
    before = request.previous.b if request.previous is not None else None
    encoded = _embed(backend, before.encoded if before and before.ref == ref_b else None, records, task_b, progress,
                     model=ref_b)
    centring = fit_centring(encoded.vectors, languages) if centring_a is not None else None
    vectors = encoded.vectors if centring is None else centring.apply(encoded.vectors, languages)
    layout = project(vectors, layout_a.params, _epochs(progress, 0.85, "Laying out model B's map"))
    alignment = align_layout(layout_a.coords, layout.coords)
    sides = [(side, instruction_for(backend, side_task, "retrieval", ref_b))
             for side, side_task in query_sides(request.query_instruction_a, request.query_instruction_b)]
    queries = place_queries(backend, layout, query_texts(request.queries), sides, model=ref_b, moved=alignment.apply,
                            centre=query_centre(centring))
    status = present.model_b_fit(model_b_status(backend, ref_b, (task, task_b), f"documents {encoded.summary}"),
                                 alignment.disparity, NEIGHBOURS)
    return MapB(ref_b, encoded, vectors, alignment.apply(layout.coords), neighbourhood_change(vectors_a, vectors,
                NEIGHBOURS), queries, "Model B · the same layout, turned onto A's map · A's colours", status)


def _layout_params(request: MapRequest) -> ProjectionParams:
    seed = None if request.seed in (None, "") else whole_number(request.seed, "seed", 0, MAX_SEED)
    return ProjectionParams(method="pca" if request.method == "PCA" else "umap",
                            n_components=whole_number(request.dims, "dimensions", 2, 3),
                            n_neighbors=whole_number(request.n_neighbors, "UMAP n_neighbors", 2),
                            min_dist=float(request.min_dist), seed=seed)


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


def _embed(backend: Backend, previous: EncodeResult | None, records: list[TextRecord], task: str | None,
           progress, model: str | None = None) -> EncodeResult:
    """One model's embeddings of the documents: the previous map's (by the same model) when the same strings were
    embedded, else fresh (cache-backed)."""
    prefix = backend.prompt(task, "symmetric", model=model)
    if previous is not None and previous.prompts == [prefix + r.text for r in records]:
        return EncodeResult(previous.vectors, previous.n_tokens, previous.truncated, previous.prompts,
                            cached=len(previous.prompts))
    what = "Embedding documents" if model is None else "Embedding documents with model B"
    return backend.encode([r.text for r in records], task, "symmetric", progress_to(progress, what), model=model)


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
    clustering = kmeans(points, k or None)
    if clustering.silhouette_by_k and clustering.n_clusters == AUTO_K_RANGE[-1]:  # not a small map's n - 1
        notes.append(f"KMeans chose k = {clustering.n_clusters}, the largest k it tries: the silhouette may rise "
                     "further. Set KMeans k under Layout and clustering to look beyond it.")
    return clustering
