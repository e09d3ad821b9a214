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
    """The instruction ``model`` gets when model A gets ``instruction`` in a tab of a task kind (retrieval, bitext …).

    Any of model A's presets — by name, label or task string, the tab's own kind first, then the others (the user
    may pick the QA preset in the search tab) — becomes ``model``'s preset for the same kind; other text is kept.
    """
    spec, task = backend.spec, backend.spec.task_of(instruction)
    kinds = [task_kind, *(kind for kind in spec.tasks if kind != task_kind)]
    kind = next((kind for kind in kinds if spec.preset(kind) is not None and spec.preset(kind) == task), None)
    return instruction if kind is None else backend.spec_of(model).preset(kind) or NO_INSTRUCTION
