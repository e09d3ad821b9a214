"""The map's standalone HTML export: about 9 MB a file (plotly.js inlined, so it opens offline), so each map keeps
only its latest one.

Files go into Gradio's upload folder, which Gradio serves as they are: a file anywhere else is copied there on
every return, one more 9 MB copy per redraw that nothing deletes. Each redraw writes a fresh folder (a browser
never gets a stale copy from a reused URL) and deletes the map's previous one; the session's next map and the end
of the session delete the last (``discard``, the map state's delete callback), and the app's exit the rest.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

import plotly.graph_objects as go
from gradio.utils import get_upload_folder

from harrier_explorer import scratch
from harrier_explorer.ui.map.plots import MAP_CONFIG, plot_scripts

NAME = "cluster_map.html"


@functools.cache
def export_root() -> Path:
    """This process's folder for map exports (one subfolder per export) in Gradio's upload folder, removed at exit
    (or at the next app's first export, if this one was killed)."""
    return scratch.process_folder(Path(get_upload_folder()) / "harrier-map")


class HtmlExport:
    """One map's latest standalone HTML file."""

    def __init__(self) -> None:
        self._folder: Path | None = None

    def write(self, fig: go.Figure) -> str:
        """Write ``fig`` as the map's export, deleting the previous one; returns the new file's path."""
        export_root().mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=export_root()))
        (folder / NAME).write_text(standalone_html(fig), encoding="utf-8")
        previous, self._folder = self._folder, folder
        _remove(previous)
        return str(folder / NAME)

    def discard(self) -> None:
        """Delete the latest export (the map is superseded or its session ended)."""
        previous, self._folder = self._folder, None
        _remove(previous)


def standalone_html(fig: go.Figure) -> str:
    """``fig`` as a page of its own that opens offline (plotly.js inlined), drawn as on the app's page: its config,
    and its scripts (``plot_scripts``: set up in the head, before plotly makes a WebGL context)."""
    page = fig.to_html(full_html=True, include_plotlyjs=True, config=dict(MAP_CONFIG))
    return page.replace("<head>", f"<head><script>{plot_scripts('.js-plotly-plot')}</script>", 1)


def _remove(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
