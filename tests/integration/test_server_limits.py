"""The API server under hostile input, over real HTTP: one request must never kill or stall it, and every refusal is
a small error in OpenAI's shape.

Each test here failed against the server before these limits: a 50 MB body of token ids was read whole (the kernel
killed the server at 16.9 GB), 500k ids got a 422 that echoed them (57.9 MB), a lone surrogate was a 503.
"""

from __future__ import annotations

import json
from dataclasses import replace

import httpx
import numpy as np
import pytest

from harrier_explorer.backend.core import Backend
from harrier_explorer.errors import ModelUnavailable
from harrier_explorer.server import make_server, truncate_dimensions
from tests.helpers import start_backend
from tests.integration.test_server_remote import serving

#: The small limits the main server of this module runs with, so that going over them costs the test nothing.
MAX_ITEMS, MAX_ITEM_CHARS = 8, 1_000
#: Sizes the module's server claims it may truncate to (the tiny model's full size is 64).
MATRYOSHKA = (64, 32, 16)
#: Largest error body accepted: a few hundred bytes of message, whatever the request held.
SMALL_BODY = 4_096


class Profiled:
    """The backend as the server sees it, with another model profile (the tiny model has no Matryoshka sizes)."""

    def __init__(self, backend: Backend, **spec_changes):
        self._backend, self.spec = backend, replace(backend.spec, **spec_changes)

    def __getattr__(self, name: str):
        return getattr(self._backend, name)


@pytest.fixture(scope="module")
def limited(tiny_qwen, tmp_path_factory) -> Backend:
    return start_backend(tmp_path_factory.mktemp("limits-cache"), model=str(tiny_qwen), dtype="float32",
                         max_items=MAX_ITEMS, max_item_chars=MAX_ITEM_CHARS)


@pytest.fixture(scope="module")
def url(limited):
    """A server over ``limited`` whose profile claims the Matryoshka sizes ``MATRYOSHKA``."""
    with serving(make_server(Profiled(limited, matryoshka_dims=MATRYOSHKA))) as base:
        yield base


@pytest.fixture(scope="module")
def small_body_url(tiny_qwen, tmp_path_factory):
    """A server that reads request bodies of at most 10 kB."""
    backend = start_backend(tmp_path_factory.mktemp("body-cache"), model=str(tiny_qwen), dtype="float32",
                            max_body_mb=0.01)
    with serving(make_server(backend)) as base:
        yield base


def _post(base: str, body: object | None = None, *, raw: bytes | None = None) -> httpx.Response:
    content = raw if raw is not None else json.dumps(body).encode()
    return httpx.post(f"{base}/v1/embeddings", content=content, headers={"content-type": "application/json"},
                      timeout=60)


def _error(response: httpx.Response, status: int) -> dict:
    """The OpenAI-shaped error of a small response with ``status``."""
    assert response.status_code == status, response.text[:500]
    assert len(response.content) < SMALL_BODY
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}
    assert body["error"]["type"] == ("invalid_request_error" if status < 500 else "server_error")
    return body["error"]


def _still_serves(base: str) -> None:
    response = _post(base, {"input": ["still here"]})
    assert response.status_code == 200 and len(response.json()["data"][0]["embedding"]) == 64


# -- the body --------------------------------------------------------------------------------------------------------

def test_a_body_over_the_limit_is_a_413_and_the_server_answers_the_next_request(small_body_url):
    body = {"input": ["a perfectly ordinary sentence"] * 1_000}  # valid JSON of about 32 kB: embedded before
    error = _error(_post(small_body_url, body), 413)
    assert error["code"] == "request_too_large" and "limit of 0.01 MB" in error["message"]
    assert "max_body_mb" in error["message"]
    _still_serves(small_body_url)


def test_a_chunked_body_is_counted_as_it_streams_and_refused_past_the_limit(small_body_url):
    def chunks():  # no Content-Length: httpx sends a generator with Transfer-Encoding: chunked
        yield b'{"input": ['
        for _ in range(30):
            yield b'"' + b"x" * 998 + b'",'
        yield b'"end"]}'

    response = httpx.post(f"{small_body_url}/v1/embeddings", content=chunks(),
                          headers={"content-type": "application/json"}, timeout=60)
    assert _error(response, 413)["code"] == "request_too_large"
    _still_serves(small_body_url)


def test_a_body_under_the_limit_is_read_whole(small_body_url):
    response = _post(small_body_url, {"input": ["word " * 100] * 10})  # about 5 kB
    assert response.status_code == 200 and len(response.json()["data"]) == 10


# -- the inputs ------------------------------------------------------------------------------------------------------

def test_token_ids_are_refused_at_the_first_element_with_a_small_body(url):
    error = _error(_post(url, {"input": [1] * 100_000}), 400)
    assert error["code"] == "token_ids_not_supported" and error["param"] == "input"
    assert "this server takes strings; token-id input" in error["message"].lower()
    assert _error(_post(url, {"input": [[1, 2], [3]]}), 400)["code"] == "token_ids_not_supported"
    _still_serves(url)


def test_more_inputs_than_the_limit_are_refused_before_any_is_embedded(url):
    error = _error(_post(url, {"input": ["x"] * (MAX_ITEMS + 1)}), 400)
    assert error["code"] == "too_many_inputs"
    assert f"{MAX_ITEMS + 1} items, more than the limit of {MAX_ITEMS}" in error["message"]


def test_an_over_long_string_is_refused_naming_its_index(url):
    error = _error(_post(url, {"input": ["fine", "y" * (MAX_ITEM_CHARS + 1)]}), 400)
    assert error["code"] == "input_too_long"
    assert error["message"].startswith(f"input[1] has {MAX_ITEM_CHARS + 1:,} characters")
    assert _post(url, {"input": "y" * MAX_ITEM_CHARS}).status_code == 200


def test_a_lone_surrogate_is_a_400_naming_the_input_not_a_503(url):
    error = _error(_post(url, raw=b'{"input": ["fine", "bad \\ud800 text"]}'), 400)
    assert error["code"] == "invalid_unicode"
    assert error["message"] == "input[1] is not valid Unicode: character 4 is a lone surrogate (\\ud800)"
    _still_serves(url)


@pytest.mark.parametrize(("value", "code", "message"), [
    (["fine", ""], "empty_string", "input[1] is an empty string"),
    ("", "empty_string", "input is an empty string"),
    (["fine", 3.5], "invalid_type", "input[1] is a number, not a string"),
    (["fine", None], "invalid_type", "input[1] is null, not a string"),
    ({"text": "x"}, "invalid_type", "input must be a string or a list of strings"),
])
def test_inputs_that_are_not_nonempty_strings_are_400s_naming_the_input(url, value, code, message):
    error = _error(_post(url, {"input": value}), 400)
    assert (error["code"], error["param"]) == (code, "input") and error["message"].startswith(message)


# -- the other fields, and validation errors --------------------------------------------------------------------------

def test_an_unknown_encoding_format_is_a_400(url):
    error = _error(_post(url, {"input": ["x"], "encoding_format": "int8"}), 400)
    assert (error["param"], error["code"]) == ("encoding_format", "invalid_encoding_format")


@pytest.mark.parametrize(("raw", "param", "message"), [
    (json.dumps({"input": ["x"], "dimensions": "z" * 500_000}).encode(), "dimensions", "dimensions: Input should be"),
    (json.dumps({"inputs": ["x"] * 10_000}).encode(), "input", "input: Field required"),
    (json.dumps({"input": ["x"], "dimensions": True}).encode(), "dimensions", "dimensions: Input should be a valid"),
    (b'{"input": ["x", ' + b'"y",' * 10_000, None, "The request body is not valid JSON"),
    (json.dumps(["x"] * 10_000).encode(), None, "request body: Input should be a valid dictionary"),
])
def test_validation_errors_are_short_openai_errors_that_never_echo_the_request(url, raw, param, message):
    error = _error(_post(url, raw=raw), 400)
    assert (error["param"], error["code"]) == (param, "invalid_request") and error["message"].startswith(message)


def test_unknown_paths_and_methods_answer_in_the_same_shape(url):
    assert _error(httpx.get(f"{url}/v1/nothing"), 404)["message"] == "Not Found"
    assert _error(httpx.get(f"{url}/v1/embeddings"), 405)["message"] == "Method Not Allowed"


def test_a_model_still_loading_is_a_503_server_error(limited):
    from fastapi.testclient import TestClient

    class Loading(Profiled):
        def wait(self, timeout=None, **_):
            raise ModelUnavailable("tiny is still loading; try again in a moment.")

    response = TestClient(make_server(Loading(limited))).post("/v1/embeddings", json={"input": ["x"]})
    error = _error(response, 503)
    assert error["message"] == "tiny is still loading; try again in a moment."


# -- dimensions ------------------------------------------------------------------------------------------------------

def test_truncation_keeps_the_first_components_and_renormalises():
    vectors = np.array([[3.0, 4.0, 12.0], [1.0, 0.0, 5.0]], dtype=np.float32)
    np.testing.assert_allclose(truncate_dimensions(vectors, 2), [[0.6, 0.8], [1.0, 0.0]], atol=1e-7)


def test_info_reports_the_matryoshka_sizes_and_the_saved_prompts(url, limited):
    info = httpx.get(f"{url}/v1/info").json()
    assert info["matryoshka_dims"] == list(MATRYOSHKA)
    assert info["saved_prompts"] == limited.spec.saved_prompts and info["prompts"]
    assert info["limits"] == {"max_items": MAX_ITEMS, "max_item_chars": MAX_ITEM_CHARS, "max_body_mb": 16.0}


@pytest.mark.parametrize("dimensions", [32, 16])
def test_a_matryoshka_size_is_the_first_components_of_the_full_vector_renormalised(url, dimensions):
    texts = ["The quick brown fox.", "Der faule Hund schläft."]
    full = np.array([d["embedding"] for d in _post(url, {"input": texts}).json()["data"]], dtype=np.float32)
    short = np.array([d["embedding"] for d in _post(url, {"input": texts, "dimensions": dimensions}).json()["data"]],
                     dtype=np.float32)
    assert short.shape == (2, dimensions)
    np.testing.assert_allclose(np.linalg.norm(short, axis=1), 1.0, atol=1e-6)
    head = full[:, :dimensions]
    np.testing.assert_allclose(short, head / np.linalg.norm(head, axis=1, keepdims=True), atol=1e-6)


def test_a_size_the_model_was_not_trained_for_is_a_400_naming_the_supported_ones(url):
    error = _error(_post(url, {"input": ["x"], "dimensions": 48}), 400)
    assert (error["param"], error["code"]) == ("dimensions", "unsupported_dimensions")
    assert error["message"].endswith("supported sizes: 64, 32, 16")


# -- the real OpenAI client ------------------------------------------------------------------------------------------

def test_the_openai_client_embeds_truncates_and_reads_our_errors(url, limited):
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=f"{url}/v1", api_key="x", max_retries=0)
    texts = ["The quick brown fox.", "素早い茶色の狐"]
    got = client.embeddings.create(model=limited.status.model_id, input=texts)  # the client asks for base64
    np.testing.assert_allclose(np.array([d.embedding for d in got.data]), limited.encode_strings(texts).vectors,
                               atol=1e-6)
    assert got.usage.prompt_tokens == int(limited.encode_strings(texts).n_tokens.sum())
    long = "素早い茶色の狐 " * 120  # past the model's token limit: usage counts the tokens embedded
    assert limited.encode_strings([long]).truncated[0]
    assert client.embeddings.create(model="any", input=long).usage.prompt_tokens == limited.status.max_seq_length
    assert client.models.retrieve(limited.status.model_id).created > 0
    with pytest.raises(openai.NotFoundError) as caught:
        client.models.retrieve("text-embedding-3-small")
    assert caught.value.body["code"] == "model_not_found"
    assert len(client.embeddings.create(model="any", input="x", dimensions=16).data[0].embedding) == 16
    with pytest.raises(openai.BadRequestError) as caught:
        client.embeddings.create(model="any", input=["fine", ""])
    assert caught.value.body["code"] == "empty_string"
    assert caught.value.body["message"].startswith("input[1] is an empty string")
