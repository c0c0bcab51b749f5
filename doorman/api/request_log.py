"""Structured logs: one JSON line per call on stderr, fit for journald.

Never prompt or answer text, never keys: only what the ledger line holds.
"""

from __future__ import annotations

import logging
import sys

import orjson

from doorman.ledger.entry import LedgerEntry, utc_timestamp

log = logging.getLogger("doorman")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"ts": utc_timestamp(), "level": record.levelname.lower(), "logger": record.name,
                "msg": record.getMessage()}
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


def configure_logging(level: str = "info") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # one line per call comes from the ledger


def log_call(entry: LedgerEntry) -> None:
    log.info("call", extra={"fields": {
        "request_id": entry.request_id, "module": entry.module_id, "tier": entry.tier,
        "status": entry.status, "duration_ms": entry.duration_ms, "error_code": entry.error_code,
        "completion_tokens": entry.completion_tokens,
    }})
