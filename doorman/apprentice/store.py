"""Append-only JSONL files with the ledger's durability rules.

Appends take an exclusive lock (a `.lock` beside the file), heal a torn last line
(a crash mid-write: its bytes are moved to `torn/` and the file cut back to its
last whole line), write whole lines and fsync before returning. Readers see only
whole lines: a partial last line (being written, or torn) is never yielded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from doorman.core.errors import CorpusUnavailable
from doorman.ledger.durable import append_whole, locked, move_torn_aside
from doorman.ledger.entry import utc_timestamp
from doorman.ledger.reader import read_file_tail

LOCK_NAME = ".lock"
TORN_DIR = "torn"
_CHUNK = 1 << 16


def json_line(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Line:
    """One whole line of a JSONL file, where it lies (1-based line number, byte offset)."""

    path: Path
    number: int
    offset: int
    raw: bytes

    @property
    def where(self) -> str:
        return f"{self.path}:{self.number}"


class AppendFile:
    def __init__(self, path: Path):
        self.path = path
        self.lock_path = path.parent / LOCK_NAME

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the folder's lock: a check-then-append under it sees no other writer in between."""
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with locked(self.lock_path):
                yield
        except OSError as exc:
            raise CorpusUnavailable(f"cannot use {self.path}: {exc.strerror or exc}") from exc

    def append(self, *records: dict[str, Any]) -> None:
        """Append records as whole lines, durably. Call inside `lock()`."""
        data = b"".join(json_line(r) for r in records)
        try:
            if self.path.exists():
                self._heal_torn_tail()
            fd, _ = append_whole(self.path, data, sync=True)
            os.close(fd)
        except OSError as exc:
            raise CorpusUnavailable(f"cannot write {self.path}: {exc.strerror or exc}") from exc

    def _heal_torn_tail(self) -> None:
        tail = read_file_tail(self.path)
        if not tail.torn:
            return
        stamp = utc_timestamp().replace(":", "").replace("-", "").replace(".", "")
        move_torn_aside(self.path, tail.whole_end, self.path.parent / TORN_DIR, stamp)

    def lines(self) -> Iterator[Line]:
        """Every whole line, streamed; a partial last line is left out."""
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            return
        except OSError as exc:
            raise CorpusUnavailable(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        with handle:
            number, offset = 0, 0
            for raw in handle:
                if not raw.endswith(b"\n"):
                    return
                number += 1
                yield Line(self.path, number, offset, raw[:-1])
                offset += len(raw)

    def torn_tail(self) -> bool:
        """True when the file ends in a partial line (a crash mid-write, healed by the next append)."""
        return self.path.exists() and read_file_tail(self.path).torn

    def line_at(self, offset: int) -> bytes:
        with self.path.open("rb") as handle:
            handle.seek(offset)
            return handle.readline().rstrip(b"\n")
