"""The HTTP door: the OpenAI wire protocol over the same Doorman the CLI uses."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
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
from doorman.tiers.gate import FairGate

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
        await anyio.to_thread.run_sync(self.doorman.warm_sanitisers)
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

        hangup = Hangup(http.receive, self.doorman.gates.values())
        events = self.doorman.astream(replace(call.request, cancel=hangup.cancel))
        try:
            prelude = await _until_answer(events)
        except DoormanError as exc:
            hangup.stop()
            await events.aclose()
            return self.error(exc, request_id)
        if not call.stream:
            try:
                completion = prelude[-1] if isinstance(prelude[-1], Completion) else await _drain(events)
            except DoormanError as exc:
                return self.error(exc, request_id)
            finally:
                hangup.stop()
                await events.aclose()
            return JSONResponse(render[0](completion, wire.now()), headers={REQUEST_ID: request_id})
        return EventStream(self.sse(events, prelude, call, render[1]), hangup,
                           headers={REQUEST_ID: request_id, "Cache-Control": "no-cache"})

    async def sse(self, events: AsyncIterator, prelude: list, call: wire.Call,
                  chunk: Callable) -> AsyncIterator[bytes]:
        """The answer as server-sent events; frames that are ready together go in one write."""
        routed = next(e for e in prelude if isinstance(e, Routed))
        created = wire.now()

        def frame(**fields) -> bytes:
            return b"data: " + orjson.dumps(chunk(routed.request_id, routed.model, created, **fields)) + b"\n\n"

        def frames(event) -> list[bytes]:
            if isinstance(event, Delta):
                return [frame(text=event.text)]
            if isinstance(event, Completion):
                usage = [frame(no_choices=True, chunk_usage=event.usage)] if call.include_usage else []
                return [frame(finish_reason=event.finish_reason), *usage, b"data: [DONE]\n\n"]
            return []

        try:
            first = [frame(role=True, text="")] if chunk is wire.chat_chunk else []
            yield b"".join(first + [data for event in prelude for data in frames(event)])
            async for event in events:
                if data := frames(event):
                    yield b"".join(data)
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

    async def in_thread(self, fn: Callable, *args):
        return await anyio.to_thread.run_sync(fn, *args, limiter=self.threads)

    def error(self, exc: DoormanError, request_id: str | None) -> Response:
        headers = {REQUEST_ID: request_id} if request_id else {}
        if isinstance(exc, QueueFull):
            headers["Retry-After"] = str(exc.retry_after_s)
        return JSONResponse(wire.error_body(exc), status_code=exc.http_status, headers=headers)


class Hangup:
    """Notices a client that hangs up before its answer is complete.

    It sets the call's cancel flag, so a call still waiting in line, or generating an
    answer nobody reads, stops; once the answer streams, it also cancels the task
    writing it, which may be waiting on an upstream that sends nothing more.
    """

    def __init__(self, receive: Callable[[], Awaitable[dict]], gates: Iterable[FairGate]):
        self.cancel = threading.Event()
        self.writer: asyncio.Task | None = None
        self._gates = gates
        self._finished = False
        self._watch = asyncio.ensure_future(self._watch_client(receive))

    async def _watch_client(self, receive: Callable[[], Awaitable[dict]]) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        if self._finished:
            return
        self.cancel.set()
        for gate in self._gates:
            gate.wake()  # a call waiting in line notices at once
        if self.writer is not None:
            self.writer.cancel()

    def stop(self) -> None:
        """The answer is complete (or refused): a disconnect from now on is the normal end."""
        self._finished = True
        self._watch.cancel()


class EventStream(StreamingResponse):
    """A streamed answer whose client is watched by the call's Hangup (no task group of its own)."""

    def __init__(self, chunks: AsyncIterator[bytes], hangup: Hangup, headers: dict[str, str]):
        super().__init__(chunks, media_type="text/event-stream", headers=headers)
        self.hangup = hangup

    async def __call__(self, scope, receive, send) -> None:
        self.hangup.writer = asyncio.current_task()
        try:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            async for chunk in self.body_iterator:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            self.hangup.stop()
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except asyncio.CancelledError:
            if not self.hangup.cancel.is_set():
                raise
            asyncio.current_task().uncancel()  # the client hung up: nobody to answer
        finally:
            self.hangup.stop()


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
