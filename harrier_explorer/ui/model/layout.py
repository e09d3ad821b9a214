"""Layout and wiring of the Model tab (handlers in handlers.py)."""

from __future__ import annotations

import functools

import gradio as gr

from harrier_explorer.backend.core import Backend
from harrier_explorer.models import ROLES
from harrier_explorer.ui import forms
from harrier_explorer.ui.common import instruction_choices, instruction_dropdown, user_errors
from harrier_explorer.ui.model.handlers import CompareRequest, CompareResult, ModelReport, compare_two, model_report

TITLE = "Model"


def build(backend: Backend, demo: gr.Blocks) -> None:
    with gr.Row():
        checks = gr.Dataframe(label="Load-time self-check", wrap=True, interactive=False,
                              column_widths=["10%", "22%", "68%"])
        facts = gr.Dataframe(label="Model and cache", wrap=True, interactive=False, column_widths=["32%", "68%"])
    refresh = gr.Button("Refresh", size="sm")
    gr.Markdown("### Playground: embed two texts and compare")
    with gr.Row():
        text_a = gr.Textbox(label="Text A", lines=3, value="Where can I buy a train ticket?")
        text_b = gr.Textbox(label="Text B", lines=3, value="Wo kann ich eine Fahrkarte kaufen?")
    with gr.Row():
        instruction = instruction_dropdown()
        role_a = gr.Radio(list(ROLES), value="query", label="Role of A")
        role_b = gr.Radio(list(ROLES), value="document", label="Role of B")
    go = gr.Button("Embed and compare", variant="primary")
    cosine = gr.Number(label="cosine(A, B)", precision=4, interactive=False, elem_id="model-cosine")
    detail = gr.Dataframe(label="What went into the model", wrap=True, interactive=False)
    gr.Markdown("Roles: **query** gets the instruction; **document** gets the model's document format (Harrier: "
                "none, the text stays bare) in asymmetric tasks such as retrieval; **symmetric** (STS, bitext, "
                "clustering) puts the instruction on every input.")

    report = user_errors(forms.action(functools.partial(model_report, backend)))
    report_outputs = forms.outputs(ModelReport, checks=checks, facts=facts)
    refresh.click(report, outputs=report_outputs, api_name="model_info")
    go.click(user_errors(forms.endpoint(CompareRequest, functools.partial(compare_two, backend))),
             inputs_kwargs=forms.inputs(CompareRequest, text_a=text_a, text_b=text_b, instruction=instruction,
                                        role_a=role_a, role_b=role_b),
             outputs=forms.outputs(CompareResult, cosine=cosine, strings=detail), api_name="compare_two")
    demo.load(report, outputs=report_outputs, api_visibility="private")
    demo.load(lambda: instruction_choices(backend, None), outputs=instruction, api_visibility="private")
