"""Grounded calls: the module's passages put into the request, and the sources appended to the answer.

The sources line is appended word for word rather than left to the model: the embedded model is a
270M base model that cannot be relied on to cite.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from doorman.core.config import Config, ModuleConfig
from doorman.core.home import Home
from doorman.core.types import Message, Request
from doorman.knowledge.retrieve import Passage, retrieve
from doorman.knowledge.store import KeptReader, KnowledgeStore
from doorman.knowledge.tokens import SAFETY, estimate_tokens

PREAMBLE = "Answer the question using these excerpts from the documents; cite them by number."
RESERVE_TOKENS = 48  # the frame, the separators and the question's own markup


@dataclass(frozen=True)
class Grounded:
    """A stream event before the answer: what was retrieved for the call and the sources line."""

    module: str
    passages: tuple[Passage, ...]
    citation: str


class Grounder:
    def __init__(self, config: Config, home: Home):
        self.config = config
        self.reading = KeptReader(KnowledgeStore(home.knowledge_dir))

    @staticmethod
    def wanted(module: ModuleConfig, request: Request) -> bool:
        """The call asks for grounding, or leaves it to a module that has it on."""
        return request.context if request.context is not None else module.context

    def ground(self, module: ModuleConfig, request: Request) -> tuple[Request, Grounded | None]:
        """The request with the module's passages in it, when the call or the module asks for them."""
        if not self.wanted(module, request):
            return request, None
        question = request.messages[-1].content
        with self.reading.reader() as reader:
            passages = retrieve(reader, module.name, question, self.budget(request)) if reader else []
        grounded = Grounded(module.name, tuple(passages), citation(module.name, passages))
        return (with_passages(request, passages) if passages else request), grounded

    def budget(self, request: Request) -> int:
        """What the local context window has left for passages after the messages and the answer."""
        local = self.config.local
        asked = sum(estimate_tokens(m.content) for m in request.messages)
        answer = request.max_tokens or local.max_tokens
        return local.context_size - answer - int(asked * SAFETY) - RESERVE_TOKENS - len(PREAMBLE) // 3


def context_text(passages: list[Passage]) -> str:
    blocks = [f"[{i}] {p.source}\n{p.text}" for i, p in enumerate(passages, start=1)]
    return PREAMBLE + "\n\n" + "\n\n".join(blocks)


def with_passages(request: Request, passages: list[Passage]) -> Request:
    """The passages as a system message first (before any the caller gave); a plain completion gets
    them in front of its prompt."""
    text = context_text(passages)
    if request.raw_prompt:
        prompt = request.messages[-1]
        return replace(request, messages=(replace(prompt, content=f"{text}\n\n{prompt.content}"),))
    return replace(request, messages=(Message("system", text), *request.messages))


def citation(module: str, passages: list[Passage]) -> str:
    if not passages:
        return f"\n\nSources: none (nothing in module {module}'s documents matched)"
    return "\n\nSources: " + "; ".join(f"[{i}] {p.source}" for i, p in enumerate(passages, start=1))
