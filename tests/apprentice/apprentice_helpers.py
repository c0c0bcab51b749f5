"""Shared by the apprenticeship tests: homes with apprenticeship modules, attempts from the real model."""

from __future__ import annotations

import json
from pathlib import Path

from remote_tiers import external_table

from doorman.core.config import load_config
from doorman.core.home import Home
from doorman.core.types import Completion, Request
from doorman.door import Doorman

MENTOR = '[modules.mentor]\ndescription = "reviewed drafts"\napprenticeship = true\n'


def local_doorman(home: Path, local_tier) -> Doorman:
    """A Doorman on the home's config, answering Tier A with the session's loaded model."""
    return Doorman(load_config(home / "doorman.toml"), Home(home), tiers={"A": local_tier})


def attempt(doorman: Doorman, prompt: str, module: str = "mentor") -> Completion:
    return doorman.complete(Request.from_prompt(module, prompt, temperature=0.0, max_tokens=8))


def corpus_file(home: Path, module: str, name: str) -> Path:
    return home / "corpus" / module / f"{name}.jsonl"


def records(home: Path, module: str, name: str) -> list[dict]:
    path = corpus_file(home, module, name)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def rewrite_line(path: Path, number: int, change) -> None:
    """Edit one JSON line in place, the way someone with write access to the home could."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    record = json.loads(lines[number - 1])
    change(record)
    lines[number - 1] = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def configure_tier_c(home: Path, upstream_url: str, modules: str) -> None:
    """Tier C on the loopback fake upstream (key from DOORMAN_TEST_KEY), a vault, and `modules`."""
    (home / "vault.csv").write_text("value,type\nNorthwind Maritime,client\n")
    (home / "doorman.toml").write_text(external_table(upstream_url) + modules)
