"""Reading the ledger back: newest entries first needed by `ledger tail`."""

from __future__ import annotations

import json
import re
from collections import deque
from pathlib import Path
from typing import Any

DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}\.jsonl")


def day_files(ledger_dir: Path) -> list[Path]:
    if not ledger_dir.is_dir():
        return []
    return sorted(p for p in ledger_dir.iterdir() if DAY_FILE.fullmatch(p.name))


def tail(ledger_dir: Path, count: int) -> list[dict[str, Any]]:
    """The newest `count` entries, oldest first."""
    newest: deque[dict[str, Any]] = deque()
    for path in reversed(day_files(ledger_dir)):
        lines: deque[str] = deque(maxlen=count - len(newest))
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    lines.append(line)
        for line in reversed(lines):
            newest.appendleft(json.loads(line))
        if len(newest) >= count:
            break
    return list(newest)
