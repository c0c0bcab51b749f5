"""Per-module daily spend for Tier C: reserve before the call, settle after it.

A SQLite file under the home, written in IMMEDIATE transactions, so concurrent
calls from any number of processes cannot together overspend a budget.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
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
"""


def utc_day() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


class Budget:
    def __init__(self, path: Path):
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(SCHEMA)
        return db

    def spent(self, module: str, day: str | None = None) -> float:
        with closing(self._connect()) as db:
            (total,) = db.execute("SELECT COALESCE(SUM(usd), 0) FROM spend WHERE module=? AND day=?",
                                  (module, day or utc_day())).fetchone()
            return total

    def reserve(self, module: str, request_id: str, usd: float, limit: float | None) -> int:
        """Hold `usd` of today's budget for one call; BudgetExceeded if it does not fit."""
        day = utc_day()
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                (spent,) = db.execute("SELECT COALESCE(SUM(usd), 0) FROM spend WHERE module=? AND day=?",
                                      (module, day)).fetchone()
                if limit is None or spent + usd > limit:
                    cap = "no daily_budget_usd is set" if limit is None else f"daily budget ${limit:.4f}"
                    raise BudgetExceeded(
                        f"module {module}: this Tier C call may cost up to ${usd:.4f}; ${spent:.4f} of "
                        f"today's (UTC) spend is used or reserved, {cap}"
                    )
                cursor = db.execute("INSERT INTO spend (module, day, request_id, usd) VALUES (?, ?, ?, ?)",
                                    (module, day, request_id, usd))
                db.execute("COMMIT")
                return cursor.lastrowid
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def settle(self, reservation: int, usd: float) -> None:
        """Replace a reservation by what the call really cost (0 if it failed before any use)."""
        with closing(self._connect()) as db:
            db.execute("UPDATE spend SET usd=?, settled=1 WHERE id=?", (usd, reservation))
