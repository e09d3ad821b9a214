"""files_kept_hours: Gradio's upload folder is emptied of old uploads and served downloads while the app runs, the app
keeps serving, and a page that runs again on an upload that went gets a message that says what to do."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from harrier_explorer.settings import DEFAULTS
from harrier_explorer.ui.build import kept_files
from harrier_explorer.ui.common import example_path
from tests.helpers import launched_app, start_backend

#: Short enough to watch files go, long enough that a download is fetched before it goes on a busy machine.
KEPT_S = 20


def test_files_are_kept_a_day_and_checked_hourly_by_default():
    assert kept_files(DEFAULTS.files_kept_hours) == (3600, 86_400)
    assert kept_files(0.01) == (36, 36)  # checked as often as they age


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory):
    """An app over the test encoder that keeps files KEPT_S seconds."""
    backend = start_backend(tmp_path_factory.mktemp("cache"), model="fake:hash", files_kept_hours=KEPT_S / 3600)
    with launched_app(backend) as demo:
        yield demo


def _held(demo) -> set[str]:
    return {file for files in demo.temp_file_sets for file in files}


def _wait_gone(files: set[str]) -> None:
    deadline = time.monotonic() + 10 * KEPT_S
    while any(Path(f).exists() for f in files) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not any(Path(f).exists() for f in files), "files older than files_kept_hours are still there"


def test_old_uploads_and_downloads_go_and_a_stale_upload_says_upload_it_again(short_lived):
    url = short_lived.local_url
    client = Client(url, verbose=False)
    try:
        client.predict(source_paste="a red fox\na black dog", target_paste="ein roter Fuchs\nein schwarzer Hund",
                       api_name="/match_bitext")
        example = Path(example_path("bitext_de_en.tsv"))
        with example.open("rb") as f:  # as the page uploads a file before it runs
            upload = httpx.post(f"{url}gradio_api/upload", files={"files": (example.name, f)}).json()[0]
        downloads = {f for f in _held(short_lived) if f.endswith("bitext_pairs.tsv")}
        assert downloads and Path(upload).exists()
        _wait_gone(downloads | {upload})

        # The page still holds the upload's path and runs again on it.
        parameters = client.view_api(return_format="dict", print_info=False)["named_endpoints"]["/match_bitext"][
            "parameters"]
        data = [p["parameter_default"] for p in parameters]
        data[[p["parameter_name"] for p in parameters].index("pair_file")] = {
            "path": upload, "orig_name": example.name, "meta": {"_type": "gradio.FileData"}}
        event = httpx.post(f"{url}gradio_api/call/match_bitext", json={"data": data}).json()["event_id"]
        answer = httpx.get(f"{url}gradio_api/call/match_bitext/{event}", timeout=120).text
        assert "event: error" in answer and "File not found: bitext_de_en.tsv" in answer
        assert "upload it again" in answer

        # The app keeps serving, downloads included.
        status, *_ = client.predict(source_paste="a white cat\na grey owl", target_paste="eine weiße Katze\nein Uhu",
                                    api_name="/match_bitext")
        assert "2 source × 2 target sentences" in status
    finally:
        client.close()
