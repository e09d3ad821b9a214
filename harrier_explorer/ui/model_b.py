"""The line a tab shows above its model-B views: which model B is, the exact instruction each model got (they may
differ: B gets its own family's preset where A's was kept) and what B embedded."""

from __future__ import annotations

from harrier_explorer.backend.core import Backend
from harrier_explorer.ui.common import markdown_text


def model_b_status(backend: Backend, ref_b: str, tasks: tuple[str, str], embedded: str) -> str:
    """Markdown, user text escaped: model B's id and dimensions, both instructions (A's, B's), B's cache summary."""
    st = backend.slot(ref_b).status
    return (f"**Model B: {markdown_text(st.model_id)}** ({st.dim} dims). Instruction for B: "
            f"“{markdown_text(tasks[1])}”; for A: “{markdown_text(tasks[0])}”. Model B embedded {embedded}.")
