"""The README's quick start stays true: its commands are the ones CI and users run."""

import re
import shlex
from pathlib import Path

from conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)


def test_the_quick_start_has_exactly_two_commands():
    commands = quick_start_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands)


def test_ci_runs_the_readme_test_command():
    test_command = quick_start_commands()[1]
    ci_lines = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()]
    assert test_command in ci_lines


def test_the_readme_infer_command_answers_on_the_embedded_model(home):
    setup, infer = quick_start_commands()[0].split(" && ")
    assert setup == "scripts/setup.sh"
    argv = shlex.split(infer)
    assert argv[0] == ".venv/bin/doorman"
    result = run_cli(home, *argv[1:], "--temperature", "0")
    assert result.returncode == 0, result.stderr
    assert "Paris" in result.stdout
