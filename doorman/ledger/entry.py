"""The ledger line: a contract auditors and other tools depend on.

Never holds prompt text, completion text or placeholder mappings. The chain fields
(`seq`, `prev`, `hash`) are added by the writer (doorman/ledger/chain.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields as dataclass_fields
from datetime import datetime, timezone
from typing import Any, Literal

Status = Literal["ok", "error", "rejected", "cancelled"]


def utc_timestamp(moment: datetime | None = None) -> str:
    """RFC 3339 in UTC with milliseconds, e.g. 2026-11-22T13:16:00.123Z."""
    moment = moment or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class LedgerEntry:
    ts: str
    request_id: str
    module_id: str | None
    tier: str | None
    model: str | None
    duration_ms: int
    cost_usd: float
    sanitised_outbound: bool
    status: Status
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str | None = None
    route_reason: str | None = None
    error_code: str | None = None

    @property
    def day(self) -> str:
        return self.ts[:10]

    def fields(self) -> dict[str, Any]:
        """The line's own fields in their fixed order; optional ones only when known."""
        return {k: v for k in _FIELD_NAMES if (v := getattr(self, k)) is not None or k in _REQUIRED}

    def to_line(self) -> str:
        """The unchained (v1) line; the writer adds seq, prev and hash."""
        return json.dumps(self.fields(), ensure_ascii=False, separators=(",", ":")) + "\n"


_REQUIRED = {
    "ts", "request_id", "module_id", "tier", "model",
    "duration_ms", "cost_usd", "sanitised_outbound", "status",
}
_FIELD_NAMES = tuple(f.name for f in dataclass_fields(LedgerEntry))
