"""``build_app(backend)``: the page — a header saying which models are active and why, the choice of a second
model (B) that every tab compares model A with, then one tab per tool.

Nothing heavy happens here: models load in the backend's threads while the page is already served, and the header
polls their status until they are ready.
"""

from __future__ import annotations

import html
import json
import threading
from pathlib import Path

import gradio as gr

import harrier_explorer.ui.mcp_state  # noqa: F401 - mends Gradio's MCP answers of tools returning a State
from harrier_explorer.analysis.projection import warm_up
from harrier_explorer.backend.core import Backend
from harrier_explorer.models import KNOWN_MODELS
from harrier_explorer.ui import scenarios
from harrier_explorer.ui.ab import layout as ab_tab
from harrier_explorer.ui.bitext import layout as bitext_tab
from harrier_explorer.ui.common import open_dropdown
from harrier_explorer.ui.first_frame import FIRST_FRAME_JS
from harrier_explorer.ui.glossary import GLOSSARY_JS
from harrier_explorer.ui.lab import layout as lab_tab
from harrier_explorer.ui.long_doc import layout as long_doc_tab
from harrier_explorer.ui.map import layout as map_tab
from harrier_explorer.ui.map.plots import plot_scripts
from harrier_explorer.ui.model import layout as model_tab
from harrier_explorer.ui.page import Page
from harrier_explorer.ui.search import layout as search_tab

TABS = (search_tab, bitext_tab, ab_tab, lab_tab, map_tab, long_doc_tab, model_tab)
CSS = """
#hx-header {padding: 6px 12px; border-radius: 8px; background: var(--block-background-fill);}
#hx-header p {margin: 2px 0;}
.hx-fallback {color: #b45309; font-weight: 600;}
/* Upload boxes are kept low: without the icon and the prompt's tall minimum, the prompt on one line (its parts are
   flex items: "display: inline" would not join them), below the box's floating label, so that "Drop File Here - or -
   Click to Upload" shows whole. */
.upload-container.boundedheight {padding-top: 30px;}
.upload-container.boundedheight [data-testid="upload-icon"] {display: none;}
.upload-container.boundedheight [data-testid="upload-text"] {min-height: 0; flex-direction: row; flex-wrap: wrap;
  justify-content: center; align-items: baseline; column-gap: 0.4em;}
/* A table sized by its content (no column widths given) breaks its headers between words only: Gradio breaks them
   anywhere ("point s", "silhouett e"), since a header's narrowest fit is then one letter. */
thead th:not([style*="width"]) .header.text.wrap {word-break: normal; overflow-wrap: normal;}
/* An opened scenario's story, above the results it points at. */
.hx-story {border-left: 4px solid var(--color-accent); padding-left: 12px !important;}
/* A long document, marked, scrolls in its own box: the sections below it stay within reach. */
#longdoc-text {max-height: 520px; overflow-y: auto;}
/* An empty download box (nothing made yet) stays low instead of Gradio's large placeholder. */
.hx-download .empty.large {min-height: 0; height: 56px;}
/* Dark mode: plotly paints its own white paper, dark text and light grid; follow the page's theme instead. */
.dark .js-plotly-plot .main-svg {background: transparent !important;}
.dark .js-plotly-plot .bg {fill: var(--background-fill-secondary) !important;}
.dark .js-plotly-plot :is(.gridlayer, .zerolinelayer) path {stroke: rgba(255, 255, 255, 0.12) !important;}
.dark .js-plotly-plot :is(.xtick, .ytick, .g-gtitle, .g-xtitle, .g-ytitle, .legend, .cbaxis, .cbtitle, .annotation,
  .scatterlayer .textpoint) text {fill: var(--body-text-color) !important;}
"""
#: Page script: plotly's events on the Cluster map (a click → that point's nearest neighbours, selections, the view
#: kept through redraws), how its WebGL draws and its labels follow the legend (plot_scripts); the glossary's hover
#: help; the hand-over of a link's recorded first frame.
_MAP_EVENTS_JS = (Path(__file__).parent / "map" / "events.js").read_text(encoding="utf-8")
_MAP_PLOTS = "#map-plot .js-plotly-plot, #map-plot-b .js-plotly-plot"
JS = (f"() => {{\n({_MAP_EVENTS_JS})();\n{plot_scripts(_MAP_PLOTS)}\n({GLOSSARY_JS})();\n"
      f"({FIRST_FRAME_JS})();\n}}")


def status_markdown(st, label: str = "") -> str:
    """One model's line of the header: which model, why, and how it runs."""
    title = f"**{label}** " if label else ""
    if st.state in ("loading", "unloaded"):
        return f"{title}{html.escape(st.message)}"
    if st.state == "error":
        return f'{title}<span class="hx-fallback">{html.escape(st.message)}</span>'
    fallback = (f' <span class="hx-fallback">({html.escape(st.reason)})</span>'
                if st.is_fallback else f" <small>({html.escape(st.reason)})</small>")
    return (f"{title}**{html.escape(st.model_id)}**{fallback}  \n"
            f"{st.device} · {st.dtype} · {st.batching} · {st.dim} dims · max {st.max_seq_length} tokens · "
            f"{st.selfcheck.summary}")


def header_markdown(backend: Backend, model_b: str = "") -> str:
    title = "### Harrier Explorer"
    a = backend.status
    if not model_b or model_b.strip() == backend.default_ref:
        if a.state == "loading":
            return f"{title} — {html.escape(a.message)}"
        return f"{title} — {status_markdown(a)}"
    b = backend.slot(model_b, load=False).status
    return f"{title}\n\n{status_markdown(a, 'A')}\n\n{status_markdown(b, 'B')}"


def compare_choices(backend: Backend) -> list[tuple[str, str]]:
    """Second models a user can pick at once (free text takes any id, folder, URL or ?dim= / ?dtype= variant)."""
    a = backend.default_ref
    rows = [("(none): model A alone", ""),
            ("all-MiniLM-L6-v2: English-only (offline from PyPI)", "sentence-transformers/all-MiniLM-L6-v2"),
            (f"{a}, truncated to 256 dims", f"{a}?dim=256"), (f"{a}, truncated to 128 dims", f"{a}?dim=128"),
            (f"{a} in bfloat16", f"{a}?dtype=bfloat16"),
            (f"{a} run by torch", f"{a}?runtime=torch"), (f"{a} run by ONNX Runtime (CPU)", f"{a}?runtime=onnx"),
            ("the same model behind `harrier-explorer serve-api` on port 8000", "http://127.0.0.1:8000/v1"),
            *((spec.label, hf_id) for hf_id, spec in KNOWN_MODELS.items() if hf_id != a)]
    return list(dict.fromkeys(rows))


def tab_key(tab) -> str:
    """A tab's id (its package: "search", "bitext", …), as saved scenarios name their tab."""
    return tab.__name__.split(".")[-2]


def kept_files(hours: float) -> tuple[int, int]:
    """Gradio's ``delete_cache`` (every how many seconds, files older than how many): uploads and the copies of
    downloads Gradio serves go ``hours`` after they were last handed out (Gradio touches a copy it hands out again), at
    the latest an hour late; all go when the app stops. Without it they stay in the upload folder for good."""
    age = max(1, round(hours * 3600))
    return min(3600, age), age


def build_app(backend: Backend, *, warm_up_scenarios: bool = False) -> gr.Blocks:
    """The page over ``backend``; start the backend after launching it (``serve`` does) so that loading the model
    never delays the page. ``warm_up_scenarios``: replay each curated scenario once in the background, for a
    served page (``serve``), so that its first visitor does not pay one-off costs; not for an in-process app."""
    # UMAP's numba kernels compile in ~15 s of CPU: after the model is ready, so the two never compete for it.
    threading.Thread(target=lambda: (backend.slot().ready.wait(), warm_up()), name="umap-warm-up",
                     daemon=True).start()
    with gr.Blocks(title="Harrier Explorer", delete_cache=kept_files(backend.settings.files_kept_hours)) as demo:
        with gr.Row(equal_height=True):
            header = gr.Markdown(header_markdown(backend, backend.settings.compare_model), elem_id="hx-header")
            model_b = open_dropdown(compare_choices(backend), value=backend.settings.compare_model,
                                    label="Compare with model B", elem_id="hx-model-b", scale=0, min_width=360,
                                    info="Every tab then shows model A and model B side by side. Any Hugging "
                                         "Face id, folder, http(s)://…/v1 server, or ?dim=N / ?dtype=bfloat16 / "
                                         "?runtime=torch")
        scenario_bar = scenarios.bar()
        timer = gr.Timer(1.0)
        page = Page(model_b, header)

        def refresh(b: str):
            busy = any(backend.slot(ref, load=False).status.state == "loading" or
                       not backend.slot(ref, load=False).status.selfcheck.done
                       for ref in filter(None, (backend.default_ref, (b or "").strip()))
                       if backend.slot(ref, load=False).status.state != "error")
            return header_markdown(backend, b), gr.Timer(active=busy)

        def choose_b(b: str):
            if (b or "").strip():
                backend.slot(b.strip())  # start loading it now, not on the first action that needs it
            return refresh(b)

        timer.tick(refresh, inputs=model_b, outputs=[header, timer], api_visibility="private")
        model_b.change(choose_b, inputs=model_b, outputs=[header, timer], api_visibility="private")
        # The open tab: what "Save this tab" saves, and where an opened scenario's results are (a hidden Textbox,
        # not a State, so that the page's script reads it too).
        current = gr.Textbox(tab_key(TABS[0]), visible=False)
        with gr.Tabs() as tabs:
            for tab in TABS:
                with gr.Tab(tab.TITLE, id=tab_key(tab)) as shown:
                    tab.build(backend, demo, page)
                # Set in the browser, at once: a Save clicked right after the tab must see it (under load, a round
                # trip to the server could come after the Save's own request).
                shown.select(None, js=f"() => {json.dumps(tab_key(tab))}", outputs=current, api_visibility="private",
                             show_progress="hidden")
        scenarios.wire(backend, demo, page, scenario_bar, tabs, current, warm_up_scenarios)
    # Gradio drops a click on a button whose action is still running (trigger mode "once"), and it still counts as
    # running for a moment after its results are drawn: a user who changes a setting and clicks again would see
    # nothing happen. Such a click instead runs once more when the running one ends, with the page's inputs then.
    for fn in demo.fns.values():
        if fn.trigger_mode == "once":
            fn.trigger_mode = "always_last"
    # A results table not yet filled shows an empty box, not the placeholder columns "1 2 3" Gradio gives a table
    # built without headers (its columns come with its results).
    for block in demo.blocks.values():
        if isinstance(block, gr.Dataframe) and block.headers == ["1", "2", "3"] and not block.value["data"]:
            block.headers, block.value = [""], {**block.value, "headers": [""]}
    return demo
