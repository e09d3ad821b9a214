"""The one table of settings: each is declared once, as a field of ``Settings`` with its help and the commands that
use it; ``SETTINGS`` (name, default, help, environment variables, commands) is derived from those fields.

Precedence is defaults < environment < command-line flags. Hosted Gradio deployments set ``GRADIO_SERVER_NAME`` /
``GRADIO_SERVER_PORT``; those count as the environment for host and port when ``HARRIER_HOST`` / ``HARRIER_PORT``
are not set. The README lists every setting (a test checks).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from harrier_explorer.errors import InputError

#: Commands that load a model (and so take the model, device, cache … settings).
MODEL_COMMANDS = ("serve", "serve-api", "embed", "info")


def _setting(default, help: str, commands=MODEL_COMMANDS, env: tuple[str, ...] = (), choices: tuple = ()):
    return field(default=default, metadata={"help": help, "commands": tuple(commands), "env": env,
                                            "choices": choices})


@dataclass(frozen=True)
class Settings:
    model: str = _setting("microsoft/harrier-oss-v1-270m", "Hugging Face id or local folder of the embedding model")
    compare_model: str = _setting(
        "", "Second model (B) shown beside the first in every tab: a Hugging Face id, a local folder, a known "
        "profile or an http(s) URL of an OpenAI-compatible server", commands=("serve",))
    backend_url: str = _setting("", "Base URL of an OpenAI-compatible embeddings server (e.g. http://gpu-box:8000/v1);"
                                " when set, texts are embedded there instead of locally")
    device: str = _setting("auto", "auto, cpu, cuda or mps", choices=("auto", "cpu", "cuda", "mps"))
    dtype: str = _setting("auto", "auto, float32, bfloat16 or int8 (auto: bf16 on GPU, fp32 on CPU; on a CPU, bf16 "
                          "and int8 are faster but approximate — they move Tatoeba accuracy beyond the fidelity bar "
                          "— so auto never picks them; int8: CPU only)",
                          choices=("auto", "float32", "bfloat16", "int8"))
    max_seq_length: int = _setting(0, "Token cap per text (0: the model's limit, at most 32768); longer texts are "
                                   "truncated and flagged")
    batch_tokens: int = _setting(0, "Token budget of one forward batch, padded tokens (0: auto — 1024 on CPU, where "
                                 "small batches are faster, 65536 on GPU)")
    packing: str = _setting("auto", "auto, on or off: several texts back to back in one row without padding, for "
                            "last-token decoders (auto: on with CUDA, where it is 2–5× faster; flex attention where "
                            "it compiles, else SDPA; checked against padded batches at load, and off if they differ)",
                            choices=("auto", "on", "off"))
    runtime: str = _setting("auto", "auto, torch or onnx: run the transformer with ONNX Runtime on the CPU, in fp32 "
                            "(exported once into <cache>/onnx: 1.8× torch on a 2-core AVX-512 CPU, the same vectors; "
                            "needs the onnx extra). auto: ONNX Runtime on a CPU in fp32 when installed — a server "
                            "serves with torch while the first export is made, then moves over — else torch",
                            choices=("auto", "torch", "onnx"))
    memory_budget_gb: float = _setting(0.0, "Most GB of model weights held at once; the least recently used model is "
                                       "unloaded beyond it (0: 60% of this machine's memory)")
    cache_dir: str = _setting("", "Folder for the embedding cache and the offline demo model "
                              "(default: $XDG_CACHE_HOME/harrier-explorer)",
                              commands=(*MODEL_COMMANDS, "fetch-demo-model", "fetch-models"))
    no_cache: bool = _setting(False, "Do not read or write the persistent embedding cache")
    host: str = _setting("127.0.0.1", "Address the app or API server binds to (0.0.0.0 exposes it to the network)",
                         commands=("serve", "serve-api"), env=("GRADIO_SERVER_NAME",))
    port: int = _setting(7860, "Port of the app or API server", commands=("serve", "serve-api"),
                         env=("GRADIO_SERVER_PORT",))
    auth: str = _setting("", "user:password required to open the app (Gradio's login page); for shared machines",
                         commands=("serve",))
    max_items: int = _setting(20000, "Most texts one request may embed", commands=("serve", "serve-api", "embed"))
    max_item_chars: int = _setting(200000, "Most characters in one text; longer items are refused before they are "
                                   "tokenised (split long documents into chunks or sentences)",
                                   commands=("serve", "serve-api", "embed"))
    max_file_mb: int = _setting(50, "Largest upload accepted, in MB", commands=("serve", "embed"))
    files_kept_hours: float = _setting(24.0, "Hours the app keeps an upload or a download in Gradio's upload folder "
                                       "(checked hourly); all go when the app stops", commands=("serve",))
    max_body_mb: float = _setting(16.0, "Largest request body the API server reads, in MB", commands=("serve-api",))
    max_prompt_share: float = _setting(0.5, "Largest share of the token limit the instruction prompt may take; a "
                                       "longer instruction is refused, since it would crowd out the text")
    api_timeout: float = _setting(120.0, "Seconds to wait for a remote embeddings server per request")
    mcp: bool = _setting(False, "Also serve the app's actions as a Gradio MCP server", commands=("serve",))

    @property
    def cache_path(self) -> Path:
        if self.cache_dir:
            return Path(self.cache_dir).expanduser()
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(base) / "harrier-explorer"

    def replace(self, **changes: object) -> Settings:
        return load_settings(base=self, **changes)


@dataclass(frozen=True)
class Setting:
    """One row of the settings table, derived from a field of ``Settings``."""

    name: str
    default: object
    help: str
    commands: tuple[str, ...]
    extra_env: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()

    @property
    def env(self) -> str:
        return "HARRIER_" + self.name.upper()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


SETTINGS: tuple[Setting, ...] = tuple(
    Setting(f.name, f.default, f.metadata["help"], f.metadata["commands"], f.metadata["env"], f.metadata["choices"])
    for f in dataclasses.fields(Settings))
_BY_NAME = {s.name: s for s in SETTINGS}
DEFAULTS = Settings()


def settings_for(command: str) -> tuple[Setting, ...]:
    """The settings one CLI command takes."""
    return tuple(s for s in SETTINGS if command in s.commands)


def _coerce(name: str, value: object) -> object:
    setting = _BY_NAME[name]
    default = setting.default
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
    if setting.choices and value not in setting.choices:
        raise InputError(f"Setting {name!r} must be one of {', '.join(setting.choices)}; got {value!r}")
    return value


def load_settings(base: Settings | None = None, env: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Build Settings from defaults, then HARRIER_* (or Gradio's) environment variables, then explicit overrides
    (None = unset)."""
    env = os.environ if env is None else env
    values = dataclasses.asdict(base or DEFAULTS)
    if base is None:
        for s in SETTINGS:
            name = next((n for n in (s.env, *s.extra_env) if n in env), None)
            if name:
                values[s.name] = _coerce(s.name, env[name])
    for name, value in overrides.items():
        if name not in _BY_NAME:
            raise InputError(f"Unknown setting {name!r}; known: {', '.join(_BY_NAME)}")
        if value is not None:
            values[name] = _coerce(name, value)
    for name in ("max_seq_length", "batch_tokens", "memory_budget_gb"):
        if values[name] < 0:
            raise InputError(f"{name} must be >= 0 (0 means automatic), got {values[name]}")
    for name in ("max_items", "max_item_chars", "max_file_mb", "files_kept_hours", "max_body_mb", "api_timeout"):
        if values[name] <= 0:
            raise InputError(f"{name} must be > 0, got {values[name]}")
    if not 0 < values["max_prompt_share"] <= 1:
        raise InputError(f"max_prompt_share must be in (0, 1], got {values['max_prompt_share']}")
    if values["auth"] and ":" not in values["auth"]:
        raise InputError("auth must look like user:password")
    return Settings(**values)
