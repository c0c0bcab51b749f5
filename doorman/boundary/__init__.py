"""The boundary: values -> typed placeholders before a prompt leaves the box, and back in the answer."""

from __future__ import annotations

from importlib import import_module

from doorman.boundary.placeholders import PlaceholderMap
from doorman.boundary.policy import must_sanitise, sanitiser_for
from doorman.boundary.rehydrate import Rehydrator, rehydrate

__all__ = ["PlaceholderMap", "Rehydrator", "Sanitised", "Sanitiser", "must_sanitise", "rehydrate", "sanitiser_for"]


def __getattr__(name: str):
    """The recognisers load on first use: their name data and patterns take a good share of a
    second, and a call that stays on the box never needs them."""
    if name in ("Sanitised", "Sanitiser"):
        return getattr(import_module("doorman.boundary.sanitiser"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
