"""`doorman keys`: credentials. `keys api` manages the HTTP API's module-bound keys,
`keys reviewer` the reviewers' signing keys."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from doorman.api.keys import create_key, revoke_key
from doorman.apprentice.reviewers import ReviewerKeys
from doorman.cli.context import state

app = typer.Typer(help="Credentials: API keys for the HTTP door, reviewer signing keys.", no_args_is_help=True)
api = typer.Typer(help="API keys, each bound to one module; only their hashes are stored.",
                  no_args_is_help=True)
app.add_typer(api, name="api")
reviewer = typer.Typer(help="Reviewer keys (ed25519) that sign apprenticeship verdicts.", no_args_is_help=True)
app.add_typer(reviewer, name="reviewer")


@api.command("new")
def new_key(module: Annotated[str, typer.Option("--module", "-m", help="The module the key may use.")]) -> None:
    """Mint a key for MODULE and print it once; only its SHA-256 is kept."""
    key_id, key = create_key(state.home.config_file, module)
    print(key)
    Console(stderr=True).print(
        f"[dim]{key_id} for module {module}: store it now, it cannot be shown again[/]"
    )


@api.command("list")
def list_keys() -> None:
    """Show the configured keys (ids and modules, never the keys)."""
    table = Table(title="API keys")
    for column in ("id", "module", "created", "sha256"):
        table.add_column(column)
    for key in sorted(state.config.api_keys.values(), key=lambda k: k.created):
        table.add_row(key.key_id, key.module, key.created, key.sha256[:12] + "…")
    Console().print(table)


@api.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="The key's id, as `keys api list` shows it.")]) -> None:
    """Remove a key; requests that use it are refused from then on."""
    revoke_key(state.home.config_file, key_id)
    Console(stderr=True).print(f"revoked {key_id}")


@reviewer.command("new")
def new_reviewer(name: Annotated[str, typer.Argument(help="The reviewer's name, e.g. alice.")]) -> None:
    """Create NAME's ed25519 key pair in the home (private key 0600); print the public key."""
    created = ReviewerKeys(state.home.root).create(name)
    print(created.public_hex)
    Console(stderr=True).print(f"[dim]reviewer {name}: key pair in {ReviewerKeys(state.home.root).dir}[/]")


@reviewer.command("add")
def add_reviewer(
    name: Annotated[str, typer.Argument(help="The reviewer's name.")],
    public_key: Annotated[str, typer.Argument(help="64 hex digits, or a file holding them (or a PEM).")],
) -> None:
    """List a service reviewer's public key; the service keeps its private key and signs itself."""
    ReviewerKeys(state.home.root).add_public(name, public_key)
    Console(stderr=True).print(f"reviewer {name}: public key listed")


@reviewer.command("list")
def list_reviewers() -> None:
    """Show the reviewers whose public keys are listed in the home."""
    table = Table(title="Reviewers")
    for column in ("name", "public key", "signs here"):
        table.add_column(column)
    for entry in ReviewerKeys(state.home.root).list():
        table.add_row(entry.name, entry.public_hex, "yes" if entry.signs_here else "no (service)")
    Console().print(table)
