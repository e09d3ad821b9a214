"""Layout and wiring of the Cluster map tab (building a map in build.py, what a built map holds in run.py, redrawing
it in views.py, selections in selection.py, the figure in plots.py, plotly's events on it — clicks, selections, the
view kept through redraws — in events.js).

Progress and errors show in one status line under the buttons (``show_progress_on``), so the last map stays readable
while a new one is built and after a build fails. With model B its map stands beside A's, each half the width (no
sideways scrolling at 1440 px); a click or a box / lasso selection in either lights up the same points in both.
"""

from __future__ import annotations

import functools

import gradio as gr

from harrier_explorer.backend.core import Backend
from harrier_explorer.ui import forms
from harrier_explorer.ui.cancel import stop_button, stops
from harrier_explorer.ui.common import (
    NONE,
    download_box,
    example_path,
    instruction_choices,
    instruction_dropdown,
    on_model_known,
    open_dropdown,
    text_source,
    user_errors,
)
from harrier_explorer.ui.map.build import (
    CLUSTER_METHODS,
    CLUSTER_SPACES,
    LONG_DOCS,
    METHODS,
    MapRequest,
    MapResult,
    run_map,
)
from harrier_explorer.ui.map.fields import filter_choices, page_texts
from harrier_explorer.ui.map.plots import HIGHLIGHT_JS, RECOLOUR_JS
from harrier_explorer.ui.map.selection import (
    MATCH,
    FindRequest,
    SelectionResult,
    SelectRequest,
    find,
    select,
)
from harrier_explorer.ui.map.views import (
    COLOUR_BY,
    JACCARD,
    ColourRequest,
    NeighboursRequest,
    NeighboursResult,
    PlotResult,
    neighbours,
    redraw,
)
from harrier_explorer.ui.page import Page, story_box

TITLE = "Cluster map"
INTRO = ("Embed documents from one or several files (the instruction goes on **every** document: role *symmetric*), "
         "lay them out with UMAP and cluster them. Hover a point for its text; click it (or type its number below) "
         "to list its nearest neighbours in the full embedding space.")


NEUTRAL_LABEL = ("Language-neutral view: remove each language's mean vector first, so that documents group by "
                 "topic, not by language (no effect on one language)")


def load_example(backend: Backend):
    """SIB-200 sentences (7 topics) in several languages, with label and language fields; the clustering preset."""
    return ([example_path("map_docs.jsonl")], "label", "How many goals were scored in the final?",
            backend.spec.preset("clustering") or NONE)


def present_model_b(run, colour_by: str, status: str) -> tuple:
    """After a map: B's map, its status line and its table show only when there is something to show, and the
    Jaccard colouring is offered only with a model B (a colouring it no longer has falls back to the clusters)."""
    has_b = run is not None and run.b is not None
    choices = [*COLOUR_BY, JACCARD] if has_b else list(COLOUR_BY)
    return (gr.Radio(choices=choices, value=colour_by if colour_by in choices else COLOUR_BY[0]),
            gr.Column(visible=has_b), gr.Markdown(visible=bool(status)), gr.Dataframe(visible=has_b))


def build(backend: Backend, demo: gr.Blocks, page: Page) -> None:
    gr.Markdown(INTRO)
    with gr.Row():
        with gr.Column(scale=3):
            with gr.Column(elem_id="map-docs"):
                docs = text_source("Documents", placeholder="One document per line", lines=4,
                                   max_file_mb=backend.settings.max_file_mb)
            vectors = gr.File(label="Your own vectors (optional): .parquet with a vector column, or .npy in "
                                    "document order",
                              file_types=[".parquet", ".npy"], height=90, elem_id="map-vectors")
        with gr.Column(scale=2):
            instruction = instruction_dropdown("Instruction (on every document)")
            long_docs = gr.Radio(list(LONG_DOCS), value=LONG_DOCS[0], label="Long documents")
            language_neutral = gr.Checkbox(True, elem_id="map-neutral", label=NEUTRAL_LABEL)
            with gr.Row():
                chunk_tokens = gr.Slider(16, 2048, value=256, step=16, label="chunk size (tokens)")
                overlap_tokens = gr.Slider(0, 256, value=32, step=8, label="overlap (tokens)")
    with gr.Accordion("Layout and clustering", open=False):
        with gr.Row():
            method = gr.Radio(list(METHODS), value=METHODS[0], label="layout")
            dims = gr.Radio([2, 3], value=2, label="dimensions")
            dims.api_info = lambda: {"type": "integer", "enum": [2, 3]}  # gr.Radio says "string" of any choices
            n_neighbors = gr.Slider(2, 100, value=15, step=1, label="UMAP n_neighbors")
            min_dist = gr.Slider(0.0, 1.0, value=0.1, step=0.05, label="UMAP min_dist")
            seed = gr.Number(42, precision=0, label="seed (empty: faster, not reproducible)", elem_id="map-seed")
        with gr.Row():
            cluster_method = gr.Radio(list(CLUSTER_METHODS), value=CLUSTER_METHODS[0], label="clustering")
            k = gr.Number(0, precision=0, label="KMeans k (0 = choose by silhouette)")
            min_cluster_size = gr.Slider(2, 100, value=5, step=1, label="HDBSCAN min cluster size")
            cluster_space = gr.Radio(list(CLUSTER_SPACES), value=CLUSTER_SPACES[0], label="cluster in")
    with gr.Accordion("Queries on the map (optional)", open=False), gr.Row():
        query_text = gr.Textbox("", label="Queries (one per line), drawn as stars", lines=3)
        query_a = instruction_dropdown("Query instruction A")
        query_b = instruction_dropdown("Query instruction B")
    with gr.Row():
        example = gr.Button("Load and run example (SIB-200 topics, three languages)", size="sm", elem_id="map-example")
        run = gr.Button("Embed and map", variant="primary", elem_id="map-run")
        stop = stop_button(elem_id="map-stop")
    story = story_box("map")
    status = gr.Markdown(elem_id="map-status", min_height=36)
    summary = gr.Markdown(label="Summary", elem_id="map-summary", latex_delimiters=[])
    colour_by = gr.Radio(list(COLOUR_BY), value=COLOUR_BY[0], label="colour by")
    model_b_status = gr.Markdown(visible=False, label="model B status", elem_id="map-model-b-status",
                                 latex_delimiters=[])
    with gr.Row(equal_height=False):
        plot = gr.Plot(label="Map · ctrl or ⌘ + wheel, or pinch, zooms", elem_id="map-plot", scale=1, min_width=320)
        with gr.Column(visible=False, scale=1, min_width=320) as plot_b_column:
            plot_b = gr.Plot(label="Map · model B", elem_id="map-plot-b")
    # A box or lasso selection in either map (events.js writes its point numbers here) selects them in both.
    selection = gr.Textbox(visible="hidden", elem_id="map-selection")
    select_button = gr.Button(visible="hidden", elem_id="map-select")
    with gr.Row(equal_height=True):
        find_text = gr.Textbox("", label="Find: words in the texts, or a query (match: meaning)", scale=3,
                               elem_id="map-find-text")
        match = gr.Radio(list(MATCH), value=MATCH[0], label="match", scale=1, min_width=160)
        find_k = gr.Number(20, precision=0, label="k (meaning)", scale=0, min_width=100)
        # Open: a script's session has no page to fill the choices in; the handler checks the values.
        only = open_dropdown([], value=[], multiselect=True, scale=2, elem_id="map-only",
                             label="only (cluster, label, language, file): the rest fade")
        find_button = gr.Button("Select", scale=0, min_width=90, elem_id="map-find")
    # The map's texts, lowercased, for the page to match words in as they are typed (highlight.js); not in the API.
    texts = gr.JSON(None, visible="hidden", elem_id="map-texts")
    selection_summary = gr.Markdown(label="selection summary", elem_id="map-selection-summary", latex_delimiters=[])
    selected_table = gr.Dataframe(label="Selected points (box, lasso or Find)", wrap=True, interactive=False,
                                  max_height=360, elem_id="map-selected", headers=["point", "text"])
    selected_csv = download_box("Selected points (CSV)")
    with gr.Row():
        picked = gr.Textbox(label="Click a point, or type its number (see hover) or words of its text", scale=3,
                            elem_id="map-pick")
        show = gr.Button("Nearest neighbours", scale=1, elem_id="map-neighbours")
    picked_text = gr.Markdown(label="Picked point", elem_id="map-picked", latex_delimiters=[])
    neighbour_table = gr.Dataframe(headers=["point", "cosine", "cluster", "label", "source", "text"], wrap=True,
                                   label="Nearest neighbours (cosine, full space of the vectors mapped)",
                                   interactive=False, max_height=360,
                                   column_widths=["7%", "8%", "10%", "12%", "13%", "50%"])
    changes = gr.Dataframe(visible=False, label="Documents whose neighbourhoods change most from model A to model B "
                                                "(lowest Jaccard first; the neighbours are point numbers, nearest "
                                                "first)", wrap=True, interactive=False, max_height=360,
                           elem_id="map-changes", column_widths=["7%", "8%", "45%", "20%", "20%"])
    reading = gr.Markdown(label="Topic or language?", elem_id="map-reading", latex_delimiters=[])
    agreement = gr.Dataframe(label="Agreement with labels / languages", wrap=True, interactive=False,
                             elem_id="map-agreement")
    k_curve = gr.Plot(label="Choice of k", elem_id="map-k-curve")
    keywords = gr.Dataframe(label="Cluster keywords (c-TF-IDF, per language)", wrap=True, interactive=False,
                            max_height=360, column_widths=["12%", "8%", "20%", "60%"], elem_id="map-keywords")
    with gr.Row():
        points_file = download_box("Points (CSV: text, coordinates, cluster, label, language, source)")
        html_file = download_box("Plot (standalone HTML, works offline)")
    # A superseded map's export is deleted by the next build; the session's last one when the session ends.
    state = gr.State(None, delete_callback=lambda run: run is not None and run.export.discard())

    build_map = dict(fn=user_errors(forms.endpoint(MapRequest, functools.partial(run_map, backend))),
                     inputs_kwargs=forms.inputs(
                         MapRequest, documents=docs, long_docs=long_docs, chunk_tokens=chunk_tokens,
                         overlap_tokens=overlap_tokens, instruction=instruction, method=method, dims=dims,
                         n_neighbors=n_neighbors, min_dist=min_dist, seed=seed, cluster_method=cluster_method, k=k,
                         min_cluster_size=min_cluster_size, cluster_space=cluster_space,
                         language_neutral=language_neutral, colour_by=colour_by,
                         queries=query_text, query_instruction_a=query_a, query_instruction_b=query_b,
                         model_b=page.model_b, vectors=vectors, previous=state),
                     outputs=forms.outputs(MapResult, run=state, summary=summary, plot=plot, plot_html=html_file,
                                           keywords=keywords, agreement=agreement, reading=reading, k_curve=k_curve,
                                           points_csv=points_file, model_b_status=model_b_status, plot_b=plot_b,
                                           changes=changes),
                     show_progress_on=status)
    show_b = {"fn": present_model_b, "inputs": [state, colour_by, model_b_status],
              "outputs": [colour_by, plot_b_column, model_b_status, changes], "api_visibility": "private"}
    # A new map: its own filter values, and no selection (the last one named the old map's points).
    show_filters = {"fn": lambda run: (gr.Dropdown(choices=filter_choices(run), value=[]), "", None, None,
                                       page_texts(run)),
                    "inputs": state, "outputs": [only, selection_summary, selected_table, selected_csv, texts],
                    "api_visibility": "private", "show_progress": "hidden"}
    example_loaded = example.click(user_errors(functools.partial(load_example, backend)),
                                   outputs=[docs.files, colour_by, query_text, instruction], api_visibility="private",
                                   show_progress="hidden")
    example_map = example_loaded.success(**build_map, api_visibility="private")
    build_event = run.click(**build_map, api_name="map_build")
    # Recolouring, filtering and matching typed words happen at once, in the browser; the server's redraws (the
    # export, model B) take the filters, and the words are matched again on the map they draw.
    highlight = {"fn": None, "inputs": [only, find_text, match, texts], "js": HIGHLIGHT_JS}

    def follow(event) -> None:
        # Words typed before the map's texts reached the page light up once they have.
        event.success(**show_b).success(**show_filters).success(**highlight)

    for event in (example_map, build_event):
        follow(event)
    page.replayable(key="map", title=TITLE, request=MapRequest, handler=run_map, inputs=build_map["inputs_kwargs"],
                    outputs=build_map["outputs"], status=status, follow=follow, story=story)
    stops(stop, [example_map, build_event], status)
    colour_by.input(None, inputs=[colour_by, only, find_text, match, texts],
                    js=f"(c, ...rest) => {{ ({RECOLOUR_JS})(c); ({HIGHLIGHT_JS})(...rest); }}")
    # The box's change, not its input: Gradio sends no input event when the box is emptied (6.31).
    gr.on([only.input, find_text.change, match.input], **highlight)
    colour_by.input(user_errors(forms.endpoint(ColourRequest, redraw)),
                    inputs_kwargs=forms.inputs(ColourRequest, run=state, colour_by=colour_by, only=only),
                    outputs=forms.outputs(PlotResult, plot=plot, plot_html=html_file, plot_b=plot_b),
                    api_name="map_colour", show_progress_on=status).success(**highlight)
    gr.on([show.click, picked.submit], user_errors(forms.endpoint(NeighboursRequest, neighbours)),
          inputs_kwargs=forms.inputs(NeighboursRequest, run=state, colour_by=colour_by, point=picked, only=only),
          outputs=forms.outputs(NeighboursResult, picked=picked_text, neighbours=neighbour_table, plot=plot,
                                plot_html=html_file, plot_b=plot_b), api_name="map_neighbours",
          show_progress_on=status).success(**highlight)
    selected = forms.outputs(SelectionResult, summary=selection_summary, table=selected_table, csv=selected_csv,
                             plot=plot, plot_b=plot_b)
    select_button.click(user_errors(forms.endpoint(SelectRequest, select)),
                        inputs_kwargs=forms.inputs(SelectRequest, run=state, colour_by=colour_by, points=selection,
                                                   only=only),
                        outputs=selected, api_visibility="private", show_progress="hidden")
    gr.on([find_button.click, find_text.submit],
          user_errors(forms.endpoint(FindRequest, functools.partial(find, backend))),
          inputs_kwargs=forms.inputs(FindRequest, run=state, colour_by=colour_by, find=find_text, match=match,
                                     k=find_k, only=only, instruction=query_a),
          outputs=selected, api_name="map_find", show_progress_on=status)
    on_model_known(demo, lambda keep: (instruction_choices(backend, "clustering", keep=keep),
                                       instruction_choices(backend, None, keep=keep),
                                       instruction_choices(backend, "retrieval", keep=keep)),
                   [instruction, query_a, query_b])
