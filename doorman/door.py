"""The Doorman: the life of one request, written down in this one place.

    1 admit   2 route   3 sanitise   4 send   5 rehydrate   6 record

Every call, admitted or not, ends in exactly one ledger line. If the ledger
cannot be written the call fails before any model is touched.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from doorman.core.config import Config
from doorman.core.errors import AdmissionError, DoormanError, InferenceFailed, InvalidRequest
from doorman.core.home import Home
from doorman.core.types import Completion, Delta, Request, Usage
from doorman.ledger import LedgerEntry, LedgerWriter
from doorman.ledger.entry import Status, utc_timestamp
from doorman.modules import ModuleRegistry
from doorman.router import Route, choose_tier
from doorman.tiers.base import Finish, Tier
from doorman.tiers.local import LocalTier


@dataclass
class _Outcome:
    """What the ledger line says about a call; filled in as the call goes."""

    route: Route | None = None
    model: str | None = None
    usage: Usage | None = None
    finish_reason: str | None = None
    sanitised: bool = False


class Doorman:
    def __init__(self, config: Config, home: Home, tiers: dict[str, Tier] | None = None):
        self.config = config
        self.home = home
        self.modules = ModuleRegistry(config.modules)
        self.tiers: dict[str, Tier] = tiers or {"A": LocalTier(config.local, home)}
        self.ledger = LedgerWriter(home.ledger_dir)

    def complete(self, request: Request) -> Completion:
        """Run the request to the end and return the whole answer."""
        for event in self.stream(request):
            if isinstance(event, Completion):
                return event
        raise AssertionError("the Doorman's stream ended without a Completion")

    def stream(self, request: Request) -> Iterator[Delta | Completion]:
        """Yield the answer as deltas, then the Completion once its ledger line is durable."""
        started = time.monotonic()
        outcome = _Outcome()
        try:
            module = self.modules.admit(request.module_id)
            validate(request)
        except (AdmissionError, InvalidRequest) as exc:
            self._record(request, outcome, started, "rejected", exc.code)
            raise
        self.ledger.check_writable()  # fail closed: no unlogged inference

        outcome.route = choose_tier(module, request)
        tier = self.tiers[outcome.route.tier]
        parts: list[str] = []
        try:
            outcome.model = tier.model_name
            for event in tier.stream(request):
                if isinstance(event, Finish):
                    outcome.usage, outcome.finish_reason = event.usage, event.finish_reason
                else:
                    parts.append(event.text)
                    yield event
        except (GeneratorExit, KeyboardInterrupt):
            self._record(request, outcome, started, "cancelled", "cancelled")
            raise
        except DoormanError as exc:
            self._record(request, outcome, started, "error", exc.code)
            raise
        except Exception as exc:
            self._record(request, outcome, started, "error", InferenceFailed.code)
            raise InferenceFailed(f"tier {tier.name} failed: {type(exc).__name__}: {exc}") from exc
        if outcome.usage is None:
            self._record(request, outcome, started, "error", InferenceFailed.code)
            raise InferenceFailed(f"tier {tier.name} ended its answer without finishing")

        duration_ms = self._record(request, outcome, started, "ok", None)
        yield Completion(
            request_id=request.request_id,
            module_id=module.name,
            tier=tier.name,
            model=outcome.model,
            text="".join(parts),
            usage=outcome.usage,
            finish_reason=outcome.finish_reason or "stop",
            duration_ms=duration_ms,
        )

    def _record(
        self, request: Request, outcome: _Outcome, started: float, status: Status, error_code: str | None
    ) -> int:
        duration_ms = round((time.monotonic() - started) * 1000)
        admitted = request.module_id if request.module_id in self.config.modules else None
        self.ledger.append(
            LedgerEntry(
                ts=utc_timestamp(),
                request_id=request.request_id,
                module_id=admitted,
                tier=outcome.route.tier if outcome.route else None,
                model=outcome.model,
                duration_ms=duration_ms,
                cost_usd=0.0,
                sanitised_outbound=outcome.sanitised,
                status=status,
                prompt_tokens=outcome.usage.prompt_tokens if outcome.usage else None,
                completion_tokens=outcome.usage.completion_tokens if outcome.usage else None,
                finish_reason=outcome.finish_reason,
                route_reason=outcome.route.reason if outcome.route else None,
                error_code=error_code,
            )
        )
        return duration_ms


def validate(request: Request) -> None:
    """Refuse malformed requests at the door; the message names the field at fault."""
    if not request.messages or request.messages[-1].role != "user":
        raise InvalidRequest("messages: the last message must be the user's")
    if not any(m.content.strip() for m in request.messages if m.role == "user"):
        raise InvalidRequest("prompt: empty; give the text to answer")
    if request.max_tokens is not None and request.max_tokens < 1:
        raise InvalidRequest(f"max_tokens: must be at least 1, got {request.max_tokens}")
    if request.temperature is not None and not 0.0 <= request.temperature <= 2.0:
        raise InvalidRequest(f"temperature: must be between 0 and 2, got {request.temperature}")
