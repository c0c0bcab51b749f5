"""The module-scoped graph (LadybugDB): Module, Document, Section, Chunk and Entity nodes; containment,
NEXT (reading order) and MENTIONS edges. Every query names its module; node ids start with it too.

A document version is one generation (`gen`): its nodes carry it, are written in one transaction,
and are deleted by it. The catalog (catalog.py) says which generation is live.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from doorman.core.errors import KnowledgeUnavailable

BUFFER_POOL_BYTES = 32 * 1024 * 1024  # LadybugDB's default is 80% of RAM; the box has ~550 MB in all
MAX_DB_BYTES = 1 << 36  # the mmap reservation (64 GiB of address space, not memory)

SCHEMA = (
    "CREATE NODE TABLE IF NOT EXISTS Module(id STRING, PRIMARY KEY(id))",
    "CREATE NODE TABLE IF NOT EXISTS Document(id STRING, module STRING, doc STRING, gen STRING, name STRING, "
    "path STRING, kind STRING, sha256 STRING, pages INT64, PRIMARY KEY(id))",
    "CREATE NODE TABLE IF NOT EXISTS Section(id STRING, module STRING, gen STRING, title STRING, ord INT64, "
    "PRIMARY KEY(id))",
    # No text here: it lives once, in the catalog's lexical index. A checkpoint rewrites a whole
    # node group of each column, and a text column there outgrew a bounded buffer pool.
    # `section` repeats the HAS_CHUNK edge's section id: expansion stays one hop (a two-edge pattern
    # per look-up cost five times as much).
    "CREATE NODE TABLE IF NOT EXISTS Chunk(id STRING, module STRING, gen STRING, section STRING, page INT64, "
    "page_end INT64, ord INT64, tokens INT64, PRIMARY KEY(id))",
    "CREATE NODE TABLE IF NOT EXISTS Entity(id STRING, module STRING, label STRING, value STRING, PRIMARY KEY(id))",
    "CREATE REL TABLE IF NOT EXISTS HAS_DOCUMENT(FROM Module TO Document)",
    "CREATE REL TABLE IF NOT EXISTS HAS_SECTION(FROM Document TO Section)",
    "CREATE REL TABLE IF NOT EXISTS HAS_CHUNK(FROM Section TO Chunk)",
    "CREATE REL TABLE IF NOT EXISTS NEXT(FROM Chunk TO Chunk)",
    "CREATE REL TABLE IF NOT EXISTS MENTIONS(FROM Chunk TO Entity, count INT64)",
)


@dataclass(frozen=True)
class GraphDocument:
    """One document version as graph rows; ids are already module-prefixed."""

    module: str
    node: dict
    sections: list[dict]
    chunks: list[dict]
    entities: list[dict]
    has_chunk: list[tuple[str, str]]
    mentions: list[tuple[str, str, int]]


@dataclass(frozen=True)
class Neighbour:
    of: str  # the hit's chunk id
    id: str
    ord: int
    page: int | None
    page_end: int | None


class Graph:
    def __init__(self, path: Path, read_only: bool):
        import ladybug

        try:
            self.db = ladybug.Database(str(path), buffer_pool_size=BUFFER_POOL_BYTES, max_num_threads=1,
                                       read_only=read_only, max_db_size=MAX_DB_BYTES)
            self.conn = ladybug.Connection(self.db)
            if not read_only:
                for statement in SCHEMA:
                    self.conn.execute(statement)
        except RuntimeError as exc:
            raise KnowledgeUnavailable(f"{path}: cannot open the knowledge graph: {exc}") from None

    def close(self) -> None:
        self.conn.close()
        self.db.close()

    def rows(self, query: str, params: dict | None = None) -> list[list]:
        return self.conn.execute(query, params or {}).get_all()

    # writing (the caller holds the store's writer lock)

    def add(self, document: GraphDocument, scratch: Path) -> None:
        """Write one document version in a single transaction: all of it or none."""
        module, node = document.module, document.node
        self.conn.execute("BEGIN TRANSACTION")
        try:
            self.conn.execute("MERGE (:Module {id: $id})", {"id": module})
            self.conn.execute(
                "CREATE (:Document {id: $id, module: $module, doc: $doc, gen: $gen, name: $name, path: $path, "
                "kind: $kind, sha256: $sha256, pages: $pages})", node)
            self.conn.execute("UNWIND $rows AS r CREATE (:Section {id: r.id, module: r.module, gen: r.gen, "
                              "title: r.title, ord: r.ord})", {"rows": document.sections})
            self.conn.execute("UNWIND $rows AS r CREATE (:Chunk {id: r.id, module: r.module, gen: r.gen, "
                              "section: r.section, page: r.page, page_end: r.page_end, ord: r.ord, "
                              "tokens: r.tokens})",
                              {"rows": document.chunks})
            if document.entities:
                self.conn.execute("UNWIND $rows AS r MERGE (e:Entity {id: r.id}) "
                                  "ON CREATE SET e.module = r.module, e.label = r.label, e.value = r.value",
                                  {"rows": document.entities})
            chunk_ids = [c["id"] for c in document.chunks]
            # Edges by COPY: a MATCH per edge costs a scan of the node table each.
            with tempfile.TemporaryDirectory(dir=scratch) as folder:
                self._copy(Path(folder), "HAS_DOCUMENT", [(module, node["id"])])
                self._copy(Path(folder), "HAS_SECTION", [(node["id"], s["id"]) for s in document.sections])
                self._copy(Path(folder), "HAS_CHUNK", document.has_chunk)
                self._copy(Path(folder), "NEXT", list(zip(chunk_ids, chunk_ids[1:])))
                self._copy(Path(folder), "MENTIONS", document.mentions)
            self.conn.execute("COMMIT")
        except BaseException as exc:
            self._failed(exc)

    def _failed(self, exc: BaseException) -> NoReturn:
        """Roll back what is still open and say so as a DoormanError; a crashed or refused write
        leaves a pending version that the next writer's reconcile finishes or undoes."""
        try:
            self.conn.execute("ROLLBACK")
        except RuntimeError:
            pass  # no transaction left: a failed COMMIT ends its own
        if isinstance(exc, RuntimeError):
            raise KnowledgeUnavailable(f"the knowledge graph refused a write: {exc}") from exc
        raise exc

    def _copy(self, folder: Path, table: str, rows: Sequence[tuple]) -> None:
        if not rows:
            return
        path = folder / f"{table}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
        self.conn.execute(f"COPY {table} FROM '{path.as_posix()}' (header=false)")

    def delete_generation(self, module: str, gen: str) -> None:
        self.conn.execute("BEGIN TRANSACTION")
        try:
            for label in ("Chunk", "Section", "Document"):
                self.conn.execute(f"MATCH (n:{label}) WHERE n.module = $module AND n.gen = $gen DETACH DELETE n",
                                  {"module": module, "gen": gen})
            self.conn.execute("MATCH (e:Entity) WHERE e.module = $module AND NOT EXISTS "
                              "{ MATCH (e)<-[:MENTIONS]-(:Chunk) } DELETE e", {"module": module})
            self.conn.execute("COMMIT")
        except BaseException as exc:
            self._failed(exc)

    def generations(self) -> set[tuple[str, str]]:
        """(module, gen) of every document version in the graph."""
        return {(m, g) for m, g in self.rows("MATCH (d:Document) RETURN d.module, d.gen")}

    # reading: every query is scoped by module

    def neighbours(self, module: str, chunk_ids: Sequence[str]) -> list[Neighbour]:
        """The chunks next to each hit (NEXT either way) within the hit's own section."""
        found = []
        for chunk_id in chunk_ids:  # one primary-key look-up each: `id IN $ids` scans every chunk
            found += self.rows(
                "MATCH (c:Chunk {id: $id})-[:NEXT]-(n:Chunk) "
                "WHERE c.module = $module AND n.module = $module AND n.section = c.section "
                "RETURN c.id, n.id, n.ord, n.page, n.page_end",
                {"id": chunk_id, "module": module},
            )
        return [Neighbour(*row) for row in found]

    def sections(self, module: str, gen: str) -> list[tuple[str, int, int | None]]:
        """(title, chunks, first page) of a document version's sections, in order."""
        return [tuple(r) for r in self.rows(
            "MATCH (d:Document)-[:HAS_SECTION]->(s:Section)-[:HAS_CHUNK]->(c:Chunk) "
            "WHERE d.module = $module AND d.gen = $gen AND s.module = $module AND c.module = $module "
            "RETURN s.title, count(c), min(c.page), s.ord ORDER BY s.ord",
            {"module": module, "gen": gen})]

    def document_entities(self, module: str, gen: str, limit: int = 20) -> list[tuple[str, str, int]]:
        return [tuple(r) for r in self.rows(
            "MATCH (d:Document)-[:HAS_SECTION]->(:Section)-[:HAS_CHUNK]->(c:Chunk)-[m:MENTIONS]->(e:Entity) "
            "WHERE d.module = $module AND d.gen = $gen AND c.module = $module AND e.module = $module "
            "RETURN e.label, e.value, sum(m.count) AS n ORDER BY n DESC, e.value LIMIT $limit",
            {"module": module, "gen": gen, "limit": limit})]

    def mentions_of(self, module: str, value: str) -> list[tuple]:
        """(label, value, doc, name, section, page, count) for each chunk mentioning an entity like `value`."""
        return [tuple(r) for r in self.rows(
            "MATCH (d:Document)-[:HAS_SECTION]->(s:Section)-[:HAS_CHUNK]->(c:Chunk)-[m:MENTIONS]->(e:Entity) "
            "WHERE e.module = $module AND c.module = $module AND s.module = $module AND d.module = $module "
            "AND contains(lower(e.value), lower($value)) "
            "RETURN e.label, e.value, d.doc, d.name, s.title, c.page, m.count, c.ord ORDER BY d.name, c.ord",
            {"module": module, "value": value})]

    def co_mentioned(self, module: str, value: str, limit: int = 15) -> list[tuple[str, str, int]]:
        return [tuple(r) for r in self.rows(
            "MATCH (e:Entity)<-[:MENTIONS]-(c:Chunk)-[:MENTIONS]->(o:Entity) "
            "WHERE e.module = $module AND c.module = $module AND o.module = $module "
            "AND contains(lower(e.value), lower($value)) AND NOT contains(lower(o.value), lower($value)) "
            "RETURN o.label, o.value, count(DISTINCT c) AS n ORDER BY n DESC, o.value LIMIT $limit",
            {"module": module, "value": value, "limit": limit})]
