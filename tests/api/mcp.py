"""The app's MCP tools as an MCP client sees them: the app launched with ``mcp_server=True``, its schema read and its
tools called over streamable HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from harrier_explorer.backend.core import Backend
from tests.helpers import launched_app


@contextmanager
def mcp_app(backend: Backend) -> Iterator[str]:
    """The whole app over ``backend`` with its MCP server; yields the app's URL."""
    with launched_app(backend, mcp_server=True) as demo:
        yield demo.local_url


def mcp_tools(backend: Backend) -> dict[str, dict]:
    """Every tool of the whole app over ``backend``, by name: its description and input schema."""
    with mcp_app(backend) as url:
        return {tool["name"]: tool for tool in httpx.get(f"{url}gradio_api/mcp/schema", timeout=60).json()}


def call_tools(url: str, calls: list[tuple[str, dict]]) -> list:
    """Each (tool, arguments) called in turn by the MCP Python SDK's client: their CallToolResults."""
    from mcp import ClientSession
    from mcp.client.streamable_http import streamablehttp_client

    async def run() -> list:
        async with streamablehttp_client(f"{url}gradio_api/mcp/") as (read, write, _), \
                ClientSession(read, write) as session:
            await session.initialize()
            return [await session.call_tool(name, arguments) for name, arguments in calls]

    return asyncio.run(run())
