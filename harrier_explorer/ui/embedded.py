"""What went into the model: the exact strings a run embedded (prompt included), so a user can check how an
instruction, a preset or a saved prompt name was applied."""

from __future__ import annotations

from collections.abc import Iterable

import gradio as gr
import pandas as pd


def strings_frame(rows: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """(input, exact string embedded) rows; the string as its repr, so newlines and trailing spaces show."""
    return pd.DataFrame([(name, repr(string)) for name, string in rows], columns=["input", "exact string embedded"])


def exact_strings() -> gr.Dataframe:
    """A closed section with the table of exact strings (most users need it only when an instruction surprises)."""
    with gr.Accordion("Exact strings embedded", open=False):
        return gr.Dataframe(label="exact strings embedded", wrap=True, interactive=False, column_widths=["15%", "85%"])
