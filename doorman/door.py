"""The Doorman: the life of one request, written down in this one place.

    1 admit   2 route   3 sanitise   4 send   5 rehydrate   6 record

Every call, admitted or not, ends in exactly one ledger line. If the ledger
cannot be written the call fails before any model is touched.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

import anyio

from doorman.apprentice.recorder import AttemptRecorder
from doorman.boundary import Rehydrator, must_sanitise, sanitiser_for
from doorman.core.background_loop import BACKGROUND
from doorman.core.config import Config, ModuleConfig
from doorman.core.errors import (
    AdmissionError, Cancelled, DoormanError, InferenceFailed, InvalidRequest, QueueFull, SanitiseFailed,
    TierNotAllowed, TierUnavailable,
)
from doorman.core.home import Home
from doorman.core.types import Completion, Delta, Request, Routed, Usage
from doorman.knowledge.grounding import Grounder
from doorman.ledger import LedgerEntry, LedgerWriter
from doorman.ledger.entry import Status, utc_timestamp
from doorman.modules import ModuleRegistry
from doorman.router import Route, choose_tier
from doorman.tiers.base import Finish, Tier
from doorman.tiers.gate import FairGate
from doorman.tiers.registry import build_tiers

if TYPE_CHECKING:
    from doorman.boundary import Sanitiser

T = TypeVar("T")
log = logging.getLogger("doorman")

@dataclass
class _Outcome:
    """What the ledger line says about a call; filled in as the call goes."""

    route: Route | None = None
    model: str | None = None
    usage: Usage | None = None
    finish_reason: str | None = None
    sanitised: bool = False
    cost_usd: float = 0.0


class Doorman:
    def __init__(self, config: Config, home: Home, tiers: dict[str, Tier] | None = None):
        self.config = config
        self.home = home
        self.modules = ModuleRegistry(config.modules)
        self.tiers: dict[str, Tier] = tiers or build_tiers(config, home)
        # Tier A runs one call at a time on the one loaded model; the rest wait in line.
        self.gates = {"A": FairGate("A", capacity=1, max_waiting=config.local.max_queue)}
        self.ledger = LedgerWriter(home.ledger_dir)
        self.apprentice = AttemptRecorder(home)  # Tier A attempts of apprenticeship modules
        self.sanitisers: dict[str, Sanitiser] = {}  # per module, its vault compiled once
        self.grounder = Grounder(config, home)  # the modules' ingested documents
        self.observers: list[Callable[[LedgerEntry], None]] = []  # metrics, request logs
        # Worker threads for what blocks, per event loop: calls waiting in a line each hold one.
        self._limiters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        # Ledger appends get threads of their own: a cheaper hand-off, and concurrent calls
        # still share one fsync (group commit).
        self._ledger_threads = ThreadPoolExecutor(max_workers=8, thread_name_prefix="doorman-ledger")

    def close(self) -> None:
        """Let go of what the tiers hold (the local model); the Doorman is not used after this."""
        for tier in self.tiers.values():
            if hasattr(tier, "close"):
                tier.close()
        self._ledger_threads.shutdown()

    def complete(self, request: Request) -> Completion:
        """Run the request to the end and return the whole answer."""
        for event in self.stream(request):
            if isinstance(event, Completion):
                return event
        raise AssertionError("the Doorman's stream ended without a Completion")

    def stream(self, request: Request) -> Iterator[Routed | Delta | Completion]:
        """`astream` for synchronous callers (the CLI), driven on the background loop."""
        return BACKGROUND.iterate(lambda: self.astream(request))

    async def astream(self, request: Request) -> AsyncIterator[Routed | Delta | Completion]:
        """Yield Routed once the call has its tier, the answer as deltas, then the
        Completion once its ledger line is durable."""
        started = time.monotonic()
        outcome = _Outcome()
        try:
            module = self.modules.admit(request.module_id)
            validate(request)
            if "B" in module.tiers:  # deciding may tokenize the prompt on the local model
                outcome.route = await self._blocking(self._route, module, request)
            else:
                outcome.route = self._route(module, request)
            tier = self._tier(outcome.route.tier)
        except (AdmissionError, InvalidRequest) as exc:
            self._record(request, outcome, started, "rejected", exc.code)
            raise
        self.ledger.check_writable()  # fail closed: no unlogged inference

        gate = self.gates.get(tier.name)
        try:
            grounded = None  # 3a ground: the module's passages into the prompt, when the call or the module asks
            if self.grounder.wanted(module, request):
                request, grounded = await self._blocking(self.grounder.ground, module, request)
            prepared = tier.prepare(request) if hasattr(tier, "prepare") else request
            outbound, rehydrator = self._sanitise(module, tier, prepared, outcome)
        except DoormanError as exc:
            self._record(request, outcome, started, "error", exc.code)
            raise
        parts: list[str] = []
        admitted = False
        try:
            outcome.model = tier.model_name
            if gate:
                await self._blocking(gate.enter, request.cancel)
                admitted = True
            yield Routed(request.request_id, tier.name, outcome.model, outcome.route.reason)
            if grounded is not None:
                yield grounded  # what was retrieved (`infer --show-context`)
            sent = time.monotonic()
            events = self._tier_stream(module, tier, outbound, request, outcome)
            try:
                async for event in events:
                    if request.cancel is not None and request.cancel.is_set():
                        raise Cancelled(f"the caller went away; tier {tier.name} stopped")
                    if isinstance(event, Finish):
                        outcome.usage, outcome.finish_reason = event.usage, event.finish_reason
                        outcome.cost_usd = event.cost_usd
                    elif rehydrator is None:
                        parts.append(event.text)
                        yield event
                    elif text := rehydrator.feed(event.text):
                        parts.append(text)
                        yield replace(event, text=text)
            finally:
                await events.aclose()
            if rehydrator is not None and (text := rehydrator.flush()):
                parts.append(text)
                yield Delta(text)
            if grounded is not None:  # sources word for word: a small base model cannot be relied on to cite
                parts.append(grounded.citation)
                yield Delta(grounded.citation)
            if gate:
                gate.observe(time.monotonic() - sent)
        except (QueueFull, AdmissionError) as exc:  # a full queue, an exhausted budget
            self._record(request, outcome, started, "rejected", exc.code)
            raise
        except (GeneratorExit, KeyboardInterrupt, Cancelled, asyncio.CancelledError):
            self._record(request, outcome, started, "cancelled", "cancelled")
            raise
        except DoormanError as exc:
            self._record(request, outcome, started, "error", exc.code)
            raise
        except Exception as exc:
            self._record(request, outcome, started, "error", InferenceFailed.code)
            raise InferenceFailed(f"tier {tier.name} failed: {type(exc).__name__}: {exc}") from exc
        finally:
            if admitted:
                gate.leave()
        if outcome.usage is None:
            self._record(request, outcome, started, "error", InferenceFailed.code)
            raise InferenceFailed(f"tier {tier.name} ended its answer without finishing")

        if module.apprenticeship and outcome.route.tier == "A":  # 6: the attempt, kept for reviewers
            try:
                await self._blocking(self.apprentice.keep, request, module, outcome.model, "".join(parts),
                                     outcome.finish_reason)
            except DoormanError as exc:
                self._record(request, outcome, started, "error", exc.code)
                raise
        # The durable append (an fsync, shared with concurrent calls) waits off the event loop.
        duration_ms = await asyncio.get_running_loop().run_in_executor(
            self._ledger_threads, self._record, request, outcome, started, "ok", None)
        yield Completion(
            request_id=request.request_id,
            module_id=module.name,
            tier=outcome.route.tier,
            model=outcome.model,
            text="".join(parts),
            usage=outcome.usage,
            finish_reason=outcome.finish_reason or "stop",
            duration_ms=duration_ms,
        )

    async def _blocking(self, fn: Callable[..., T], *args) -> T:
        """Run a call that blocks (a queue wait, an fsync, the model) on a worker thread."""
        loop = asyncio.get_running_loop()
        if loop not in self._limiters:
            self._limiters[loop] = anyio.CapacityLimiter(self.config.local.max_queue + 64)
        return await anyio.to_thread.run_sync(fn, *args, limiter=self._limiters[loop])

    def _route(self, module: ModuleConfig, request: Request) -> Route:
        return choose_tier(module, request, fits_local=lambda: self._fits_local(request))

    def _tier(self, name: str) -> Tier:
        if name not in self.tiers:
            raise TierNotAllowed(f"tier {name} is not configured on this box")
        return self.tiers[name]

    def _fits_local(self, request: Request) -> bool:
        local = self.tiers.get("A")
        return local is not None and local.fits(request)

    async def _tier_stream(self, module: ModuleConfig, tier: Tier, outbound: Request, request: Request,
                           outcome: _Outcome) -> AsyncIterator[Delta | Finish]:
        """The tier's answer; if Tier B cannot start in time, fall back to A when the prompt fits."""
        events = self._events(tier, outbound)
        try:
            try:
                first = await anext(events, None)
            except TierUnavailable as exc:
                if tier.name != "B" or "A" not in module.tiers or not await self._blocking(self._fits_local, request):
                    raise
                outcome.route = Route("A", f"{outcome.route.reason}; tier B unavailable ({exc.message}), fell back to A")
                outcome.model = self.tiers["A"].model_name
                # Outside A's queue: a rare path, and the local tier serialises its model itself.
                fallback = self._events(self.tiers["A"], outbound)
                try:
                    async for event in fallback:
                        yield event
                finally:
                    await fallback.aclose()
                return
            if first is not None:
                yield first
                async for event in events:
                    yield event
        finally:
            await events.aclose()

    async def _events(self, tier: Tier, request: Request) -> AsyncIterator[Delta | Finish]:
        """A tier's events: its own `astream`, or its blocking `stream` stepped on a worker thread."""
        if hasattr(tier, "astream"):
            async for event in tier.astream(request):
                yield event
            return
        with closing(tier.stream(request)) as events:
            while (event := await self._blocking(next, events, None)) is not None:
                yield event

    def warm_sanitisers(self) -> None:
        """Compile now (the server's start) the sanitisers of modules whose calls may leave the
        box, rather than on their first call. A module whose vault cannot be read is left to
        its calls, which fail closed and say why."""
        for module in self.config.modules.values():
            if any(must_sanitise(getattr(self.tiers.get(t), "leaves_box", True), module) for t in module.tiers):
                try:
                    self.sanitisers[module.name] = sanitiser_for(module, self.home)
                except DoormanError as exc:
                    log.warning("sanitiser not ready", extra={"fields": {"module": module.name, "reason": exc.message}})

    def _sanitise(
        self, module: ModuleConfig, tier: Tier, request: Request, outcome: _Outcome
    ) -> tuple[Request, Rehydrator | None]:
        """Step 3: values become placeholders before the text leaves the box; fails closed.

        The mapping stays in the returned Rehydrator, in memory for this request only.
        """
        if not must_sanitise(getattr(tier, "leaves_box", True), module):  # unsaid: assume it leaves the box
            return request, None
        try:
            if module.name not in self.sanitisers:
                self.sanitisers[module.name] = sanitiser_for(module, self.home)
            result = self.sanitisers[module.name].sanitise([m.content for m in request.messages])
        except DoormanError as exc:
            raise SanitiseFailed(f"module {module.name}: cannot sanitise, nothing was sent: {exc.message}") from exc
        except Exception as exc:
            raise SanitiseFailed(
                f"module {module.name}: sanitising failed ({type(exc).__name__}), nothing was sent"
            ) from exc
        outcome.sanitised = True
        messages = tuple(replace(m, content=text) for m, text in zip(request.messages, result.texts))
        return replace(request, messages=messages), Rehydrator(result.mapping)

    def reject(self, request_id: str, module_id: str | None, error: DoormanError, started: float) -> None:
        """Log a call that an adapter (the HTTP API) refused before it reached the Doorman."""
        request = Request(module_id=module_id, messages=(), request_id=request_id)
        self._record(request, _Outcome(), started, "rejected", error.code)

    def _record(
        self, request: Request, outcome: _Outcome, started: float, status: Status, error_code: str | None
    ) -> int:
        duration_ms = round((time.monotonic() - started) * 1000)
        admitted = request.module_id if request.module_id in self.config.modules else None
        entry = LedgerEntry(
            ts=utc_timestamp(),
            request_id=request.request_id,
            module_id=admitted,
            tier=outcome.route.tier if outcome.route else None,
            model=outcome.model,
            duration_ms=duration_ms,
            cost_usd=round(outcome.cost_usd, 8),
            sanitised_outbound=outcome.sanitised,
            status=status,
            prompt_tokens=outcome.usage.prompt_tokens if outcome.usage else None,
            completion_tokens=outcome.usage.completion_tokens if outcome.usage else None,
            finish_reason=outcome.finish_reason,
            route_reason=outcome.route.reason if outcome.route else None,
            error_code=error_code,
        )
        self.ledger.append(entry)
        for observer in self.observers:
            observer(entry)
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
