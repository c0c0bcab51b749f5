"""The append-only audit ledger: one JSON line per call, in daily files."""

from doorman.ledger.entry import LedgerEntry
from doorman.ledger.writer import LedgerWriter

__all__ = ["LedgerEntry", "LedgerWriter"]
