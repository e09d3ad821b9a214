"""A curated scenario's recorded first frame: the shipped frames picture the shipped zips, a frame of another version
of a zip is not shown, and the middleware puts the frame in the page only for a link to a framed scenario."""

from __future__ import annotations

import json
import shutil

import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from harrier_explorer.ui import first_frame
from harrier_explorer.ui.first_frame import CURATED, FirstFrame, frame_path, frames

PAGE = '<!doctype html><html><head><title>app</title></head><body style="margin: 0">the app</body></html>'
LOGIN = '<html><head><script>window.gradio_config = {"auth_required":true};</script></head><body></body></html>'


def test_every_curated_scenario_has_frames_of_its_current_zip():
    names = sorted(path.stem for path in CURATED.glob("*.zip"))
    assert sorted(frames()) == names  # a zip made again without its frames (make_scenarios --frames) fails here
    for name in names:
        for scheme in first_frame.SCHEMES:
            with Image.open(frame_path(name, scheme)) as picture:
                assert picture.size == (1440, 900)


@pytest.fixture
def one_scenario(tmp_path, monkeypatch):
    """A copy of one curated scenario and its frames, as the module reads them."""
    name = "mining-translations"
    (tmp_path / "frames").mkdir()
    shutil.copy(CURATED / f"{name}.zip", tmp_path / f"{name}.zip")
    for scheme in first_frame.SCHEMES:
        shutil.copy(frame_path(name, scheme), tmp_path / "frames")
    entry = first_frame.manifest()[name]
    (tmp_path / "frames" / "frames.json").write_text(json.dumps({name: entry}), encoding="utf-8")
    monkeypatch.setattr(first_frame, "CURATED", tmp_path)
    monkeypatch.setattr(first_frame, "FRAMES", tmp_path / "frames")
    monkeypatch.setattr(first_frame, "MANIFEST", tmp_path / "frames" / "frames.json")
    return name, tmp_path


def test_a_frame_of_another_version_of_its_zip_is_not_shown(one_scenario, caplog):
    name, folder = one_scenario
    assert list(frames()) == [name]
    with (folder / f"{name}.zip").open("ab") as zf:
        zf.write(b" ")  # the zip made again: its frames picture the old one
    assert frames() == {}
    assert "pictures another version" in caplog.text
    (folder / "frames" / f"{name}-dark.webp").unlink()
    assert frames() == {}


@pytest.fixture
def client(one_scenario):
    async def page(request):
        return HTMLResponse(PAGE)

    async def text(request):
        return PlainTextResponse("<body>not the page</body>")

    app = Starlette(routes=[Route("/", page, methods=["GET", "POST"]), Route("/other", text)],
                    middleware=[Middleware(FirstFrame)])
    return TestClient(app)


def test_a_link_to_a_framed_scenario_gets_the_frame_at_the_top_of_the_page(client):
    answer = client.get("/?scenario=mining-translations")
    assert answer.status_code == 200
    assert int(answer.headers["content-length"]) == len(answer.content)
    before, body = answer.text.split('<body style="margin: 0">')
    assert before == PAGE.split("<body")[0]
    assert body.startswith("<style>")
    assert body.endswith("</div>the app</body></html>")
    assert 'id="hx-first-frame"' in body
    assert "mining-translations-dark.webp\" media=\"(prefers-color-scheme: dark)\"" in body  # the system's scheme
    assert "Mining translations from two unaligned lists" in body  # its alt text names the demo
    dark = client.get("/?scenario=mining-translations&__theme=dark").text  # a theme the link asks for
    assert "mining-translations-dark.webp" in dark and "mining-translations-light.webp" not in dark


@pytest.mark.parametrize("request_line", ["GET /", "GET /?scenario=no-such-demo", "GET /?scenario=",
                                          "POST /?scenario=mining-translations",
                                          "GET /other?scenario=mining-translations"])
def test_every_other_request_passes_unchanged(client, request_line):
    method, url = request_line.split()
    answer = client.request(method, url)
    assert "hx-first-frame" not in answer.text
    assert answer.text in (PAGE, "<body>not the page</body>")


def test_a_login_page_gets_no_frame(one_scenario):
    """With --auth, Gradio answers the link with its login page first: a frame there would hide the form."""
    async def login(request):
        return HTMLResponse(LOGIN)

    client = TestClient(Starlette(routes=[Route("/", login)], middleware=[Middleware(FirstFrame)]))
    assert client.get("/?scenario=mining-translations").text == LOGIN
