"""Instruction A/B tab (being built)."""

import gradio as gr

TITLE = "Instruction A/B"


def build(backend, demo) -> None:
    gr.Markdown("This tab is being built.")
