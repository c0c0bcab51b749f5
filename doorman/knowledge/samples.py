"""Small real documents (PDF, DOCX, XLSX, Markdown) written from scratch, for the tests and bench/ingest.py.

The PDF writer is minimal but genuine: Helvetica text pages, an optional outline, or pages with
only a drawing (no text layer, as a scan has).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1", "replace") + b")"


def write_pdf(path: Path, pages: Sequence[Sequence[str]], outline: Sequence[tuple[str, int]] = (),
              text_layer: bool = True) -> Path:
    """`pages`: the lines of each page. `outline`: (title, page index) bookmarks. Without a text layer,
    each page holds only a grey rectangle."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below, once the page and outline numbers are known
    pages_id = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    page_ids = []
    for lines in pages:
        if text_layer:
            ops = [b"BT /F1 11 Tf 14 TL 72 740 Td"]
            for line in lines:
                ops.append(_pdf_string(line) + b" Tj T*")
            ops.append(b"ET")
        else:
            ops = [b"0.6 g 72 72 468 648 re f"]
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> "
                            b"/Contents %d 0 R >>" % (pages_id, font, content)))
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % p for p in page_ids), len(page_ids))
    extra = b""
    if outline:
        root = add(b"")
        items = [add(b"") for _ in outline]
        for i, (title, index) in enumerate(outline):
            links = b""
            if i > 0:
                links += b" /Prev %d 0 R" % items[i - 1]
            if i < len(items) - 1:
                links += b" /Next %d 0 R" % items[i + 1]
            objects[items[i] - 1] = (b"<< /Title " + _pdf_string(title) + b" /Parent %d 0 R /Dest [%d 0 R /Fit]%s >>"
                                     % (root, page_ids[index], links))
        objects[root - 1] = b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (
            items[0], items[-1], len(items))
        extra = b" /Outlines %d 0 R /PageMode /UseOutlines" % root
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R%s >>" % (pages_id, extra)

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    path.write_bytes(bytes(out))
    return path


def encrypt_pdf(source: Path, target: Path, password: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(source)))
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def write_docx(path: Path, title: str, sections: Sequence[tuple[str, Sequence[str]]],
               table: Sequence[Sequence[str]] = ()) -> Path:
    """A title, then (heading, paragraphs) sections, then a table whose first row is its header."""
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for heading, paragraphs in sections:
        document.add_heading(heading, level=2)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.save(str(path))
    return path


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence]]) -> Path:
    """One sheet per entry; each sheet's first row is its header."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    workbook.save(str(path))
    return path
