"""The remote tiers' keep-alive transport against real servers on loopback: connections
reused and retired, bodies in every HTTP/1.1 framing streamed as they arrive, failures
mapped into httpx's exceptions, TLS, a fallback to httpx's own transport behind a proxy, and
no cookie carried from one call to the next."""

from __future__ import annotations

import asyncio
import datetime
import ssl
from typing import Self

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from doorman.tiers.http_transport import KeepAliveTransport
from doorman.tiers.openai_client import ClientSettings, OpenAIClient, _transport


class Server:
    """A raw HTTP/1.1 server: `answer(writer, request_number)` writes each response."""

    def __init__(self, answer, tls: ssl.SSLContext | None = None):
        self.answer, self.tls = answer, tls
        self.connections = 0
        self.requests = 0
        self.heads: list[bytes] = []
        self.bodies: list[bytes] = []
        self.closed_by_client = asyncio.Event()

    async def __aenter__(self) -> Self:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=self.tls)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        self.server.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.heads.append(head.lower())
                length = next((int(line.split(b":")[1]) for line in head.lower().split(b"\r\n")
                               if line.startswith(b"content-length:")), 0)
                self.bodies.append(await reader.readexactly(length))
                self.requests += 1
                if await self.answer(writer, self.requests) == "close":
                    writer.close()
                    return
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            self.closed_by_client.set()
        finally:
            writer.close()


def fixed(body: bytes, extra: bytes = b""):
    async def answer(writer, _):
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n%s\r\n%s" % (len(body), extra, body))
    return answer


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 30))


def client(**kwargs) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=KeepAliveTransport(**kwargs), timeout=httpx.Timeout(5.0))


def test_sequential_calls_share_one_connection_and_send_the_whole_request():
    async def main():
        async with Server(fixed(b"ok")) as server, client() as http:
            for i in range(20):
                response = await http.post(f"http://127.0.0.1:{server.port}/v1/x", content=b"body %d" % i)
                assert (response.status_code, response.text) == (200, "ok")
            return server
    server = run(main())
    assert server.connections == 1
    assert server.bodies == [b"body %d" % i for i in range(20)]


def test_concurrent_calls_open_their_own_connections_then_reuse_them():
    async def main():
        async with Server(fixed(b"ok")) as server, client() as http:
            for _ in range(3):
                answers = await asyncio.gather(*(http.get(f"http://127.0.0.1:{server.port}/") for _ in range(8)))
                assert [a.text for a in answers] == ["ok"] * 8
            return server
    assert run(main()).connections == 8


def test_a_connection_the_server_closed_while_idle_is_replaced_without_an_error():
    async def answer(writer, number):
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
        await writer.drain()
        return "close"  # as a keep-alive timeout would, after every answer

    async def main():
        async with Server(answer) as server, client() as http:
            for _ in range(3):
                assert (await http.get(f"http://127.0.0.1:{server.port}/")).text == "ok"
                await asyncio.sleep(0.05)
            return server
    assert run(main()).connections == 3


def test_an_interim_answer_is_skipped_for_the_real_one():
    async def answer(writer, _):
        writer.write(b"HTTP/1.1 103 Early Hints\r\nlink: </style.css>\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")

    async def main():
        async with Server(answer) as server, client() as http:
            return [await http.get(f"http://127.0.0.1:{server.port}/") for _ in range(2)]
    answers = run(main())
    assert [(a.status_code, a.text, "link" in a.headers) for a in answers] == [(200, "ok", False)] * 2


def test_a_connection_idle_past_its_expiry_is_not_reused():
    async def main():
        async with Server(fixed(b"ok")) as server:
            async with httpx.AsyncClient(transport=KeepAliveTransport(keepalive_expiry_s=0.1)) as http:
                await http.get(f"http://127.0.0.1:{server.port}/")
                await http.get(f"http://127.0.0.1:{server.port}/")  # at once: the same connection
                await asyncio.sleep(0.3)
                await http.get(f"http://127.0.0.1:{server.port}/")
            return server
    assert run(main()).connections == 2


def test_connection_close_and_unframed_bodies_are_read_to_the_end_and_not_reused():
    async def answer(writer, _):
        writer.write(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end")
        await writer.drain()
        return "close"

    async def main():
        async with Server(answer) as server, client() as http:
            texts = [(await http.get(f"http://127.0.0.1:{server.port}/")).text for _ in range(2)]
            return server, texts
    server, texts = run(main())
    assert texts == ["until the end"] * 2
    assert server.connections == 2


def test_a_chunked_stream_is_handed_on_as_it_arrives():
    release = None

    async def answer(writer, _):
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nfirst\r\n")
        await writer.drain()
        await release.wait()  # the second piece only once the client saw the first
        writer.write(b"6\r\nsecond\r\n0\r\n\r\n")

    async def main():
        nonlocal release
        release = asyncio.Event()
        async with Server(answer) as server, client() as http:
            pieces = []
            async with http.stream("GET", f"http://127.0.0.1:{server.port}/") as response:
                async for piece in response.aiter_raw():
                    pieces.append(piece)
                    release.set()
            again = await http.get(f"http://127.0.0.1:{server.port}/")  # the connection is reusable
            return server, pieces, again
    server, pieces, again = run(main())
    assert pieces == [b"first", b"second"]
    assert again.text == "firstsecond"
    assert server.connections == 1


def test_an_answer_cut_short_is_a_protocol_error_and_a_hang_up_closes_the_connection():
    async def cut(writer, _):
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial")
        await writer.drain()
        return "close"

    async def endless(writer, _):
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        while True:
            writer.write(b"4\r\ntick\r\n")
            await writer.drain()
            await asyncio.sleep(0.01)

    async def main():
        async with Server(cut) as server, client() as http:
            with pytest.raises(httpx.RemoteProtocolError):
                await http.get(f"http://127.0.0.1:{server.port}/")
        async with Server(endless) as server, client() as http:
            async with http.stream("GET", f"http://127.0.0.1:{server.port}/") as response:
                async for _ in response.aiter_raw():
                    break  # the caller stops reading mid-answer
            await asyncio.wait_for(server.closed_by_client.wait(), 5)
    run(main())


def test_timeouts_and_refused_connections_raise_httpx_errors():
    async def silent(writer, _):
        await asyncio.sleep(10)

    async def main():
        async with Server(silent) as server:
            async with httpx.AsyncClient(transport=KeepAliveTransport(), timeout=httpx.Timeout(0.2)) as http:
                with pytest.raises(httpx.ReadTimeout):
                    await http.get(f"http://127.0.0.1:{server.port}/")
            port = server.port
        server.server.close()
        await server.server.wait_closed()
        async with client() as http:
            with pytest.raises(httpx.ConnectError):
                await http.get(f"http://127.0.0.1:{port}/")
    run(main())


def self_signed(tmp_path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return server, ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))


def test_https_verifies_the_server_certificate(tmp_path):
    server_tls, trusting = self_signed(tmp_path)

    async def main():
        async with Server(fixed(b"secure"), tls=server_tls) as server:
            async with client(ssl_context=trusting) as http:
                assert (await http.get(f"https://localhost:{server.port}/")).text == "secure"
            async with client() as http:  # the default roots do not know this certificate
                with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                    await http.get(f"https://localhost:{server.port}/")
    run(main())


def test_a_proxy_in_the_environment_hands_the_endpoint_to_httpx_own_transport(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert _transport("https://api.example.com/v1") is None
    assert isinstance(_transport("http://127.0.0.1:9101/v1"), KeepAliveTransport)


def test_a_cookie_set_for_one_call_is_not_sent_with_the_next():
    stream = b'data: {"choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": "stop"}]}\n\ndata: [DONE]\n\n'

    async def answer(writer, _):
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nset-cookie: session=module-a; Path=/\r\n"
                     b"content-length: %d\r\n\r\n%s" % (len(stream), stream))

    async def main():
        async with Server(answer) as server:
            client = OpenAIClient(ClientSettings(endpoint=f"http://127.0.0.1:{server.port}/v1"), "C")
            for _ in range(2):
                pieces = [p async for p in client.stream_chat({"model": "m", "messages": []})]
                assert pieces[0].text == "hi"
            return server
    heads = run(main()).heads
    assert len(heads) == 2
    assert not any(b"cookie:" in head for head in heads)
