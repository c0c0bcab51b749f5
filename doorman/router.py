"""Tier choice: which tier serves a request, and why."""

from __future__ import annotations

from dataclasses import dataclass

from doorman.core.config import ModuleConfig
from doorman.core.types import Request


@dataclass(frozen=True)
class Route:
    tier: str
    reason: str


def choose_tier(module: ModuleConfig, request: Request) -> Route:
    # Tier A is the only tier so far; B and C join with their own policy.
    return Route(tier="A", reason="default tier")
