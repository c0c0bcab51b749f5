"""The tiers a config makes: A always, B and C when their tables are present."""

from __future__ import annotations

from doorman.core.config import Config
from doorman.core.home import Home
from doorman.tiers.base import Tier
from doorman.tiers.local import LocalTier


def build_tiers(config: Config, home: Home) -> dict[str, Tier]:
    tiers: dict[str, Tier] = {"A": LocalTier(config.local, home, config.modules)}
    if config.burst is not None:
        from doorman.tiers.burst import BurstTier

        tiers["B"] = BurstTier(config.burst, home)
    if config.external is not None:
        from doorman.tiers.external import ExternalTier

        tiers["C"] = ExternalTier(config.external, home, config.modules)
    return tiers
