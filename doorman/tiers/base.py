"""The one small interface every tier implements; the Doorman knows no other."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from doorman.core.types import Delta, Request, Usage


@dataclass(frozen=True)
class Finish:
    """The last event of a tier's stream."""

    usage: Usage
    finish_reason: str
    cost_usd: float = 0.0


class Tier(Protocol):
    name: str
    leaves_box: bool

    @property
    def model_name(self) -> str: ...

    def stream(self, request: Request) -> Iterator[Delta | Finish]:
        """Yield the answer as deltas, then exactly one Finish.

        A tier may instead (or also) offer `astream`, the same as an async iterator; the
        Doorman prefers it, and steps a blocking `stream` on a worker thread.
        """
        ...
