"""Cross-lingual search tab (being built)."""

import gradio as gr

TITLE = "Cross-lingual search"


def build(backend, demo) -> None:
    gr.Markdown("This tab is being built.")
