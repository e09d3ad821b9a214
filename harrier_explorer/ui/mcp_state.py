"""Gradio 6.31's MCP server answers nothing, or "pop from empty list", for a tool that also returns a ``gr.State``
(map_build, match_bitext, ab_compare, lab_run: the session's result, kept for the follow-up endpoints).

``GradioMCPServer.pop_returned_state`` removes the States' positions from the tool's answer, but a queued tool's
answer comes through gradio_client, which has left the States out already, wrapped as ``[result]``: popping position
0 empties it, a later position fails. Replaced here by a version that removes States only from an answer that still
holds every output (a tool that is not queued); remove this module once Gradio does the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from gradio import State
from gradio.mcp import GradioMCPServer


def _pop_returned_state(components: Sequence, data: list) -> list:
    if len(data) != len(components):  # gradio_client's answer: no State in it
        return data
    return [value for value, component in zip(data, components, strict=True) if not isinstance(component, State)]


GradioMCPServer.pop_returned_state = staticmethod(_pop_returned_state)
