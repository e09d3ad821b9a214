"""The whole app in-process over the torch-free test encoder (``fake:hash``), driven through gradio_client as a
script author would: every endpoint by its api_name and named parameters, in seconds."""

from __future__ import annotations

import pytest
from gradio_client import Client

from harrier_explorer.backend.core import Backend
from harrier_explorer.settings import load_settings
from tests.helpers import launched_app


@pytest.fixture(scope="session")
def fake_backend(tmp_path_factory) -> Backend:
    backend = Backend(load_settings(env={}, model="fake:hash", cache_dir=str(tmp_path_factory.mktemp("cache"))))
    backend.start().wait(30)
    return backend


@pytest.fixture(scope="session")
def demo(fake_backend):
    """The app, launched on a free port (its queue is inspected by the cancellation test)."""
    with launched_app(fake_backend) as demo:
        yield demo


@pytest.fixture(scope="session")
def client(demo):
    client = Client(demo.local_url, verbose=False)
    try:
        yield client
    finally:
        client.close()
