"""Saved scenarios on the page: a picker of the curated ones (``assets/scenarios``), "open" for any saved file and
"save this tab", above the tabs; ``?scenario=NAME`` opens one from a link.

Opening one switches to its tab, fills the tab's inputs and replays the tab's handler on the scenario's answers
(``workflows/scenario``): the results come back without a model, also while the page's own model is still loading.
Saving runs the open tab's action once more on a recording of the backend (its strings come from the cache).
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import gradio as gr

from harrier_explorer import scratch
from harrier_explorer.backend.core import Backend
from harrier_explorer.errors import InputError
from harrier_explorer.ui import forms
from harrier_explorer.ui.common import ASSETS, SCENARIO_SESSIONS, markdown_text, toast_text, user_errors
from harrier_explorer.ui.page import Page, Replayable
from harrier_explorer.workflows import scenario as scenarios
from harrier_explorer.workflows.scenario import Scenario

log = logging.getLogger(__name__)
CURATED = ASSETS / "scenarios"


@dataclass(frozen=True)
class Bar:
    picker: gr.Dropdown
    upload: gr.UploadButton
    save: gr.Button
    saved: gr.File
    notice: gr.Markdown


def curated() -> list[tuple[str, str]]:
    """(title, name) of each scenario shipped in assets/scenarios."""
    return [(_curated(path.stem).title, path.stem) for path in sorted(CURATED.glob("*.zip"))]


@functools.cache
def _curated(name: str) -> Scenario:
    path = CURATED / f"{name}.zip"
    if not path.is_file():
        raise FileNotFoundError(name)
    return scenarios.read(path, scratch.new_folder("scenarios"))


def bar() -> Bar:
    """The scenario controls, built where they show (above the tabs); ``wire`` connects them once the tabs exist."""
    with gr.Row(equal_height=False, elem_id="hx-scenarios"):
        picker = gr.Dropdown([("(choose a demo)", ""), *curated()], value="", label="Scenario: a demo that replays "
                             "at once, without the model", elem_id="hx-scenario", scale=3)
        upload = gr.UploadButton("Open a saved scenario…", file_types=[".zip"], size="sm", scale=1,
                                 elem_id="hx-scenario-open")
        save = gr.Button("Save this tab as a scenario", size="sm", scale=1, elem_id="hx-scenario-save")
        saved = gr.File(label="Saved scenario", visible=False, interactive=False, height=70, scale=1,
                        elem_id="hx-scenario-file")
    notice = gr.Markdown(elem_id="hx-scenario-notice", latex_delimiters=[])
    return Bar(picker, upload, save, saved, notice)


def wire(backend: Backend, demo: gr.Blocks, page: Page, bar: Bar, tabs: gr.Tabs, current: gr.Textbox,
         warm_up: bool) -> None:
    """Opening fills the scenario's tab in the same event (one round trip: a demo's first screen is waited for);
    the tab's follow-ups (tables shown, pickers filled) run on its trigger."""
    # What a replay sets of each tab: its own inputs (not the page's model B, not a previous run kept in a State).
    settable = {e.key: {n: c for n, c in e.inputs.items() if c is not page.model_b and not isinstance(c, gr.State)}
                for e in page.shelf.values()}
    triggers = {key: gr.State("") for key in page.shelf}
    plots = gr.Textbox(visible=False)  # the opened tab's plots, by id: drawn, the page has shown the scenario
    filled = [c for e in page.shelf.values() for c in (*settable[e.key].values(), *e.outputs)]
    opened = [tabs, current, bar.notice, plots, *triggers.values(), *(e.story for e in page.shelf.values()), *filled]

    def show(scenario: Scenario, request: gr.Request, progress) -> list:
        if scenario.tab not in page.shelf:
            raise InputError(f"This scenario is of a tab this page has not got ({scenario.tab!r}).")
        entry = page.shelf[scenario.tab]
        replayed = _replay(backend, entry, settable[entry.key], scenario, progress)
        values = [v for e in page.shelf.values() for v in (
            replayed if e is entry else [gr.skip()] * (len(settable[e.key]) + len(e.outputs)))]
        drawn = [c.elem_id for c, v in zip(entry.outputs, replayed[len(settable[entry.key]):], strict=True)
                 if isinstance(c, gr.Plot) and v is not None]
        SCENARIO_SESSIONS.add(request.session_hash)
        return [gr.Tabs(selected=scenario.tab), scenario.tab, _notice(scenario, entry), json.dumps(drawn),
                *(uuid.uuid4().hex if key == scenario.tab else gr.skip() for key in triggers),
                *(_story(scenario) if key == scenario.tab else gr.skip() for key in page.shelf), *values]

    def open_curated(name: str, request: gr.Request, progress=gr.Progress()):
        return show(_curated(name), request, progress) if name else [gr.skip()] * len(opened)

    def open_file(file, request: gr.Request, progress=gr.Progress()):
        folder = scratch.new_folder("scenarios")
        return show(scenarios.read(Path(_path(file)), folder, backend.settings.max_file_mb), request, progress)

    def open_link(request: gr.Request, progress=gr.Progress()):
        name = _linked(request)
        return [gr.skip()] * (len(opened) + 1) if not name else [name, *open_curated(name, request, progress)]

    scroll = _scroll_js(page)
    for event in (bar.picker.input(user_errors(open_curated), bar.picker, opened, api_visibility="private",
                                   show_progress_on=bar.notice),
                  demo.load(user_errors(open_link), outputs=[bar.picker, *opened], api_visibility="private",
                            show_progress_on=bar.notice),
                  bar.upload.upload(user_errors(open_file), bar.upload, opened, api_visibility="private",
                                    show_progress_on=bar.notice)):
        event.success(None, [current, bar.notice, plots], js=scroll, api_visibility="private", queue=False)
        event.failure(None, js="() => window.hxFirstFrame?.drop()", api_visibility="private", queue=False)
    for entry in page.shelf.values():
        entry.follow(triggers[entry.key].change(None, api_visibility="private"))
        edits = [getattr(c, "input", None) or c.upload for c in settable[entry.key].values()]
        gr.on(edits, lambda: gr.Markdown(visible=False), outputs=entry.story, api_visibility="private",
              show_progress="hidden", queue=False)
    everything = {current, *(c for e in page.shelf.values() for c in e.inputs.values())}
    bar.save.click(user_errors(functools.partial(_save, backend, page, current)), everything, bar.saved,
                   api_visibility="private", show_progress_on=bar.notice)
    if warm_up:
        threading.Thread(target=_warm_up, args=(backend, page), name="scenario-warm-up", daemon=True).start()


def _path(file) -> str:
    return file if isinstance(file, str) else getattr(file, "name", str(file))


def _notice(scenario: Scenario, entry: Replayable) -> str:
    return (f"**{markdown_text(scenario.title or entry.title)}** — replayed from a saved scenario "
            f"({markdown_text(scenario.saved)}; {markdown_text(scenario.models)}): no model ran. Change an input "
            "and run the tab to compute it live.")


def _story(scenario: Scenario) -> gr.Markdown:
    """The story next to the results, titled; a scenario saved without one (a user's own) shows none."""
    text = f"**{markdown_text(scenario.title)}.** {scenario.story}" if scenario.title else scenario.story
    return gr.Markdown(text, visible=bool(scenario.story))


def _scroll_js(page: Page) -> str:
    """Brings the opened tab's story (else its status line) to the top of the window once the tab shows it: the
    results a scenario is about sit below the tab's inputs, out of a first screen's view."""
    targets = {key: [e.story.elem_id, e.status.elem_id] for key, e in page.shelf.items()}
    return f"""(tab, notice, plots) => {{
      if (!notice) return window.hxFirstFrame?.drop();  // the page opened without a scenario
      const ids = {json.dumps(targets)}[tab] || [];
      let frames = 0;
      const shown = () => ids.map((id) => document.getElementById(id)).find((el) => el && el.offsetParent !== null);
      const go = () => {{
        const target = shown();
        if (target) target.scrollIntoView({{block: "start"}});
        else if (frames++ < 120) return requestAnimationFrame(go);  // until the tab and the story have rendered
        window.hxOpenedPlots = JSON.parse(plots);  // once drawn, a link's recorded first frame hands over
        window.hxFirstFrame?.ready(window.hxOpenedPlots);  // (else the page script, not yet run, will)
      }};
      go();
    }}"""


def _replay(backend: Backend, entry: Replayable, settable: dict, scenario: Scenario, progress) -> list:
    request = forms.build_request(entry.request, scenario.params)
    result = scenarios.replay(scenario, backend.settings, entry.handler, request, progress)
    return [*(scenario.params[name] for name in settable), *forms.fields_of(result)]


def _save(backend: Backend, page: Page, current: gr.Textbox, data: dict, progress=gr.Progress()) -> gr.File:
    key = data[current]
    if key not in page.shelf:
        saveable = ", ".join(e.title for e in page.shelf.values())
        raise InputError(f"This tab is not saved as a scenario; these are: {saveable}.")
    entry = page.shelf[key]
    # A previous run (a State) is not reused: the run is recorded whole, its strings served from the cache.
    request = forms.build_request(entry.request, {name: None if isinstance(c, gr.State) else data[c]
                                                  for name, c in entry.inputs.items()})
    result, tapes, layouts = scenarios.record(backend, entry.handler, request, progress)
    stamp = datetime.now()
    scenario = Scenario(key, forms.parameters(request), backend.default_ref, tapes, layouts,
                        title=f"{entry.title}, saved {stamp:%Y-%m-%d %H:%M}")
    files = {name: c.file_count == "multiple" for name, c in entry.inputs.items() if isinstance(c, gr.File)}
    path = scratch.download_folder() / f"harrier-{key}-{stamp:%Y%m%d-%H%M%S}.zip"
    return gr.File(str(scenarios.write(scenario, path, files)), visible=True)


def _linked(request: gr.Request) -> str:
    """The curated scenario a link names (``?scenario=NAME``), or ""; a name that is none of them is said so."""
    name = (request.query_params or {}).get("scenario", "") if request else ""
    known = [n for _, n in curated()]
    if name and name not in known:
        gr.Warning(toast_text(f"No scenario called {name!r}; the demos are: {', '.join(known)}."))
        return ""
    return name


def _warm_up(backend: Backend, page: Page) -> None:
    """Open and replay each curated scenario once, at start-up: the first replay in a process pays one-off costs
    (plot and language-detection set-up, clustering's first call) of a few seconds, which a demo's visitor would
    otherwise wait through."""
    for _, name in curated():
        try:
            scenario = _curated(name)
            entry = page.shelf[scenario.tab]
            scenarios.replay(scenario, backend.settings, entry.handler,
                             forms.build_request(entry.request, scenario.params), lambda *a, **k: None)
        except Exception:  # noqa: BLE001 - a broken curated file is a bug to log; the page serves without it
            log.exception("Curated scenario %s does not replay", name)
