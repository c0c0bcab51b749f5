"""A SQLite index of the ledger for accounting: derived from the JSONL, never the truth.

It remembers how far into each day file it has read, so each use reads only the new
lines. If a file shrank or its indexed part changed, it starts over; `rebuild` always
does. Deleting the index file loses nothing.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson

from doorman.core.errors import InvalidArgument, LedgerUnavailable
from doorman.ledger.period import Period
from doorman.ledger.reader import day_files

GROUPS = {
    "module": "COALESCE(module_id, '-')",
    "tier": "COALESCE(tier, '-')",
    "day": "day",
    "status": "status",
}
_BATCH = 5000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER, day TEXT NOT NULL, ts TEXT NOT NULL, module_id TEXT, tier TEXT, model TEXT,
    status TEXT NOT NULL, duration_ms INTEGER NOT NULL, tokens INTEGER NOT NULL, cost_usd REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_day ON entries (day);
CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, offset INTEGER NOT NULL, last_line_end BLOB);
"""


def default_index_path(ledger_dir: Path) -> Path:
    """HOME/index/ledger.sqlite3 for the ledger at HOME/ledger."""
    return ledger_dir.parent / "index" / "ledger.sqlite3"


@dataclass(frozen=True)
class StatRow:
    key: str
    count: int
    tokens: int
    cost_usd: float
    p50_ms: int
    p95_ms: int

    def as_json(self) -> dict:
        return asdict(self)


def check_group(by: str) -> str:
    if by not in GROUPS:
        raise InvalidArgument(f"--by: unknown grouping {by!r}; use one of: {', '.join(GROUPS)}")
    return by


class LedgerIndex:
    def __init__(self, ledger_dir: Path, path: Path | None = None):
        self.ledger_dir = ledger_dir
        self.path = path or default_index_path(ledger_dir)

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise LedgerUnavailable(f"cannot open the ledger index {self.path}: {exc}") from exc
        return db

    def catch_up(self, on_progress: Callable[[int], None] | None = None) -> int:
        """Index the lines written since the last call; return how many entries were added."""
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")  # one indexer at a time; the next sees our progress
            try:
                added = self._index_new_lines(db, on_progress)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return added
        finally:
            db.close()

    def rebuild(self, on_progress: Callable[[int], None] | None = None) -> int:
        """Throw the index away and read the whole ledger again."""
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        return self.catch_up(on_progress)

    def pending_bytes(self) -> int:
        """How many bytes of day files the index has not read yet (for a progress bar)."""
        db = self._connect()
        try:
            done = dict(db.execute("SELECT name, offset FROM files"))
        finally:
            db.close()
        return sum(max(0, p.stat().st_size - done.get(p.name, 0)) for p in day_files(self.ledger_dir))

    def _index_new_lines(self, db: sqlite3.Connection, on_progress) -> int:
        known = {name: (offset, end) for name, offset, end in db.execute("SELECT * FROM files")}
        files = day_files(self.ledger_dir)
        if any(not _still_holds(path, *known[path.name]) for path in files if path.name in known) or (
            set(known) - {p.name for p in files}
        ):
            db.execute("DELETE FROM entries")  # the JSONL changed under us: start over
            db.execute("DELETE FROM files")
            known = {}
        added = 0
        for path in files:
            offset = known.get(path.name, (0, None))[0]
            if path.stat().st_size == offset:
                continue
            offset, last_end, count = self._index_file(db, path, offset, on_progress)
            db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", (path.name, offset, last_end))
            added += count
        return added

    def _index_file(self, db, path: Path, offset: int, on_progress) -> tuple[int, bytes | None, int]:
        rows = []
        count = 0
        last_end = None
        loads = orjson.loads
        insert = "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        reported = offset
        with path.open("rb") as handle:
            handle.seek(offset)
            for raw in handle:
                if not raw.endswith(b"\n"):
                    break  # a torn line is never indexed; the writer heals it
                offset += len(raw)
                last_end = raw[-80:]
                entry = loads(raw)
                if entry.get("kind") == "seal":
                    continue
                ts = entry["ts"]
                rows.append((
                    entry.get("seq"), ts[:10], ts, entry.get("module_id"), entry.get("tier"), entry.get("model"),
                    entry["status"], entry.get("duration_ms") or 0,
                    (entry.get("prompt_tokens") or 0) + (entry.get("completion_tokens") or 0),
                    entry.get("cost_usd") or 0.0,
                ))
                if len(rows) >= _BATCH:
                    db.executemany(insert, rows)
                    count += len(rows)
                    rows.clear()
                    if on_progress is not None:
                        on_progress(offset - reported)
                        reported = offset
        if rows:
            db.executemany(insert, rows)
            count += len(rows)
        if on_progress is not None:
            on_progress(offset - reported)
        return offset, last_end, count

    def stats(self, by: str, period: Period = Period()) -> tuple[list[StatRow], StatRow]:
        """Per-group and total: count, tokens, cost, p50/p95 duration (nearest rank)."""
        group = GROUPS[check_group(by)]
        clauses, params = [], []
        for column, op, value in (("day", ">=", period.since_day), ("day", "<=", period.until_day),
                                  ("ts", ">=", period.since_ts), ("ts", "<=", period.until_ts)):
            if value is not None:
                clauses.append(f"{column} {op} ?")
                params.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        db = self._connect()
        try:
            rows = [StatRow(*r) for r in db.execute(_stats_sql(group, where), params)]
            total = db.execute(_stats_sql("'total'", where), params).fetchone()
        finally:
            db.close()
        return rows, StatRow(*total) if total else StatRow("total", 0, 0, 0.0, 0, 0)


def _stats_sql(group: str, where: str) -> str:
    return f"""
    WITH ranked AS (
        SELECT {group} AS g, duration_ms, tokens, cost_usd,
               ROW_NUMBER() OVER (PARTITION BY {group} ORDER BY duration_ms) AS rn,
               COUNT(*) OVER (PARTITION BY {group}) AS n
        FROM entries {where}
    )
    SELECT g, COUNT(*), SUM(tokens), ROUND(SUM(cost_usd), 6),
           MAX(CASE WHEN rn = (50 * n + 99) / 100 THEN duration_ms END),
           MAX(CASE WHEN rn = (95 * n + 99) / 100 THEN duration_ms END)
    FROM ranked GROUP BY g ORDER BY g
    """


def _still_holds(path: Path, offset: int, last_end: bytes | None) -> bool:
    """Is the indexed part of the file still what was indexed (same length, same last line end)?"""
    size = os.path.getsize(path)
    if size < offset:
        return False
    if last_end is None or offset == 0:
        return True
    with path.open("rb") as handle:
        handle.seek(offset - len(last_end))
        return handle.read(len(last_end)) == last_end
