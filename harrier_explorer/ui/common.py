"""Wiring shared by every tab: error translation, progress, text sources, instruction pickers, exports, plots.

Handlers raise domain errors; ``user_errors`` turns them into a ``gr.Error`` modal (text escaped), so the app keeps
serving and the outputs the user already had stay as they were.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import logging
import numbers
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import pandas as pd

from harrier_explorer import scratch
from harrier_explorer.backend.core import Backend
from harrier_explorer.backend.encoder import Progress
from harrier_explorer.errors import USER_FACING, InputError, ModelUnavailable
from harrier_explorer.inputs.decoding import check_item_limit
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
from harrier_explorer.models import NO_INSTRUCTION
from harrier_explorer.ui.cancel import Cancelled, check_cancelled
from harrier_explorer.ui.forms import AUTO, TextInput

log = logging.getLogger(__name__)
ASSETS = Path(__file__).resolve().parents[2] / "assets"
EXAMPLES = ASSETS / "examples"
NONE = NO_INSTRUCTION


def user_errors(fn: Callable) -> Callable:
    """Show user-facing errors as a message instead of a traceback; anything else is a bug and is logged in full.
    Messages stay until the user closes them: one that vanished after a few seconds is missed by whoever looked away
    while a long run failed."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Cancelled as exc:  # nobody waits for a cancelled event's answer
            raise gr.Error("Stopped.", print_exception=False) from exc
        except USER_FACING as exc:
            raise gr.Error(toast_text(str(exc)), duration=None, print_exception=False) from exc
        except Exception as exc:
            log.exception("Unexpected error in %s", wrapper.__name__)
            raise gr.Error(toast_text(f"Internal error ({type(exc).__name__}: {exc}). See the server log."),
                           duration=None) from exc

    # Name and describe the wrapper after the handler, not the partial: MCP tools and API docs are named from it.
    target = fn.func if isinstance(fn, functools.partial) else fn
    wrapper.__name__, wrapper.__doc__ = target.__name__, target.__doc__
    if hasattr(fn, "__signature__"):  # an endpoint: its named parameters are the API's
        wrapper.__signature__ = fn.__signature__
    return wrapper


def toast_text(message: str) -> str:
    """A message (an error or a warning) as the page's toast shows it and API clients read it: the toast renders
    HTML, where a user's "<notes>" would vanish as a tag, so "<" is escaped; nothing else is ("R&D" reads the same in
    both)."""
    return message.replace("<", "&lt;")


def progress_to(progress: gr.Progress, desc: str) -> Progress:
    """An encoder progress callback that drives a Gradio progress bar and stops the run when its event was cancelled
    (called between batches)."""

    def report(done: int, total: int) -> None:
        check_cancelled()
        progress((done, total), desc=desc, unit="texts")

    return report


def open_dropdown(choices: list, **kwargs) -> gr.Dropdown:
    """A dropdown that takes typed values too, and says so to API and MCP clients: a gr.Dropdown describes itself as
    an enum of the choices it was built with, which for choices filled later is only '(none)' or '(auto)'. (Not a
    subclass: Gradio writes a .pyi stub next to the module of every Component subclass.)"""
    dropdown = gr.Dropdown(choices, allow_custom_value=True, **kwargs)
    text = {"type": "string"}
    dropdown.api_info = lambda: {"type": "array", "items": text} if dropdown.multiselect else text
    return dropdown


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

    def components(self, prefix: str) -> dict:
        """The components by endpoint parameter name (``forms.TextInput`` fields, flattened under ``prefix``)."""
        parts = (self.paste, self.files, self.text_col, self.id_col, self.label_col, self.lang_col, self.split)
        return {f"{prefix}_{f.name}": part for f, part in zip(dataclasses.fields(TextInput), parts, strict=True)}


def download_box(label: str, **kwargs) -> gr.File:
    """A file the user downloads: low while it is empty (the page's stylesheet shrinks the empty box via
    ``hx-download``)."""
    return gr.File(label=label, interactive=False, height=70, elem_classes="hx-download", **kwargs)


def text_source(label: str, *, placeholder: str = "One item per line", lines: int = 6,
                max_file_mb: float = 50) -> TextSource:
    """A paste box, a multi-file upload and the column / splitting choices for uploaded files."""
    # value="": an API client may leave the paste out (a component without a value is a required parameter).
    paste = gr.Textbox("", label=f"{label}: paste (one per line)", placeholder=placeholder, lines=lines, max_lines=20)
    files = gr.File(label=f"{label}: or upload files", file_count="multiple", file_types=list(SUPPORTED_EXTENSIONS),
                    height=90)
    with gr.Accordion("Columns and splitting (for uploads)", open=False):
        with gr.Row():
            cols = [open_dropdown([AUTO], value=AUTO, label=name, min_width=120)
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
                gr.Warning(toast_text(str(exc)))
    choices = [AUTO, *columns]
    return [gr.Dropdown(choices=choices, value=AUTO) for _ in range(4)]


def _paths(files) -> list[str]:
    if not files:
        return []
    files = files if isinstance(files, list) else [files]
    return [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in files]


def _col(value: str | None) -> str | None:
    """A column choice → a name, or None for "a conventional name if there is one"."""
    return None if value in (None, "", AUTO, NONE) else value


def load_text_source(backend: Backend, what: str, source: TextInput, *,
                     max_item_chars: int | None | bool = True) -> LoadResult:
    """Records from the paste box and every uploaded file, in that order; InputError when there are none.

    ``max_item_chars=None`` lets whole documents through that will be split into token chunks afterwards."""
    s = backend.settings
    limit = s.max_item_chars if max_item_chars is True else max_item_chars
    parts: list[LoadResult] = []
    if source.paste and source.paste.strip():
        parts.append(parse_paste(source.paste, s.max_items, max_item_chars=limit))
    if paths := _paths(source.files):
        columns = Columns(_col(source.text_column), _col(source.id_column), _col(source.label_column),
                          _col(source.language_column))
        parts.append(load_files([Path(p) for p in paths], max_file_mb=s.max_file_mb, max_items=s.max_items,
                                columns=columns, split=None if source.split in (None, "auto") else source.split,
                                max_item_chars=limit))
    if not parts:
        raise InputError(f"{what} is empty: paste some text (one item per line) or upload a file.")
    records = tuple(r for p in parts for r in p.records)
    if not records:
        raise InputError(f"{what} has no text in it.")
    check_item_limit(len(records), s.max_items, what)
    return LoadResult(records, tuple(n for p in parts for n in p.notes))


# -- instructions -----------------------------------------------------------------------------------------------------
def instruction_dropdown(label: str = "Instruction", info: str | None = None, **kwargs) -> gr.Dropdown:
    """A dropdown of the active model family's presets that also takes free text; '(none)' means no instruction.

    Choices are filled by ``instruction_choices`` once the model is known (on page load)."""
    return open_dropdown([NONE], value=NONE, label=label, info=info or
                         "A preset of the active model's family, free text (type it), or none", **kwargs)


def instruction_choices(backend: Backend, task_kind: str | None, default: bool = True,
                        keep: bool = False) -> gr.Dropdown:
    """The active model's instructions: (none), (raw text), its saved prompt names, its family's presets; the value
    becomes the task's preset unless ``keep``."""
    spec = backend.spec
    if keep:
        return gr.Dropdown(choices=spec.choices())
    value = (spec.preset(task_kind) if task_kind and default else None) or NONE
    return gr.Dropdown(choices=spec.choices(), value=value)


#: Pages (Gradio session hashes) where a saved scenario was opened: what fills in once the model has loaded (the
#: presets) must not overwrite what the scenario set meanwhile.
SCENARIO_SESSIONS: set[str] = set()


def on_model_known(demo: gr.Blocks, fill: Callable[[bool], object], outputs) -> None:
    """On page load, ``fill(keep)`` once the model is known (what needs its profile: it waits for the load);
    ``keep``: a scenario was opened on the page meanwhile, and its values stay. A model that could not load leaves
    the values as they are: the header says why, once."""

    def load(request: gr.Request):
        return unless_unavailable(lambda: fill(request is not None and request.session_hash in SCENARIO_SESSIONS),
                                  outputs)

    demo.load(load, outputs=outputs, api_visibility="private")


def unless_unavailable(values: Callable[[], object], outputs) -> object:
    """``values()``, or no change to ``outputs`` while the model is unavailable: the header says why, once."""
    try:
        return values()
    except ModelUnavailable:
        return [gr.skip()] * len(outputs) if isinstance(outputs, list) else gr.skip()


#: What an instruction parameter accepts, for API and MCP descriptions.
INSTRUCTION_FORMS = ("free text, a preset name (e.g. 'STS'), a preset's label ('name: task'), a prompt name saved "
                     "with the model (e.g. 'sts_query'), '(none)' (no instruction: the model's document format) or "
                     "'(raw text)' (no prompt at all)")


def instruction_value(value: str | None) -> str:
    """What the backend is given: the value as typed, '(none)' for nothing (the backend resolves names and labels)."""
    return value.strip() if value and value.strip() else NONE


# -- numbers from a form or an API client ----------------------------------------------------------------------------
def whole_number(value: object, name: str, low: int, high: int | None = None) -> int:
    """``value`` as an int within [low, high], else an InputError naming the field (an API client can send anything;
    a component's own bounds check would not say which field)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not float(value).is_integer():
        raise InputError(f"{name} must be a whole number, got {value!r}.")
    number = int(value)
    if number < low or (high is not None and number > high):
        bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise InputError(f"{name} must be {bounds}, got {number}.")
    return number


# -- user text and numbers in Markdown --------------------------------------------------------------------------------
#: Characters that can start Markdown, HTML, an entity or an autolink (``:`` of "https:", ``.`` of "www.", ``@`` of an
#: e-mail address); backslash-escaped, each shows as itself.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:@])")


def markdown_text(value: object) -> str:
    """User text (an instruction, a file name, a query) for a Markdown component, shown literally: a pasted link,
    image, tag or ``**`` stays text. Newlines become spaces. Components showing it should set ``latex_delimiters=[]``
    (KaTeX reads the rendered text, after escaping)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def p_text(p_value: float) -> str:
    """A p-value as a sentence reads it: "p = 0.012", "p < 0.001"."""
    return f"p = {p_value:.2g}" if p_value >= 0.001 else "p < 0.001"


# -- exports and plots ------------------------------------------------------------------------------------------------
def export_table(df: pd.DataFrame, name: str, sep: str = ",") -> str:
    """Write a table to a fresh temporary file for a download button; returns its path."""
    path = scratch.download_folder() / name
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


#: Most points a 2-D scatter plot draws in SVG rather than WebGL. Up to here SVG draws a new figure several times
#: sooner, with no WebGL context to set up (300 points: 40 ms against 340 in Chromium drawing WebGL in software; a
#: GPU too pays for a context), and redraws a zoom as fast (1,000 points: 67 ms each); beyond it WebGL redraws
#: faster (3,000 points: 133 ms against 67).
SVG_MAX_POINTS = 2000


def scatter_type(points: int):
    """plotly's 2-D scatter trace type for a plot of this many points: SVG (``go.Scatter``) up to SVG_MAX_POINTS,
    else WebGL (``go.Scattergl``). One type for the whole plot: a single WebGL trace sets up the context."""
    import plotly.graph_objects as go

    return go.Scatter if points <= SVG_MAX_POINTS else go.Scattergl


def example_path(name: str) -> str:
    return str(EXAMPLES / name)


def language_summary(codes) -> str:
    """Languages of some texts for a status line, most frequent first: "German (de) 80, English (en) 3"."""
    return ", ".join(f"{language_name(c)} ({c}) {n}" for c, n in Counter(codes).most_common())
