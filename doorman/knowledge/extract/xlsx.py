"""XLSX, streamed (openpyxl read-only): every sheet, each row with its header."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from doorman.knowledge.blocks import Block, Unreadable
from doorman.knowledge.extract.tables import table_rows


def extract_xlsx(path: Path) -> Iterator[Block]:
    import openpyxl

    with path.open("rb") as handle:  # a handle, not the path: openpyxl refuses names not ending .xlsx
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise Unreadable(f"corrupt XLSX ({exc})") from None
        try:
            for sheet in workbook.worksheets:
                rows = ([_cell(v) for v in row] for row in sheet.iter_rows(values_only=True))
                yield from table_rows(rows, (sheet.title,))
        finally:
            workbook.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes") if value.time() != datetime.min.time() \
            else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
