"""What extractors hand to chunking: a document's text in reading order, with its structure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph, a heading's body text, a table row or a page's text, in reading order."""

    text: str
    section: tuple[str, ...] = ()  # the heading path it sits under; () is the document's top
    page: int | None = None  # 1-based, for paged formats (PDF)
    row: bool = False  # a table row: a unit of its own, never split or overlapped


class Unreadable(Exception):
    """A file that cannot be ingested; `reason` says why in words (it goes in the closing table)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
