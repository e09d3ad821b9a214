"""Bitext matching tab (being built)."""

import gradio as gr

TITLE = "Bitext matching"


def build(backend, demo) -> None:
    gr.Markdown("This tab is being built.")
