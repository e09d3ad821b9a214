"""Model B beside model A in a tab: which reference B is, and which instruction each model gets.

Models of different families read different instructions (Harrier's "Instruct: …\\nQuery: …" task strings are not
EmbeddingGemma's "task: … | query: …" ones). When the user kept model A's preset for the task, B gets its own family's
preset for the same task — the comparison the user means; any other instruction (free text, a saved prompt name,
"(none)") goes to both models as typed, and the tab shows the exact strings each model embedded.
"""

from __future__ import annotations

from harrier_explorer.backend.core import Backend
from harrier_explorer.models import NO_INSTRUCTION


def model_b_ref(backend: Backend, model_b: str | None) -> str | None:
    """The reference of model B, or None when none is chosen or it is model A itself (nothing to compare)."""
    ref = (model_b or "").strip()
    return ref if ref and ref != backend.default_ref else None


def instruction_for(backend: Backend, instruction: str, task_kind: str, model: str) -> str:
    """The instruction ``model`` gets when model A gets ``instruction`` for a task kind (retrieval, bitext …)."""
    if instruction == backend.spec.preset(task_kind):
        return backend.spec_of(model).preset(task_kind) or NO_INSTRUCTION
    return instruction
