"""`doorman corpus stats`: attempts and verdicts per module, adapter stack and period.

The verdict in force on each attempt counts (a superseded one does not); the
acceptance rate is accepted / reviewed. Rising acceptance for one adapter stack is
the signal that it is good enough to promote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from doorman.apprentice.corpus import Corpus, adapters_label, parse
from doorman.apprentice.signing import VERDICTS
from doorman.core.errors import InvalidArgument

PERIODS = ("day", "week", "all")


@dataclass
class StatRow:
    module: str
    adapters: str
    period: str
    attempts: int = 0
    verdicts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))

    @property
    def reviewed(self) -> int:
        return sum(self.verdicts.values())

    @property
    def acceptance(self) -> float | None:
        return self.verdicts["accept"] / self.reviewed if self.reviewed else None

    def as_json(self) -> dict[str, Any]:
        return {"module": self.module, "adapters": self.adapters, "period": self.period,
                "attempts": self.attempts, "reviewed": self.reviewed, "verdicts": self.verdicts,
                "acceptance_rate": None if self.acceptance is None else round(self.acceptance, 4)}


@dataclass
class ModuleTotals:
    module: str
    attempts: int = 0
    verdict_records: int = 0  # every signed verdict, superseded ones included
    superseded: int = 0


def period_of(ts: str, by: str) -> str:
    if by == "all":
        return "all"
    day = ts[:10]
    if by == "day":
        return day
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def corpus_stats(home_root: Path, module: str | None = None, by: str = "day",
                 on_line: Callable[[], None] = lambda: None) -> tuple[list[StatRow], list[ModuleTotals]]:
    if by not in PERIODS:
        raise InvalidArgument(f"--by: expected one of {', '.join(PERIODS)}, got {by!r}")
    corpus = Corpus(home_root)
    if module is not None and module not in [m.module for m in corpus.modules()]:
        raise InvalidArgument(f"--module: no corpus for module {module!r} (none of its attempts were kept)")
    rows: dict[tuple[str, str, str], StatRow] = {}
    totals = []
    for module_corpus in [corpus.module(module)] if module else corpus.modules():
        total = ModuleTotals(module_corpus.module)
        in_force: dict[str, str] = {}  # request_id -> the kind of its latest verdict
        for _, record in module_corpus.verdict_records():
            on_line()
            if record and record.get("kind") == "verdict" and record.get("verdict") in VERDICTS:
                total.verdict_records += 1
                total.superseded += record.get("request_id") in in_force
                in_force[record["request_id"]] = record["verdict"]
        for line in module_corpus.attempts.lines():
            on_line()
            attempt = parse(line)
            if not attempt or attempt.get("kind") != "attempt":
                continue
            total.attempts += 1
            key = (module_corpus.module, adapters_label(attempt), period_of(attempt["ts"], by))
            row = rows.get(key) or rows.setdefault(key, StatRow(*key))
            row.attempts += 1
            if (kind := in_force.get(attempt.get("request_id"))) is not None:
                row.verdicts[kind] += 1
        totals.append(total)
    return sorted(rows.values(), key=lambda r: (r.module, r.adapters, r.period)), totals
