"""Reading the ledger back: day files, the head of the chain, the newest entries."""

from __future__ import annotations

import json
import os
import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from doorman.ledger.chain import GENESIS, Link, read_link

DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}\.jsonl")
_TAIL_CHUNK = 8192


def day_files(ledger_dir: Path) -> list[Path]:
    if not ledger_dir.is_dir():
        return []
    return sorted(ledger_dir / name for name in os.listdir(ledger_dir) if DAY_FILE.fullmatch(name))


def day_of(path: Path) -> str:
    return path.name[:10]


@dataclass(frozen=True)
class FileTail:
    """The end of one day file: its last whole line and any partial line after it."""

    path: Path
    size: int
    last_line: bytes | None  # without its newline; None when the file holds no whole line
    last_line_offset: int  # where the last whole line starts
    whole_end: int  # offset just past the last newline; bytes after it are torn

    @property
    def torn(self) -> bool:
        return self.whole_end < self.size


def read_file_tail(path: Path) -> FileTail:
    """Read backwards only as far as the last whole line: cheap on any file size."""
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        chunk = _TAIL_CHUNK
        while True:
            start = max(0, size - chunk)
            handle.seek(start)
            data = handle.read(size - start)
            last_nl = data.rfind(b"\n")
            if last_nl == -1:
                if start == 0:
                    return FileTail(path, size, None, 0, 0)
                chunk *= 4
                continue
            before = data.rfind(b"\n", 0, last_nl)
            if before == -1 and start > 0:
                chunk *= 4
                continue
            return FileTail(path, size, data[before + 1 : last_nl], start + before + 1, start + last_nl + 1)


@dataclass(frozen=True)
class Head:
    """The newest whole line of the chain: what the next line links to."""

    seq: int
    hash: str
    day: str | None  # the day file holding it; None for an empty ledger
    is_seal: bool
    path: Path | None

    @property
    def empty(self) -> bool:
        return self.path is None


EMPTY_HEAD = Head(seq=0, hash=GENESIS, day=None, is_seal=False, path=None)


class NotALedgerLine(ValueError):
    def __init__(self, path: Path, detail: str):
        super().__init__(f"{path}: its last whole line is not a ledger line ({detail})")
        self.path = path


def head_of(tail: FileTail) -> Head | None:
    """The chain head in one file's tail; None when the file holds no whole line."""
    if tail.last_line is None:
        return None
    link: Link | None = read_link(tail.last_line, check=False)
    if link is not None:
        return Head(link.seq, link.hash, day_of(tail.path), link.is_seal, tail.path)
    try:
        legacy = json.loads(tail.last_line)
    except ValueError:
        raise NotALedgerLine(tail.path, "not JSON") from None
    if isinstance(legacy, dict) and "seq" not in legacy and "ts" in legacy:
        # A line from before the chain: the chain starts after it.
        return Head(0, GENESIS, day_of(tail.path), False, tail.path)
    raise NotALedgerLine(tail.path, "no chain fields")


def read_head(ledger_dir: Path) -> tuple[Head, FileTail | None]:
    """The head of the chain and the newest file's tail (to spot a torn line)."""
    files = day_files(ledger_dir)
    newest_tail = None
    for path in reversed(files):
        tail = read_file_tail(path)
        newest_tail = newest_tail or tail
        head = head_of(tail)
        if head is not None:
            return head, newest_tail
    return EMPTY_HEAD, newest_tail


def parse_entry(line: bytes | str) -> dict[str, Any] | None:
    """An entry line as a dict; None for seal lines."""
    obj = json.loads(line)
    return None if obj.get("kind") == "seal" else obj


def tail(ledger_dir: Path, count: int) -> list[dict[str, Any]]:
    """The newest `count` entries, oldest first (seals and a torn last line left out)."""
    newest: deque[dict[str, Any]] = deque()
    for path in reversed(day_files(ledger_dir)):
        lines: deque[dict[str, Any]] = deque(maxlen=count - len(newest))
        with path.open("rb") as handle:
            for line in handle:
                if not line.endswith(b"\n") or not line.strip():
                    continue
                entry = parse_entry(line)
                if entry is not None:
                    lines.append(entry)
        for entry in reversed(lines):
            newest.appendleft(entry)
        if len(newest) >= count:
            break
    return list(newest)
