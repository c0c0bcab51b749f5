"""Tables as rows: each data row carries its header, so a row read alone still says what its values are."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from doorman.knowledge.blocks import Block


def table_rows(rows: Iterable[list[str]], section: tuple[str, ...]) -> Iterator[Block]:
    """Each data row as 'header: value; ...' so a row read alone still says what its values are."""
    header: list[str] | None = None
    for cells in rows:
        if not any(cells):
            continue
        if header is None:
            header = [c or f"column {i + 1}" for i, c in enumerate(cells)]
            continue
        pairs = [f"{header[i] if i < len(header) else f'column {i + 1}'}: {c}" for i, c in enumerate(cells) if c]
        yield Block("; ".join(pairs), section, row=True)
