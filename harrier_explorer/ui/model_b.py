"""The line a tab shows above its model-B views: which model B is, the exact instruction each model got (they may
differ: B gets its own family's preset where A's was kept) and what B embedded."""

from __future__ import annotations

from harrier_explorer.backend.core import Backend
from harrier_explorer.ui.common import markdown_text

Instructions = str | tuple[str, str]  # one instruction, or a tab's instruction A and B (the A/B tab)


def model_b_status(backend: Backend, ref_b: str, tasks: tuple[Instructions, Instructions], embedded: str) -> str:
    """Markdown, user text escaped: model B's id and dimensions, each model's instruction(s) (A's, B's), B's cache
    summary."""
    st = backend.slot(ref_b).status
    return (f"**Model B: {markdown_text(st.model_id)}** ({st.dim} dims). Model B got {_quoted(tasks[1])}; model A "
            f"{_quoted(tasks[0])}. Model B embedded {embedded}.")


def _quoted(task: Instructions) -> str:
    if isinstance(task, tuple):
        return " and ".join(f"instruction {side} “{markdown_text(t)}”" for side, t in zip("AB", task, strict=True))
    return f"“{markdown_text(task)}”"
