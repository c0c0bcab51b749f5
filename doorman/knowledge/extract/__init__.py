"""Extractors, one per format: a file's text as Blocks in reading order, with its structure."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from doorman.knowledge import sniff
from doorman.knowledge.blocks import Block
from doorman.knowledge.extract.docx import extract_docx
from doorman.knowledge.extract.markdown import extract_markdown
from doorman.knowledge.extract.pdf import extract_pdf
from doorman.knowledge.extract.text import extract_text
from doorman.knowledge.extract.xlsx import extract_xlsx

EXTRACTORS: dict[str, Callable[[Path], Iterator[Block]]] = {
    sniff.PDF: extract_pdf,
    sniff.DOCX: extract_docx,
    sniff.XLSX: extract_xlsx,
    sniff.MARKDOWN: extract_markdown,
    sniff.TEXT: extract_text,
}


def extract(path: Path, kind: str) -> Iterator[Block]:
    """The file's Blocks; raises Unreadable (a reason in words) when it cannot be read."""
    return EXTRACTORS[kind](path)
