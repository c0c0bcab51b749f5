"""The boundary: values -> typed placeholders before a prompt leaves the box, and back in the answer."""

from __future__ import annotations

from doorman.boundary.placeholders import PlaceholderMap
from doorman.boundary.policy import must_sanitise, sanitiser_for
from doorman.boundary.rehydrate import Rehydrator, rehydrate
from doorman.boundary.sanitiser import Sanitised, Sanitiser

__all__ = ["PlaceholderMap", "Rehydrator", "Sanitised", "Sanitiser", "must_sanitise", "rehydrate", "sanitiser_for"]
