"""When a request is sanitised, and with which module's sanitiser."""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorman.core.config import ModuleConfig
from doorman.core.home import Home

if TYPE_CHECKING:
    from doorman.boundary.sanitiser import Sanitiser


def must_sanitise(leaves_box: bool, module: ModuleConfig) -> bool:
    """Always when the text leaves the box (Tiers B and C: no option turns it off); on the box only if asked."""
    return leaves_box or module.sanitise_local


def sanitiser_for(module: ModuleConfig, home: Home) -> Sanitiser:
    """The module's sanitiser, with its vault dictionary (relative paths from the home)."""
    from doorman.boundary.sanitiser import Sanitiser  # loaded by the first call that sanitises
    from doorman.boundary.vault import load_vault

    return Sanitiser(load_vault(home.resolve(module.vault)) if module.vault else ())
