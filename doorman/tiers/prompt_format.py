"""Turning messages into the one prompt string a local model reads.

Instruct models bring a chat template in their GGUF; base models (such as the
embedded Gemma 3 270M) echo chat markup back, so they get a completion frame
("Q: ... A:") from config instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from doorman.core.config import CompletionFrame
from doorman.core.types import Message


@dataclass(frozen=True)
class Prompt:
    text: str
    stop: tuple[str, ...]


def frame_prompt(messages: tuple[Message, ...], frame: CompletionFrame) -> Prompt:
    templates = {"system": frame.system, "user": frame.user, "assistant": frame.assistant}
    # replace(), not format(): the user's text may hold braces of its own.
    body = "".join(templates[m.role].replace("{text}", m.content) for m in messages)
    return Prompt(text=body + frame.answer, stop=frame.stop)


def chat_template_prompt(
    messages: tuple[Message, ...], template: str, bos_token: str, eos_token: str
) -> Prompt:
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    formatter = Jinja2ChatFormatter(template=template, bos_token=bos_token, eos_token=eos_token)
    rendered = formatter(messages=[{"role": m.role, "content": m.content} for m in messages])
    stop = rendered.stop if isinstance(rendered.stop, list) else [rendered.stop] if rendered.stop else []
    return Prompt(text=rendered.prompt, stop=tuple(stop))
