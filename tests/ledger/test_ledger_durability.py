"""No committed line is ever lost: torn tails heal, full disks fail closed, processes never fork the chain."""

import errno
import json
import os
import subprocess
import sys
import threading

import pytest

from doorman.core.errors import LedgerUnavailable
from doorman.ledger import LedgerWriter
from doorman.ledger import writer as writer_module
from doorman.ledger.entry import utc_timestamp
from doorman.ledger.verify import verify
from ledger_helpers import entry, write_days


def test_a_torn_tail_is_moved_aside_and_the_chain_continues(tmp_path):
    ledger = write_days(tmp_path)
    day = ledger / "2026-11-22.jsonl"
    committed = day.read_bytes()
    torn = b'{"ts":"2026-11-22T10:00:09.000Z","seq":15,"prev":"ab'
    day.write_bytes(committed + torn)  # a crash mid-write
    assert verify(ledger).problems[0].kind == "torn tail"

    appended = LedgerWriter(ledger).append(entry("after", "2026-11-22T11:00:00.000Z"))
    assert appended.seq == 15
    assert day.read_bytes().startswith(committed)
    (aside,) = (ledger / "torn").iterdir()
    assert aside.read_bytes() == torn and aside.name.startswith("2026-11-22.jsonl.")
    walk = verify(ledger)
    assert walk.ok and walk.summary.head_seq == 15 and walk.summary.torn_aside == [aside]


def test_a_full_disk_mid_line_fails_clearly_and_leaves_committed_lines_whole(tmp_path):
    ledger = write_days(tmp_path)
    day = ledger / "2026-11-22.jsonl"
    before = day.read_bytes()

    def disk_fills_up(fd, data):
        if len(data) > 40:
            return os.write(fd, bytes(data[:40]))  # part of the line gets out, then the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(LedgerUnavailable, match="No space left on device") as caught:
        LedgerWriter(ledger, write=disk_fills_up).append(entry("lost", "2026-11-22T12:00:00.000Z"))
    assert str(day) in caught.value.message and caught.value.exit_code == 5
    assert day.read_bytes() == before
    assert verify(ledger).ok
    assert LedgerWriter(ledger).append(entry("next", "2026-11-22T12:00:01.000Z")).seq == 15


def test_a_read_only_ledger_fails_closed(tmp_path):
    ledger = write_days(tmp_path)
    before = {p.name: p.read_bytes() for p in ledger.glob("*.jsonl")}

    def read_only(fd, data):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    with pytest.raises(LedgerUnavailable, match="Read-only file system"):
        LedgerWriter(ledger, write=read_only).append(entry("x", "2026-11-22T12:00:00.000Z"))
    assert {p.name: p.read_bytes() for p in ledger.glob("*.jsonl")} == before


FILE_SIZE_LIMIT = """
import resource, signal, sys
from pathlib import Path
from doorman.ledger import LedgerEntry, LedgerWriter
from doorman.core.errors import LedgerUnavailable
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
path = Path(sys.argv[1]) / "2026-11-22.jsonl"
limit = path.stat().st_size + 60
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    LedgerWriter(Path(sys.argv[1])).append(LedgerEntry(ts="2026-11-22T12:00:00.000Z", request_id="big",
        module_id="demo", tier="A", model="m", duration_ms=1, cost_usd=0.0, sanitised_outbound=False, status="ok"))
except LedgerUnavailable as exc:
    print(exc.code, exc.message)
    sys.exit(5)
"""


def test_a_file_size_limit_in_a_real_process_fails_the_append_without_harm(tmp_path):
    ledger = write_days(tmp_path)
    before = (ledger / "2026-11-22.jsonl").read_bytes()
    child = subprocess.run([sys.executable, "-c", FILE_SIZE_LIMIT, str(ledger)], capture_output=True, text=True)
    assert child.returncode == 5, child.stderr
    assert child.stdout.startswith("ledger_unavailable cannot write the ledger at") and "File too large" in child.stdout
    assert (ledger / "2026-11-22.jsonl").read_bytes() == before
    assert verify(ledger).ok


WRITER = """
import sys
from pathlib import Path
from doorman.ledger import LedgerEntry, LedgerWriter
from doorman.ledger.entry import utc_timestamp
writer = LedgerWriter(Path(sys.argv[1]), group_commit=sys.argv[4] == "group")
name = sys.argv[2]
for i in range(int(sys.argv[3])):
    day = "2026-11-21" if i < int(sys.argv[3]) // 2 else "2026-11-22"
    writer.append(LedgerEntry(ts=f"{day}T10:00:00.000Z", request_id=f"{name}-{i}", module_id="demo",
        tier="A", model="m" * 2000, duration_ms=i, cost_usd=0.0, sanitised_outbound=False, status="ok"))
"""


@pytest.mark.parametrize("mode", ["group", "each"])
def test_processes_appending_at_once_keep_one_gap_free_chain(tmp_path, mode):
    ledger = tmp_path / "ledger"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(ledger), f"p{n}", "60", mode])
               for n in range(4)]
    assert all(w.wait(timeout=120) == 0 for w in writers)
    lines = [json.loads(line) for path in sorted(ledger.glob("*.jsonl")) for line in path.read_text().splitlines()]
    assert [line["seq"] for line in lines] == list(range(1, len(lines) + 1))
    ids = [line["request_id"] for line in lines if line.get("kind") != "seal"]
    assert sorted(ids) == sorted(f"p{n}-{i}" for n in range(4) for i in range(60))
    hashes = [line["hash"] for line in lines]
    assert len(set(line["prev"] for line in lines)) == len(lines) and len(set(hashes)) == len(lines)  # no fork
    walk = verify(ledger)
    assert walk.ok, walk.problems
    assert walk.summary.seals == 1


def test_with_group_commit_no_append_returns_before_a_fsync_covers_its_line(tmp_path, monkeypatch):
    ledger = tmp_path / "ledger"
    synced: dict[int, int] = {}
    real_fsync = os.fsync

    def recording_fsync(fd):
        size = os.fstat(fd).st_size
        real_fsync(fd)
        synced[os.fstat(fd).st_ino] = max(synced.get(os.fstat(fd).st_ino, 0), size)

    monkeypatch.setattr(writer_module.os, "fsync", recording_fsync)
    writer = LedgerWriter(ledger)
    uncovered = []

    def worker(n):
        for i in range(40):
            done = writer.append(entry(f"t{n}-{i}", utc_timestamp()))
            inode, end = os.stat(done.path).st_ino, _end_of_seq(done.path, done.seq)
            if synced.get(inode, 0) < end:
                uncovered.append(done.seq)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert uncovered == []
    assert verify(ledger).ok and verify(ledger).summary.entries == 160


def _end_of_seq(path, seq):
    end = 0
    with path.open("rb") as handle:
        for raw in handle:
            end += len(raw)
            if f'"seq":{seq},'.encode() in raw[:60]:
                return end
    raise AssertionError(f"seq {seq} not in {path}")
