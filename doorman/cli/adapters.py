"""`doorman adapters`: the LoRA adapters modules may stack on the local model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from doorman.adapters.registry import AdapterStore, StoredAdapter
from doorman.adapters.validate import read_base_header
from doorman.cli.context import state
from doorman.core.errors import AdapterInUse, AdapterInvalid

app = typer.Typer(help="LoRA adapters: validated, stored by content, stacked per module.", no_args_is_help=True)


def _store() -> AdapterStore:
    return AdapterStore(state.home.root / "adapters")


def _users(name: str) -> list[str]:
    """The modules whose config names this adapter."""
    return sorted(m.name for m in state.config.modules.values() if any(r.name == name for r in m.adapters))


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MiB" if count >= 2**20 else f"{count / 1024:.1f} KiB"


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The name modules use in `adapters = [...]`.")],
    file: Annotated[Path, typer.Argument(help="A GGUF LoRA adapter made for the configured base model.")],
    scale: Annotated[float, typer.Option("--scale", help="Scale used where a module gives none.")] = 1.0,
) -> None:
    """Validate a LoRA adapter against the base model and copy it into the store."""
    from doorman.tiers.local import LocalTier  # resolves (and assembles) the configured model

    tier = LocalTier(state.config.local, state.home)
    base = read_base_header(tier.model_path)
    entry = _store().add(name, file, scale, base, tier.model_name)
    print(
        f"added {entry.name}: sha256 {entry.sha256[:12]}, {_size(entry.size)}, rank {entry.rank}, "
        f"{entry.targets} tensors adapted, for {entry.base_model}"
    )


@app.command("list")
def list_adapters() -> None:
    """Show every stored adapter and the modules that use it."""
    table = Table(title=f"adapters ({_store().root})")
    for column in ("name", "sha256", "size", "base model", "scale", "modules"):
        table.add_column(column, style="bold" if column == "name" else None)
    for entry in _store().entries():
        table.add_row(entry.name, entry.sha256[:12], _size(entry.size), entry.base_model,
                      f"{entry.scale:g}", ", ".join(_users(entry.name)) or "-")
    Console().print(table)


@app.command("show")
def show(name: Annotated[str, typer.Argument(help="A stored adapter's name.")]) -> None:
    """Show one adapter's facts, as checked when it was added."""
    store = _store()
    entry = store.get(name)
    table = Table(title=f"adapter {entry.name}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for field, value in _facts(entry, store):
        table.add_row(field, value)
    Console().print(table)


def _facts(entry: StoredAdapter, store: AdapterStore) -> list[tuple[str, str]]:
    return [
        ("sha256", entry.sha256),
        ("file", str(store.blob(entry.sha256))),
        ("size", f"{_size(entry.size)} ({entry.size} bytes)"),
        ("base model", f"{entry.base_model} ({entry.architecture})"),
        ("rank", str(entry.rank)),
        ("alpha", "-" if entry.alpha is None else f"{entry.alpha:g}"),
        ("tensors adapted", str(entry.targets)),
        ("default scale", f"{entry.scale:g}"),
        ("added", f"{entry.added} from {entry.source}"),
        ("modules", ", ".join(_users(entry.name)) or "-"),
    ]


@app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help="A stored adapter's name.")],
    force: Annotated[bool, typer.Option("--force", help="Remove it even while modules use it.")] = False,
) -> None:
    """Remove an adapter from the store (refused while a module uses it)."""
    store = _store()
    store.get(name)
    users = _users(name)
    if users and not force:
        raise AdapterInUse(
            f"adapter {name!r} is used by module(s) {', '.join(users)} in {state.config.source}; "
            f"remove it from their `adapters` first, or pass --force"
        )
    entry = store.remove(name)
    print(f"removed {entry.name} (sha256 {entry.sha256[:12]})")
    if users:
        print(f"warning: module(s) {', '.join(users)} still name it; their calls will fail until fixed")


@app.command("verify")
def verify() -> None:
    """Re-hash every stored adapter file; exit non-zero if any changed or went missing."""
    store = _store()
    entries = store.entries()
    problems: list[tuple[StoredAdapter, str]] = []
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("hashing adapters", total=len(entries))
        for entry in entries:
            problem = store.check(entry)
            if problem:
                problems.append((entry, problem))
            progress.advance(task)
    if not problems:
        print(f"all {len(entries)} stored adapters intact ({store.root})")
        return
    table = Table(title="adapters that changed or went missing")
    table.add_column("name", style="bold")
    table.add_column("problem")
    for entry, problem in problems:
        table.add_row(entry.name, problem)
    Console(stderr=True).print(table)
    raise AdapterInvalid(
        f"{len(problems)} of {len(entries)} stored adapters changed or missing: "
        f"{', '.join(e.name for e, _ in problems)}; add them again from their source files"
    )
