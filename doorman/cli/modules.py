"""`doorman modules`: the moduleIds this door admits."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from doorman.cli.context import state

app = typer.Typer(help="The modules (moduleIds) this door admits.", no_args_is_help=True)


@app.command("list")
def list_modules() -> None:
    """Show every declared module."""
    config = state.config
    table = Table(title=f"modules ({config.source or 'built-in defaults'})")
    table.add_column("module", style="bold")
    table.add_column("tiers")
    table.add_column("declared in")
    table.add_column("description")
    for name, module in sorted(config.modules.items()):
        table.add_row(name, "A", module.declared_in, module.description)
    Console().print(table)
