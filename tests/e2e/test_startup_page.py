"""The start-up page: answers while the app is built, then turns into the app in the same browser tab."""

from __future__ import annotations

import http.server
import socket
import threading

import httpx
from playwright.sync_api import expect

from harrier_explorer.startup_page import startup_page
from tests.helpers import free_port


class _App(http.server.BaseHTTPRequestHandler):
    """Stands in for the Gradio app that takes the port over."""

    def do_GET(self) -> None:
        body = b"<!doctype html><title>app</title><h1 id='app'>the app is up</h1>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_answers_503_with_retry_after_and_escapes_the_model_name():
    port = free_port()
    with startup_page("127.0.0.1", port, "<b>folder</b>") as up:
        assert up
        reply = httpx.get(f"http://127.0.0.1:{port}/any/path")
    assert reply.status_code == 503 and reply.headers["retry-after"] == "1"
    assert "Harrier Explorer is starting" in reply.text and "&lt;b&gt;folder&lt;/b&gt;" in reply.text
    with socket.socket() as s:  # the port is free again for the app
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))


def test_a_port_in_use_is_left_to_the_app():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with startup_page("127.0.0.1", busy.getsockname()[1], "m") as up:
            assert not up


def test_the_browser_tab_turns_into_the_app_once_it_answers(browser):
    port = free_port()
    context = browser.new_context()
    page = context.new_page()
    with startup_page("127.0.0.1", port, "tiny-model"):
        page.goto(f"http://127.0.0.1:{port}/")
        expect(page.get_by_text("Harrier Explorer is starting")).to_be_visible()
        expect(page.get_by_text("tiny-model")).to_be_visible()
    app = http.server.ThreadingHTTPServer(("127.0.0.1", port), _App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    try:
        expect(page.locator("#app")).to_have_text("the app is up", timeout=30_000)
    finally:
        app.shutdown()
        app.server_close()
        context.close()
