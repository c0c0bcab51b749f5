"""Shared fixtures: real temp homes, the real embedded model assembled once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from doorman.core.config import load_config
from doorman.core.home import Home
from doorman.tiers.embedded_model import embedded_model_path
from doorman.tiers.local import LocalTier

FRANCE = "What is the capital of France?"
# A plain completion of this, greedy, counts on to its max_tokens: it never ends by itself early.
COUNTING = "1, 2, 3, 4, 5, 6, 7, 8,"


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    """The embedded GGUF, assembled once; every test home links to it."""
    folder = tmp_path_factory.mktemp("models")
    embedded_model_path(folder)
    return folder


@pytest.fixture
def home(tmp_path, models_dir) -> Path:
    root = tmp_path / "home"
    root.mkdir()
    (root / "models").symlink_to(models_dir, target_is_directory=True)
    return root


@pytest.fixture(scope="session")
def local_tier(models_dir, tmp_path_factory) -> LocalTier:
    """One loaded model shared by every in-process test."""
    root = tmp_path_factory.mktemp("tier-home")
    (root / "models").symlink_to(models_dir, target_is_directory=True)
    tier = LocalTier(load_config(root / "doorman.toml").local, Home(root))
    tier.load()
    return tier


def run_cli(home: Path, *args: str, stdin: str | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run the real `doorman` command in a subprocess against `home`."""
    env = {k: v for k, v in os.environ.items() if k != "DOORMAN_HOME"}
    env["COLUMNS"] = "200"  # rich tables wrap long paths at 80
    return subprocess.run(
        [sys.executable, "-m", "doorman", "--home", str(home), *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
