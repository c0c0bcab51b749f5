"""A small OpenAI-protocol server for tests: a real HTTP server on loopback.

It records every chat request it receives (body and whether a key came) as JSON
lines, answers by echoing the last user message word by word as a stream, and can
be told to fail, redirect, or demand a key. Run: python fake_upstream.py --port P ...
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, StreamingResponse
from starlette.routing import Route


def make_app(args) -> Starlette:
    failures = {"left": args.fail_first}

    async def models(request: Request):
        return JSONResponse({"object": "list", "data": [{"id": "fake", "object": "model"}]})

    async def chat(request: Request):
        body = await request.json()
        record = {"body": body, "authorization": request.headers.get("authorization")}
        with open(args.record, "a") as handle:
            handle.write(json.dumps(record) + "\n")
        if args.delay_s:
            await asyncio.sleep(args.delay_s)
        if failures["left"] > 0:
            failures["left"] -= 1
            return JSONResponse({"error": {"message": "busy"}}, status_code=503)
        if args.redirect:
            return RedirectResponse(args.redirect, status_code=307)
        if args.require_key and request.headers.get("authorization") != f"Bearer {args.require_key}":
            return JSONResponse({"error": {"message": "bad key"}}, status_code=401)
        user = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
        words = ("You said: " + user).split(" ")
        words = words[: body.get("max_tokens", 512)]
        prompt_tokens = sum(len(m["content"].split()) for m in body["messages"])

        async def events():
            for i, word in enumerate(words):
                piece = word if i == 0 else " " + word
                chunk = {"id": "x", "object": "chat.completion.chunk", "model": body["model"],
                         "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                yield f"data: {json.dumps(chunk)}\n\n"
            done = {"id": "x", "object": "chat.completion.chunk", "model": body["model"],
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
            yield f"data: {json.dumps(done)}\n\n"
            usage = {"id": "x", "object": "chat.completion.chunk", "model": body["model"], "choices": [],
                     "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": len(words),
                               "total_tokens": prompt_tokens + len(words)}}
            yield f"data: {json.dumps(usage)}\n\ndata: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return Starlette(routes=[Route("/v1/models", models), Route("/v1/chat/completions", chat, methods=["POST"])])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--delay-s", type=float, default=0.0, help="wait this long before each answer")
    parser.add_argument("--redirect")
    parser.add_argument("--require-key")
    parser.add_argument("--started-file", help="append a line here each time this server starts")
    parser.add_argument("--pid-file")
    args = parser.parse_args()
    if args.started_file:
        with open(args.started_file, "a") as handle:
            handle.write(f"{os.getpid()}\n")
    if args.pid_file:
        Path(args.pid_file).write_text(str(os.getpid()))
    uvicorn.run(make_app(args), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
