"""PDF text, page by page: pypdfium2 first (many times pypdf's pages/s), pypdf when pdfium rejects a file."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from doorman.knowledge.blocks import Block, Unreadable

_PASSWORD_ERROR = "password"


def extract_pdf(path: Path) -> Iterator[Block]:
    """One Block per page with text, under the outline's section for that page."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if _PASSWORD_ERROR in str(exc).lower():
            raise Unreadable("encrypted: it needs a password (doorman ingests only PDFs it can open)") from None
        yield from _extract_with_pypdf(path, f"pdfium: {exc}")
        return
    try:
        sections = _outline(document)
        yield from _pages(_pdfium_texts(document), sections)
    finally:
        document.close()


def _pdfium_texts(document) -> Iterator[str]:
    import pypdfium2 as pdfium

    for index in range(len(document)):
        try:
            page = document[index]
        except pdfium.PdfiumError as exc:
            raise Unreadable(f"corrupt page {index + 1} (pdfium: {exc})") from None
        try:
            text_page = page.get_textpage()
            try:
                yield text_page.get_text_range()
            finally:
                text_page.close()
        finally:
            page.close()


def _outline(document) -> list[tuple[int, tuple[str, ...]]]:
    """(first page index, heading path) for each outline entry, in page order; [] without an outline."""
    entries: list[tuple[int, tuple[str, ...]]] = []
    path: list[str] = []
    try:
        for item in document.get_toc():
            title = (item.get_title() or "").strip()
            dest = item.get_dest()
            index = dest.get_index() if dest is not None else None
            del path[item.level:]
            path.append(title)
            if index is not None and title:
                entries.append((index, tuple(path)))
    except Exception as exc:  # a broken outline costs the sections, never the text
        logging.getLogger(__name__).debug("pdf outline unreadable: %s", exc)
        return []
    return sorted(entries, key=lambda e: e[0])


def _pages(texts: Iterator[str], sections: list[tuple[int, tuple[str, ...]]]) -> Iterator[Block]:
    pages = with_text = 0
    current: tuple[str, ...] = ()
    upcoming = iter(sections)
    following = next(upcoming, None)
    for index, text in enumerate(texts):
        pages += 1
        while following is not None and following[0] <= index:
            current = following[1]
            following = next(upcoming, None)
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
        if text:
            with_text += 1
            yield Block(text, current, page=index + 1)
    if pages == 0:
        raise Unreadable("a PDF with no pages")
    if with_text == 0:
        raise Unreadable(f"no text layer on any of its {pages} pages (scanned images?); doorman has no OCR")


def _extract_with_pypdf(path: Path, pdfium_reason: str) -> Iterator[Block]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair warnings would garble the progress bar
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("encrypted: it needs a password (doorman ingests only PDFs it can open)")
        count = len(reader.pages)
    except Unreadable:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise Unreadable(f"corrupt or not a PDF ({pdfium_reason}; pypdf: {exc})") from None

    def texts() -> Iterator[str]:
        for index in range(count):
            try:
                yield reader.pages[index].extract_text() or ""
            except (PyPdfError, ValueError, KeyError, TypeError) as exc:
                raise Unreadable(f"corrupt page {index + 1} ({exc})") from None

    yield from _pages(texts(), [])
