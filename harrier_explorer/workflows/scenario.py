"""Saved scenarios: one tab's request, the models' answers it needed and its map layouts, in one zip file that
replays without the model.

A scenario file holds ``scenario.json`` (the tab, its endpoint parameters by name — what a gradio_client call of the
tab would send —, a title and a story, and per model its profile and token counts), ``vectors.parquet`` (every string
embedded, prompt included, with its vector: readable by any tool) and the input files and layout coordinates. Nothing
is pickled: a scenario from anyone opens safely.

``record`` runs a tab's handler on a ``Recording`` of the backend; ``replay`` runs it again on a backend that answers
from the file. Same handler, same request, same answers: the same results, with no model.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from harrier_explorer import __version__
from harrier_explorer.analysis.projection import LayoutTape, Projection, ProjectionParams, taped_layouts
from harrier_explorer.backend.core import Backend
from harrier_explorer.backend.replay import Recording, Tape, replay_backend
from harrier_explorer.errors import InputError
from harrier_explorer.models import ModelSpec
from harrier_explorer.settings import Settings

FORMAT = "harrier-explorer-scenario/1"
#: A tab's handler: handler(backend, request, progress) -> result.
Handler = Callable


@dataclass
class Scenario:
    tab: str  # the tab's key: "search", "bitext", "ab", "map", …
    params: dict  # the tab's endpoint parameters by name; file parameters hold paths (extracted ones, once opened)
    model_a: str  # the reference model A was asked under
    tapes: list[Tape]
    layouts: LayoutTape = field(default_factory=LayoutTape)
    title: str = ""
    story: str = ""  # Markdown: what a viewer should look at
    saved: str = ""  # when, and by which version

    @property
    def models(self) -> str:
        return " and ".join(t.model_id for t in self.tapes)


def record(backend: Backend, handler: Handler, request, progress) -> tuple[object, list[Tape], LayoutTape]:
    """Run ``handler`` on ``request`` and tape what it asked: (result, tapes, layouts)."""
    recording = Recording(backend)
    with taped_layouts() as layouts:
        result = handler(recording, request, progress)
    return result, list(recording.tapes.values()), layouts


def replay(scenario: Scenario, settings: Settings, handler: Handler, request, progress):
    """The handler's result on ``request`` with the scenario's answers instead of a model."""
    backend = replay_backend(settings, scenario.tapes, scenario.model_a)
    with taped_layouts(scenario.layouts):
        return handler(backend, request, progress)


def _npy(array: np.ndarray) -> bytes:
    """Coordinates as .npy bytes, exactly as computed (float64 stays float64: placements are looked up by them)."""
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def _array(zf: zipfile.ZipFile, name: str) -> np.ndarray:
    return np.load(io.BytesIO(zf.read(name)), allow_pickle=False)


def _plain(value):
    """A parameter as JSON takes it: a table (an editable Dataframe's value) as {"table": {columns, data}}."""
    if isinstance(value, pd.DataFrame):
        return {"table": {"columns": [str(c) for c in value.columns], "data": value.astype(object).values.tolist()}}
    return value


def _table(value):
    if isinstance(value, dict) and set(value) == {"table"}:
        return pd.DataFrame(value["table"]["data"], columns=value["table"]["columns"])
    return value


# -- the file ---------------------------------------------------------------------------------------------------------
def write(scenario: Scenario, path: Path, file_params: dict[str, bool]) -> Path:
    """Write the scenario as a zip; ``file_params`` name the parameters that hold paths (their files go inside),
    each mapped to whether it holds a list of them."""
    params, files = dict(scenario.params), {}
    for name, many in file_params.items():
        value = params.pop(name, None)
        paths = [value] if isinstance(value, str) else list(value or [])
        files[name] = {"many": many, "names": [Path(p).name for p in paths], "paths": paths}
    saved = scenario.saved or f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC by harrier-explorer {__version__}"
    meta = {"format": FORMAT, "tab": scenario.tab, "title": scenario.title, "story": scenario.story, "saved": saved,
            "model_a": scenario.model_a, "params": {name: _plain(value) for name, value in params.items()},
            "files": {n: {"many": f["many"], "names": f["names"]} for n, f in files.items()},
            "models": [{"ref": t.ref, "model_id": t.model_id, "spec": asdict(t.spec), "dim": t.dim,
                        "max_seq_length": t.max_seq_length, "dtype": t.dtype, "counts": t.counts}
                       for t in scenario.tapes],
            "layouts": [{"fingerprint": key[0], "params": asdict(key[1]), "notes": list(layout.notes)}
                        for key, layout in scenario.layouts.layouts.items()],
            "placed": [list(key) for key in scenario.layouts.placed]}
    try:
        text = json.dumps(meta, ensure_ascii=False, indent=1)
    except TypeError as exc:  # a request field that is not plain data: a bug in the tab's wiring
        raise TypeError(f"The {scenario.tab} request cannot be saved: {exc}") from exc
    rows = [{"model": t.ref, "string": s, "vector": v, "n_tokens": n, "truncated": tr}
            for t in scenario.tapes for s, (v, n, tr) in t.vectors.items()]
    table = io.BytesIO()
    pd.DataFrame(rows, columns=["model", "string", "vector", "n_tokens", "truncated"]).to_parquet(table, index=False)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("scenario.json", text)
        zf.writestr("vectors.parquet", table.getvalue())
        for name, f in files.items():
            for i, source in enumerate(f["paths"]):
                zf.write(source, f"inputs/{name}/{i}/{f['names'][i]}")
        for i, layout in enumerate(scenario.layouts.layouts.values()):
            zf.writestr(f"layouts/{i}.npy", _npy(layout.coords))
        for i, coords in enumerate(scenario.layouts.placed.values()):
            zf.writestr(f"placed/{i}.npy", _npy(coords))
    return path


def read(path: Path, folder: Path, max_mb: float = 200) -> Scenario:
    """Open a scenario file; its input files are extracted into ``folder``. InputError for anything else."""
    if not zipfile.is_zipfile(path):
        raise InputError(f"{Path(path).name} is not a saved scenario (a .zip written by “Save this tab”).")
    with zipfile.ZipFile(path) as zf:
        if sum(i.file_size for i in zf.infolist()) > max_mb * 1e6:
            raise InputError(f"{Path(path).name} unpacks to more than {max_mb:g} MB; not opened.")
        try:
            meta = json.loads(zf.read("scenario.json"))
            if meta.get("format") != FORMAT:
                raise InputError(f"{Path(path).name} is a {meta.get('format')!r} file; this version opens {FORMAT}.")
            return _scenario(zf, meta, folder)
        except (KeyError, ValueError, TypeError, OSError) as exc:
            raise InputError(f"{Path(path).name} is not a readable scenario ({type(exc).__name__}: {exc}).") from exc


def _scenario(zf: zipfile.ZipFile, meta: dict, folder: Path) -> Scenario:
    vectors = pd.read_parquet(io.BytesIO(zf.read("vectors.parquet")))
    tapes = []
    for m in meta["models"]:
        spec = ModelSpec(**{**m["spec"], "matryoshka_dims": tuple(m["spec"].get("matryoshka_dims", ()))})
        rows = vectors[vectors["model"] == m["ref"]]
        tape = Tape(m["ref"], m["model_id"], spec, int(m["dim"]), int(m["max_seq_length"]), m["dtype"],
                    counts={str(k): int(v) for k, v in m["counts"].items()})
        for string, vector, n, truncated in zip(rows["string"], rows["vector"], rows["n_tokens"], rows["truncated"]):
            tape.vectors[string] = (np.asarray(vector, np.float32), int(n), bool(truncated))
        tapes.append(tape)
    layouts = LayoutTape()
    for i, entry in enumerate(meta["layouts"]):
        params = ProjectionParams(**entry["params"])
        layouts.layouts[(entry["fingerprint"], params)] = Projection(
            _array(zf, f"layouts/{i}.npy"), params, None, None, tuple(entry["notes"]), replayed=True)
    for i, (layout, points) in enumerate(meta.get("placed", [])):
        layouts.placed[(layout, points)] = _array(zf, f"placed/{i}.npy")
    params = {name: _table(value) for name, value in meta["params"].items()}
    for name, f in meta["files"].items():
        paths = []
        for i, file_name in enumerate(f["names"]):
            safe = re.sub(r"[^\w.\-]+", "_", Path(file_name).name) or "file"
            target = folder / name / str(i) / safe
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(f"inputs/{name}/{i}/{file_name}") as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
            paths.append(str(target))
        params[name] = paths if f["many"] else (paths[0] if paths else None)
    return Scenario(meta["tab"], params, meta["model_a"], tapes, layouts, meta.get("title", ""),
                    meta.get("story", ""), meta.get("saved", ""))


def describe(path: Path, title: str, story: str) -> None:
    """Give a saved scenario file its title and story (a curated scenario's words), in place."""
    with zipfile.ZipFile(path) as zf:
        entries = {info.filename: zf.read(info) for info in zf.infolist()}
    meta = json.loads(entries["scenario.json"])
    entries["scenario.json"] = json.dumps({**meta, "title": title, "story": story}, ensure_ascii=False, indent=1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
