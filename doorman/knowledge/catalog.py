"""The catalog (SQLite, beside the graph): which version of each document is live, its chunks' rows.

A version moves pending -> live -> stale. `stage` writes it pending with its lexical rows; the
graph then gets it in one transaction; `promote` (one SQLite transaction) makes it live and the
old version stale: that commit is the version's commit marker. Readers see live rows only, so
a crash anywhere leaves the old version readable, and `KnowledgeStore.reconcile` finishes or
undoes the rest on the next write.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from doorman.knowledge import lexical

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS documents (module TEXT NOT NULL, doc TEXT NOT NULL, gen TEXT NOT NULL, "
    "state TEXT NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL, kind TEXT NOT NULL, sha256 TEXT NOT NULL, "
    "bytes INTEGER NOT NULL, pages INTEGER, chunks INTEGER NOT NULL, ingested_at TEXT NOT NULL, "
    "PRIMARY KEY (module, doc, gen))",
    "CREATE TABLE IF NOT EXISTS chunks (id INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, "
    "module TEXT NOT NULL, doc TEXT NOT NULL, gen TEXT NOT NULL, section TEXT NOT NULL, page INTEGER, "
    "page_end INTEGER, ord INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS chunks_gen ON chunks (gen)",
    lexical.SCHEMA,
    lexical.VOCABULARY,
)


@dataclass(frozen=True)
class DocumentRow:
    module: str
    doc: str
    gen: str
    state: str
    name: str
    path: str
    kind: str
    sha256: str
    bytes: int
    pages: int | None
    chunks: int
    ingested_at: str


COLUMNS = "module, doc, gen, state, name, path, kind, sha256, bytes, pages, chunks, ingested_at"


class Catalog:
    def __init__(self, path: Path, read_only: bool = False):
        uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
        self.conn = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None, check_same_thread=False)
        if not read_only:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            for statement in SCHEMA:
                self.conn.execute(statement)

    def close(self) -> None:
        self.conn.close()

    def _documents(self, where: str, params: tuple) -> list[DocumentRow]:
        rows = self.conn.execute(f"SELECT {COLUMNS} FROM documents WHERE {where}", params).fetchall()
        return [DocumentRow(*row) for row in rows]

    def live(self, module: str) -> list[DocumentRow]:
        return self._documents("module = ? AND state = 'live' ORDER BY name, path", (module,))

    def live_at(self, module: str, doc: str) -> DocumentRow | None:
        found = self._documents("module = ? AND doc = ? AND state = 'live'", (module, doc))
        return found[0] if found else None

    def texts(self, chunk_ids: list[str]) -> dict[str, str]:
        """Chunk text by chunk id (the graph keeps the structure, the lexical index the text)."""
        if not chunk_ids:
            return {}
        marks = ", ".join("?" * len(chunk_ids))
        return dict(self.conn.execute(
            f"SELECT c.chunk_id, t.text FROM chunks c JOIN chunk_text t ON t.rowid = c.id WHERE c.chunk_id IN ({marks})",
            chunk_ids).fetchall())

    def unsettled(self) -> list[DocumentRow]:
        return self._documents("state != 'live'", ())

    def generations(self) -> set[tuple[str, str]]:
        return set(self.conn.execute("SELECT module, gen FROM documents").fetchall())

    def stage(self, row: DocumentRow, chunks: list[tuple[str, str, int | None, int | None, int, str]]) -> None:
        """The version as pending, with its chunk rows and their text in the lexical index."""
        with self._transaction():
            self.conn.execute(f"INSERT INTO documents ({COLUMNS}) VALUES ({', '.join('?' * 12)})",
                              (row.module, row.doc, row.gen, "pending", row.name, row.path, row.kind, row.sha256,
                               row.bytes, row.pages, row.chunks, row.ingested_at))
            texts = []
            for chunk_id, section, page, page_end, ord_, text in chunks:
                cursor = self.conn.execute(
                    "INSERT INTO chunks (chunk_id, module, doc, gen, section, page, page_end, ord) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (chunk_id, row.module, row.doc, row.gen, section, page,
                                                        page_end, ord_))
                texts.append((cursor.lastrowid, text))
            lexical.index(self.conn, texts)

    def promote(self, module: str, doc: str, gen: str) -> list[str]:
        """Make `gen` the live version (the commit marker); return the generations it replaced, now stale."""
        with self._transaction():
            old = [g for (g,) in self.conn.execute(
                "SELECT gen FROM documents WHERE module = ? AND doc = ? AND gen != ? AND state != 'pending'",
                (module, doc, gen))]
            self.conn.execute("UPDATE documents SET state = 'stale' WHERE module = ? AND doc = ? AND gen != ? "
                              "AND state != 'pending'", (module, doc, gen))
            self.conn.execute("UPDATE documents SET state = 'live' WHERE module = ? AND doc = ? AND gen = ?",
                              (module, doc, gen))
        return old

    def retire(self, module: str, doc: str) -> list[str]:
        """Take a document out of reading (its versions stale); return their generations."""
        with self._transaction():
            gens = [g for (g,) in self.conn.execute(
                "SELECT gen FROM documents WHERE module = ? AND doc = ?", (module, doc))]
            self.conn.execute("UPDATE documents SET state = 'stale' WHERE module = ? AND doc = ?", (module, doc))
        return gens

    def drop(self, gen: str) -> None:
        with self._transaction():
            lexical.unindex(self.conn, gen)
            self.conn.execute("DELETE FROM chunks WHERE gen = ?", (gen,))
            self.conn.execute("DELETE FROM documents WHERE gen = ?", (gen,))

    def _transaction(self):
        return _Transaction(self.conn)


class _Transaction:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, value, traceback):
        self.conn.execute("COMMIT" if kind is None else "ROLLBACK")


def find_document(catalog: Catalog, module: str, handle: str) -> DocumentRow:
    """A live document of the module by id (or a prefix of 4+ characters), file name or path."""
    from doorman.core.errors import DocumentNotFound

    documents = catalog.live(module)
    resolved = str(Path(handle).expanduser().absolute())
    for matches in (
        [d for d in documents if d.doc == handle or d.path in (handle, resolved)],
        [d for d in documents if d.name == handle],
        [d for d in documents if len(handle) >= 4 and d.doc.startswith(handle)],
    ):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise DocumentNotFound(f"module {module}: {handle!r} names {len(matches)} documents "
                                   f"({', '.join(d.doc + ' ' + d.path for d in matches)}); give the id")
    raise DocumentNotFound(f"module {module}: no document {handle!r} (see `doorman knowledge list --module {module}`)")
