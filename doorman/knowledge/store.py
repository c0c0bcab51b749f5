"""The knowledge store under HOME/knowledge: the graph and the catalog (with its lexical index), kept
consistent by generations (see catalog.py), with one writer at a time across processes."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from doorman.knowledge.catalog import Catalog, DocumentRow, find_document
from doorman.knowledge.graph import Graph, GraphDocument
from doorman.knowledge.lexical import Hit, search
from doorman.knowledge.lock import StoreLock

if TYPE_CHECKING:
    from doorman.knowledge.chunking import Chunk
    from doorman.knowledge.entities import Mention

SECTION_SEPARATOR = " › "
READ_WAIT_S = 30.0


@dataclass(frozen=True)
class DocumentVersion:
    """One version of a document, extracted and chunked, ready to be written."""

    row: DocumentRow
    chunks: list[Chunk]
    mentions: list[Mention]


def section_title(section: tuple[str, ...]) -> str:
    return SECTION_SEPARATOR.join(section)


def entity_id(module: str, label: str, value: str) -> str:
    return f"{module}/e/" + hashlib.sha256(f"{label}\0{value.lower()}".encode()).hexdigest()[:24]


class KnowledgeStore:
    def __init__(self, folder: Path):
        self.folder = folder
        self.lock = StoreLock(folder)
        self.graph_path = folder / "graph.lbdb"
        self.catalog_path = folder / "catalog.sqlite3"

    def exists(self) -> bool:
        return self.catalog_path.exists() and self.graph_path.exists()

    @contextmanager
    def writer(self, on_wait: Callable[[str], None] | None = None) -> Iterator[Writer]:
        """The one writer: waits for the lock (telling `on_wait` who holds it), then repairs
        whatever a crashed writer left half-done."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with self.lock.exclusive(on_wait):
            catalog = Catalog(self.catalog_path)
            try:
                graph = Graph(self.graph_path, read_only=False)
                try:
                    writer = Writer(catalog, graph, self.folder)
                    writer.reconcile()
                    yield writer
                finally:
                    graph.close()
            finally:
                catalog.close()

    @contextmanager
    def reader(self, timeout_s: float = READ_WAIT_S) -> Iterator[Reader | None]:
        """A reader, or None when nothing was ever ingested; waits out a writer's commit."""
        if not self.exists():
            yield None
            return
        with self.lock.shared(timeout_s):
            catalog = Catalog(self.catalog_path, read_only=True)
            try:
                graph = Graph(self.graph_path, read_only=True)
                try:
                    yield Reader(catalog, graph)
                finally:
                    graph.close()
            finally:
                catalog.close()


class KeptReader:
    """A reader kept open between calls, for a long-running process (`serve`): the first look-up
    after a pause costs the graph's open and its cold pages (tens of ms); later ones reuse both.
    It lets go after `idle_s` without a call, or at once when a writer waits, so ingest still gets in.
    """

    def __init__(self, store: KnowledgeStore, idle_s: float = 1.0, timeout_s: float = READ_WAIT_S):
        self.store = store
        self.idle_s = idle_s
        self.timeout_s = timeout_s
        self._guard = threading.Lock()  # one look-up at a time: the handles are not shared between threads
        self._open: ExitStack | None = None
        self._reader: Reader | None = None
        self._timer: threading.Timer | None = None

    @contextmanager
    def reader(self) -> Iterator[Reader | None]:
        with self._guard:
            if self._timer is not None:
                self._timer.cancel()
            if self._open is not None and self.store.lock.writer_waiting():
                self._close()
            if self._open is None and self.store.exists():
                stack = ExitStack()
                self._reader = stack.enter_context(self.store.reader(self.timeout_s))
                self._open = stack
            try:
                yield self._reader
            finally:
                self._timer = threading.Timer(self.idle_s, self.close)
                self._timer.daemon = True
                self._timer.start()

    def close(self) -> None:
        with self._guard:
            self._close()

    def _close(self) -> None:
        if self._open is not None:
            stack, self._open, self._reader = self._open, None, None
            stack.close()


class Reader:
    def __init__(self, catalog: Catalog, graph: Graph):
        self.catalog = catalog
        self.graph = graph

    def documents(self, module: str) -> list[DocumentRow]:
        return self.catalog.live(module)

    def find(self, module: str, handle: str) -> DocumentRow:
        return find_document(self.catalog, module, handle)

    def search(self, module: str, question: str, limit: int) -> list[Hit]:
        return search(self.catalog.conn, module, question, limit)

    def texts(self, chunk_ids: list[str]) -> dict[str, str]:
        return self.catalog.texts(chunk_ids)


class Writer(Reader):
    def __init__(self, catalog: Catalog, graph: Graph, scratch: Path):
        super().__init__(catalog, graph)
        self.scratch = scratch

    def put(self, version: DocumentVersion) -> None:
        """Stage, write the graph, commit (promote), then clear the replaced version."""
        row = version.row
        prefix = f"{row.module}/{row.doc}/{row.gen}"
        self.catalog.stage(row, [
            (f"{prefix}/c{i}", section_title(c.section), c.page, c.page_end, i, c.text)
            for i, c in enumerate(version.chunks)
        ])
        self.graph.add(graph_document(version), self.scratch)
        for stale in self.catalog.promote(row.module, row.doc, row.gen):
            self._clear(row.module, stale)

    def remove(self, module: str, handle: str) -> DocumentRow:
        row = self.find(module, handle)
        for gen in self.catalog.retire(module, row.doc):
            self._clear(module, gen)
        return row

    def reconcile(self) -> None:
        """Finish or undo what a crashed writer left: pending versions the graph holds whole are
        promoted, other pending and stale ones cleared; graph versions the catalog lacks removed."""
        in_graph = self.graph.generations()
        for row in self.catalog.unsettled():
            if row.state == "pending" and (row.module, row.gen) in in_graph:
                for stale in self.catalog.promote(row.module, row.doc, row.gen):
                    self._clear(row.module, stale)
            elif row.state in ("pending", "stale"):
                self._clear(row.module, row.gen)
        for module, gen in in_graph - self.catalog.generations():
            self.graph.delete_generation(module, gen)

    def _clear(self, module: str, gen: str) -> None:
        self.graph.delete_generation(module, gen)
        self.catalog.drop(gen)


def graph_document(version: DocumentVersion) -> GraphDocument:
    row = version.row
    module, prefix = row.module, f"{row.module}/{row.doc}/{row.gen}"
    sections: dict[tuple[str, ...], str] = {}
    section_rows, chunk_rows, has_chunk = [], [], []
    for i, chunk in enumerate(version.chunks):
        if chunk.section not in sections:
            sections[chunk.section] = f"{prefix}/s{len(sections)}"
            section_rows.append({"id": sections[chunk.section], "module": module, "gen": row.gen,
                                 "title": section_title(chunk.section) or row.name, "ord": len(section_rows)})
        chunk_id = f"{prefix}/c{i}"
        chunk_rows.append({"id": chunk_id, "module": module, "gen": row.gen, "section": sections[chunk.section],
                           "page": chunk.page, "page_end": chunk.page_end, "ord": i, "tokens": chunk.tokens})
        has_chunk.append((sections[chunk.section], chunk_id))
    entities: dict[str, dict] = {}
    mentions = []
    for m in version.mentions:
        eid = entity_id(module, m.label, m.value)
        entities.setdefault(eid, {"id": eid, "module": module, "label": m.label, "value": m.value})
        mentions.append((f"{prefix}/c{m.chunk}", eid, m.count))
    node = {"id": prefix, "module": module, "doc": row.doc, "gen": row.gen, "name": row.name, "path": row.path,
            "kind": row.kind, "sha256": row.sha256, "pages": row.pages}
    return GraphDocument(module, node, section_rows, chunk_rows, list(entities.values()), has_chunk, mentions)
