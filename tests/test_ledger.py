"""Ledger v1: whole lines, fsynced, never interleaved across processes."""

import json
import subprocess
import sys
from datetime import datetime, timezone

from doorman.ledger import LedgerEntry, LedgerWriter
from doorman.ledger.entry import utc_timestamp
from doorman.ledger.reader import tail
from doorman.ledger.verify import verify

REQUIRED = {"ts", "request_id", "module_id", "tier", "model", "duration_ms", "cost_usd",
            "sanitised_outbound", "status"}


def entry(request_id: str, **fields) -> LedgerEntry:
    values = dict(ts=utc_timestamp(), request_id=request_id, module_id="demo", tier="A", model="m",
                  duration_ms=5, cost_usd=0.0, sanitised_outbound=False, status="ok")
    values.update(fields)
    return LedgerEntry(**values)


def test_timestamps_are_rfc3339_utc_with_milliseconds():
    moment = datetime(2026, 11, 22, 13, 5, 7, 123456, tzinfo=timezone.utc)
    assert utc_timestamp(moment) == "2026-11-22T13:05:07.123Z"


def test_a_line_holds_every_required_field_even_when_empty(tmp_path):
    LedgerWriter(tmp_path).append(entry("r1", tier=None, model=None, status="rejected",
                                        error_code="unknown_module"))
    (path,) = tmp_path.glob("*.jsonl")
    line = json.loads(path.read_text())
    assert REQUIRED <= set(line)
    assert line["tier"] is None and line["error_code"] == "unknown_module"
    assert path.name == line["ts"][:10] + ".jsonl"


def test_tail_returns_the_newest_entries_across_days(tmp_path):
    writer = LedgerWriter(tmp_path)
    writer.append(entry("old", ts="2026-11-20T10:00:00.000Z"))
    writer.append(entry("mid", ts="2026-11-21T10:00:00.000Z"))
    writer.append(entry("new", ts="2026-11-21T11:00:00.000Z"))
    assert [e["request_id"] for e in tail(tmp_path, 2)] == ["mid", "new"]
    assert [e["request_id"] for e in tail(tmp_path, 10)] == ["old", "mid", "new"]


WRITER = """
import sys
from pathlib import Path
from doorman.ledger import LedgerEntry, LedgerWriter
from doorman.ledger.entry import utc_timestamp
writer = LedgerWriter(Path(sys.argv[1]))
name = sys.argv[2]
for i in range(int(sys.argv[3])):
    writer.append(LedgerEntry(ts=utc_timestamp(), request_id=f"{name}-{i}", module_id="demo",
        tier="A", model="m" * 3000, duration_ms=i, cost_usd=0.0, sanitised_outbound=False,
        status="ok"))
"""


def test_concurrent_processes_never_interleave_lines(tmp_path):
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), f"p{n}", "150"])
               for n in range(4)]
    assert all(w.wait(timeout=120) == 0 for w in writers)
    lines = [line for path in sorted(tmp_path.glob("*.jsonl")) for line in path.read_text().splitlines()]
    ids = [json.loads(line)["request_id"] for line in lines]  # every line is whole JSON
    assert len(ids) == 600
    assert set(ids) == {f"p{n}-{i}" for n in range(4) for i in range(150)}
    walk = verify(tmp_path)  # each writer links to the others' lines, not to its own last one
    assert walk.problems == [] and walk.summary.head_seq == 600


def test_writers_in_one_process_taking_turns_keep_one_chain(tmp_path):
    first, second = LedgerWriter(tmp_path), LedgerWriter(tmp_path)
    seqs = [(first if i % 3 else second).append(entry(f"r{i}")).seq for i in range(9)]
    assert seqs == list(range(1, 10))
    assert verify(tmp_path).problems == []
