"""``build_app(backend)``: the page — a header saying which model is active and why, then one tab per tool.

Nothing heavy happens here: the model loads in the backend's thread while the page is already served, and the
header polls its status until it is ready.
"""

from __future__ import annotations

import html
import threading
from pathlib import Path

import gradio as gr

from harrier_explorer.analysis.projection import warm_up
from harrier_explorer.backend.core import Backend
from harrier_explorer.ui.ab import layout as ab_tab
from harrier_explorer.ui.bitext import layout as bitext_tab
from harrier_explorer.ui.map import layout as map_tab
from harrier_explorer.ui.model import layout as model_tab
from harrier_explorer.ui.search import layout as search_tab

TABS = (search_tab, bitext_tab, ab_tab, map_tab, model_tab)
CSS = """
#hx-header {padding: 6px 12px; border-radius: 8px; background: var(--block-background-fill);}
#hx-header p {margin: 2px 0;}
.hx-fallback {color: #b45309; font-weight: 600;}
"""
#: Page script: plotly clicks on the Cluster map → that point's nearest neighbours.
JS = (Path(__file__).parent / "map" / "click.js").read_text(encoding="utf-8")


def header_markdown(backend: Backend) -> str:
    st = backend.status
    title = "### Harrier Explorer"
    if st.state == "loading":
        return f"{title} — {html.escape(st.message)}"
    if st.state == "error":
        return f'{title} — <span class="hx-fallback">{html.escape(st.message)}</span>'
    fallback = (f' <span class="hx-fallback">({html.escape(st.reason)})</span>'
                if st.is_fallback else f" <small>({html.escape(st.reason)})</small>")
    check = st.selfcheck.summary
    return (f"{title} — **{html.escape(st.model_id)}**{fallback}\n\n"
            f"{st.device} · {st.dtype} · {st.dim} dims · max {st.max_seq_length} tokens · {check}")


def build_app(backend: Backend) -> gr.Blocks:
    """The page over ``backend``; start the backend after launching it (``serve`` does) so that loading the model
    never delays the page."""
    # UMAP's numba kernels compile in ~15 s of CPU: after the model is ready, so the two never compete for it.
    threading.Thread(target=lambda: (backend.slot().ready.wait(), warm_up()), name="umap-warm-up",
                     daemon=True).start()
    with gr.Blocks(title="Harrier Explorer") as demo:
        header = gr.Markdown(header_markdown(backend), elem_id="hx-header")
        timer = gr.Timer(1.0)

        def refresh():
            done = backend.status.state != "loading"
            return header_markdown(backend), gr.Timer(active=not done)

        timer.tick(refresh, outputs=[header, timer], api_visibility="private")
        for tab in TABS:
            with gr.Tab(tab.TITLE):
                tab.build(backend, demo)
    return demo
