"""What a script author sees of every endpoint in view_api: named results, and defaults for all but the inputs an
action cannot do without."""

from __future__ import annotations

#: The parameters an action has no sensible default for.
REQUIRED = {"/why_match": ["query", "document"], "/cross_lingual_search": ["queries"], "/ab_sweep": ["instructions"],
            "/map_neighbours": ["point"]}


def test_every_result_is_named_and_only_the_essential_parameters_are_required(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    unnamed = {name: [r["component"] for r in ep["returns"] if not r["label"] or r["label"].startswith("value_")]
               for name, ep in endpoints.items()}
    assert not {name: parts for name, parts in unnamed.items() if parts}
    required = {name: [p["parameter_name"] for p in ep["parameters"] if not p["parameter_has_default"]]
                for name, ep in endpoints.items()}
    assert {name: names for name, names in required.items() if names} == REQUIRED
