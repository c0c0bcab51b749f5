"""`doorman adapters add|list|show|remove|verify`: the real command against a real home."""

import json

import pytest
from lora_files import make_lora

from conftest import FRANCE, run_cli
from doorman.tiers.embedded_model import embedded_model_path


@pytest.fixture
def lora(models_dir, tmp_path):
    return make_lora(tmp_path / "tone.gguf", embedded_model_path(models_dir))


def test_an_added_adapter_is_listed_shown_and_guarded_while_a_module_uses_it(home, lora):
    (home / "doorman.toml").write_text('[modules.legal]\nadapters = [{name = "tone", scale = 0.5}]\n')
    added = run_cli(home, "adapters", "add", "tone", str(lora), "--scale", "2")
    assert added.returncode == 0, added.stderr
    assert "added tone" in added.stdout and "rank 4" in added.stdout

    listed = run_cli(home, "adapters", "list")
    row = next(line for line in listed.stdout.splitlines() if "tone" in line)
    assert "gemma-3-270m-q4_k_m" in row and "legal" in row and "161.2 KiB" in row

    shown = run_cli(home, "adapters", "show", "tone")
    assert "gemma3" in shown.stdout and "default scale" in shown.stdout and "2" in shown.stdout

    refused = run_cli(home, "adapters", "remove", "tone")
    assert refused.returncode == 2
    assert refused.stderr.startswith("doorman: adapter_in_use: adapter 'tone' is used by module(s) legal")
    forced = run_cli(home, "adapters", "remove", "tone", "--force")
    assert forced.returncode == 0 and "removed tone" in forced.stdout
    assert "tone" not in run_cli(home, "adapters", "list").stdout


def test_a_corrupt_adapter_is_refused_in_one_line_and_nothing_is_stored(home, lora):
    lora.write_bytes(lora.read_bytes()[:-5000])
    result = run_cli(home, "adapters", "add", "tone", str(lora))
    assert result.returncode == 4
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"doorman: adapter_invalid: {lora}: ")
    assert "tone" not in run_cli(home, "adapters", "list").stdout


def test_verify_names_a_stored_adapter_whose_file_changed(home, lora):
    assert run_cli(home, "adapters", "add", "tone", str(lora)).returncode == 0
    assert run_cli(home, "adapters", "verify").returncode == 0
    (blob,) = (home / "adapters" / "sha256").glob("*.gguf")
    blob.write_bytes(blob.read_bytes() + b"tampered")
    result = run_cli(home, "adapters", "verify")
    assert result.returncode == 4
    assert "changed" in result.stderr and "1 of 1 stored adapters changed or missing: tone" in result.stderr


def test_an_unknown_adapter_name_is_a_clear_error(home):
    result = run_cli(home, "adapters", "show", "nope")
    assert result.returncode == 2
    assert result.stderr.strip() == f"doorman: adapter_not_found: no adapter named 'nope' in {home / 'adapters'} (stored adapters: none)"


def test_infer_runs_a_module_under_the_stack_its_config_declares(home, lora):
    (home / "doorman.toml").write_text('[modules.legal]\nadapters = [{name = "tone", scale = 8.0}]\n')
    assert run_cli(home, "adapters", "add", "tone", str(lora)).returncode == 0
    args = ("infer", "--json", "--temperature", "0", "--max-tokens", "8", FRANCE)
    tuned = run_cli(home, *args[:1], "-m", "legal", *args[1:])
    assert tuned.returncode == 0, tuned.stderr
    assert "Paris" not in json.loads(tuned.stdout)["text"]  # the bare model answers "Paris" here
