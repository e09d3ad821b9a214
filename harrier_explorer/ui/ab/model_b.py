"""Model B in the Instruction A/B tab (issue 9): model B embeds the same queries under instruction A and B and the
same corpus, and the four rankings make a model × instruction grid (`analysis.ab_grid`).

Model B is an addition to model A's comparison, so a model B that cannot be used (it does not load, its server
fails, it refuses the instruction) is said on model B's status line and model A's results stand.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr
import pandas as pd

from harrier_explorer.analysis.ab_grid import agreement_grid, quality_grid
from harrier_explorer.analysis.ab_test import ABComparison, compare_instructions
from harrier_explorer.analysis.metrics import Qrels
from harrier_explorer.backend.core import Backend, EncodeResult
from harrier_explorer.errors import HarrierError
from harrier_explorer.inputs.parsing import LoadResult
from harrier_explorer.ui.ab import present
from harrier_explorer.ui.common import progress_to, toast_text
from harrier_explorer.ui.model_b import model_b_status
from harrier_explorer.workflows.model_b import instruction_for


@dataclass(frozen=True)
class ModelBRun:
    """What model B embedded (kept in the session for the per-query view's exact strings) and its comparison."""

    under_a: EncodeResult
    under_b: EncodeResult
    docs_encoded: EncodeResult
    comparison: ABComparison


@dataclass(frozen=True)
class ModelBViews:
    """Model B's fields of an A/B result; all empty without a model B."""

    run: ModelBRun | None = None
    status: str = ""  # Markdown: which model B, each model's instructions, what B embedded, the grid's headline
    grid: pd.DataFrame | None = None  # each model under each instruction
    grid_pairs: pd.DataFrame | None = None  # every two cells compared


def model_b_views(backend: Backend, ref_b: str, tasks: tuple[str, str], queries: LoadResult, docs: LoadResult,
                  comparison: ABComparison, qrels: Qrels | None, progress) -> ModelBViews:
    """Rank the corpus with model B under both instructions and grid the four rankings: with ``qrels`` (None when
    model A's quality figures could not be made) nDCG / MRR per cell and a paired test of every two cells, else the
    agreement of every two cells' top k."""
    try:
        tasks_b = tuple(instruction_for(backend, task, "retrieval", ref_b) for task in tasks)
        docs_b = backend.encode(docs.texts, None, "document", progress_to(progress, "Model B: embedding the corpus"),
                                model=ref_b)
        under_a, under_b = (backend.encode(queries.texts, task, "query",
                                           progress_to(progress, f"Model B: queries under {side}"), model=ref_b)
                            for side, task in zip("AB", tasks_b, strict=True))
    except HarrierError as exc:  # model B's own failure; anything else is a bug and keeps its traceback
        gr.Warning(toast_text(f"Model B could not be used: {exc}"))
        return ModelBViews(status=present.model_b_failed(ref_b, exc))
    comparison_b = compare_instructions(under_a.vectors, under_b.vectors, docs_b.vectors, queries.ids, docs.ids,
                                        comparison.k)
    status = model_b_status(backend, ref_b, (tasks, tasks_b),
                            f"the corpus {docs_b.summary}; the queries under A {under_a.summary}, under B "
                            f"{under_b.summary}")
    run, comparisons = ModelBRun(under_a, under_b, docs_b, comparison_b), {"A": comparison, "B": comparison_b}
    if qrels:
        grid = quality_grid(comparisons, qrels, k=min(10, len(docs.ids)))
        return ModelBViews(run, f"{status}\n\n{present.grid_headline(grid)}", present.rounded(present.grid_table(grid)),
                           present.rounded(present.grid_pairs_table(grid)))
    agreement = agreement_grid(comparisons)
    return ModelBViews(run, f"{status}\n\n{present.AGREEMENT_HEADLINE}",
                       present.rounded(present.agreement_grid_table(agreement)),
                       present.rounded(present.agreement_pairs_table(agreement)))
