"""Cluster map tab (being built)."""

import gradio as gr

TITLE = "Cluster map"


def build(backend, demo) -> None:
    gr.Markdown("This tab is being built.")
