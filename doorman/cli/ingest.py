"""`doorman ingest`: files and folders into a module's knowledge store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from doorman.boundary import sanitiser_for
from doorman.cli.context import state
from doorman.core.errors import InvalidArgument
from doorman.knowledge.store import KnowledgeStore
from doorman.modules import ModuleRegistry

if TYPE_CHECKING:
    from doorman.knowledge.ingest import Candidate, Outcome

STYLES = {"ingested": "green", "unchanged": "dim", "failed": "red", "skipped": "yellow"}


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (folders are read recursively).",
                                                show_default=False)],
    module: Annotated[Optional[str], typer.Option("--module", "-m", help="The module whose knowledge this is.")] = None,
    glob: Annotated[Optional[str], typer.Option("--glob", help="Only files whose name (or path below a folder) "
                                                "matches, e.g. '*.pdf'.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of the table.")] = False,
) -> None:
    """Ingest PDF, DOCX, XLSX, Markdown and text files into the module's knowledge store.

    An unchanged file is skipped (content hash); a changed one replaces its old version.
    Exit status 1 when any file failed (each is listed with its reason)."""
    from doorman.knowledge.ingest import Ingest, discover  # the extractors load only for this command

    config = state.config
    module_config = ModuleRegistry(config.modules).admit(module)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise InvalidArgument(f"no such file or folder: {missing[0]}")
    candidates = discover(paths, glob)
    err = Console(stderr=True)
    store = KnowledgeStore(state.home.knowledge_dir)
    with _Bar(err, candidates, enabled=err.is_terminal and not as_json) as bar:
        def waiting(holder: str) -> None:
            err.print(f"waiting for the knowledge store: {holder}")

        job = Ingest(store, module_config.name, sanitiser_for(module_config, state.home), bar, waiting)
        outcomes = job.run(candidates)
    if as_json:
        print(json.dumps(_summary(module_config.name, outcomes), ensure_ascii=False))
    else:
        Console().print(_table(module_config.name, outcomes))
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)


class _Bar:
    """Files, pages and bytes as they go (the Progress protocol of doorman.knowledge.ingest)."""

    def __init__(self, console: Console, candidates: list[Candidate], enabled: bool):
        self.progress = Progress(TextColumn("{task.description:<6}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[detail]}"), TimeElapsedColumn(),
                                 console=console, disable=not enabled, transient=False)
        total = sum(c.path.stat().st_size for c in candidates if c.path.is_file())
        self.files = self.progress.add_task("files", total=len(candidates), detail="")
        self.pages = self.progress.add_task("pages", total=None, detail="")
        self.bytes_task = self.progress.add_task("bytes", total=total or None, detail="")
        self.done_bytes = 0

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def file_started(self, path: Path, size: int) -> None:
        self.progress.update(self.files, detail=path.name)

    def page_done(self) -> None:
        self.progress.advance(self.pages)

    def file_done(self, outcome: Outcome) -> None:
        self.done_bytes += outcome.bytes
        self.progress.advance(self.files)
        self.progress.update(self.bytes_task, completed=self.done_bytes, detail=_size(self.done_bytes))


def _size(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return ""


def _summary(module: str, outcomes: list[Outcome]) -> dict:
    counts = {status: sum(o.status == status for o in outcomes) for status in STYLES}
    return {
        "module": module,
        **counts,
        "files": [
            {"path": str(o.path), "status": o.status, "type": o.kind, "doc": o.doc, "pages": o.pages,
             "chunks": o.chunks, "bytes": o.bytes, "reason": o.reason}
            for o in outcomes
        ],
    }


def _table(module: str, outcomes: list[Outcome]) -> Table:
    counts = _summary(module, outcomes)
    title = (f"module {module}: {counts['ingested']} ingested, {counts['unchanged']} unchanged, "
             f"{counts['failed']} failed" + (f", {counts['skipped']} skipped" if counts["skipped"] else ""))
    table = Table(title=title)
    for column in ("status", "file", "type", "doc", "pages", "chunks", "reason"):
        table.add_column(column, overflow="fold", justify="right" if column in ("pages", "chunks") else "left")
    for o in outcomes:
        style = STYLES[o.status]
        table.add_row(f"[{style}]{o.status}[/]", str(o.path), o.kind or "-", o.doc or "-",
                      "" if o.pages is None else str(o.pages), str(o.chunks or ""), o.reason or "")
    return table
