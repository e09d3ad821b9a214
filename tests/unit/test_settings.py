"""The settings table: precedence (defaults < HARRIER_* environment < overrides), validation, and the README."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from harrier_explorer.errors import InputError
from harrier_explorer.settings import SETTINGS, Settings, load_settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_settings_table_and_the_settings_dataclass_agree_on_names_and_defaults():
    table = {s.name: s.default for s in SETTINGS}
    assert table == dataclasses.asdict(Settings())
    assert load_settings(env={}) == Settings()


def test_every_setting_has_a_harrier_prefixed_environment_variable():
    assert [s.env for s in SETTINGS] == ["HARRIER_" + s.name.upper() for s in SETTINGS]


def test_environment_values_beat_defaults_and_are_typed():
    s = load_settings(env={"HARRIER_PORT": "9000", "HARRIER_NO_CACHE": "yes", "HARRIER_API_TIMEOUT": "2.5",
                           "HARRIER_DEVICE": "cpu"})
    assert (s.port, s.no_cache, s.api_timeout, s.device) == (9000, True, 2.5, "cpu")
    assert s.model == Settings().model


def test_overrides_beat_the_environment_and_none_leaves_it_alone():
    env = {"HARRIER_PORT": "9000", "HARRIER_MODEL": "env/model"}
    s = load_settings(env=env, port=9100, model=None)
    assert (s.port, s.model) == (9100, "env/model")


def test_the_process_environment_is_read_when_no_env_is_given(monkeypatch):
    monkeypatch.setenv("HARRIER_MAX_ITEMS", "12")
    assert load_settings().max_items == 12


@pytest.mark.parametrize("value", ["0", "false", "No", "off", ""])
def test_false_spellings_turn_a_flag_off(value):
    assert load_settings(env={"HARRIER_NO_CACHE": value}).no_cache is False


def test_replace_keeps_the_base_and_does_not_reread_the_environment(monkeypatch):
    base = load_settings(env={}, port=8000)
    monkeypatch.setenv("HARRIER_PORT", "1234")
    changed = base.replace(dtype="float32")
    assert (changed.port, changed.dtype) == (8000, "float32")


@pytest.mark.parametrize(("env", "words"), [
    ({"HARRIER_PORT": "eighty"}, ["'port'", "int", "'eighty'"]),
    ({"HARRIER_NO_CACHE": "maybe"}, ["'no_cache'", "'maybe'"]),
    ({"HARRIER_DEVICE": "tpu"}, ["'device'", "auto, cpu, cuda, mps", "'tpu'"]),
    ({"HARRIER_DTYPE": "float16"}, ["'dtype'", "float32", "bfloat16", "'float16'"]),
])
def test_a_bad_value_is_an_input_error_naming_the_setting_and_the_value(env, words):
    with pytest.raises(InputError) as info:
        load_settings(env=env)
    for word in words:
        assert word in str(info.value)


def test_negative_token_limits_are_rejected():
    with pytest.raises(InputError, match="max_seq_length"):
        load_settings(env={}, max_seq_length=-1)


def test_an_unknown_setting_is_rejected_with_the_known_ones_listed():
    with pytest.raises(InputError, match=r"'colour'.*max_seq_length"):
        load_settings(env={}, colour="red")


def test_the_cache_folder_defaults_to_xdg_cache_home_and_expands_a_given_one(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert load_settings(env={}).cache_path == tmp_path / "harrier-explorer"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert load_settings(env={}, cache_dir="~/c").cache_path == tmp_path / "home" / "c"


def test_the_readme_lists_every_setting_and_its_environment_variable():
    assert README.exists(), f"{README} is missing; it must document the settings table"
    text = README.read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS
               if s.env not in text or (s.name not in text and "--" + s.name.replace("_", "-") not in text)]
    assert not missing, f"README.md does not document these settings (name or flag, and env var): {missing}"
