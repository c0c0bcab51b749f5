"""A fast OpenAI-protocol upstream for the gateway benchmark: raw asyncio, canned answers.

Keep-alive HTTP/1.1; `GET /v1/models` and `POST /v1/chat/completions` (a streamed answer of
16 word chunks, a finish chunk and a usage chunk). It parses only what it must, so the
direct baseline measures the network path, not a web framework.

    python bench/fast_upstream.py --port P
"""

from __future__ import annotations

import argparse
import asyncio
import json

WORDS = [("You" if i == 0 else " word") for i in range(16)]


def _chunk(delta: dict, finish: str | None = None, usage: dict | None = None) -> bytes:
    body = {"id": "x", "object": "chat.completion.chunk", "model": "frontier",
            "choices": [] if usage else [{"index": 0, "delta": delta, "finish_reason": finish}]}
    if usage:
        body["usage"] = usage
    return b"data: " + json.dumps(body).encode() + b"\n\n"


STREAM = (b"".join(_chunk({"content": w}) for w in WORDS) + _chunk({}, "stop")
          + _chunk({}, usage={"prompt_tokens": 30, "completion_tokens": 16, "total_tokens": 46})
          + b"data: [DONE]\n\n")
CHAT = (b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: "
        + str(len(STREAM)).encode() + b"\r\n\r\n" + STREAM)
MODELS_BODY = b'{"object": "list", "data": [{"id": "frontier", "object": "model"}]}'
MODELS = (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
          + str(len(MODELS_BODY)).encode() + b"\r\n\r\n" + MODELS_BODY)
NOT_FOUND = b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
            if head.startswith(b"POST /v1/chat/completions"):
                writer.write(CHAT)
            elif head.startswith(b"GET /v1/models"):
                writer.write(MODELS)
            else:
                writer.write(NOT_FOUND)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
