"""Export for auditors: the entry lines of a range, filtered, as JSONL or CSV, streaming.

Memory stays flat whatever the ledger's size: lines go from the chain walk straight to
the output. The walk checks the chain as it goes; a range that does not verify is
exported with its problems reported (or, with strict, refused before a byte is written).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from doorman.core.errors import InvalidArgument, LedgerTampered
from doorman.ledger.columns import (
    COLUMNS,
    MODULE,
    STATUS,
    TIER,
    TS,
    columns,
    csv_header,
    csv_lines,
)
from doorman.ledger.period import Period
from doorman.ledger.reader import day_files, day_of
from doorman.ledger.verify import ChainWalk, Problem

FORMATS = ("jsonl", "csv")
CSV_COLUMNS = COLUMNS
CHUNK_LINES = 1024  # lines per write: big enough to amortise, small enough to stream


@dataclass(frozen=True)
class ExportFilter:
    period: Period = field(default_factory=Period)
    modules: frozenset[str] = frozenset()
    tiers: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()

    def needs_fields(self) -> bool:
        return bool(self.modules or self.tiers or self.statuses or self.period.bounded())

    def keeps(self, line: bytes) -> bool:
        """Does an entry line pass the filter? Decided on bytes: in compact JSON an unescaped
        `"module_id":"legal"` can only be that key with that value, never text inside a value."""
        if not line.startswith(b'{"ts":"'):
            return self._keeps_parsed(columns(line))
        if self.modules and not _has_any(line, _tokens("module_id", self.modules)):
            return False
        if self.tiers and not _has_any(line, _tokens("tier", self.tiers)):
            return False
        if self.statuses and not _has_any(line, _tokens("status", self.statuses)):
            return False
        period = self.period
        return period.holds(line[7 : line.find(b'"', 7)].decode("utf-8")) if period.bounded() else True

    def _keeps_parsed(self, values: tuple[bytes | None, ...]) -> bool:
        if self.modules and _str(values[MODULE]) not in self.modules:
            return False
        if self.tiers and _str(values[TIER]) not in self.tiers:
            return False
        if self.statuses and _str(values[STATUS]) not in self.statuses:
            return False
        return self.period.holds(_str(values[TS]) or "")


@lru_cache(maxsize=64)
def _tokens(key: str, values: frozenset[str]) -> tuple[bytes, ...]:
    return tuple(f'"{key}":{json.dumps(v, ensure_ascii=False)}'.encode("utf-8") for v in sorted(values))


def _has_any(line: bytes, tokens: tuple[bytes, ...]) -> bool:
    return any(token in line for token in tokens)


def _str(value: bytes | None) -> str | None:
    return None if value is None else value.decode("utf-8")


@dataclass
class ExportResult:
    exported: int
    walked: int
    problems: list[Problem]


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InvalidArgument(f"--format: unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    return fmt


def export(
    ledger_dir: Path,
    out: BinaryIO,
    *,
    fmt: str = "jsonl",
    where: ExportFilter = ExportFilter(),
    strict: bool = False,
    walk_options: dict | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ExportResult:
    check_format(fmt)
    # A call that ends just after midnight may land in the next day's file: read one file further.
    options = dict(walk_options or {}, since=where.period.since_day,
                   until=_file_after(ledger_dir, where.period.until_day))
    if strict:
        first = ChainWalk(ledger_dir, **options)
        first.run()
        if first.problems:
            more = f" (and {len(first.problems) - 1} more)" if len(first.problems) > 1 else ""
            raise LedgerTampered(f"export refused (--strict): {first.problems[0]}{more}")
    walk = ChainWalk(ledger_dir, on_progress=on_progress, **options)
    lines = walk.entries()
    if fmt == "jsonl":
        exported = _jsonl(lines, out, where)
    else:
        exported = _csv(lines, out, where)
    return ExportResult(exported, walk.summary.entries, walk.problems)


def _file_after(ledger_dir: Path, day: str | None) -> str | None:
    if day is None:
        return None
    later = [day_of(p) for p in day_files(ledger_dir) if day_of(p) > day]
    return later[0] if later else day


def _jsonl(lines, out: BinaryIO, where: ExportFilter) -> int:
    chunk: list[bytes] = []
    exported = 0
    keeps, filtered = where.keeps, where.needs_fields()
    for line in lines:
        if filtered and not keeps(line):
            continue
        chunk.append(line)
        if len(chunk) >= 4096:
            out.write(b"\n".join(chunk) + b"\n")
            exported += len(chunk)
            chunk.clear()
    if chunk:
        out.write(b"\n".join(chunk) + b"\n")
        exported += len(chunk)
    return exported


def _csv(lines, out: BinaryIO, where: ExportFilter) -> int:
    out.write(csv_header())
    exported = 0
    if where.needs_fields():
        lines = filter(where.keeps, lines)
    # Chunks pulled by islice (no Python loop per line here), each formatted in bulk and written once.
    while chunk := list(islice(lines, CHUNK_LINES)):
        out.write(csv_lines(chunk))
        exported += len(chunk)
    return exported
