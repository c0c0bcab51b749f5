"""Building real ledgers for tests, and tampering with them the way an attacker would."""

from __future__ import annotations

import json
from pathlib import Path

from doorman.ledger import LedgerEntry, LedgerWriter
from doorman.ledger.chain import GENESIS, chained_line


def entry(request_id: str, ts: str, **fields) -> LedgerEntry:
    values = dict(ts=ts, request_id=request_id, module_id="demo", tier="A", model="m", duration_ms=5,
                  cost_usd=0.0, sanitised_outbound=False, status="ok")
    values.update(fields)
    return LedgerEntry(**values)


def write_days(home: Path, per_day: int = 4, days=("2026-11-20", "2026-11-21", "2026-11-22")) -> Path:
    """A ledger of `per_day` entries on each day; every day but the last is sealed."""
    ledger = home / "ledger"
    writer = LedgerWriter(ledger)
    for day in days:
        for i in range(per_day):
            writer.append(entry(f"{day}-{i}", f"{day}T10:00:{i:02d}.000Z", duration_ms=10 * (i + 1)))
    return ledger


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def rechain(ledger: Path) -> None:
    """What an attacker with file access but without the key does after an edit: recompute
    every seq, prev and hash (and each seal's count and head) so the chain looks whole."""
    seq, prev = 0, GENESIS
    prev_day = None
    for path in sorted(ledger.glob("*.jsonl")):
        out, count = [], 0
        for raw in lines_of(path):
            obj = json.loads(raw)
            for key in ("seq", "prev", "prev_day", "hash"):
                obj.pop(key, None)
            if obj.get("kind") == "seal":
                obj["lines"], obj["head"] = count, prev
            seq += 1
            line, prev = chained_line(obj["ts"], seq, prev, obj,
                                      prev_day=prev_day if count == 0 and prev_day else None)
            out.append(line)
            count += 1
        path.write_bytes(b"".join(out))
        prev_day = path.name[:10]
