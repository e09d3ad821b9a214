"""Stopping a long run: Gradio's ``cancels=`` ends the event's asyncio task but not the worker thread that embeds, so
the encoder's progress callback asks between batches whether its event is still live and raises ``Cancelled`` if not.

A run stops this way on the page's Stop button, on a closed tab, and on an API client's ``job.cancel()``; what it
embedded before the stop is already in the cache, so running again resumes from there.
"""

from __future__ import annotations

import gradio as gr
from gradio.context import LocalContext

STOPPED = ("Stopped. What was embedded before the stop is cached, so running again picks up from there; the results "
           "shown are the last finished run's.")


class Cancelled(Exception):
    """The event this thread serves was cancelled; nobody waits for its result any more."""


def cancelled() -> bool:
    """Whether the Gradio event served by this thread has been cancelled (False outside a Gradio event). A running
    event stays in its queue's index of events until it finishes or is cancelled."""
    blocks, event_id = LocalContext.blocks.get(None), LocalContext.event_id.get(None)
    events = getattr(getattr(blocks, "_queue", None), "event_ids_to_events", None)
    return bool(event_id) and events is not None and event_id not in events


def check_cancelled() -> None:
    if cancelled():
        raise Cancelled


def stop_button(**kwargs) -> gr.Button:
    """The Stop button placed next to a Run button; ``stops`` wires it once the events exist."""
    return gr.Button("Stop", variant="stop", scale=0, min_width=90, **kwargs)


def stops(button: gr.Button, events: list, status: gr.components.Component) -> None:
    """Clicking ``button`` cancels ``events`` (steps chained on them never start) and says so on ``status``."""
    button.click(lambda: STOPPED, outputs=status, cancels=events, api_visibility="private", show_progress="hidden")
