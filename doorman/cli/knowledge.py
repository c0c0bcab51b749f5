"""`doorman knowledge`: what a module's knowledge store holds, for the people who look after it."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from doorman.cli.context import state
from doorman.core.config import ModuleConfig
from doorman.core.errors import DocumentNotFound
from doorman.knowledge.store import KnowledgeStore
from doorman.modules import ModuleRegistry

app = typer.Typer(help="A module's ingested documents: list, show, remove, related entities.",
                  no_args_is_help=True)
ModuleOption = Annotated[Optional[str], typer.Option("--module", "-m", help="The module whose store to read.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _module(module: str | None) -> ModuleConfig:
    return ModuleRegistry(state.config.modules).admit(module)


def _store() -> KnowledgeStore:
    return KnowledgeStore(state.home.knowledge_dir)


def _nothing(module: str) -> DocumentNotFound:
    return DocumentNotFound(f"module {module}: nothing ingested yet (doorman ingest PATH --module {module})")


@app.command("list")
def list_documents(module: ModuleOption = None, as_json: JsonOption = False) -> None:
    """Every document of the module: id, name, type, pages, chunks, when ingested."""
    name = _module(module).name
    with _store().reader() as reader:
        documents = reader.documents(name) if reader else []
    if as_json:
        print(json.dumps([{"doc": d.doc, "name": d.name, "path": d.path, "type": d.kind, "pages": d.pages,
                           "chunks": d.chunks, "bytes": d.bytes, "sha256": d.sha256, "ingested_at": d.ingested_at}
                          for d in documents], ensure_ascii=False))
        return
    table = Table(title=f"module {name}: {len(documents)} documents")
    for column in ("doc", "name", "type", "pages", "chunks", "ingested", "path"):
        table.add_column(column, overflow="fold", justify="right" if column in ("pages", "chunks") else "left")
    for d in documents:
        table.add_row(d.doc, d.name, d.kind, _page(d.pages), str(d.chunks),
                      d.ingested_at, d.path)
    Console().print(table)


@app.command()
def show(doc: Annotated[str, typer.Argument(help="Document id (or a prefix), file name or path.")],
         module: ModuleOption = None, as_json: JsonOption = False) -> None:
    """One document: where it came from, its sections and the entities it mentions most."""
    name = _module(module).name
    with _store().reader() as reader:
        if reader is None:
            raise _nothing(name)
        row = reader.find(name, doc)
        sections = reader.graph.sections(name, row.gen)
        entities = reader.graph.document_entities(name, row.gen)
    if as_json:
        print(json.dumps({"doc": row.doc, "name": row.name, "path": row.path, "type": row.kind, "pages": row.pages,
                          "chunks": row.chunks, "sha256": row.sha256, "ingested_at": row.ingested_at,
                          "sections": [{"title": t, "chunks": n, "page": p} for t, n, p, *_ in sections],
                          "entities": [{"type": t, "value": v, "mentions": n} for t, v, n in entities]},
                         ensure_ascii=False))
        return
    console = Console()
    console.print(f"[bold]{row.name}[/]  {row.doc}  {row.kind}  {row.pages or '-'} pages  {row.chunks} chunks\n"
                  f"{row.path}\nsha256 {row.sha256}  ingested {row.ingested_at}")
    console.print(_table("sections", ("section", "chunks", "page"),
                         [(title, str(count), _page(page)) for title, count, page, *_ in sections]))
    if entities:
        console.print(_table("entities mentioned most", ("type", "value", "mentions"),
                             [(label, value, str(count)) for label, value, count in entities]))


@app.command()
def remove(doc: Annotated[str, typer.Argument(help="Document id (or a prefix), file name or path.")],
           module: ModuleOption = None) -> None:
    """Take a document out of the module's store (its graph nodes and lexical rows)."""
    name = _module(module).name
    store = _store()
    if not store.exists():
        raise _nothing(name)
    err = Console(stderr=True)
    with store.writer(lambda holder: err.print(f"waiting for the knowledge store: {holder}")) as writer:
        row = writer.remove(name, doc)
    print(f"removed {row.doc} {row.path} from module {name}")


@app.command()
def related(entity: Annotated[str, typer.Argument(help="An entity's value, or part of it: a name, a client, a host.")],
            module: ModuleOption = None, as_json: JsonOption = False) -> None:
    """Where the module's documents mention an entity, and what is mentioned alongside it."""
    name = _module(module).name
    with _store().reader() as reader:
        mentions = reader.graph.mentions_of(name, entity) if reader else []
        alongside = reader.graph.co_mentioned(name, entity) if reader else []
    if as_json:
        print(json.dumps({
            "mentions": [{"type": t, "value": v, "doc": d, "name": n, "section": s, "page": p, "count": c}
                         for t, v, d, n, s, p, c, _ in mentions],
            "related": [{"type": t, "value": v, "chunks": c} for t, v, c in alongside],
        }, ensure_ascii=False))
        return
    console = Console()
    if not mentions:
        console.print(f"module {name}: no document mentions {entity!r}")
        return
    console.print(_table(f"module {name}: where {entity!r} is mentioned",
                         ("entity", "document", "section", "page", "times"),
                         [(f"{value} ({label})", doc_name, section, _page(page), str(count))
                          for label, value, _doc, doc_name, section, page, count, _ in mentions]))
    if alongside:
        console.print(_table("mentioned alongside it", ("type", "value", "chunks"),
                             [(label, value, str(count)) for label, value, count in alongside]))


def _table(title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def _page(page: int | None) -> str:
    return "" if page is None else str(page)
