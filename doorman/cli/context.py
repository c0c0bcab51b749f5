"""What every command shares: the chosen home, the loaded config, the Doorman."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from doorman.core.config import Config, load_config
from doorman.core.home import Home, resolve_home


@dataclass
class CliState:
    home_option: Path | None = None
    debug: bool = False
    _config: Config | None = field(default=None, repr=False)

    @property
    def home(self) -> Home:
        return Home(resolve_home(self.home_option))

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.home.config_file)
        return self._config

    def doorman(self):
        from doorman.door import Doorman  # keeps llama-cpp out of light commands' start-up

        return Doorman(self.config, self.home)


state = CliState()
