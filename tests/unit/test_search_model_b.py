"""Which model B a tab compares with and which instruction B gets (both tabs use these; a stub backend stands in
for two model families)."""

from __future__ import annotations

from types import SimpleNamespace

from harrier_explorer.models import NO_INSTRUCTION
from harrier_explorer.workflows.model_b import instruction_for, model_b_ref

HARRIER = SimpleNamespace(preset={"retrieval": "Given a web search query, retrieve relevant passages"}.get)
GEMMA = SimpleNamespace(preset={"retrieval": "search result"}.get)
NO_PRESETS = SimpleNamespace(preset={}.get)
FAMILIES = {"harrier": HARRIER, "gemma": GEMMA, "minilm": NO_PRESETS}
BACKEND = SimpleNamespace(default_ref="harrier", spec=HARRIER, spec_of=FAMILIES.get)


def test_model_a_s_preset_becomes_bs_own_familys_preset_for_the_same_task():
    a_preset = HARRIER.preset("retrieval")
    assert instruction_for(BACKEND, a_preset, "retrieval", "gemma") == "search result"
    assert instruction_for(BACKEND, a_preset, "retrieval", "minilm") == NO_INSTRUCTION  # B's family has none


def test_any_other_instruction_goes_to_b_as_typed():
    for instruction in ("Find texts about foxes", NO_INSTRUCTION, "web_search_query"):
        assert instruction_for(BACKEND, instruction, "retrieval", "gemma") == instruction


def test_no_model_b_or_model_a_again_means_model_a_alone():
    assert model_b_ref(BACKEND, "") is model_b_ref(BACKEND, None) is model_b_ref(BACKEND, " harrier ") is None
    assert model_b_ref(BACKEND, " gemma ") == "gemma"
