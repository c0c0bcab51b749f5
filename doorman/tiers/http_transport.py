"""A lean HTTP/1.1 keep-alive transport for the remote tiers' httpx client.

httpx's default pool (httpcore) rescans every pooled connection, polling each idle
socket, whenever a request starts or ends, and parses with pure-Python h11: at 32
concurrent calls that was two fifths of the gateway's CPU. This transport keeps one
idle stack per origin (O(1) to take and give back), parses with llhttp (httptools, in
C) straight from the socket's protocol callbacks, and hands the body on as it arrives,
one piece per network read. httpx keeps everything above the wire: URLs, headers,
timeouts, content decoding, event hooks, redirect refusal.

Plain HTTP/1.1 and TLS; no proxies (the client falls back to httpx's own transport
when the environment names one for the endpoint). A reused connection that the peer
closed before it answered anything is retried once on a fresh one: that is the
keep-alive race, not an answer.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import AsyncIterator

import httptools
import httpx

MAX_IDLE_PER_ORIGIN = 32
# As httpx's own pool: a connection idle longer may have been dropped silently by something
# between (no FIN), and a call sent on it would hang until the read timeout.
KEEPALIVE_EXPIRY_S = 5.0
MAX_BUFFERED = 1 << 20  # stop reading the socket while this much body waits unread


class _Stale(Exception):
    """A reused connection closed before any byte of the answer: sent again once, on a fresh one."""


class _Connection(asyncio.Protocol):
    """One socket; parses the answer of the request in flight as data arrives."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.reused = False
        self.idle_since = 0.0
        self._parser: httptools.HttpResponseParser | None = None
        self._waiter: asyncio.Future | None = None
        self._paused = False

    # protocol callbacks (the event loop's)
    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self._parser is None:  # bytes nobody asked for: the connection cannot be trusted
            self.close()
            return
        self._received_any = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._error = httpx.RemoteProtocolError(f"malformed answer from the upstream: {exc}")
            self.close()
        if self._body_size > MAX_BUFFERED and not self._paused:
            self.transport.pause_reading()
            self._paused = True
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._parser is not None and not self._complete and self._error is None:
            if self._headers_done and not self._framed:
                self._complete = True  # no length and not chunked: the body ends with the connection
            else:
                self._error = self._lost()
        self._wake()

    def _lost(self) -> Exception:
        if self.reused and not self._received_any:
            return _Stale()
        return httpx.RemoteProtocolError("the upstream closed the connection before the answer ended")

    # parser callbacks (llhttp's)
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))
        if name.lower() in (b"content-length", b"transfer-encoding"):
            self._framed = True

    def on_headers_complete(self) -> None:
        self._headers_done = True
        self.keep_alive = self._parser.should_keep_alive()

    def on_body(self, body: bytes) -> None:
        self._body.append(body)
        self._body_size += len(body)

    def on_message_complete(self) -> None:
        if self._parser.get_status_code() < 200:  # an interim answer (100, 103): the real one follows
            self.headers = []
            self._headers_done = self._framed = False
            return
        self._complete = True

    # the request side
    def send(self, head: bytes, body: bytes) -> None:
        self._parser = httptools.HttpResponseParser(self)
        self.headers: list[tuple[bytes, bytes]] = []
        self.keep_alive = False
        self._body: list[bytes] = []
        self._body_size = 0
        self._headers_done = self._complete = self._framed = self._received_any = False
        self._error: Exception | None = None
        self.transport.write(head + body)

    async def head(self, timeout: float | None) -> int:
        """Wait for the status line and headers; return the status code."""
        while not self._headers_done:
            await self._wait(timeout)
        return self._parser.get_status_code()

    async def body_piece(self, timeout: float | None) -> bytes | None:
        """What has arrived of the body since the last call, or None once it is complete."""
        while not self._body:
            if self._complete:
                return None
            await self._wait(timeout)
        piece = b"".join(self._body) if len(self._body) > 1 else self._body[0]
        self._body.clear()
        self._body_size = 0
        if self._paused:
            self._paused = False
            self.transport.resume_reading()
        return piece

    @property
    def reusable(self) -> bool:
        return self._complete and self.keep_alive and not self.closed and self._error is None

    def release(self) -> None:
        self._parser = None

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
        self.closed = True

    async def _wait(self, timeout: float | None) -> None:
        if self._error is not None:
            raise self._error
        if self.closed and not self._complete:
            raise self._lost()
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(timeout):
                await self._waiter
        except TimeoutError:
            raise httpx.ReadTimeout("the upstream sent nothing within the read timeout") from None
        finally:
            self._waiter = None
        if self._error is not None:
            raise self._error

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


class _Body(httpx.AsyncByteStream):
    def __init__(self, transport: KeepAliveTransport, origin: tuple, connection: _Connection,
                 timeout: float | None):
        self._transport, self._origin, self._connection, self._timeout = transport, origin, connection, timeout

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while (piece := await self._connection.body_piece(self._timeout)) is not None:
            yield piece

    async def aclose(self) -> None:
        self._transport._give_back(self._origin, self._connection)


class KeepAliveTransport(httpx.AsyncBaseTransport):
    def __init__(self, ssl_context: ssl.SSLContext | None = None, keepalive_expiry_s: float = KEEPALIVE_EXPIRY_S):
        self._ssl = ssl_context
        self._expiry_s = keepalive_expiry_s
        self._idle: dict[tuple, list[_Connection]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"unsupported URL scheme {url.scheme!r}")
        timeouts = request.extensions.get("timeout", {})
        origin = (url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80))
        head = b"\r\n".join([b"%s %s HTTP/1.1" % (request.method.encode(), url.raw_path),
                             *(name + b": " + value for name, value in request.headers.raw)]) + b"\r\n\r\n"
        body = b"".join([part async for part in request.stream])
        for _ in range(2):
            connection = self._take(origin) or await self._connect(origin, timeouts.get("connect"))
            try:
                connection.send(head, body)
                status = await connection.head(timeouts.get("read"))
            except _Stale:
                connection.close()
                continue
            except BaseException:
                connection.close()
                raise
            return httpx.Response(status, headers=connection.headers,
                                  stream=_Body(self, origin, connection, timeouts.get("read")),
                                  extensions={"http_version": b"HTTP/1.1"})
        raise httpx.RemoteProtocolError("the upstream closed two connections without answering")

    async def aclose(self) -> None:
        for stack in self._idle.values():
            for connection in stack:
                connection.close()
        self._idle.clear()

    def _take(self, origin: tuple) -> _Connection | None:
        stack = self._idle.get(origin)
        oldest = time.monotonic() - self._expiry_s
        while stack:
            connection = stack.pop()
            if not connection.closed and connection.idle_since > oldest:
                connection.reused = True
                return connection
            connection.close()
        return None

    def _give_back(self, origin: tuple, connection: _Connection) -> None:
        stack = self._idle.setdefault(origin, [])
        if connection.reusable and len(stack) < MAX_IDLE_PER_ORIGIN:
            connection.release()
            connection.idle_since = time.monotonic()
            stack.append(connection)
        else:
            connection.close()

    async def _connect(self, origin: tuple, timeout: float | None) -> _Connection:
        scheme, host, port = origin
        tls = self._ssl if scheme == "https" else None
        if scheme == "https" and tls is None:
            tls = self._ssl = httpx.create_ssl_context()
        try:
            async with asyncio.timeout(timeout):
                _, connection = await asyncio.get_running_loop().create_connection(
                    _Connection, host, port, ssl=tls, server_hostname=host if tls else None)
        except TimeoutError:
            raise httpx.ConnectTimeout(f"no connection to {host}:{port} within {timeout} s") from None
        except (OSError, ssl.SSLError) as exc:
            raise httpx.ConnectError(f"cannot connect to {host}:{port}: {exc}") from None
        return connection
