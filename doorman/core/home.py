"""Where doorman keeps its state: one home directory holds all of it."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from doorman.core.errors import HomeUnset

CONFIG_NAME = "doorman.toml"


def resolve_home(explicit: str | os.PathLike | None = None) -> Path:
    """`--home`, else DOORMAN_HOME, else the platform's data directory (under HOME)."""
    chosen = explicit or os.environ.get("DOORMAN_HOME")
    if not chosen:
        if not os.environ.get("HOME"):  # platformdirs would fall back to /root or /nonexistent
            raise HomeUnset("no state directory: HOME is not set; set DOORMAN_HOME or pass --home")
        chosen = platformdirs.user_data_dir("doorman")
    return Path(chosen).expanduser().absolute()


class Home:
    """The folders under the home; created on first use, private to the user."""

    def __init__(self, root: Path):
        self.root = root

    @property
    def config_file(self) -> Path:
        """HOME/doorman.toml, unless DOORMAN_CONFIG names another (an appliance keeps it in /etc)."""
        named = os.environ.get("DOORMAN_CONFIG")
        return Path(named).expanduser().absolute() if named else self.root / CONFIG_NAME

    @property
    def ledger_dir(self) -> Path:
        return self.root / "ledger"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def knowledge_dir(self) -> Path:
        return self.root / "knowledge"

    def ensure(self, folder: Path) -> Path:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder

    def resolve(self, path: str) -> Path:
        """A path from the config: absolute as given, relative from the home."""
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else self.root / candidate
