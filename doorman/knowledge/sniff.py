"""A file's content type from its bytes (magic numbers, a zip's members), not only its name."""

from __future__ import annotations

import zipfile
from pathlib import Path

PDF, DOCX, XLSX, MARKDOWN, TEXT = "pdf", "docx", "xlsx", "markdown", "text"
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def content_type(path: Path) -> str:
    """One of PDF, DOCX, XLSX, MARKDOWN, TEXT; raises ValueError saying what the file is instead."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _office(path)
    if head.startswith(_OLE):
        raise ValueError("a legacy Office file (.doc/.xls); save it as .docx or .xlsx")
    if not head:
        raise ValueError("empty file")
    if b"\x00" in head or not _utf8(head):
        raise ValueError("not a supported type (PDF, DOCX, XLSX, Markdown or UTF-8 text)")
    if path.suffix.lower() in MARKDOWN_SUFFIXES or _has_headings(head):
        return MARKDOWN
    return TEXT


def _office(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise ValueError("a damaged zip archive (not a readable DOCX or XLSX)") from None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    raise ValueError("a zip archive that is neither DOCX nor XLSX")


def _utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(head) - 4  # only a character cut at the end of the sample
    return True


def _has_headings(head: bytes) -> bool:
    lines = head.decode("utf-8", "ignore").splitlines()
    return any(line.startswith(("# ", "## ", "### ")) for line in lines[:200])
