"""Durable, chained appends: one writer at a time across processes, fsynced before return.

Under the exclusive lock (ledger/.lock) a writer reads the chain head from the tail of
the newest day file, heals a torn last line, seals the previous day on a new day's first
line, and writes its line whole. With group commit (the default) the fsync happens after
the lock is released, under a second lock (ledger/.sync): one fsync makes every line
written before it durable, so writers queued behind a slow fsync share the next one. No
caller returns before a fsync that covers its own line has finished.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from doorman.core.errors import LedgerUnavailable
from doorman.ledger import keys
from doorman.ledger.chain import chained_line, fields_json, link_line
from doorman.ledger.durable import WriteFn, append_whole, locked as _locked, move_torn_aside
from doorman.ledger.entry import LedgerEntry, utc_timestamp
from doorman.ledger.reader import EMPTY_HEAD, FileTail, Head, NotALedgerLine, day_files, head_of, read_file_tail
from doorman.ledger.seal import seal_fields

LOCK_NAME = ".lock"
SYNC_LOCK_NAME = ".sync"  # also holds "FILE SIZE": how much of FILE is known to be fsynced
TORN_DIR = "torn"
MIN_FREE_BYTES = 1 << 20
_SYNC_RECORD = 64


def day_file(ledger_dir: Path, day: str) -> Path:
    return ledger_dir / f"{day}.jsonl"


@dataclass(frozen=True)
class Appended:
    seq: int
    hash: str
    path: Path


@dataclass(frozen=True)
class Sealed:
    day: str
    lines: int
    head: str
    seq: int
    hash: str
    path: Path

    def as_head(self) -> Head:
        return Head(self.seq, self.hash, self.day, True, self.path)


class LedgerWriter:
    def __init__(
        self,
        ledger_dir: Path,
        *,
        key_path: Path | None = None,
        group_commit: bool = True,
        write: WriteFn = os.write,
    ):
        self.dir = ledger_dir
        self.key_path = key_path or keys.default_key_path(ledger_dir)
        self.group_commit = group_commit
        self._write = write  # injectable, so tests can make the disk fill up mid-line
        self.fsyncs = 0  # how many fsyncs this writer made (group commit shares them)
        self._last: tuple[Head, int, int] | None = None  # our last line: its head, file end and inode

    def append(self, entry: LedgerEntry) -> Appended:
        """Return only once the line is on disk; raise LedgerUnavailable otherwise."""
        path = self.dir
        fields_part = fields_json(entry.fields())  # serialised before the lock: less time holding it
        try:
            self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            with _locked(self.dir / LOCK_NAME):
                head = self._known_head() or self._healed_head()
                # A late line (its day already closed by another process) joins the open day.
                day = max(entry.day, head.day or entry.day)
                if head.day is not None and day > head.day and not head.is_seal:
                    head = self._seal(head).as_head()
                path = day_file(self.dir, day)
                opens_file = head.day is not None and day != head.day
                line, line_hash = link_line(entry.ts, head.seq + 1, head.hash, fields_part,
                                            prev_day=head.day if opens_file else None)
                fd, end = self._write_line(path, line, sync_now=not self.group_commit)
                self._last = (Head(head.seq + 1, line_hash, day, False, path), end, os.fstat(fd).st_ino)
            try:
                if self.group_commit:
                    self._sync_through(fd, path, end)
            finally:
                os.close(fd)
            return Appended(head.seq + 1, line_hash, path)
        except OSError as exc:
            raise LedgerUnavailable(
                f"cannot write the ledger at {path}: {exc.strerror or exc}; the call was not run"
            ) from exc
        except NotALedgerLine as exc:
            raise LedgerUnavailable(f"{exc}; run `doorman ledger verify`; the call was not run") from exc

    def seal(self) -> Sealed | None:
        """Seal the newest day file now (heals a torn line first); None when there is nothing to seal."""
        try:
            self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            with _locked(self.dir / LOCK_NAME):
                head = self._healed_head()
                if head.empty or head.is_seal:
                    return None
                return self._seal(head)
        except OSError as exc:
            raise LedgerUnavailable(f"cannot seal the ledger at {self.dir}: {exc.strerror or exc}") from exc
        except NotALedgerLine as exc:
            raise LedgerUnavailable(f"{exc}; run `doorman ledger verify`") from exc

    def check_writable(self) -> None:
        """Raise LedgerUnavailable unless a line could be appended now."""
        try:
            self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
            os.close(fd)
            if not os.access(self.dir, os.W_OK):
                raise PermissionError(13, "Permission denied")
            fs = os.statvfs(self.dir)
            if fs.f_flag & os.ST_RDONLY:
                raise OSError(30, "Read-only file system")
            if fs.f_bavail * fs.f_frsize < MIN_FREE_BYTES:
                raise OSError(28, f"No space left on device ({fs.f_bavail * fs.f_frsize} bytes free)")
        except OSError as exc:
            raise LedgerUnavailable(
                f"cannot write the ledger at {self.dir}: {exc.strerror or exc}; the call was not run"
            ) from exc

    # -- under the lock ------------------------------------------------------------

    def _known_head(self) -> Head | None:
        """Our own last line, while its file still ends with it: no other writer, no torn
        line since. Saves reading the tail back on every append."""
        if self._last is None:
            return None
        head, end, inode = self._last
        try:
            stat = os.stat(head.path)
        except OSError:
            return None
        return head if stat.st_size == end and stat.st_ino == inode else None

    def _healed_head(self) -> Head:
        """The chain head, after moving a torn last line (a crash mid-write) aside."""
        newest: FileTail | None = None
        for path in reversed(day_files(self.dir)):
            tail = read_file_tail(path)
            if newest is None:
                newest = tail
                if tail.torn:
                    self._move_torn_aside(tail)
            head = head_of(tail)
            if head is not None:
                return head
        return EMPTY_HEAD

    def _move_torn_aside(self, tail: FileTail) -> None:
        stamp = utc_timestamp().replace(":", "").replace("-", "").replace(".", "")
        move_torn_aside(tail.path, tail.whole_end, self.dir / TORN_DIR, stamp)
        # The file shrank: what .sync says was fsynced may no longer be true of its bytes.
        with _locked(self.dir / SYNC_LOCK_NAME) as sync_fd:
            os.pwrite(sync_fd, b" " * _SYNC_RECORD, 0)

    def _seal(self, head: Head) -> Sealed:
        assert head.path is not None and head.day is not None
        self._last = None
        try:
            key = keys.load_or_create(self.key_path)
        except ValueError as exc:
            raise LedgerUnavailable(f"cannot use the ledger signing key {self.key_path}: {exc}") from exc
        lines = _count_lines(head.path)
        fields = seal_fields(key, head.day, lines, head.hash)
        line, line_hash = chained_line(utc_timestamp(), head.seq + 1, head.hash, fields)
        fd, _ = self._write_line(head.path, line, sync_now=True)  # a seal is rare: make it durable now
        os.close(fd)
        return Sealed(head.day, lines, head.hash, head.seq + 1, line_hash, head.path)

    def _write_line(self, path: Path, line: bytes, *, sync_now: bool) -> tuple[int, int]:
        """Append one whole line; on failure cut back any partial bytes. Returns (fd, end offset)."""
        fd, end = append_whole(path, line, self._write, sync=sync_now)
        if sync_now:
            self.fsyncs += 1
        return fd, end

    # -- after the lock: group commit ------------------------------------------------

    def _sync_through(self, fd: int, path: Path, end: int) -> None:
        """Return once `path` is fsynced through byte `end`, by this fsync or another's."""
        with _locked(self.dir / SYNC_LOCK_NAME) as sync_fd:
            synced_name, synced_size = _read_synced(sync_fd)
            if synced_name == path.name and synced_size >= end:
                return
            size = os.fstat(fd).st_size  # every byte written before this fsync is covered
            os.fsync(fd)
            self.fsyncs += 1
            # Fixed width, so no truncate (a journaled metadata change) per commit.
            os.pwrite(sync_fd, f"{path.name} {size}".ljust(_SYNC_RECORD).encode(), 0)


def _read_synced(sync_fd: int) -> tuple[str, int]:
    raw = os.pread(sync_fd, _SYNC_RECORD, 0).decode("ascii", "replace").split()
    if len(raw) == 2 and raw[1].isdigit():
        return raw[0], int(raw[1])
    return "", -1


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            count += block.count(b"\n")
    return count

