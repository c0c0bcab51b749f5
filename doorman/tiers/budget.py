"""Per-module daily spend for Tier C: reserve before the call, settle after it.

A SQLite file under the home, written in IMMEDIATE transactions, so concurrent
calls from any number of processes cannot together overspend a budget. WAL with
synchronous=NORMAL: a commit survives a crash of the process without an fsync of
its own (the ledger line of each call, fsynced, is the durable record of its cost).
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path

from doorman.core.errors import BudgetExceeded

SCHEMA = """
CREATE TABLE IF NOT EXISTS spend (
    id INTEGER PRIMARY KEY,
    module TEXT NOT NULL,
    day TEXT NOT NULL,
    request_id TEXT NOT NULL,
    usd REAL NOT NULL,
    settled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS spend_by_module_day ON spend (module, day);
-- Running totals, so a reservation reads one row however many calls the day has seen.
CREATE TABLE IF NOT EXISTS day_total (
    module TEXT NOT NULL,
    day TEXT NOT NULL,
    usd REAL NOT NULL,
    PRIMARY KEY (module, day)
);
INSERT OR IGNORE INTO day_total SELECT module, day, SUM(usd) FROM spend GROUP BY module, day;
"""


def utc_day() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


class Budget:
    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()  # one connection per thread, opened once

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
            self._local.db = db
        return db

    def spent(self, module: str, day: str | None = None) -> float:
        db = self._db()
        return _total(db, module, day or utc_day())

    def reserve(self, module: str, request_id: str, usd: float, limit: float | None) -> int:
        """Hold `usd` of today's budget for one call; BudgetExceeded if it does not fit."""
        day = utc_day()
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            spent = _total(db, module, day)
            if limit is None or spent + usd > limit:
                cap = "no daily_budget_usd is set" if limit is None else f"daily budget ${limit:.4f}"
                raise BudgetExceeded(
                    f"module {module}: this Tier C call may cost up to ${usd:.4f}; ${spent:.4f} of "
                    f"today's (UTC) spend is used or reserved, {cap}"
                )
            cursor = db.execute("INSERT INTO spend (module, day, request_id, usd) VALUES (?, ?, ?, ?)",
                                (module, day, request_id, usd))
            _add(db, module, day, usd)
            db.execute("COMMIT")
            return cursor.lastrowid
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def settle(self, reservation: int, usd: float) -> None:
        """Replace a reservation by what the call really cost (0 if it failed before any use)."""
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            module, day, held = db.execute("SELECT module, day, usd FROM spend WHERE id=?", (reservation,)).fetchone()
            db.execute("UPDATE spend SET usd=?, settled=1 WHERE id=?", (usd, reservation))
            _add(db, module, day, usd - held)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _total(db: sqlite3.Connection, module: str, day: str) -> float:
    row = db.execute("SELECT usd FROM day_total WHERE module=? AND day=?", (module, day)).fetchone()
    return row[0] if row else 0.0


def _add(db: sqlite3.Connection, module: str, day: str, usd: float) -> None:
    db.execute("INSERT INTO day_total (module, day, usd) VALUES (?, ?, ?) "
               "ON CONFLICT (module, day) DO UPDATE SET usd = usd + excluded.usd", (module, day, usd))
