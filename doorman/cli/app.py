"""The `doorman` command: a thin adapter that parses, calls the core and renders."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from doorman import __version__
from doorman.cli import compute, doctor, infer, keys, ledger, modules, sanitise, serve
from doorman.cli import adapters
from doorman.cli import corpus, verdict
from doorman.cli import ingest, knowledge
from doorman.cli.context import state
from doorman.core.errors import DoormanError

app = typer.Typer(
    name="doorman",
    help="The single door for every AI inference call on this appliance.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command()(infer.infer)
app.command()(doctor.doctor)
app.command()(sanitise.sanitise)
app.command()(serve.serve)
app.add_typer(keys.app, name="keys")
app.add_typer(compute.app, name="compute")
app.add_typer(modules.app, name="modules")
app.add_typer(ledger.app, name="ledger")
app.add_typer(adapters.app, name="adapters")
app.command()(verdict.verdict)
app.add_typer(corpus.app, name="corpus")
app.command()(ingest.ingest)
app.add_typer(knowledge.app, name="knowledge")


def _show_version(value: bool) -> None:
    if value:
        print(f"doorman {__version__}")
        raise typer.Exit()


@app.callback()
def options(
    home: Annotated[
        Optional[Path],
        typer.Option("--home", help="State directory (else DOORMAN_HOME, else the platform default).",
                     show_default=False),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    state.home_option = home
    state.debug = debug


def main() -> None:
    try:
        app()
    except DoormanError as exc:
        if state.debug:
            raise
        print(f"doorman: {exc.code}: {exc.message}", file=sys.stderr)
        sys.exit(exc.exit_code)
