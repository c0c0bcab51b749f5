"""DOCX: paragraphs under their headings, and tables as rows with their header, in body order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from doorman.knowledge.blocks import Block, Unreadable
from doorman.knowledge.extract.tables import table_rows

_HEADING = re.compile(r"(?:heading|titre|überschrift)\s*(\d)", re.IGNORECASE)


def extract_docx(path: Path) -> Iterator[Block]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise Unreadable(f"corrupt DOCX ({exc})") from None
    except Exception as exc:  # lxml's XMLSyntaxError and friends: a damaged part
        raise Unreadable(f"corrupt DOCX ({type(exc).__name__}: {exc})") from None
    section: list[str] = []
    body = document.element.body
    for element in body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            text = paragraph.text.strip()
            if not text:
                continue
            level = _heading_level(paragraph)
            if level:
                del section[level - 1:]
                section.extend([""] * (level - 1 - len(section)))
                section.append(text)
                continue
            yield Block(text, tuple(s for s in section if s))
        elif tag == "tbl":
            yield from table_rows(_cells(Table(element, document)), tuple(s for s in section if s))


def _heading_level(paragraph) -> int:
    name = paragraph.style.name if paragraph.style is not None else ""
    if name == "Title":
        return 1
    match = _HEADING.match(name or "")
    return int(match.group(1)) if match else 0


def _cells(table) -> Iterator[list[str]]:
    for row in table.rows:
        yield [cell.text.strip() for cell in row.cells]
