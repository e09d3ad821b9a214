"""Short one-line previews of texts for tables and hover labels."""

from __future__ import annotations


def snippet(text: str, width: int = 120) -> str:
    """`text` with runs of whitespace collapsed, cut to at most `width` characters (an ellipsis marks a cut)."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
