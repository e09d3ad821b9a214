"""A page that answers on the app's port from the first moment of start-up.

Importing Gradio and building the page take ≈ 5 s on a 2-core machine (Gradio's own import is ≈ 4 s of that), and a
browser opened meanwhile gets "connection refused". This stdlib server holds the port until the app is built and
answers every request with status 503 and ``Retry-After`` (scripts and health checks keep waiting, as for any server
that is starting) and a page that reloads itself into the app once the app answers.
"""

from __future__ import annotations

import contextlib
import html
import http.server
import logging
import socket
import threading
from collections.abc import Iterator

log = logging.getLogger(__name__)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Harrier Explorer — starting</title>
<style>body{{font-family:system-ui,sans-serif;max-width:42em;margin:18vh auto;padding:0 1em;color:#1f2937}}
@media (prefers-color-scheme: dark){{body{{background:#0b0f19;color:#e5e7eb}}}}</style></head>
<body><h1>Harrier Explorer is starting</h1>
<p id="hx-starting">Building the interface for <b>{model}</b>. This page turns into the app by itself in a few
seconds; the model loads in the background after that.</p>
<script>
(async () => {{
  for (;;) {{
    await new Promise(done => setTimeout(done, 500));
    try {{ if ((await fetch(location.href, {{cache: "no-store"}})).ok) {{ location.reload(); return; }} }}
    catch (err) {{ /* the port changes hands between this page and the app */ }}
  }}
}})();
</script></body></html>
"""


class _Handler(http.server.BaseHTTPRequestHandler):
    body = b""
    timeout = 5  # a client that stalls cannot hold the (single) serving thread, nor the hand-off, for longer

    def _starting(self) -> None:
        self.send_response(503, "Starting")
        self.send_header("Retry-After", "1")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(self.body)

    do_GET = do_HEAD = do_POST = _starting

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's signature
        log.debug("start-up page: " + format, *args)


class _Server(http.server.HTTPServer):
    """One thread answers every request (each answer is a few hundred bytes): no request threads outlive the page
    while the app goes on importing and starting up."""

    def __init__(self, host: str, port: int, handler: type[_Handler]):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), handler)


@contextlib.contextmanager
def startup_page(host: str, port: int, model: str) -> Iterator[bool]:
    """Serve the start-up page on (host, port) for the duration of the block, then free the port for the app.

    Yields whether the page is up: a port that cannot be bound here (in use, no permission) is left to the app,
    which reports it as it always has.
    """
    handler = type("StartupHandler", (_Handler,), {"body": PAGE.format(model=html.escape(model)).encode()})
    try:
        server = _Server(host, port, handler)
    except OSError as err:
        log.debug("no start-up page on %s:%d: %s", host, port, err)
        yield False
        return
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True,
                              name="startup-page")
    thread.start()
    try:
        yield True
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
