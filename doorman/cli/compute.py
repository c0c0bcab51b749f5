"""`doorman compute`: Tier B's on-demand GPU node: its state, and starting or stopping it by hand."""

from __future__ import annotations

import time

import typer
from rich.console import Console
from rich.table import Table

from doorman.cli.context import state
from doorman.core.errors import ConfigError

app = typer.Typer(help="Tier B's on-demand GPU node.", no_args_is_help=True)


def _node():
    from doorman.tiers.burst import BurstNode

    if state.config.burst is None:
        raise ConfigError("no [burst] table in the config: Tier B is not configured")
    return BurstNode(state.config.burst, state.home)


@app.command()
def status() -> None:
    """Show the node's endpoint, whether it answers, and when it was last used."""
    node = _node()
    config = node.config
    last = node.last_used()
    idle_for = time.time() - last if last else None
    table = Table(title="Tier B")
    table.add_column("")
    table.add_column("")
    table.add_row("endpoint", config.endpoint)
    table.add_row("model", config.model)
    table.add_row("state", "[green]up[/]" if node.healthy() else "[yellow]down[/]")
    table.add_row("last used", f"{idle_for:.0f} s ago" if idle_for is not None else "never")
    table.add_row("idle shutdown", f"after {config.idle_shutdown_s:g} s" if config.stop else "never (no stop command)")
    table.add_row("start command", " ".join(config.start) or "none (always-on endpoint)")
    Console().print(table)


@app.command()
def up() -> None:
    """Start the node now (if it is not up) and wait until it answers."""
    how = _node().ensure_up()
    Console(stderr=True).print(f"tier B is {'already up' if how == 'up' else 'up'}")


@app.command()
def down() -> None:
    """Run the stop command now."""
    if not _node().stop():
        raise ConfigError("[burst] has no stop command")
    Console(stderr=True).print("tier B stopped")
