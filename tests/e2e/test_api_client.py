"""The app's actions are callable with gradio_client by their api_name, errors included."""

from __future__ import annotations

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError


@pytest.fixture(scope="module")
def client(app_url):
    return Client(app_url, verbose=False)


def test_compare_two_embeds_the_exact_harrier_strings_and_returns_their_cosine(client):
    cosine, table = client.predict(text_a="hello world", text_b="hallo welt",
                                   instruction="Retrieve parallel sentences", role_a="symmetric", role_b="query",
                                   api_name="/compare_two")
    assert isinstance(cosine, float) and -1.0 <= cosine <= 1.0
    strings = [row[2] for row in table["data"]]
    # The tiny test model carries Harrier's saved prompts, so it gets Harrier's template on both symmetric inputs.
    assert strings == [repr("Instruct: Retrieve parallel sentences\nQuery: hello world"),
                       repr("Instruct: Retrieve parallel sentences\nQuery: hallo welt")]


def test_a_bad_call_answers_the_users_message_not_a_traceback(client):
    with pytest.raises(AppError, match="Type a text in both boxes"):
        client.predict(text_a="", text_b="x", api_name="/compare_two")


def test_every_tool_is_listed_by_api_name(client):
    names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert {"/cross_lingual_search", "/match_bitext", "/align_documents", "/ab_compare", "/ab_sweep", "/map_build",
            "/map_neighbours", "/compare_two", "/model_info", "/model_parity", "/model_speed_quality",
            "/rematch_bitext", "/margin_neighbours", "/ab_show_query", "/map_colour"} <= names
    assert not {"/search_example", "/bitext_example", "/ab_example", "/map_example"} & names  # UI helpers only
