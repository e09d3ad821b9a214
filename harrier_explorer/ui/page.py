"""Controls above the tabs that every tab's actions take as inputs, and the shelf where a tab puts the action a saved
scenario replays (kept apart from build.py so that tabs can name the types without importing the page that imports
them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import gradio as gr


@dataclass(frozen=True)
class Replayable:
    """A tab's main action as a saved scenario keeps and replays it."""

    key: str  # the tab's id, and a scenario file's "tab"
    title: str
    request: type  # the action's request dataclass (``forms``)
    handler: Callable  # handler(backend, request, progress) -> result
    inputs: dict  # endpoint parameter name → component
    outputs: list  # components, in the result's field order
    status: gr.components.Component  # where a replay's progress shows
    story: gr.Markdown  # where an opened scenario's story shows (``story_box``)
    #: Chains the tab's follow-ups (tables shown, pickers filled) on an event that filled ``outputs``.
    follow: Callable[[object], None] = lambda event: None


def story_box(key: str) -> gr.Markdown:
    """Where an opened scenario's story shows: right above the tab's results, which the page scrolls to, so that a
    viewer reads what to look at next to it. Hidden until a scenario of the tab opens, and again once an input of the
    tab is changed (the story told of the saved inputs)."""
    return gr.Markdown(visible=False, elem_id=f"hx-story-{key}", elem_classes=["hx-story"], latex_delimiters=[])


@dataclass(frozen=True)
class Page:
    #: The second model every tab compares model A with ("" for none): a reference as ``Backend.slot`` takes it.
    model_b: gr.Dropdown
    #: The header (model, device, runtime, self-check): it changes while a model loads, checks itself or moves to a
    #: faster runtime, and what shows the same facts follows it.
    header: gr.Markdown
    #: Each tab that can be saved as a scenario, by key (filled as the tabs are built).
    shelf: dict[str, Replayable] = field(default_factory=dict)

    def replayable(self, **kwargs) -> None:
        entry = Replayable(**kwargs)
        self.shelf[entry.key] = entry
