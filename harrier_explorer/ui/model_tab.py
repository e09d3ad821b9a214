"""Model tab: the load-time self-check, cache statistics, and a two-text playground that shows exactly what was
embedded (prompt included), token counts, truncation and the cosine."""

from __future__ import annotations

import functools

import gradio as gr
import pandas as pd

from harrier_explorer.backend.core import Backend
from harrier_explorer.errors import InputError
from harrier_explorer.models import ROLES
from harrier_explorer.ui.common import instruction_choices, instruction_dropdown, instruction_value, user_errors

TITLE = "Model"


def model_report(backend: Backend) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The active model (and why), the load-time self-check and the embedding cache's statistics."""
    backend.wait()
    st = backend.status
    facts = [["model", st.model_id], ["why this model", st.reason], ["device", st.device], ["dtype", st.dtype],
             ["dimensions", st.dim], ["max tokens", st.max_seq_length], ["load time", f"{st.load_seconds:.1f} s"],
             ["prompt template", repr(backend.spec.query_template)],
             ["document prompt", repr(backend.spec.document_prompt)]]
    stats = backend.cache_stats()
    if stats:
        facts += [["cache file", stats.path], ["cache entries", stats.entries],
                  ["cache hits / misses (this run)", f"{stats.hits} / {stats.misses}"]]
        if stats.warning:
            facts.append(["cache warning", stats.warning])
    else:
        facts.append(["cache", "off (--no-cache)"])
    checks = pd.DataFrame(st.selfcheck.rows() or [["–", "no local checks", "remote backend"]],
                          columns=["ok", "check", "detail"])
    return checks, pd.DataFrame(facts, columns=["", "value"]).astype(str)


def playground(backend: Backend, text_a: str, text_b: str, instruction: str, role_a: str, role_b: str):
    """Embed two texts (each with its role, under one instruction): the exact strings, token counts, cosine."""
    if not (text_a or "").strip() or not (text_b or "").strip():
        raise InputError("Type a text in both boxes.")
    task = instruction_value(instruction)
    a = backend.encode([text_a], task, role_a)
    b = backend.encode([text_b], task, role_b)
    cosine = float(a.vectors[0] @ b.vectors[0])
    rows = [[name, role, repr(r.prompts[0]), int(r.n_tokens[0]), "yes" if r.truncated[0] else "no"]
            for name, role, r in (("A", role_a, a), ("B", role_b, b))]
    table = pd.DataFrame(rows, columns=["text", "role", "exact string embedded", "tokens", "truncated"])
    return f"## cosine(A, B) = {cosine:.4f}", table


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
    cosine = gr.Markdown()
    detail = gr.Dataframe(label="What went into the model", wrap=True, interactive=False)
    gr.Markdown("Roles: **query** gets the instruction; **document** stays bare (asymmetric tasks such as retrieval); "
                "**symmetric** (STS, bitext, clustering) puts the instruction on every input.")

    report = user_errors(functools.partial(model_report, backend))
    refresh.click(report, outputs=[checks, facts], api_name="model_info")
    go.click(user_errors(functools.partial(playground, backend)), [text_a, text_b, instruction, role_a, role_b],
             [cosine, detail], api_name="compare_two")
    demo.load(report, outputs=[checks, facts], api_visibility="private")
    demo.load(lambda: instruction_choices(backend, None), outputs=instruction, api_visibility="private")
