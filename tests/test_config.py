from pathlib import Path

import pytest

from doorman.core.config import EMBEDDED_MODEL, load_config
from doorman.core.errors import ConfigError
from doorman.core.home import resolve_home


def write(home: Path, text: str) -> Path:
    path = home / "doorman.toml"
    path.write_text(text)
    return path


def test_missing_config_means_embedded_model_and_demo_module(tmp_path):
    config = load_config(tmp_path / "doorman.toml")
    assert config.local.model == EMBEDDED_MODEL
    assert list(config.modules) == ["demo"]
    assert config.source is None


def test_a_file_with_one_module_keeps_the_defaults(tmp_path):
    path = write(tmp_path, '[modules.legal]\ndescription = "contracts"\n')
    config = load_config(path)
    assert sorted(config.modules) == ["demo", "legal"]
    assert config.modules["legal"].description == "contracts"
    assert config.modules["legal"].declared_in == str(path)
    assert config.modules["demo"].declared_in == "built-in"
    assert config.local.model == EMBEDDED_MODEL
    assert config.local.frame.answer == "A:"


def test_a_file_overrides_only_the_keys_it_names(tmp_path):
    config = load_config(write(tmp_path, "[local]\nthreads = 1\n"))
    assert config.local.threads == 1
    assert config.local.context_size == 2048
    assert config.local.frame.stop == ("\nQ:", "\n\n")


def test_an_unknown_key_is_named_with_its_file(tmp_path):
    path = write(tmp_path, "[local]\nthread = 1\n")
    with pytest.raises(ConfigError, match=r"doorman\.toml: local\.thread: unknown key"):
        load_config(path)


def test_a_wrong_type_names_the_field_and_value(tmp_path):
    with pytest.raises(ConfigError, match=r"local\.threads: expected an integer >= 0, got 'two'"):
        load_config(write(tmp_path, '[local]\nthreads = "two"\n'))


def test_a_frame_without_its_text_slot_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"local\.frame\.user: expected a string containing \{text\}"):
        load_config(write(tmp_path, '[local.frame]\nuser = "Question:"\n'))


def test_an_invalid_module_name_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"\[modules\.Legal\]: invalid module name"):
        load_config(write(tmp_path, "[modules.Legal]\n"))


def test_a_toml_syntax_error_names_the_file_and_line(tmp_path):
    with pytest.raises(ConfigError, match=r"doorman\.toml: .*line 2"):
        load_config(write(tmp_path, "[local]\nthreads = = 1\n"))


def test_home_comes_from_option_then_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DOORMAN_HOME", str(tmp_path / "env"))
    assert resolve_home(tmp_path / "opt") == tmp_path / "opt"
    assert resolve_home(None) == tmp_path / "env"
    monkeypatch.delenv("DOORMAN_HOME")
    assert resolve_home(None).name == "doorman"
