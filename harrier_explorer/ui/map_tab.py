"""Cluster map tab: embed many documents (whole or chunked, the clustering instruction on every one), lay them out
with UMAP in 2-D/3-D, cluster them (HDBSCAN or KMeans) with c-TF-IDF keywords, colour by cluster/label/language/
file, place queries under two instructions, list a point's nearest neighbours, and check the clusters against
labels. Handlers are in map_handlers.py, the figure in map_plots.py."""

from __future__ import annotations

import functools

import gradio as gr

from harrier_explorer.backend.core import Backend
from harrier_explorer.ui import map_handlers
from harrier_explorer.ui.common import (
    NONE,
    example_path,
    instruction_choices,
    instruction_dropdown,
    text_source,
    user_errors,
)

TITLE = "Cluster map"
INTRO = ("Embed documents from one or several files (the instruction goes on **every** document: role *symmetric*), "
         "lay them out with UMAP and cluster them. Hover a point for its text; click it (or type its number below) "
         "to list its nearest neighbours in the full embedding space.")


def load_example(backend: Backend):
    """SIB-200 sentences (7 topics) in several languages, with label and language fields; the clustering preset."""
    return ([example_path("map_docs.jsonl")], "label", "How many goals were scored in the final?",
            backend.spec.preset("clustering") or NONE)


def build(backend: Backend, demo: gr.Blocks) -> None:
    gr.Markdown(INTRO)
    with gr.Row():
        with gr.Column(scale=3, elem_id="map-docs"):
            docs = text_source("Documents", placeholder="One document per line", lines=4,
                               max_file_mb=backend.settings.max_file_mb)
        with gr.Column(scale=2):
            instruction = instruction_dropdown("Instruction (on every document)")
            long_docs = gr.Radio(list(map_handlers.LONG_DOCS), value=map_handlers.LONG_DOCS[0],
                                 label="Long documents")
            with gr.Row():
                chunk_tokens = gr.Slider(16, 2048, value=256, step=16, label="chunk size (tokens)")
                overlap_tokens = gr.Slider(0, 256, value=32, step=8, label="overlap (tokens)")
    with gr.Accordion("Layout and clustering", open=False):
        with gr.Row():
            method = gr.Radio(["UMAP", "PCA"], value="UMAP", label="layout")
            dims = gr.Radio([2, 3], value=2, label="dimensions")
            n_neighbors = gr.Slider(2, 100, value=15, step=1, label="UMAP n_neighbors")
            min_dist = gr.Slider(0.0, 1.0, value=0.1, step=0.05, label="UMAP min_dist")
            seed = gr.Number(42, precision=0, label="seed (empty: faster, not reproducible)")
        with gr.Row():
            cluster_method = gr.Radio(["KMeans", "HDBSCAN"], value="KMeans", label="clustering")
            k = gr.Number(0, precision=0, minimum=0, label="KMeans k (0 = choose by silhouette)")
            min_cluster_size = gr.Slider(2, 100, value=5, step=1, label="HDBSCAN min cluster size")
            cluster_space = gr.Radio(["embeddings", "map layout"], value="embeddings", label="cluster in")
    with gr.Accordion("Queries on the map (optional)", open=False), gr.Row():
        query_text = gr.Textbox(label="Queries (one per line), drawn as stars", lines=3)
        query_a = instruction_dropdown("Query instruction A")
        query_b = instruction_dropdown("Query instruction B")
    with gr.Row():
        example = gr.Button("Load and run example (SIB-200 topics, three languages)", size="sm", elem_id="map-example")
        run = gr.Button("Embed and map", variant="primary", elem_id="map-run")
    summary = gr.Markdown(elem_id="map-summary")
    colour_by = gr.Radio(list(map_handlers.COLOUR_BY), value="cluster", label="colour by")
    plot = gr.Plot(label="Map", elem_id="map-plot")
    with gr.Row():
        picked = gr.Textbox(label="Click a point, or type its number (see hover) or words of its text", scale=3,
                            elem_id="map-pick")
        show = gr.Button("Nearest neighbours", scale=1, elem_id="map-neighbours")
    picked_text = gr.Markdown(elem_id="map-picked")
    neighbours = gr.Dataframe(headers=["point", "cosine", "cluster", "label", "source", "text"], wrap=True,
                              label="Nearest neighbours (cosine, full embedding space)",
                              interactive=False, max_height=360,
                              column_widths=["7%", "8%", "10%", "12%", "13%", "50%"])
    reading = gr.Markdown(elem_id="map-reading")
    agreement = gr.Dataframe(label="Agreement with labels / languages", wrap=True, interactive=False)
    keywords = gr.Dataframe(label="Cluster keywords (c-TF-IDF)", wrap=True, interactive=False, max_height=360,
                            column_widths=["15%", "10%", "75%"])
    with gr.Row():
        points_file = gr.File(label="Points (CSV: text, coordinates, cluster, label, language, source)",
                              interactive=False, height=70)
        html_file = gr.File(label="Plot (standalone HTML, works offline)", interactive=False, height=70)
    state = gr.State(None)

    build_map = user_errors(functools.partial(map_handlers.run_map, backend))
    map_inputs = [state, *docs.inputs, long_docs, chunk_tokens, overlap_tokens, instruction, method, dims, n_neighbors,
                  min_dist, seed, cluster_method, k, min_cluster_size, cluster_space, colour_by, query_text, query_a,
                  query_b]
    map_outputs = [state, summary, plot, html_file, keywords, agreement, reading, points_file]
    example.click(user_errors(functools.partial(load_example, backend)),
                  outputs=[docs.files, colour_by, query_text, instruction],
                  api_name="map_example").success(build_map, map_inputs, map_outputs, api_visibility="private")
    run.click(build_map, map_inputs, map_outputs, api_name="map_build")
    colour_by.input(user_errors(map_handlers.redraw), [state, colour_by], [plot, html_file], api_name="map_colour")
    gr.on([show.click, picked.submit], user_errors(map_handlers.neighbours), [state, picked, colour_by],
          [picked_text, neighbours, plot, html_file], api_name="map_neighbours")
    demo.load(lambda: (instruction_choices(backend, "clustering"), instruction_choices(backend, None),
                       instruction_choices(backend, "retrieval")), outputs=[instruction, query_a, query_b],
              api_visibility="private")
