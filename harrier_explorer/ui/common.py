"""Wiring shared by every tab: error translation, progress, text sources, instruction pickers, exports, plots.

Handlers raise domain errors; ``user_errors`` turns them into a ``gr.Error`` modal (text escaped), so the app keeps
serving and the outputs the user already had stay as they were.
"""

from __future__ import annotations

import functools
import html
import logging
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import pandas as pd

from harrier_explorer.backend.core import Backend
from harrier_explorer.backend.encoder import Progress
from harrier_explorer.errors import USER_FACING, InputError
from harrier_explorer.inputs.language import language_name
from harrier_explorer.inputs.parsing import (
    SPLIT_MODES,
    SUPPORTED_EXTENSIONS,
    Columns,
    LoadResult,
    load_files,
    parse_paste,
)
from harrier_explorer.inputs.tabular import TABULAR_EXTENSIONS, list_columns

log = logging.getLogger(__name__)
ASSETS = Path(__file__).resolve().parents[2] / "assets"
EXAMPLES = ASSETS / "examples"
NONE = "(none)"


def user_errors(fn: Callable) -> Callable:
    """Show user-facing errors as a modal instead of a traceback; anything else is a bug and is logged in full."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except USER_FACING as exc:
            raise gr.Error(html.escape(str(exc)), print_exception=False) from exc
        except Exception as exc:
            log.exception("Unexpected error in %s", fn.__name__)
            raise gr.Error(html.escape(f"Internal error ({type(exc).__name__}: {exc}). See the server log.")) from exc

    # Name and describe the wrapper after the handler, not the partial: MCP tools and API docs are named from it.
    target = fn.func if isinstance(fn, functools.partial) else fn
    wrapper.__name__, wrapper.__doc__ = target.__name__, target.__doc__
    return wrapper


def progress_to(progress: gr.Progress, desc: str) -> Progress:
    """An encoder progress callback that drives a Gradio progress bar."""
    return lambda done, total: progress((done, total), desc=desc, unit="texts")


# -- text sources: paste or upload ------------------------------------------------------------------------------------
@dataclass
class TextSource:
    """The components of one paste-or-upload input, created by ``text_source``."""

    paste: gr.Textbox
    files: gr.File
    text_col: gr.Dropdown
    id_col: gr.Dropdown
    label_col: gr.Dropdown
    lang_col: gr.Dropdown
    split: gr.Dropdown

    @property
    def inputs(self) -> list:
        return [self.paste, self.files, self.text_col, self.id_col, self.label_col, self.lang_col, self.split]


def text_source(label: str, *, placeholder: str = "One item per line", lines: int = 6,
                max_file_mb: float = 50) -> TextSource:
    """A paste box, a multi-file upload and the column / splitting choices for uploaded files."""
    paste = gr.Textbox(label=f"{label}: paste (one per line)", placeholder=placeholder, lines=lines, max_lines=20)
    files = gr.File(label=f"{label}: or upload files", file_count="multiple", file_types=list(SUPPORTED_EXTENSIONS),
                    height=90)
    with gr.Accordion("Columns and splitting (for uploads)", open=False):
        with gr.Row():
            cols = [gr.Dropdown([NONE], value=NONE, label=name, allow_custom_value=True, min_width=120)
                    for name in ("text column", "id column", "label column", "language column")]
            split = gr.Dropdown(["auto", *SPLIT_MODES], value="auto", label="split documents into", min_width=120)
    source = TextSource(paste, files, *cols, split)
    files.change(functools.partial(_column_choices, max_file_mb=max_file_mb), files, cols, api_visibility="private")
    return source


def _column_choices(files, max_file_mb: float):
    columns: list[str] = []
    for path in _paths(files):
        if Path(path).suffix.lower() in TABULAR_EXTENSIONS:
            try:
                columns += [c for c in list_columns(path, max_file_mb) if c not in columns]
            except USER_FACING as exc:
                gr.Warning(html.escape(str(exc)))
    choices = [NONE, *columns]
    return [gr.Dropdown(choices=choices, value=NONE) for _ in range(4)]


def _paths(files) -> list[str]:
    if not files:
        return []
    files = files if isinstance(files, list) else [files]
    return [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in files]


def _col(value: str | None) -> str | None:
    return None if value in (None, "", NONE) else value


def load_text_source(backend: Backend, what: str, paste: str, files, text_col=None, id_col=None, label_col=None,
                     lang_col=None, split="auto") -> LoadResult:
    """Records from the paste box and every uploaded file, in that order; InputError when there are none."""
    s = backend.settings
    parts: list[LoadResult] = []
    if paste and paste.strip():
        parts.append(parse_paste(paste, s.max_items))
    if paths := _paths(files):
        columns = Columns(_col(text_col), _col(id_col), _col(label_col), _col(lang_col))
        parts.append(load_files([Path(p) for p in paths], max_file_mb=s.max_file_mb, max_items=s.max_items,
                                columns=columns, split=None if split in (None, "auto") else split))
    if not parts:
        raise InputError(f"{what} is empty: paste some text (one item per line) or upload a file.")
    records = tuple(r for p in parts for r in p.records)
    if not records:
        raise InputError(f"{what} has no text in it.")
    if len(records) > s.max_items:
        raise InputError(f"{what} has {len(records)} items, more than the limit of {s.max_items} "
                         "(raise it with --max-items or HARRIER_MAX_ITEMS).")
    return LoadResult(records, tuple(n for p in parts for n in p.notes))


# -- instructions -----------------------------------------------------------------------------------------------------
def instruction_dropdown(label: str = "Instruction", info: str | None = None) -> gr.Dropdown:
    """A dropdown of the active model family's presets that also takes free text; '(none)' means no instruction.

    Choices are filled by ``instruction_choices`` once the model is known (on page load)."""
    return gr.Dropdown([NONE], value=NONE, label=label, allow_custom_value=True, info=info or
                       "A preset of the active model's family, free text (type it), or none")


def instruction_choices(backend: Backend, task_kind: str | None, default: bool = True) -> gr.Dropdown:
    spec = backend.spec
    choices = [(NONE, NONE)] + [(f"{name}: {task}", task) for name, task in spec.presets.items()]
    value = (spec.preset(task_kind) if task_kind and default else None) or NONE
    return gr.Dropdown(choices=choices, value=value)


def instruction_value(value: str | None) -> str | None:
    return None if value in (None, "", NONE) or not value.strip() else value.strip()


# -- exports and plots ------------------------------------------------------------------------------------------------
def export_table(df: pd.DataFrame, name: str, sep: str = ",") -> str:
    """Write a table to a fresh temporary file for a download button; returns its path."""
    folder = Path(tempfile.mkdtemp(prefix="harrier-export-"))
    path = folder / name
    df.to_csv(path, sep=sep, index=False)
    return str(path)


def failsafe_plot(builder: Callable) -> Callable:
    """A plot builder that never raises: a failed plot becomes a figure that says why (mteb's leaderboard idea)."""

    @functools.wraps(builder)
    def wrapper(*args, **kwargs):
        try:
            return builder(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a broken plot must not break the callback that produced the tables
            log.exception("Plot %s failed", builder.__name__)
            import plotly.graph_objects as go

            fig = go.Figure()
            fig.add_annotation(text=f"Couldn't draw this plot: {html.escape(str(exc))}", showarrow=False)
            fig.update_layout(xaxis_visible=False, yaxis_visible=False, height=200)
            return fig

    return wrapper


def example_path(name: str) -> str:
    return str(EXAMPLES / name)


def language_summary(codes) -> str:
    """Languages of some texts for a status line, most frequent first: "German (de) 80, English (en) 3"."""
    return ", ".join(f"{language_name(c)} ({c}) {n}" for c, n in Counter(codes).most_common())
