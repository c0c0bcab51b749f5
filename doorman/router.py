"""Tier choice: which tier serves a request, and why (the reason goes into the ledger)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from doorman.core.config import ModuleConfig
from doorman.core.errors import TierNotAllowed
from doorman.core.types import Request


@dataclass(frozen=True)
class Route:
    tier: str
    reason: str


def choose_tier(module: ModuleConfig, request: Request, fits_local: Callable[[], bool]) -> Route:
    """The module's policy, in order: an explicit tier it allows, a declared task kind,
    a prompt too long for the local model (to B), then the module's default tier."""
    if request.tier:
        if request.tier not in module.tiers:
            raise TierNotAllowed(
                f"module {module.name} may not use tier {request.tier} (allowed: {', '.join(module.tiers)})"
            )
        return Route(request.tier, f"tier {request.tier} asked for")
    if request.task:
        if request.task not in module.task_tiers:
            known = ", ".join(sorted(module.task_tiers)) or "none"
            raise TierNotAllowed(f"module {module.name} declares no task kind {request.task!r} (declared: {known})")
        tier = module.task_tiers[request.task]
        return Route(tier, f"task {request.task!r} maps to tier {tier}")
    if module.default_tier == "A" and "B" in module.tiers and not fits_local():
        return Route("B", "prompt does not fit the local context")
    return Route(module.default_tier, "module default tier")
