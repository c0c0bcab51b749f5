"""`doorman ledger`: read the audit ledger."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from doorman.cli.context import state
from doorman.ledger.reader import tail as read_tail

app = typer.Typer(help="The append-only audit ledger.", no_args_is_help=True)


@app.command()
def tail(
    count: Annotated[int, typer.Option("-n", "--lines", min=1, help="How many entries.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON lines.")] = False,
) -> None:
    """Show the newest ledger entries, oldest first."""
    entries = read_tail(state.home.ledger_dir, count)
    if as_json:
        for entry in entries:
            print(json.dumps(entry, ensure_ascii=False))
        return
    table = Table(title=f"ledger: newest {len(entries)} entries")
    for column in ("ts", "request_id", "module", "tier", "model", "status", "ms", "tokens", "error"):
        table.add_column(column, justify="right" if column in ("ms", "tokens") else "left", overflow="fold")
    for e in entries:
        tokens = (e.get("prompt_tokens") or 0) + (e.get("completion_tokens") or 0)
        status = e.get("status", "")
        style = {"ok": "green", "error": "red", "rejected": "yellow", "cancelled": "magenta"}.get(status, "")
        table.add_row(
            e.get("ts", ""), e.get("request_id", ""), e.get("module_id") or "-", e.get("tier") or "-",
            e.get("model") or "-", f"[{style}]{status}[/]", str(e.get("duration_ms", "")),
            str(tokens or ""), e.get("error_code") or "",
        )
    Console().print(table)
