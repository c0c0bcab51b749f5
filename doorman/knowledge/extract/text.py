"""Plain UTF-8 text: paragraphs split on blank lines."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from doorman.knowledge.blocks import Block, Unreadable

_BLANK_LINES = re.compile(r"\n\s*\n")


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable(f"not UTF-8 text (byte {exc.start})") from None


def extract_text(path: Path) -> Iterator[Block]:
    text = read_text(path).replace("\r\n", "\n")
    for paragraph in _BLANK_LINES.split(text):
        if paragraph.strip():
            yield Block(paragraph.strip())
