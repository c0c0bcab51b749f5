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
from doorman.knowledge.grounding import Grounded


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
    context: Annotated[Optional[bool], typer.Option(
        "--context/--no-context", help="Ground the answer in the module's ingested documents "
        "(default: the module's `context` setting).", show_default=False)] = None,
    show_context: Annotated[bool, typer.Option("--show-context", help="Also print the retrieved passages "
                                               "(on stderr; in the object with --json).")] = False,
) -> None:
    """Answer PROMPT with the module's model, streaming tokens as they arrive."""
    if prompt is None:
        if sys.stdin.isatty():
            raise InvalidRequest("no prompt: pass it as an argument or pipe it on stdin")
        prompt = sys.stdin.read()
    request = Request.from_prompt(
        module, prompt, system=system, max_tokens=max_tokens, temperature=temperature, seed=seed,
        tier=tier.upper() if tier else None, task=task, context=context,
    )
    doorman = state.doorman()
    try:
        completion, grounded = _run(doorman, request, stream=not as_json, show_context=show_context and not as_json)
    except KeyboardInterrupt:
        raise Cancelled(f"interrupted; request {request.request_id} logged as cancelled") from None
    finally:
        doorman.close()
    if as_json:
        body = completion_json(completion)
        if show_context:
            body["context"] = context_json(grounded)
        print(json.dumps(body, ensure_ascii=False))
    else:
        _summary(completion)


def _run(doorman, request: Request, stream: bool, show_context: bool) -> tuple[Completion, Grounded | None]:
    grounded = None
    for event in doorman.stream(request):
        if isinstance(event, Grounded):
            grounded = event
            if show_context:
                print_passages(event)
        if isinstance(event, Completion):
            if stream:
                sys.stdout.write("\n")
                sys.stdout.flush()
            return event, grounded
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


def context_json(grounded: Grounded | None) -> list[dict]:
    return [{"source": p.source, "doc": p.doc, "name": p.name, "section": p.section, "page": p.page,
             "page_end": p.page_end, "chunks": list(p.chunk_ids), "text": p.text}
            for p in (grounded.passages if grounded else ())]


def print_passages(grounded: Grounded) -> None:
    """The retrieved passages on stderr, before the answer streams on stdout."""
    console = Console(stderr=True)
    if not grounded.passages:
        console.print(f"context: nothing in module {grounded.module}'s documents matched", style="dim")
    for i, passage in enumerate(grounded.passages, start=1):
        console.print(f"[bold]context [{i}] {passage.source}[/]", highlight=False)
        console.print(passage.text, style="dim", highlight=False, markup=False)


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
