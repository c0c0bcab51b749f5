"""`doorman corpus`: verify, summarise and export the apprenticeship corpus."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from doorman.apprentice.export import FORMATS, export
from doorman.apprentice.stats import PERIODS, corpus_stats
from doorman.apprentice.verify import verify_corpus
from doorman.cli.context import state
from doorman.core.errors import CorpusTampered, InvalidArgument

app = typer.Typer(help="The apprenticeship corpus: attempts, signed verdicts, training data.",
                  no_args_is_help=True)
_EVERY = 1000  # lines between progress refreshes


@contextmanager
def _progress(label: str) -> Iterator[Callable[[], None]]:
    """A line counter on stderr while a long pass runs (nothing when stderr is not a terminal)."""
    console = Console(stderr=True)
    with Progress(SpinnerColumn(), TextColumn(f"{label} {{task.completed:,}} lines"), console=console,
                  transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task(label, total=None)
        seen = [0]

        def tick() -> None:
            seen[0] += 1
            if seen[0] % _EVERY == 0:
                progress.update(task, completed=seen[0])

        yield tick


@app.command()
def verify(module: Annotated[Optional[str], typer.Option("--module", "-m", help="Only this module.")] = None) -> None:
    """Check every attempt's hash and every verdict's signature; name each bad record."""
    with _progress("verifying") as tick:
        report = verify_corpus(state.home.root, module, on_line=tick)
    for path in report.torn:
        print(f"{path}: ends in a partial line (a crash mid-write; ignored, moved aside by the next append)",
              file=sys.stderr)
    for problem in report.problems:
        print(problem)
    summary = f"{report.attempts} attempts, {report.verdicts} verdicts, {report.candidates} Tier C candidates"
    if not report.ok:
        raise CorpusTampered(f"{len(report.problems)} bad record(s) of {summary}")
    print(f"ok: {summary} verified")


@app.command()
def stats(
    module: Annotated[Optional[str], typer.Option("--module", "-m", help="Only this module.")] = None,
    by: Annotated[str, typer.Option("--by", help=f"Period: {', '.join(PERIODS)}.")] = "day",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Attempts, verdicts in force by kind, and acceptance rate per module, adapter stack and period."""
    with _progress("reading") as tick:
        rows, totals = corpus_stats(state.home.root, module, by, on_line=tick)
    if as_json:
        print(json.dumps({"rows": [r.as_json() for r in rows],
                          "modules": [vars(t) for t in totals]}, ensure_ascii=False))
        return
    table = Table(title=f"Apprenticeship corpus, per {by}")
    for column in ("module", "adapters", "period", "attempts", "reviewed", "accept", "refine", "reject",
                   "defer-tier-c", "acceptance"):
        table.add_column(column, justify="right" if column not in ("module", "adapters", "period") else "left")
    for row in rows:
        rate = "-" if row.acceptance is None else f"{row.acceptance:.0%}"
        table.add_row(row.module, row.adapters, row.period, str(row.attempts), str(row.reviewed),
                      *(str(row.verdicts[k]) for k in ("accept", "refine", "reject", "defer-tier-c")), rate)
    console = Console()
    console.print(table)
    for total in totals:
        console.print(f"{total.module}: {total.attempts} attempts, {total.verdict_records} signed verdicts "
                      f"({total.superseded} superseded)", style="dim")


@app.command("export")
def export_command(
    module: Annotated[str, typer.Option("--module", "-m", help="The module whose corpus to export.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"{' or '.join(FORMATS)}.")],
    since: Annotated[Optional[str], typer.Option("--since", help="Only attempts from this date (YYYY-MM-DD) on.")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout.",
                                                   show_default=False)] = None,
) -> None:
    """Verified verdicts as training JSONL: sft (chat messages) or preference (prompt/chosen/rejected)."""
    if module not in state.config.modules:
        raise InvalidArgument(f"--module: unknown module {module!r}")
    out = sys.stdout
    if output is not None:
        try:
            out = output.open("w", encoding="utf-8")
        except OSError as exc:
            raise InvalidArgument(f"--output: cannot write {output}: {exc.strerror}") from None
    try:
        with _progress("exporting") as tick:
            summary = export(state.home.root, module, fmt, out, since=since, on_line=tick)
    finally:
        if out is not sys.stdout:
            out.close()
    Console(stderr=True).print(
        f"{summary.written} {fmt} rows; skipped: {summary.unverified} unverified, {summary.unreviewed} unreviewed, "
        f"{summary.no_target} without a better answer, {summary.not_for_format} not for {fmt}", style="dim")
