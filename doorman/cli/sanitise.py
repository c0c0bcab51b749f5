"""`doorman sanitise`: the dry run that shows exactly what would leave the box."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from doorman.boundary import dry_run, fast, sanitiser_for
from doorman.cli.context import state
from doorman.core.errors import InvalidRequest
from doorman.modules import ModuleRegistry

if TYPE_CHECKING:
    from doorman.boundary import Sanitised


def sanitise(
    text: Annotated[Optional[str], typer.Argument(help="The text; read from stdin when left out.")] = None,
    module: Annotated[Optional[str], typer.Option("--module", "-m", help="The moduleId whose vault applies.")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Also show a table of what was found (on stderr).")] = False,
    show_values: Annotated[bool, typer.Option("--show-values", help="Show the values in --explain, unmasked.")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help='Read {"id", "text"} lines; write {"id", "sanitised", "mapping"}.')] = False,
) -> None:
    """Print TEXT as it would leave the box: values replaced by typed placeholders."""
    config = state.config
    sanitiser = sanitiser_for(ModuleRegistry(config.modules).admit(module), state.home)
    if jsonl:
        _jsonl(sanitiser)
        return
    if text is None:
        if sys.stdin.isatty():
            raise InvalidRequest("no text: pass it as an argument or pipe it on stdin")
        text = sys.stdin.read()
    result = sanitiser.sanitise_text(text)
    sys.stdout.write(result.texts[0])
    if not result.texts[0].endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()
    if explain:
        Console(stderr=True).print(explain_table(result, show_values))


def _jsonl(sanitiser) -> None:
    """One output line per input line, in order (constant memory: a line at a time plus one read's worth).

    Answers are flushed together just before the loop would wait for more input, so a caller that sends a
    line and awaits its answer gets it at once, while a piped file costs a few large writes instead of one
    per line."""
    answer_lines = fast.twins().get(dry_run.answer_lines, dry_run.answer_lines)
    out = os.fdopen(sys.stdout.fileno(), "wb", buffering=1 << 16, closefd=False)
    number = 0
    for lines in _waiting_lines(sys.stdin.fileno()):
        try:
            number = answer_lines(sanitiser, lines, number, out.write)
        finally:  # the lines answered before a bad one still reach the caller
            out.flush()
    # A finished stream has nothing to clean up, and finalising the interpreter (freeing the name lists, the
    # patterns and every module) costs as much CPU as a few hundred records: end here.
    sys.stderr.flush()
    os._exit(0)


def _waiting_lines(fd: int) -> Iterator[list[bytearray]]:
    """The complete lines each read brings; the last line may lack its newline."""
    tail = bytearray()
    while chunk := os.read(fd, 1 << 16):
        tail += chunk
        if b"\n" not in chunk:
            continue
        lines = tail.split(b"\n")
        tail = lines.pop()
        yield lines
    if tail:
        yield [tail]


def explain_table(result: Sanitised, show_values: bool) -> Table:
    table = Table(title=f"{len(result.replacements)} values replaced, {len(result.mapping)} placeholders")
    table.add_column("type")
    table.add_column("placeholder")
    table.add_column("position", justify="right")
    table.add_column("value")
    for r in result.replacements:
        table.add_row(r.label, r.placeholder, f"{r.start}-{r.end}", r.value if show_values else mask(r.value))
    return table


def mask(value: str) -> str:
    """Shape without content: the length and nothing of the value itself."""
    return f"<{len(value)} chars>"
