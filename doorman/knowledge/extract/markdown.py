"""Markdown (markdown-it-py): blocks under their heading path; tables as rows with their header."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from doorman.knowledge.blocks import Block
from doorman.knowledge.extract.tables import table_rows
from doorman.knowledge.extract.text import read_text


def extract_markdown(path: Path) -> Iterator[Block]:
    yield from markdown_blocks(read_text(path))


def markdown_blocks(source: str) -> Iterator[Block]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    section: list[str] = []
    heading_level = 0
    table: list[list[str]] | None = None
    row: list[str] | None = None
    for token in tokens:
        kind = token.type
        if kind == "heading_open":
            heading_level = int(token.tag[1])
        elif kind == "inline" and heading_level:
            del section[heading_level - 1:]
            section.extend([""] * (heading_level - 1 - len(section)))
            section.append(token.content.strip())
            heading_level = 0
        elif kind == "table_open":
            table = []
        elif kind == "tr_open":
            row = []
        elif kind == "inline" and row is not None:
            row.append(token.content.strip())
        elif kind == "tr_close" and table is not None and row is not None:
            table.append(row)
            row = None
        elif kind == "table_close" and table is not None:
            yield from table_rows(table, _path(section))
            table = None
        elif kind == "inline" and token.content.strip():
            yield Block(token.content.strip(), _path(section))
        elif kind in ("fence", "code_block") and token.content.strip():
            yield Block(token.content.rstrip(), _path(section))


def _path(section: list[str]) -> tuple[str, ...]:
    return tuple(s for s in section if s)
