"""The one OpenAI-protocol client for the remote tiers (B and C).

Async (httpx), on the event loop of whoever streams: the HTTP server's, or the
background loop that drives the Doorman for synchronous callers. Timeouts, bounded retries with backoff on connect
errors and 502/503/504 (never once tokens were streamed), and every failure mapped
into the doorman error tree here, at the edge.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import anyio
import httpx
import orjson

from doorman.core.background_loop import BACKGROUND
from doorman.core.errors import HostNotAllowed, InferenceFailed, TierUnavailable
from doorman.core.types import Delta, Usage
from doorman.tiers.base import Finish
from doorman.tiers.http_transport import KeepAliveTransport

RETRY_STATUSES = (502, 503, 504)


@dataclass(frozen=True)
class ClientSettings:
    endpoint: str  # e.g. http://127.0.0.1:9101/v1
    api_key: str | None = None
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 120.0
    retries: int = 2
    backoff_s: float = 0.25
    allow_hosts: tuple[str, ...] | None = None  # None: any host (Tier B's own nodes)


class OpenAIClient:
    def __init__(self, settings: ClientSettings, tier: str):
        self.settings = settings
        self.tier = tier
        check_host(settings.endpoint, settings.allow_hosts, tier)
        # An httpx client belongs to one event loop: one per loop that uses this tier.
        self._clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _http(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            s = self.settings
            client = self._clients[loop] = httpx.AsyncClient(
                timeout=httpx.Timeout(s.read_timeout_s, connect=s.connect_timeout_s),
                follow_redirects=False,  # a redirect could lead outside the allow-list
                transport=_transport(s.endpoint),
                # One client serves every module: a cookie set for one call must not ride on another's.
                cookies=http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[])),
                event_hooks={"request": [self._check_request_host]},
            )
        return client

    async def _check_request_host(self, request: httpx.Request) -> None:
        check_host(str(request.url), self.settings.allow_hosts, self.tier)

    async def stream_chat(self, payload: dict) -> AsyncIterator[Delta | Finish]:
        """Stream a chat completion; yields Delta pieces, then one Finish."""
        body = {**payload, "stream": True, "stream_options": {"include_usage": True}}
        content = orjson.dumps(body)
        headers = {"Content-Type": "application/json"}
        if self.settings.api_key:
            headers["Authorization"] = f"Bearer {self.settings.api_key}"
        url = self.settings.endpoint.rstrip("/") + "/chat/completions"
        streamed = False
        usage, finish_reason = Usage(), "stop"
        for attempt in range(self.settings.retries + 1):
            try:
                async with self._http().stream("POST", url, content=content, headers=headers) as response:
                    if response.status_code in RETRY_STATUSES and attempt < self.settings.retries:
                        await response.aread()
                        await asyncio.sleep(self.settings.backoff_s * 2**attempt)
                        continue
                    await self._raise_for_status(response)
                    blocks = _sse_blocks(response)
                    done = False
                    async for block in blocks:
                        texts = []
                        for data in block:
                            if data == b"[DONE]":
                                done = True
                                break
                            chunk = _json(data, self.tier)
                            if "error" in chunk:
                                if texts:
                                    yield Delta("".join(texts))
                                raise InferenceFailed(f"tier {self.tier} failed mid-answer: {_message(chunk)}")
                            if chunk.get("usage"):
                                usage = Usage(chunk["usage"].get("prompt_tokens", 0),
                                              chunk["usage"].get("completion_tokens", 0))
                            for choice in chunk.get("choices") or []:
                                if text := (choice.get("delta") or {}).get("content"):
                                    texts.append(text)
                                if choice.get("finish_reason"):
                                    finish_reason = choice["finish_reason"]
                        if texts:  # what arrived together goes on together: one piece, not one per token
                            streamed = True
                            yield Delta("".join(texts))
                        if done:
                            break
                    # Read the response to its end, so its connection goes back to the pool.
                    with anyio.move_on_after(1.0):
                        async for _ in blocks:
                            pass
                    yield Finish(usage, finish_reason)
                    return
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if attempt < self.settings.retries:
                    await asyncio.sleep(self.settings.backoff_s * 2**attempt)
                    continue
                raise TierUnavailable(
                    f"tier {self.tier} at {self.settings.endpoint} cannot be reached: {type(exc).__name__}"
                ) from None
            except httpx.TimeoutException:
                raise TierUnavailable(f"tier {self.tier} timed out{' mid-answer' if streamed else ''}") from None
            except httpx.HTTPError as exc:
                raise InferenceFailed(f"tier {self.tier} failed: {type(exc).__name__}: {exc}") from None

    async def _raise_for_status(self, response: httpx.Response) -> None:
        if response.status_code == 200:
            return
        text = (await response.aread()).decode("utf-8", "replace")[:300]
        if 300 <= response.status_code < 400:
            raise HostNotAllowed(f"tier {self.tier}: the upstream redirected ({response.status_code}); refused")
        if response.status_code in RETRY_STATUSES:
            raise TierUnavailable(f"tier {self.tier} answered {response.status_code} after retries")
        try:
            detail = _message(json.loads(text))
        except ValueError:
            detail = text
        raise InferenceFailed(f"tier {self.tier} refused the call ({response.status_code}): {detail}")

    def get(self, path: str, timeout_s: float = 2.0) -> int:
        """Status code of a GET (health checks); raises TierUnavailable when unreachable."""
        async def fetch() -> int:
            try:
                response = await self._http().get(self.settings.endpoint.rstrip("/") + path, timeout=timeout_s)
                return response.status_code
            except httpx.HTTPError as exc:
                raise TierUnavailable(f"tier {self.tier}: {type(exc).__name__}") from None
        return BACKGROUND.run(fetch())


def _transport(endpoint: str) -> httpx.AsyncBaseTransport | None:
    """The lean keep-alive transport, or None (httpx's own) when the environment names a proxy for the endpoint."""
    import urllib.request

    parts = urlsplit(endpoint)
    proxies = urllib.request.getproxies()
    if (proxies.get(parts.scheme) or proxies.get("all")) and not urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return KeepAliveTransport()


def check_host(url: str, allow_hosts: tuple[str, ...] | None, tier: str) -> None:
    host = urlsplit(url).hostname or ""
    if allow_hosts is not None and host.lower() not in {h.lower() for h in allow_hosts}:
        raise HostNotAllowed(f"tier {tier}: host {host!r} is not in allow_hosts; nothing was sent")


async def _sse_blocks(response: httpx.Response) -> AsyncIterator[list[bytes]]:
    """The `data:` payloads of a server-sent event stream, as bytes, grouped by network read."""
    pending = b""
    async for received in response.aiter_bytes():
        lines = (pending + received).split(b"\n")
        pending = lines.pop()
        if block := [line[5:].strip() for line in lines if line.startswith(b"data:")]:
            yield block
    if pending.startswith(b"data:"):
        yield [pending[5:].strip()]


def _json(data: bytes, tier: str) -> dict:
    try:
        return orjson.loads(data)
    except ValueError:
        raise InferenceFailed(f"tier {tier} sent a malformed stream chunk") from None


def _message(body: dict) -> str:
    error = body.get("error")
    return str(error.get("message", error) if isinstance(error, dict) else error or body)[:300]
