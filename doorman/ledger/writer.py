"""Durable appends: whole lines, one writer at a time across processes, fsynced."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from doorman.core.errors import LedgerUnavailable
from doorman.ledger.entry import LedgerEntry

LOCK_NAME = ".lock"


def day_file(ledger_dir: Path, day: str) -> Path:
    return ledger_dir / f"{day}.jsonl"


class LedgerWriter:
    def __init__(self, ledger_dir: Path):
        self.dir = ledger_dir

    def append(self, entry: LedgerEntry) -> None:
        """Return only once the line is on disk; raise LedgerUnavailable otherwise."""
        line = entry.to_line().encode("utf-8")
        path = day_file(self.dir, entry.day)
        try:
            self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            lock_fd = os.open(self.dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                # The lock keeps lines of concurrent processes from interleaving.
                fcntl.flock(lock_fd, fcntl.LOCK_EX)
                created = not path.exists()
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    _write_all(fd, line)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                if created:
                    _fsync_dir(self.dir)
            finally:
                os.close(lock_fd)  # closing the descriptor releases the lock
        except OSError as exc:
            raise LedgerUnavailable(
                f"cannot write the ledger at {path}: {exc.strerror or exc}; the call was not run"
            ) from exc

    def check_writable(self) -> None:
        """Raise LedgerUnavailable unless a line could be appended now."""
        try:
            self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
            os.close(fd)
            if not os.access(self.dir, os.W_OK):
                raise PermissionError(13, "Permission denied")
        except OSError as exc:
            raise LedgerUnavailable(
                f"cannot write the ledger at {self.dir}: {exc.strerror or exc}; the call was not run"
            ) from exc


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
