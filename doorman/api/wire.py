"""The OpenAI wire protocol: request bodies in, response bodies and stream chunks out.

Pure functions: parsing names the field at fault, rendering carries the fields
the official SDKs read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from doorman.core.errors import DoormanError, InvalidRequest
from doorman.core.types import Completion, Message, Request, Usage

ROLES = ("system", "user", "assistant")
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
}


@dataclass(frozen=True)
class Call:
    """A parsed request and how the caller wants the answer."""

    request: Request
    stream: bool
    include_usage: bool


def module_of(body: dict[str, Any], header: str | None) -> str | None:
    """The moduleId from the header or the body; both must agree when both are given."""
    field = body.get("module")
    if field is not None and not isinstance(field, str):
        raise InvalidRequest("module: expected a string", param="module")
    if header and field and header != field:
        raise InvalidRequest(
            f"the X-Doorman-Module header ({header!r}) and the body's module ({field!r}) disagree",
            param="module",
        )
    return header or field or None


def routing_hint(body: dict[str, Any], header: str | None, field: str) -> str | None:
    """An optional tier or task kind, from the X-Doorman-* header or the body."""
    value = header or body.get(field)
    if value is not None and not isinstance(value, str):
        raise InvalidRequest(f"{field}: expected a string", param=field)
    return value or None


def parse_chat(body: Any, module_header: str | None, request_id: str, hints: dict | None = None) -> Call:
    body = _object(body)
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise InvalidRequest("messages: expected a non-empty array", param="messages")
    parsed = tuple(_message(m, i) for i, m in enumerate(messages))
    return _call(body, module_header, request_id, parsed, raw_prompt=False, hints=hints or {})


def parse_completion(body: Any, module_header: str | None, request_id: str, hints: dict | None = None) -> Call:
    body = _object(body)
    prompt = body.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], str):
        prompt = prompt[0]
    if not isinstance(prompt, str):
        raise InvalidRequest("prompt: expected a string (one prompt per request)", param="prompt")
    return _call(body, module_header, request_id, (Message("user", prompt),), raw_prompt=True, hints=hints or {})


def _call(body, module_header, request_id, messages, raw_prompt, hints) -> Call:
    max_tokens = _optional(body, "max_completion_tokens", int) or _optional(body, "max_tokens", int)
    n = _optional(body, "n", int)
    if n not in (None, 1):
        raise InvalidRequest("n: only one choice per request is supported", param="n")
    stream = _optional(body, "stream", bool) or False
    options = body.get("stream_options") or {}
    if not isinstance(options, dict):
        raise InvalidRequest("stream_options: expected an object", param="stream_options")
    request = Request(
        module_id=module_of(body, module_header),
        messages=messages,
        max_tokens=max_tokens,
        temperature=_optional(body, "temperature", float),
        seed=_optional(body, "seed", int),
        request_id=request_id,
        raw_prompt=raw_prompt,
        tier=(routing_hint(body, hints.get("tier"), "tier") or "").upper() or None,
        task=routing_hint(body, hints.get("task"), "task"),
        context=_optional(body, "doorman_context", bool),  # ground in the module's documents (doorman ingest)
    )
    return Call(request=request, stream=stream, include_usage=bool(options.get("include_usage")))


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidRequest("the request body must be a JSON object")
    return body


def _message(message: Any, index: int) -> Message:
    where = f"messages[{index}]"
    if not isinstance(message, dict):
        raise InvalidRequest(f"{where}: expected an object", param=where)
    role = message.get("role")
    if role == "developer":  # newer SDKs' name for the system role
        role = "system"
    if role not in ROLES:
        raise InvalidRequest(f"{where}.role: expected one of {', '.join(ROLES)}, got {role!r}",
                             param=f"{where}.role")
    content = message.get("content")
    if isinstance(content, list):  # content parts: only text is understood
        texts = []
        for part in content:
            if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
                raise InvalidRequest(f"{where}.content: only text parts are supported", param=f"{where}.content")
            texts.append(part["text"])
        content = "".join(texts)
    if not isinstance(content, str):
        raise InvalidRequest(f"{where}.content: expected a string", param=f"{where}.content")
    return Message(role, content)


def _optional(body: dict[str, Any], key: str, kind: type) -> Any:
    value = body.get(key)
    if value is None:
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InvalidRequest(f"{key}: expected {kind.__name__}, got {value!r}", param=key)
    return value


def usage(u: Usage) -> dict[str, int]:
    return {"prompt_tokens": u.prompt_tokens, "completion_tokens": u.completion_tokens,
            "total_tokens": u.total_tokens}


def _body(kind: str, request_id: str, model: str, created: int, choices: list,
          body_usage: Usage | None) -> dict[str, Any]:
    """The envelope every response and stream chunk shares."""
    body = {"id": request_id, "object": kind, "created": created, "model": model, "choices": choices}
    if body_usage is not None:
        body["usage"] = usage(body_usage)
    return body


def chat_response(c: Completion, created: int) -> dict[str, Any]:
    message = {"role": "assistant", "content": c.text}
    choice = {"index": 0, "message": message, "finish_reason": c.finish_reason, "logprobs": None}
    return _body("chat.completion", c.request_id, c.model, created, [choice], c.usage)


def completion_response(c: Completion, created: int) -> dict[str, Any]:
    choice = {"index": 0, "text": c.text, "finish_reason": c.finish_reason, "logprobs": None}
    return _body("text_completion", c.request_id, c.model, created, [choice], c.usage)


def chat_chunk(request_id: str, model: str, created: int, *, text: str | None = None,
               role: bool = False, finish_reason: str | None = None,
               chunk_usage: Usage | None = None, no_choices: bool = False) -> dict[str, Any]:
    delta: dict[str, Any] = {"role": "assistant"} if role else {}
    if text is not None:
        delta["content"] = text
    choice = {"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}
    return _body("chat.completion.chunk", request_id, model, created, [] if no_choices else [choice],
                 chunk_usage)


def completion_chunk(request_id: str, model: str, created: int, *, text: str = "",
                     finish_reason: str | None = None, chunk_usage: Usage | None = None,
                     no_choices: bool = False) -> dict[str, Any]:
    choice = {"index": 0, "text": text, "finish_reason": finish_reason, "logprobs": None}
    return _body("text_completion", request_id, model, created, [] if no_choices else [choice], chunk_usage)


def error_body(error: DoormanError) -> dict[str, Any]:
    kind = ERROR_TYPES.get(error.http_status, "server_error" if error.http_status >= 500 else
                           "invalid_request_error")
    return {"error": {"message": error.message, "type": kind, "param": error.param, "code": error.code}}


def now() -> int:
    return int(time.time())
