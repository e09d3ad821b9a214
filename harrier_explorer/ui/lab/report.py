"""The lab's standalone HTML report for stakeholders: the verdict, the figure, the tables and the exact strings each
wording put before the queries, in one file that opens offline (plotly.js inlined). Everything user-written is
escaped."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
from markdown_it import MarkdownIt

from harrier_explorer import scratch

NAME = "instruction_lab.html"
#: The tab's Markdown as HTML; raw HTML in it stays text (user text in it is Markdown-escaped already).
_MARKDOWN = MarkdownIt("commonmark", {"html": False})
STYLE = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#111}"
         "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:4px 6px;"
         "vertical-align:top}th{background:#f3f4f6}pre{white-space:pre-wrap;margin:0}")


def write(verdict: str, table: pd.DataFrame, figure: go.Figure, words: pd.DataFrame | None,
          prompts: Mapping[str, str], summary: str, verdict_b: str = "", table_b: pd.DataFrame | None = None) -> str:
    """Write the report to a fresh temporary folder; returns its path."""
    strings = pd.DataFrame({"instruction": list(prompts), "exact prefix put before every query": [
        repr(p) for p in prompts.values()]})
    parts = [f"<h1>Instruction lab</h1><p>{datetime.now(UTC):%Y-%m-%d %H:%M} UTC</p>",
             *(_MARKDOWN.render(block) for block in (summary, verdict) if block),
             figure.to_html(full_html=False, include_plotlyjs=True),
             "<h2>Wordings</h2>", table.to_html(index=False, na_rep="", escape=True)]
    if verdict_b:
        parts.append(_MARKDOWN.render(verdict_b))
    if table_b is not None:
        parts.append(table_b.to_html(index=False, na_rep="", escape=True))
    if words is not None and not words.empty:
        parts += ["<h2>Words of the base instruction</h2>", words.round(4).to_html(index=False, escape=True)]
    parts += ["<h2>Exact strings</h2>", strings.to_html(index=False, escape=True)]
    path = scratch.download_folder() / NAME
    path.write_text(f"<!doctype html><meta charset='utf-8'><title>Instruction lab</title><style>{STYLE}</style>"
                    + "\n".join(parts), encoding="utf-8")
    return str(path)
