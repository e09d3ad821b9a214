"""Layout and wiring of the Model tab (handlers in handlers.py)."""

from __future__ import annotations

import functools

import gradio as gr

from harrier_explorer.backend.core import Backend
from harrier_explorer.models import ROLES
from harrier_explorer.ui import forms
from harrier_explorer.ui.common import (
    instruction_choices,
    instruction_dropdown,
    on_model_known,
    open_dropdown,
    unless_unavailable,
    user_errors,
)
from harrier_explorer.ui.glossary import glossary_markdown
from harrier_explorer.ui.model import compare
from harrier_explorer.ui.model.handlers import CompareRequest, CompareResult, ModelReport, compare_two, model_report
from harrier_explorer.ui.page import Page

TITLE = "Model"


def build(backend: Backend, demo: gr.Blocks, page: Page) -> None:
    with gr.Row():
        checks = gr.Dataframe(label="Load-time self-check", wrap=True, interactive=False,
                              column_widths=["10%", "22%", "68%"], elem_id="model-selfcheck")
        facts = gr.Dataframe(label="Model and cache", wrap=True, interactive=False, column_widths=["32%", "68%"],
                             elem_id="model-facts")
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
    cosine = gr.Number(None, label="cosine(A, B)", precision=4, interactive=False, elem_id="model-cosine")
    detail = gr.Dataframe(label="What went into the model", wrap=True, interactive=False,
                          headers=["text", "role", "exact string embedded", "tokens", "truncated"])
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
    _comparisons(backend, demo, page)
    # On page load and as the header changes, a model that could not load leaves the tables as they are: the header
    # says why, once (Refresh still says it as a message).
    following = dict(outputs=report_outputs, api_visibility="private", show_progress="hidden")
    def model_facts():
        return forms.fields_of(model_report(backend))

    def following_header():
        return unless_unavailable(model_facts, report_outputs)

    on_model_known(demo, lambda _keep: model_facts(), report_outputs)
    page.header.change(user_errors(following_header), **following)
    on_model_known(demo, lambda keep: instruction_choices(backend, None, keep=keep), instruction)


def _comparisons(backend: Backend, demo: gr.Blocks, page) -> None:
    """Model A against model B (chosen at the top of the page): parity on a probe set, speed against quality."""
    gr.Markdown("### Model A against model B\nParity: one model on two backends or in two dtypes must give cosine ≈ 1 "
                "text by text; two different models are compared by how alike their similarity matrices rank every "
                "pair of texts, and how much each text's nearest neighbours overlap.")
    with gr.Row():
        probe = gr.Textbox(label="Probe texts, one per line (empty: 20 built-in sentences in 5 languages)", lines=4,
                           max_lines=10, value="")
        with gr.Column(scale=0, min_width=260):
            parity_instruction = instruction_dropdown()
            parity_role = gr.Radio(list(ROLES), value="symmetric", label="Role")
            parity_go = gr.Button("Check parity A vs B", variant="primary", elem_id="model-parity")
    parity_summary = gr.Markdown(label="summary", elem_id="model-parity-summary")
    with gr.Row():
        min_cosine = gr.Number(None, label="min per-text cosine A·B (same space only)", precision=5,
                               interactive=False)
        rho = gr.Number(None, label="similarity-matrix rank agreement (Spearman ρ)", precision=4, interactive=False)
    side_facts = gr.Dataframe(label="The models side by side", wrap=True, interactive=False,
                              headers=["", "model A", "model B"],
                              column_widths=["14%", "43%", "43%"])  # the fact, model A, model B: both in view
    parity_texts = gr.Dataframe(label="Per text", wrap=True, interactive=False, max_height=420,
                                headers=["#", "text", "cosine A·B", "same nearest neighbour", "neighbour overlap"])
    parity_go.click(user_errors(forms.endpoint(compare.ParityRequest, functools.partial(compare.parity_check,
                                                                                        backend))),
                    inputs_kwargs=forms.inputs(compare.ParityRequest, model_b=page.model_b, probe=probe,
                                               instruction=parity_instruction, role=parity_role),
                    outputs=forms.outputs(compare.ParityResult, summary=parity_summary, min_cosine=min_cosine,
                                          similarity_rho=rho, facts=side_facts, texts=parity_texts),
                    api_name="model_parity")

    gr.Markdown("### Speed against quality\nTexts per second on this machine (the model itself, not the cache) "
                "against bitext accuracy on your translation pairs (two columns, gold order): the size/quality "
                "trade-off of a model family as one chart.")
    with gr.Row():
        pairs = gr.File(label="Translation pairs (empty: 80 German–English Tatoeba pairs)", type="filepath",
                        file_types=[".tsv", ".csv", ".txt", ".jsonl"], height=120, elem_id="model-pair-file")
        more = gr.Textbox("", label="More models, one reference per line (beside A and B)", lines=3)
        with gr.Column(scale=0, min_width=260):
            sq_instruction = open_dropdown([compare.EACH_PRESET], value=compare.EACH_PRESET, label="Instruction",
                                           info="Each model's own family preset, or one instruction for all")
            sq_go = gr.Button("Measure speed and quality", variant="primary", elem_id="model-speed-quality")
    sq_plot = gr.Plot(label="Speed against quality", elem_id="model-sq-plot")
    sq_table = gr.Dataframe(label="Per model", interactive=False, wrap=True,
                            headers=["model", "instruction", "texts/s", "dims", "accuracy …"])
    sq_go.click(user_errors(forms.endpoint(compare.SpeedQualityRequest, functools.partial(compare.speed_quality,
                                                                                          backend))),
                inputs_kwargs=forms.inputs(compare.SpeedQualityRequest, model_b=page.model_b, more_models=more,
                                           pair_file=pairs, instruction=sq_instruction),
                outputs=forms.outputs(compare.SpeedQualityResult, table=sq_table, plot=sq_plot),
                api_name="model_speed_quality")
    with gr.Accordion("Glossary: the statistics the tabs show (also as hover help where they are shown)", open=False):
        gr.Markdown(glossary_markdown(), elem_id="model-glossary")
    on_model_known(demo, lambda keep: instruction_choices(backend, "sts", keep=keep), parity_instruction)
