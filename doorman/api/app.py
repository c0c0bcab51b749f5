"""The HTTP door: the OpenAI wire protocol over the same Doorman the CLI uses."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace

import anyio
import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request as HttpRequest
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from doorman.api import wire
from doorman.api.keys import authenticate
from doorman.api.metrics import Metrics
from doorman.api.request_log import log, log_call
from doorman.api.verdicts import VerdictEndpoints
from doorman.core.errors import DoormanError, InvalidRequest, PayloadTooLarge, QueueFull
from doorman.core.types import Completion, Delta, Routed, new_request_id
from doorman.door import Doorman

REQUEST_ID = "X-Doorman-Request-Id"
Renderers = tuple[Callable, Callable]
CHAT: Renderers = (wire.chat_response, wire.chat_chunk)
COMPLETION: Renderers = (wire.completion_response, wire.completion_chunk)


class RouteNotFound(InvalidRequest):
    code = "not_found"
    http_status = 404


class MethodNotAllowed(InvalidRequest):
    code = "method_not_allowed"
    http_status = 405


class DoorApp:
    def __init__(self, doorman: Doorman):
        self.doorman = doorman
        self.config = doorman.config
        self.metrics = Metrics(doorman.gates)
        doorman.observers += [self.metrics.observe, log_call]
        # Calls waiting in a tier's line each hold a thread: room for a full queue.
        self.threads = anyio.CapacityLimiter(self.config.local.max_queue + 8)
        self.started = False  # the lifespan has run: the local model is loaded if preloaded

    def app(self) -> Starlette:
        verdicts = VerdictEndpoints(self)  # reviewers that are services
        routes = [
            Route("/v1/chat/completions", self.chat_completions, methods=["POST"]),
            Route("/v1/completions", self.completions, methods=["POST"]),
            Route("/v1/models", self.models, methods=["GET"]),
            Route("/healthz", self.healthz, methods=["GET"]),
            Route("/readyz", self.readyz, methods=["GET"]),
            Route("/metrics", self.metrics_text, methods=["GET"]),
            Route("/v1/doorman/verdicts", verdicts.post, methods=["POST"]),
            Route("/v1/doorman/attempts/{request_id}", verdicts.attempt, methods=["GET"]),
        ]
        return Starlette(routes=routes, lifespan=self.lifespan,
                         exception_handlers={HTTPException: self.http_exception})

    @asynccontextmanager
    async def lifespan(self, app) -> AsyncIterator[None]:
        local = self.doorman.tiers.get("A")
        if local is not None and self.config.server.preload_local:
            await anyio.to_thread.run_sync(local.load)  # the first call should not wait for it
        self.started = True
        log.info("ready", extra={"fields": {"tiers": sorted(self.doorman.tiers)}})
        yield
        await anyio.to_thread.run_sync(self.doorman.close)
        log.info("stopped")

    async def chat_completions(self, http: HttpRequest) -> Response:
        return await self.inference(http, wire.parse_chat, CHAT)

    async def completions(self, http: HttpRequest) -> Response:
        return await self.inference(http, wire.parse_completion, COMPLETION)

    async def inference(self, http: HttpRequest, parse: Callable, render: Renderers) -> Response:
        request_id = new_request_id()
        started = time.monotonic()
        header_module = http.headers.get("x-doorman-module")
        body: object = None
        try:
            body = await self.read_json(http)
            authenticate(self.config, http.headers.get("authorization"), None)
            hints = {"tier": http.headers.get("x-doorman-tier"), "task": http.headers.get("x-doorman-task")}
            call = parse(body, header_module, request_id, hints)
            authenticate(self.config, http.headers.get("authorization"), call.request.module_id)
        except DoormanError as exc:
            # Refused before the door: still exactly one ledger line.
            module = header_module or (body.get("module") if isinstance(body, dict) else None)
            await self.in_thread(self.doorman.reject, request_id, module if isinstance(module, str) else None,
                                 exc, started)
            return self.error(exc, request_id)

        cancel = threading.Event()
        events = self.doorman.astream(replace(call.request, cancel=cancel))
        try:
            prelude = await self.watched(http, cancel, _until_answer(events))
        except DoormanError as exc:
            await events.aclose()
            return self.error(exc, request_id)
        if not call.stream:
            completion = prelude[-1] if isinstance(prelude[-1], Completion) else None
            try:
                completion = completion or await self.watched(http, cancel, _drain(events))
            except DoormanError as exc:
                return self.error(exc, request_id)
            finally:
                await events.aclose()
            return JSONResponse(render[0](completion, wire.now()), headers={REQUEST_ID: request_id})
        return StreamingResponse(
            self.sse(events, prelude, call, render[1]),
            media_type="text/event-stream",
            headers={REQUEST_ID: request_id, "Cache-Control": "no-cache"},
        )

    async def sse(self, events: AsyncIterator, prelude: list, call: wire.Call,
                  chunk: Callable) -> AsyncIterator[bytes]:
        routed = next(e for e in prelude if isinstance(e, Routed))
        created = wire.now()

        def frame(**fields) -> bytes:
            return b"data: " + orjson.dumps(chunk(routed.request_id, routed.model, created, **fields)) + b"\n\n"

        async def answer() -> AsyncIterator:
            for event in prelude:
                yield event
            async for event in events:
                yield event

        try:
            if chunk is wire.chat_chunk:
                yield frame(role=True, text="")
            async for event in answer():
                if isinstance(event, Delta):
                    yield frame(text=event.text)
                elif isinstance(event, Completion):
                    yield frame(finish_reason=event.finish_reason)
                    if call.include_usage:
                        yield frame(no_choices=True, chunk_usage=event.usage)
            yield b"data: [DONE]\n\n"
        except DoormanError as exc:
            yield b"data: " + orjson.dumps(wire.error_body(exc)) + b"\n\n"
        finally:
            # A client that went away cancels its generation: closing the stream
            # logs it as cancelled and frees the model for the next caller.
            with anyio.CancelScope(shield=True):
                await events.aclose()

    async def models(self, http: HttpRequest) -> Response:
        try:
            authenticate(self.config, http.headers.get("authorization"), None)
        except DoormanError as exc:
            return self.error(exc, None)
        data = [{"id": tier.model_name, "object": "model", "created": 0, "owned_by": f"doorman-tier-{name}"}
                for name, tier in sorted(self.doorman.tiers.items())]
        return JSONResponse({"object": "list", "data": data})

    async def healthz(self, http: HttpRequest) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(self, http: HttpRequest) -> Response:
        problems = [] if self.started else ["starting: the local model is not loaded yet"]
        try:
            await self.in_thread(self.doorman.ledger.check_writable)
        except DoormanError as exc:
            problems.append(exc.message)
        if problems:
            return JSONResponse({"status": "not ready", "problems": problems}, status_code=503)
        return JSONResponse({"status": "ready"})

    async def metrics_text(self, http: HttpRequest) -> Response:
        return Response(self.metrics.render(), media_type="text/plain; version=0.0.4")

    async def http_exception(self, http: HttpRequest, exc: HTTPException) -> Response:
        kind = RouteNotFound if exc.status_code == 404 else MethodNotAllowed
        return self.error(kind(f"{http.method} {http.url.path}: {exc.detail}"), None)

    async def read_json(self, http: HttpRequest) -> object:
        limit = self.config.server.max_body_bytes
        declared = http.headers.get("content-length", "")
        too_large = PayloadTooLarge(f"the request body is over the {limit}-byte limit ([server] max_body_bytes)")
        if declared.isdigit() and int(declared) > limit:
            raise too_large
        body = bytearray()
        async for piece in http.stream():
            body += piece
            if len(body) > limit:
                raise too_large
        try:
            return orjson.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidRequest(f"the request body is not valid JSON: {exc}") from None

    async def watched(self, http: HttpRequest, cancel: threading.Event, step: Awaitable):
        """Await a step of the call; if the client hangs up meanwhile, set `cancel` so a
        call still waiting in line, or generating an answer nobody reads, stops."""
        outcome: dict = {}

        async def run() -> None:
            try:
                outcome["value"] = await step
            except BaseException as exc:  # re-raised below, outside the task group
                outcome["error"] = exc
            finally:
                group.cancel_scope.cancel()

        async def watch() -> None:
            while not await http.is_disconnected():
                await anyio.sleep(1.0)
            cancel.set()
            for gate in self.doorman.gates.values():
                gate.wake()  # a call waiting in line notices at once

        async with anyio.create_task_group() as group:
            group.start_soon(run)
            group.start_soon(watch)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    async def in_thread(self, fn: Callable, *args):
        return await anyio.to_thread.run_sync(fn, *args, limiter=self.threads)

    def error(self, exc: DoormanError, request_id: str | None) -> Response:
        headers = {REQUEST_ID: request_id} if request_id else {}
        if isinstance(exc, QueueFull):
            headers["Retry-After"] = str(exc.retry_after_s)
        return JSONResponse(wire.error_body(exc), status_code=exc.http_status, headers=headers)


async def _until_answer(events: AsyncIterator) -> list:
    """Run the call up to its first answer event, so refusals still get a proper status."""
    prelude = []
    async for event in events:
        prelude.append(event)
        if isinstance(event, (Delta, Completion)):
            break
    return prelude


async def _drain(events: AsyncIterator) -> Completion:
    async for event in events:
        if isinstance(event, Completion):
            return event
    raise AssertionError("the Doorman's stream ended without a Completion")
