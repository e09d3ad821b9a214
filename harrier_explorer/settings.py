"""The one table of settings: name, default, help and environment variable.

Precedence is defaults < environment < command-line flags. The README lists every setting (a test checks).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from harrier_explorer.errors import InputError


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str

    @property
    def env(self) -> str:
        return "HARRIER_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("model", "microsoft/harrier-oss-v1-270m", "Hugging Face id or local folder of the embedding model"),
    Setting("backend_url", "", "Base URL of an OpenAI-compatible embeddings server (e.g. http://gpu-box:8000/v1); "
            "when set, texts are embedded there instead of locally"),
    Setting("device", "auto", "auto, cpu, cuda or mps"),
    Setting("dtype", "auto", "auto, float32 or bfloat16 (auto: bf16 on GPU; on CPU bf16 only if the load-time check "
            "finds it faithful and faster)"),
    Setting("max_seq_length", 0, "Token cap per text (0: the model's limit, at most 32768); longer texts are truncated "
            "and flagged"),
    Setting("batch_tokens", 0, "Token budget of one forward batch, padded tokens (0: auto — 1024 on CPU, where "
            "small batches are faster, 16384 on GPU)"),
    Setting("cache_dir", "", "Folder for the embedding cache and the offline demo model "
            "(default: $XDG_CACHE_HOME/harrier-explorer)"),
    Setting("no_cache", False, "Do not read or write the persistent embedding cache"),
    Setting("host", "127.0.0.1", "Address the app or API server binds to (use 0.0.0.0 to expose it)"),
    Setting("port", 7860, "Port of the app or API server"),
    Setting("max_items", 20000, "Most texts one request may embed"),
    Setting("max_file_mb", 50, "Largest upload accepted, in MB"),
    Setting("api_timeout", 120.0, "Seconds to wait for a remote embeddings server per request"),
    Setting("mcp", False, "Also serve the app's actions as a Gradio MCP server"),
)
_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    model: str = "microsoft/harrier-oss-v1-270m"
    backend_url: str = ""
    device: str = "auto"
    dtype: str = "auto"
    max_seq_length: int = 0
    batch_tokens: int = 0
    cache_dir: str = ""
    no_cache: bool = False
    host: str = "127.0.0.1"
    port: int = 7860
    max_items: int = 20000
    max_file_mb: int = 50
    api_timeout: float = 120.0
    mcp: bool = False

    @property
    def cache_path(self) -> Path:
        if self.cache_dir:
            return Path(self.cache_dir).expanduser()
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(base) / "harrier-explorer"

    def replace(self, **changes: object) -> Settings:
        return load_settings(base=self, **changes)


_CHOICES = {"device": ("auto", "cpu", "cuda", "mps"), "dtype": ("auto", "float32", "bfloat16")}


def _coerce(name: str, value: object) -> object:
    default = _BY_NAME[name].default
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                if value.strip().lower() not in ("1", "true", "yes", "on", "0", "false", "no", "off", ""):
                    raise ValueError
                return value.strip().lower() in ("1", "true", "yes", "on")
            return bool(value)
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except (TypeError, ValueError):
        raise InputError(f"Setting {name!r} wants a {type(default).__name__}, got {value!r}") from None
    value = str(value)
    if name in _CHOICES and value not in _CHOICES[name]:
        raise InputError(f"Setting {name!r} must be one of {', '.join(_CHOICES[name])}; got {value!r}")
    return value


def load_settings(base: Settings | None = None, env: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Build Settings from defaults, then HARRIER_* environment variables, then explicit overrides (None = unset)."""
    env = os.environ if env is None else env
    values = dataclasses.asdict(base) if base else {s.name: s.default for s in SETTINGS}
    if base is None:
        for s in SETTINGS:
            if s.env in env:
                values[s.name] = _coerce(s.name, env[s.env])
    for name, value in overrides.items():
        if name not in _BY_NAME:
            raise InputError(f"Unknown setting {name!r}; known: {', '.join(_BY_NAME)}")
        if value is not None:
            values[name] = _coerce(name, value)
    if values["max_seq_length"] < 0 or values["batch_tokens"] < 0:
        raise InputError("max_seq_length and batch_tokens must be >= 0 (0 means automatic)")
    return Settings(**values)
