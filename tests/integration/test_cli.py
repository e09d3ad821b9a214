"""The command line end to end (click's CliRunner, in process) over the tiny Qwen3 decoder."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from harrier_explorer.cli import main
from harrier_explorer.settings import SETTINGS
from tests.tiny_models import HARRIER_PROMPTS

LINES = ["The quick brown fox.", "Der faule Hund.", "素早い茶色の狐"]
BITEXT = "Instruct: Retrieve parallel sentences\nQuery: "


@pytest.fixture
def run(tiny_qwen, tmp_path):
    """run(*args) → click Result of ``harrier-explorer ARGS --model tiny --cache-dir … --dtype float32``."""
    runner = CliRunner()

    def invoke(*args: str):
        model = ["--model", str(tiny_qwen), "--cache-dir", str(tmp_path / "cli-cache"), "--dtype", "float32"]
        return runner.invoke(main, [*args, *model], env={"HF_HUB_OFFLINE": "1"}, terminal_width=200)

    return invoke


@pytest.fixture
def texts_file(tmp_path):
    path = tmp_path / "texts.txt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "pairs.csv"
    pd.DataFrame({"id": ["a", "b", "c"], "text": LINES}).to_csv(path, index=False)
    return path


def test_embed_writes_one_document_vector_per_line_to_npy(run, texts_file, tmp_path, tiny_qwen, make_backend):
    out = tmp_path / "out" / "vectors.npy"
    result = run("embed", str(texts_file), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "3 texts: 0 from cache, 3 embedded; wrote (3, 64)" in result.output
    vectors = np.load(out, allow_pickle=False)
    expected = make_backend(tiny_qwen, dtype="float32").encode(LINES, role="document").vectors
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, expected, atol=1e-6)


def test_embed_csv_to_parquet_applies_the_instruction_to_queries(run, csv_file, tmp_path):
    out = tmp_path / "vectors.parquet"
    result = run("embed", str(csv_file), "--out", str(out), "--instruction", "Retrieve parallel sentences",
                 "--role", "query")
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(out)
    assert list(table.columns) == ["id", "text", "prompt", "n_tokens", "truncated", "vector"]
    assert table["id"].tolist() == ["a", "b", "c"] and table["text"].tolist() == LINES
    assert table["prompt"].tolist() == [BITEXT + t for t in LINES]
    assert not table["truncated"].any() and (table["n_tokens"] > 0).all()
    assert np.vstack(table["vector"]).shape == (3, 64)


def test_a_preset_name_gives_the_same_prompts_as_its_instruction(run, csv_file, tmp_path):
    by_name, by_text = tmp_path / "name.parquet", tmp_path / "text.parquet"
    assert run("embed", str(csv_file), "--out", str(by_name), "--prompt-name", "bitext mining",
               "--role", "symmetric").exit_code == 0
    assert run("embed", str(csv_file), "--out", str(by_text), "--instruction", "Retrieve parallel sentences",
               "--role", "symmetric").exit_code == 0
    a, b = pd.read_parquet(by_name), pd.read_parquet(by_text)
    assert a["prompt"].tolist() == b["prompt"].tolist() == [BITEXT + t for t in LINES]
    np.testing.assert_array_equal(np.vstack(a["vector"]), np.vstack(b["vector"]))


@pytest.mark.parametrize("name", ["bitext_query", "sts_query", "web_search_query"])
def test_the_cards_prompt_names_embed_the_prompt_saved_with_the_model(run, csv_file, tmp_path, name):
    out = tmp_path / f"{name}.parquet"
    result = run("embed", str(csv_file), "--out", str(out), "--prompt-name", name, "--role", "query")
    assert result.exit_code == 0, result.output
    assert pd.read_parquet(out)["prompt"].tolist() == [HARRIER_PROMPTS[name] + t for t in LINES]


def test_documents_stay_bare_even_with_an_instruction(run, csv_file, tmp_path):
    out = tmp_path / "docs.parquet"
    assert run("embed", str(csv_file), "--out", str(out), "--instruction", "Retrieve parallel sentences").exit_code == 0
    assert pd.read_parquet(out)["prompt"].tolist() == LINES


@pytest.mark.parametrize(("extra", "message"), [
    (["--out", "vectors.csv"], "--out must end with one of .npy, .parquet, got 'vectors.csv'"),
    (["--out", "v.npy", "--prompt-name", "no_such_prompt"], "Unknown prompt name 'no_such_prompt'"),
    (["--out", "v.npy", "--prompt-name", "STS", "--instruction", "x"], "not both"),
])
def test_bad_embed_arguments_exit_1_with_a_one_line_message(run, texts_file, tmp_path, extra, message):
    extra = [str(tmp_path / a) if a.endswith((".csv", ".npy")) else a for a in extra]
    result = run("embed", str(texts_file), *extra)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_info_prints_the_model_its_reason_and_a_passing_self_check(run, tiny_qwen):
    result = run("info")
    assert result.exit_code == 0, result.output
    assert f"model:      {tiny_qwen}" in result.output and f"why:        local folder {tiny_qwen}" in result.output
    assert "dimensions: 64" in result.output
    for check in ("pass EOS appended", "pass batch = single", "pass dimension"):
        assert check in result.output
    assert "FAIL" not in result.output


def test_info_on_a_missing_model_exits_1_naming_it(tmp_path):
    result = CliRunner().invoke(main, ["info", "--model", "nobody/no-such-model", "--cache-dir", str(tmp_path)],
                                env={"HF_HUB_OFFLINE": "1"})
    assert result.exit_code == 1 and "nobody/no-such-model" in result.output


@pytest.mark.parametrize("command", ["serve", "serve-api", "embed", "info", "fetch-demo-model", "fetch-models"])
def test_help_of_every_command_lists_exactly_the_settings_it_uses(command):
    result = CliRunner().invoke(main, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    for s in SETTINGS:
        if command in s.commands:
            assert s.flag in result.output and s.env in result.output
        else:
            assert f"{s.flag} " not in result.output, f"{command} --help offers {s.flag}, which it does not use"


def test_embed_and_fetch_do_not_offer_server_options():
    embed = CliRunner().invoke(main, ["embed", "--help"], terminal_width=200).output
    assert "--port" not in embed and "--mcp" not in embed and "--host" not in embed
    fetch = CliRunner().invoke(main, ["fetch-demo-model", "--help"], terminal_width=200).output
    assert "--cache-dir" in fetch and "--model" not in fetch


def test_gradios_server_variables_set_host_and_port_unless_harriers_are_set():
    from harrier_explorer.settings import load_settings

    s = load_settings(env={"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": "7861"})
    assert (s.host, s.port) == ("0.0.0.0", 7861)
    s = load_settings(env={"GRADIO_SERVER_PORT": "7861", "HARRIER_PORT": "9000"})
    assert s.port == 9000
