"""The app's MCP tools, mended where Gradio 6.31's MCP server and the app's session results (``gr.State``) meet.

- **Every MCP caller shares one session.** A queued tool runs through one gradio_client ``Client`` that the MCP
  server keeps for all its callers, so a follow-up action (it reads the session's last result: ``map_find``,
  ``rematch_bitext`` …) would act on, and show, whatever another agent ran last. Those actions are left out of the
  tools (they stay in the gradio_client API, where each ``Client`` is a session of its own); the complete actions
  remain, each taking everything it needs in one call.
- **Tools are named by their api_name** (``map_build``), as the README and gradio_client name them, not by the
  Python function behind them.
- **A tool that also returns a State answered nothing, or "pop from empty list"** (map_build, match_bitext,
  ab_compare, lab_run). ``pop_returned_state`` removes the States' positions from the tool's answer, but a queued
  tool's answer comes through gradio_client, which has left the States out already, wrapped as ``[result]``:
  popping position 0 empties it, a later position fails. Replaced by a version that removes States only from an
  answer that still holds every output (a tool that is not queued).

- **No warning about State inputs** at start-up: the tools left keep one only for an earlier result they may reuse
  (``previous``), and do the same work without it.

Remove each once Gradio does the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from gradio import State
from gradio.mcp import GradioMCPServer

#: The parameter through which a follow-up action reads the session's last result (forms' request field ``run``).
SESSION_RESULT = "run"


def _pop_returned_state(components: Sequence, data: list) -> list:
    if len(data) != len(components):  # gradio_client's answer: no State in it
        return data
    return [value for value, component in zip(data, components, strict=True) if not isinstance(component, State)]


def reads_session_result(block_fn) -> bool:
    """Whether an action reads the result its session kept (a State filling the parameter ``run``)."""
    names = block_fn.input_parameter_names or []
    return any(isinstance(component, State) and name == SESSION_RESULT
               for component, name in zip(block_fn.inputs, names, strict=False))


def _tool_to_endpoint(self: GradioMCPServer) -> dict[str, str]:
    """Tool name → endpoint for each public action that needs no session result, named by its api_name."""
    tools = {}
    for endpoint in self.api_info["named_endpoints"]:
        block_fn = self.get_block_fn_from_endpoint_name(endpoint)
        if block_fn is not None and block_fn.fn is not None and not reads_session_result(block_fn):
            tools[self.valid_and_unique_tool_name(self.tool_prefix + endpoint.lstrip("/"), set(tools))] = endpoint
    return tools


GradioMCPServer.pop_returned_state = staticmethod(_pop_returned_state)
GradioMCPServer.get_tool_to_endpoint = _tool_to_endpoint
GradioMCPServer.warn_about_state_inputs = lambda self: None
