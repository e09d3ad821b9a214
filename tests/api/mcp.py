"""The app's MCP tools as an MCP client sees them: the app launched with ``mcp_server=True`` and its schema read."""

from __future__ import annotations

import httpx

from harrier_explorer.backend.core import Backend


def mcp_tools(backend: Backend) -> dict[str, dict]:
    """Every tool of the whole app over ``backend``, by name: its description and input schema."""
    from harrier_explorer.ui.build import build_app

    demo = build_app(backend)
    _, url, _ = demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=None, quiet=True,
                                    mcp_server=True)
    try:
        return {tool["name"]: tool for tool in httpx.get(f"{url}gradio_api/mcp/schema", timeout=60).json()}
    finally:
        demo.close()
