"""Which model B a tab compares with and which instruction B gets (both tabs use these; a stub backend stands in
for two model families)."""

from __future__ import annotations

from types import SimpleNamespace

from harrier_explorer.models import EMBEDDINGGEMMA, HARRIER_270M, MINILM, NO_INSTRUCTION
from harrier_explorer.workflows.model_b import instruction_for, model_b_ref

FAMILIES = {"harrier": HARRIER_270M, "gemma": EMBEDDINGGEMMA, "minilm": MINILM}
BACKEND = SimpleNamespace(default_ref="harrier", spec=HARRIER_270M, spec_of=FAMILIES.get)
GEMMA_RETRIEVAL = EMBEDDINGGEMMA.preset("retrieval")


def test_model_a_s_preset_becomes_bs_own_familys_preset_for_the_same_task():
    a_preset = HARRIER_270M.preset("retrieval")
    assert instruction_for(BACKEND, a_preset, "retrieval", "gemma") == GEMMA_RETRIEVAL
    assert instruction_for(BACKEND, a_preset, "retrieval", "minilm") == NO_INSTRUCTION  # B's family has none


def test_a_preset_by_name_or_label_and_of_another_kind_maps_too():
    name = HARRIER_270M.tasks["qa"]  # "retrieval (QA)", as the dropdown's value
    label = f"{name}: {HARRIER_270M.presets[name]}"
    for instruction in (name, label):  # the QA preset picked in the search tab (kind "retrieval")
        assert instruction_for(BACKEND, instruction, "retrieval", "gemma") == EMBEDDINGGEMMA.preset("qa")


def test_any_other_instruction_goes_to_b_as_typed():
    for instruction in ("Find texts about foxes", NO_INSTRUCTION, "web_search_query"):
        assert instruction_for(BACKEND, instruction, "retrieval", "gemma") == instruction


def test_no_model_b_or_model_a_again_means_model_a_alone():
    assert model_b_ref(BACKEND, "") is model_b_ref(BACKEND, None) is model_b_ref(BACKEND, " harrier ") is None
    assert model_b_ref(BACKEND, " gemma ") == "gemma"
