"""The request and its answer, as they travel through the Doorman."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Literal

Role = Literal["system", "user", "assistant"]


def new_request_id() -> str:
    return "req_" + uuid.uuid4().hex


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class Request:
    """One inference call, as the CLI or the API hands it to the Doorman."""

    module_id: str | None
    messages: tuple[Message, ...]
    max_tokens: int | None = None
    temperature: float | None = None
    seed: int | None = None
    request_id: str = field(default_factory=new_request_id)
    # A plain completion (/v1/completions): the one user message is the model's
    # prompt verbatim, with no chat template or frame around it.
    raw_prompt: bool = False
    tier: str | None = None  # an explicit tier the caller asks for; the module's policy decides
    task: str | None = None  # a declared task kind, which the module may map to a tier
    context: bool | None = None  # ground the answer in the module's documents; None: the module's default
    # Set by an adapter whose caller went away (a closed connection): the call stops
    # waiting or generating at the next step and is logged as cancelled.
    cancel: threading.Event | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_prompt(
        cls, module_id: str | None, prompt: str, system: str | None = None, **params
    ) -> Request:
        messages = ((Message("system", system),) if system else ()) + (Message("user", prompt),)
        return cls(module_id=module_id, messages=messages, **params)


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Routed:
    """The first event of a call's stream, once it has a tier: who will answer."""

    request_id: str
    tier: str
    model: str
    reason: str


@dataclass(frozen=True)
class Delta:
    """A piece of the answer, as a tier streams it."""

    text: str


@dataclass(frozen=True)
class Completion:
    """The whole answer, once the tier has finished."""

    request_id: str
    module_id: str
    tier: str
    model: str
    text: str
    usage: Usage
    finish_reason: str
    duration_ms: int
