"""The module's vault dictionary: known entities always replaced."""

import pytest

from doorman.boundary import Sanitiser
from doorman.boundary.vault import load_vault
from doorman.core.errors import ConfigError


@pytest.fixture
def vault(tmp_path):
    path = tmp_path / "entities.csv"
    path.write_text("value,type\nNorthwind Maritime,client\nProject Halcyon,project\nfin-sql-02,hostname\n")
    return load_vault(path)


def test_vault_entities_are_replaced_case_insensitive_across_line_breaks_and_possessives(vault):
    text = "NORTHWIND MARITIME's audit: Project\nHalcyon runs on FIN-SQL-02. northwind maritime pays."
    result = Sanitiser(vault).sanitise_text(text)
    out = result.texts[0]
    assert "orthwind" not in out.lower() and "halcyon" not in out.lower() and "sql-02" not in out.lower()
    assert "'s audit" in out
    assert set(result.mapping.as_dict()) >= {"[CLIENT_1]", "[PROJECT_1]", "[HOSTNAME_1]"}


def test_vault_matches_whole_words_only(vault):
    text = "Halcyonic weather, Project Halcyons and fin-sql-021 are other things."
    assert Sanitiser(vault).sanitise_text(text).texts[0] == text


def test_a_bad_vault_file_names_the_file_and_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("value,type\nAcme,client\n,client\n")
    with pytest.raises(ConfigError, match=r"bad\.csv: line 3"):
        load_vault(path)
    with pytest.raises(ConfigError, match=r"missing\.csv: cannot read"):
        load_vault(tmp_path / "missing.csv")


def test_the_module_keys_are_validated_naming_file_and_key(tmp_path):
    from doorman.core.config import load_config

    path = tmp_path / "doorman.toml"
    path.write_text('[modules.legal]\nvault = "v.csv"\nsanitise_local = true\n')
    module = load_config(path).modules["legal"]
    assert (module.vault, module.sanitise_local) == ("v.csv", True)
    assert load_config(tmp_path / "absent.toml").modules["demo"].sanitise_local is False
    path.write_text('[modules.legal]\nsanitise_local = "yes"\n')
    with pytest.raises(ConfigError, match=r"doorman\.toml: modules\.legal\.sanitise_local: expected true or false"):
        load_config(path)
    path.write_text("[modules.legal]\nvault = 3\n")
    with pytest.raises(ConfigError, match=r"doorman\.toml: modules\.legal\.vault: expected a string"):
        load_config(path)
