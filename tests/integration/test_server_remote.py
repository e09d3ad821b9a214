"""The OpenAI-compatible server over real HTTP on 127.0.0.1, and the remote encoder talking to it.

One uvicorn server (a backend over the tiny Qwen3 decoder) serves the whole module from a thread.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import httpx
import numpy as np
import pytest

from harrier_explorer.backend.core import Backend
from harrier_explorer.backend.remote import RemoteEncoder
from harrier_explorer.errors import ModelUnavailable, RemoteError
from harrier_explorer.settings import load_settings
from tests.helpers import free_port, start_backend

TEXTS = ["The quick brown fox.", "Der faule Hund schläft.", "素早い茶色の狐"]
TASK = "Retrieve parallel sentences"


@pytest.fixture(scope="module")
def local(tiny_qwen, tmp_path_factory) -> Backend:
    return start_backend(tmp_path_factory.mktemp("server-cache"), model=str(tiny_qwen), dtype="float32")


@contextmanager
def serving(app) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of ``app`` run by uvicorn in a daemon thread, answering /health with 200, until the
    block ends (shared with test_server_limits)."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the API server did not come up within 30 s"
        time.sleep(0.05)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def base_url(local):
    """http://127.0.0.1:PORT of a running ``make_server(local)``."""
    from harrier_explorer.server import make_server

    with serving(make_server(local)) as url:
        yield url


def _embed(base_url: str, **body) -> httpx.Response:
    return httpx.post(f"{base_url}/v1/embeddings", json=body, timeout=30)


def test_health_models_and_info_describe_the_loaded_model(base_url, local):
    assert httpx.get(f"{base_url}/health").json() == {"status": "ready", "message": "Ready"}
    models = httpx.get(f"{base_url}/v1/models").json()
    assert [m["id"] for m in models["data"]] == [local.status.model_id]
    info = httpx.get(f"{base_url}/v1/info").json()
    assert (info["model"], info["dim"], info["max_seq_length"], info["family"]) == (
        local.status.model_id, 64, 512, "harrier")
    assert info["saved_prompts"] == local.spec.saved_prompts and info["matryoshka_dims"] == []


def test_a_list_of_strings_is_embedded_exactly_as_sent(base_url, local):
    body = _embed(base_url, input=TEXTS).json()
    assert [d["index"] for d in body["data"]] == [0, 1, 2]
    vectors = np.array([d["embedding"] for d in body["data"]], dtype=np.float32)
    expected = local.encode_strings(TEXTS)
    np.testing.assert_allclose(vectors, expected.vectors, atol=1e-6)
    assert [d["n_tokens"] for d in body["data"]] == expected.n_tokens.tolist()
    assert body["usage"]["prompt_tokens"] == int(expected.n_tokens.sum())
    assert body["model"] == local.status.model_id


def test_a_single_string_and_base64_encoding_give_the_same_vector(base_url):
    floats = _embed(base_url, input=TEXTS[0]).json()["data"]
    packed = _embed(base_url, input=[TEXTS[0]], encoding_format="base64").json()["data"]
    assert len(floats) == len(packed) == 1
    decoded = np.frombuffer(base64.b64decode(packed[0]["embedding"]), dtype=np.float32)
    np.testing.assert_array_equal(decoded, np.array(floats[0]["embedding"], dtype=np.float32))


def test_empty_input_is_a_400_with_an_openai_style_error(base_url):
    response = _embed(base_url, input=[])
    assert response.status_code == 400
    assert response.json()["error"] == {"message": "input is empty", "type": "invalid_request_error",
                                        "param": "input", "code": "empty_input"}


def test_asking_for_another_dimension_is_a_400_naming_the_real_one(base_url):
    response = _embed(base_url, input=TEXTS, dimensions=32)
    error = response.json()["error"]
    assert response.status_code == 400 and (error["param"], error["code"]) == ("dimensions", "unsupported_dimensions")
    assert "has 64 dimensions; it was not trained to be truncated; the only size: 64" in error["message"]
    assert len(_embed(base_url, input=TEXTS, dimensions=64).json()["data"][0]["embedding"]) == 64


@pytest.fixture
def remote(base_url, tmp_path) -> Backend:
    """A Backend whose encoder is the module's server (settings.backend_url), with its own cache."""
    backend = Backend(load_settings(env={}, backend_url=f"{base_url}/v1", cache_dir=str(tmp_path))).start()
    backend.wait(30)
    return backend


def test_a_remote_backend_embeds_the_same_strings_to_the_same_vectors(remote, local, base_url):
    assert (remote.status.state, remote.status.dim, remote.status.device) == ("ready", 64, f"remote {base_url}/v1")
    assert remote.status.batching == local.status.batching == "padded batches of 1024 tokens"  # the server's, shown
    prompts = local.encode(TEXTS, TASK, "query").prompts
    got, expected = remote.encode_strings(prompts), local.encode_strings(prompts)
    assert np.sum(got.vectors * expected.vectors, axis=1).min() >= 0.9999
    np.testing.assert_array_equal(got.n_tokens, expected.n_tokens)


@pytest.mark.parametrize("role", ["query", "document", "symmetric"])
def test_a_remote_backend_applies_the_served_models_prompt_template(remote, local, role):
    got, expected = remote.encode(TEXTS, TASK, role), local.encode(TEXTS, TASK, role)
    assert got.prompts == expected.prompts
    assert np.sum(got.vectors * expected.vectors, axis=1).min() >= 0.9999


def test_the_remote_encoder_batches_requests_and_keeps_the_order(base_url, local):
    encoder = RemoteEncoder(f"{base_url}/v1", batch_size=2)
    assert encoder.fingerprint.startswith(f"remote:{local.status.model_id}@")
    got = encoder.embed(TEXTS)
    np.testing.assert_allclose(got.vectors, local.encode_strings(TEXTS).vectors, atol=1e-6)


def _fake_server(fail_first: int, info_status: int = 200):
    """A MockTransport that answers 500 to the first ``fail_first`` requests; ``calls`` records (method, path)."""
    calls: list[tuple[str, str]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append((request.method, request.url.path))
        if len(calls) <= fail_first:
            return httpx.Response(500, text="warming up")
        if request.url.path.endswith("/info"):
            return httpx.Response(info_status, json={"model": "m", "dim": 2, "max_seq_length": 8})
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"data": [{"id": "other/model"}]})
        n = len(json.loads(request.content)["input"])
        return httpx.Response(200, json={"data": [{"index": i, "embedding": [3.0, 4.0]} for i in range(n)]})

    return httpx.MockTransport(handle), calls


def test_a_server_error_is_retried_until_it_succeeds():
    transport, calls = _fake_server(fail_first=1)
    encoder = RemoteEncoder("http://fake/v1", transport=transport)
    assert calls[:2] == [("GET", "/v1/info"), ("GET", "/v1/info")]
    np.testing.assert_allclose(encoder.embed(["a", "b"]).vectors, [[0.6, 0.8]] * 2, atol=1e-7)


def test_a_server_without_info_is_described_from_its_model_list():
    transport, calls = _fake_server(fail_first=0, info_status=404)
    encoder = RemoteEncoder("http://fake/v1", transport=transport)
    assert (encoder.model, encoder.dim) == ("other/model", 2)
    assert ("GET", "/v1/info") in calls and calls.count(("GET", "/v1/info")) == 1  # a 404 is not retried


def test_a_dead_url_is_a_remote_error_naming_it_within_seconds():
    url = f"http://127.0.0.1:{free_port()}/v1"
    start = time.monotonic()
    with pytest.raises(RemoteError, match=rf"{url}.*failed after 3 tries"):
        RemoteEncoder(url, timeout=2)
    assert time.monotonic() - start < 10


def test_a_backend_pointed_at_a_dead_url_shows_the_error_in_its_status(tmp_path, monkeypatch):
    from harrier_explorer.backend import remote

    monkeypatch.setattr(remote, "time", SimpleNamespace(sleep=lambda _: None))  # back-off timing is tested above
    url = f"http://127.0.0.1:{free_port()}/v1"
    backend = Backend(load_settings(env={}, backend_url=url, api_timeout=2, cache_dir=str(tmp_path))).start()
    with pytest.raises(ModelUnavailable, match="could not be loaded"):
        backend.wait(20)
    assert backend.status.state == "error" and url in backend.status.message


def test_a_server_whose_model_failed_answers_503_with_the_reason(tmp_path):
    from fastapi.testclient import TestClient

    from harrier_explorer.server import make_server

    backend = Backend(load_settings(env={}, model=str(tmp_path / "no-such-folder"), cache_dir=str(tmp_path)))
    client = TestClient(make_server(backend.start()))
    response = client.post("/v1/embeddings", json={"input": ["x"]})
    assert response.status_code == 503 and response.json()["error"]["type"] == "server_error"
    assert "no-such-folder" in response.json()["error"]["message"]
    assert client.get("/health").status_code == 503
