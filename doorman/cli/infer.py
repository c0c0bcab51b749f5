"""`doorman infer`: one call through the door, answer streamed to the terminal."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Optional

import typer
from rich.console import Console

from doorman.cli.context import state
from doorman.core.errors import Cancelled, InvalidRequest
from doorman.core.types import Completion, Delta, Request


def infer(
    prompt: Annotated[Optional[str], typer.Argument(help="The prompt; read from stdin when left out.")] = None,
    module: Annotated[Optional[str], typer.Option("--module", "-m", help="The moduleId to run under.")] = None,
    system: Annotated[Optional[str], typer.Option(help="A system message before the prompt.")] = None,
    max_tokens: Annotated[Optional[int], typer.Option(help="Most tokens to generate.")] = None,
    temperature: Annotated[Optional[float], typer.Option(help="Sampling temperature, 0 for greedy.")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Sampling seed, for repeatable answers.")] = None,
    tier: Annotated[Optional[str], typer.Option(help="Ask for a tier (A, B or C), if the module allows it.")] = None,
    task: Annotated[Optional[str], typer.Option(help="A task kind the module maps to a tier.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of streaming.")] = False,
) -> None:
    """Answer PROMPT with the module's model, streaming tokens as they arrive."""
    if prompt is None:
        if sys.stdin.isatty():
            raise InvalidRequest("no prompt: pass it as an argument or pipe it on stdin")
        prompt = sys.stdin.read()
    request = Request.from_prompt(
        module, prompt, system=system, max_tokens=max_tokens, temperature=temperature, seed=seed,
        tier=tier.upper() if tier else None, task=task,
    )
    doorman = state.doorman()
    try:
        completion = _run(doorman, request, stream=not as_json)
    except KeyboardInterrupt:
        raise Cancelled(f"interrupted; request {request.request_id} logged as cancelled") from None
    if as_json:
        print(json.dumps(completion_json(completion), ensure_ascii=False))
    else:
        _summary(completion)


def _run(doorman, request: Request, stream: bool) -> Completion:
    for event in doorman.stream(request):
        if isinstance(event, Completion):
            if stream:
                sys.stdout.write("\n")
                sys.stdout.flush()
            return event
        if stream and isinstance(event, Delta):
            sys.stdout.write(event.text)
            sys.stdout.flush()
    raise AssertionError("the Doorman's stream ended without a Completion")


def completion_json(completion: Completion) -> dict:
    return {
        "text": completion.text,
        "request_id": completion.request_id,
        "module": completion.module_id,
        "tier": completion.tier,
        "model": completion.model,
        "tokens": {
            "prompt": completion.usage.prompt_tokens,
            "completion": completion.usage.completion_tokens,
            "total": completion.usage.total_tokens,
        },
        "finish_reason": completion.finish_reason,
        "duration_ms": completion.duration_ms,
    }


def _summary(completion: Completion) -> None:
    """A dim line on the terminal after the answer; scripts reading stdout never see it."""
    console = Console(stderr=True)
    if console.is_terminal:
        console.print(
            f"{completion.module_id} · tier {completion.tier} · {completion.model} · "
            f"{completion.usage.completion_tokens} tokens · {completion.duration_ms} ms · "
            f"{completion.request_id}",
            style="dim",
        )
