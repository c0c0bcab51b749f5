"""--since / --until: a day (YYYY-MM-DD) or an RFC 3339 time, both inclusive, in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from doorman.core.errors import InvalidArgument
from doorman.ledger.entry import utc_timestamp

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Period:
    since_day: str | None = None
    until_day: str | None = None
    since_ts: str | None = None  # set only when a time (not a whole day) was given
    until_ts: str | None = None

    def bounded(self) -> bool:
        return self.since_day is not None or self.until_day is not None

    def holds(self, ts: str) -> bool:
        day = ts[:10]
        if self.since_day and day < self.since_day or self.until_day and day > self.until_day:
            return False
        if self.since_ts and ts < self.since_ts or self.until_ts and ts > self.until_ts:
            return False
        return True


def parse_period(since: str | None, until: str | None) -> Period:
    """Raise InvalidArgument naming the option when a bound cannot be read."""
    since_day, since_ts = _parse_bound(since, "--since")
    until_day, until_ts = _parse_bound(until, "--until")
    if since_day and until_day and since_day > until_day:
        raise InvalidArgument(f"--since {since} is after --until {until}")
    return Period(since_day, until_day, since_ts, until_ts)


def parse_day(value: str | None, option: str) -> str | None:
    day, moment = _parse_bound(value, option)
    if moment is not None:
        raise InvalidArgument(f"{option}: expected a day YYYY-MM-DD, got {value!r}")
    return day


def _parse_bound(value: str | None, option: str) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    text = value.strip()
    try:
        if _DAY.fullmatch(text):
            return date.fromisoformat(text).isoformat(), None
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidArgument(
            f"{option}: cannot read {value!r} as a day (YYYY-MM-DD) or a time (e.g. 2026-11-22T13:00:00Z)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    ts = utc_timestamp(moment)
    return ts[:10], ts
