"""Controls above the tabs that every tab's actions take as inputs (kept apart from build.py so that tabs can name
the type without importing the page that imports them)."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr


@dataclass(frozen=True)
class Page:
    #: The second model every tab compares model A with ("" for none): a reference as ``Backend.slot`` takes it.
    model_b: gr.Dropdown
    #: The header (model, device, runtime, self-check): it changes while a model loads, checks itself or moves to a
    #: faster runtime, and what shows the same facts follows it.
    header: gr.Markdown
