"""Extraction and chunking on real files written here: PDF, DOCX, XLSX, Markdown, text."""

from __future__ import annotations

from pathlib import Path

import pytest

from doorman.knowledge import sniff
from doorman.knowledge.blocks import Unreadable
from doorman.knowledge.chunking import chunk_blocks
from doorman.knowledge.extract import extract
from doorman.knowledge.extract.markdown import markdown_blocks
from doorman.knowledge.samples import encrypt_pdf, write_docx, write_pdf, write_xlsx
from doorman.knowledge.tokens import SAFETY, estimate_tokens

PAGES = [["Payment terms are 30 days net.", "Late fees apply after day 45."],
         ["Northwind Maritime owns the vessel Halcyon."],
         ["Appendix: the fee schedule."]]


def blocks(path: Path):
    return list(extract(path, sniff.content_type(path)))


def test_content_type_comes_from_the_bytes_not_the_name(tmp_path):
    pdf = write_pdf(tmp_path / "report.txt", PAGES)
    docx = write_docx(tmp_path / "memo.bin", "Memo", [("Background", ["Text."])])
    xlsx = write_xlsx(tmp_path / "book.dat", {"Staff": [["Name"], ["Ada"]]})
    notes = tmp_path / "NOTES"
    notes.write_text("# Notes\n\nSome text.\n")
    plain = tmp_path / "readme"
    plain.write_text("Just words.\n")
    assert [sniff.content_type(p) for p in (pdf, docx, xlsx, notes, plain)] == \
        ["pdf", "docx", "xlsx", "markdown", "text"]
    assert [b.text for b in blocks(xlsx)] == ["Name: Ada"] and blocks(docx)[0].text == "Text."
    legacy = tmp_path / "old.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    with pytest.raises(ValueError, match="legacy Office"):
        sniff.content_type(legacy)
    binary = tmp_path / "image.md"
    binary.write_bytes(bytes(range(256)))
    with pytest.raises(ValueError, match="not a supported type"):
        sniff.content_type(binary)


def test_pdf_text_comes_page_by_page_under_its_outline_sections(tmp_path):
    pdf = write_pdf(tmp_path / "report.pdf", PAGES, outline=[("Terms", 0), ("Parties", 1)])
    found = blocks(pdf)
    assert [(b.page, b.section) for b in found] == [(1, ("Terms",)), (2, ("Parties",)), (3, ("Parties",))]
    assert "Late fees apply after day 45." in found[0].text


def test_a_pdf_pdfium_rejects_is_read_by_pypdf(tmp_path):
    good = write_pdf(tmp_path / "good.pdf", PAGES).read_bytes()
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(good.replace(b"/Root 1 0 R", b"/Roo 1 0 R"))  # pdfium needs the trailer's /Root
    assert [b.page for b in blocks(damaged)] == [1, 2, 3]
    assert "Northwind Maritime" in blocks(damaged)[1].text


def test_unreadable_pdfs_say_why_in_words(tmp_path):
    plain = write_pdf(tmp_path / "plain.pdf", PAGES)
    locked = encrypt_pdf(plain, tmp_path / "locked.pdf", "s3cret")
    scanned = write_pdf(tmp_path / "scan.pdf", [["x"]] * 3, text_layer=False)
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog garbage")
    reasons = {}
    for path in (locked, scanned, corrupt):
        with pytest.raises(Unreadable) as caught:
            blocks(path)
        reasons[path.name] = caught.value.reason
    assert reasons["locked.pdf"].startswith("encrypted: it needs a password")
    assert reasons["scan.pdf"] == "no text layer on any of its 3 pages (scanned images?); doorman has no OCR"
    assert reasons["corrupt.pdf"].startswith("corrupt or not a PDF")


def test_a_pdf_encrypted_without_a_user_password_is_read(tmp_path):
    opened = encrypt_pdf(write_pdf(tmp_path / "plain.pdf", PAGES), tmp_path / "owner-only.pdf", "")
    assert "Payment terms" in blocks(opened)[0].text


def test_docx_keeps_headings_as_sections_and_tables_as_rows_with_their_header(tmp_path):
    path = write_docx(tmp_path / "memo.docx", "Memo", [("Background", ["Ada wrote to Charles."]),
                                                        ("Decision", ["We go ahead."])],
                      table=[["Name", "Role"], ["Ada", "Engineer"], ["Bob", "Manager"]])
    found = blocks(path)
    assert [(b.text, b.section, b.row) for b in found] == [
        ("Ada wrote to Charles.", ("Memo", "Background"), False),
        ("We go ahead.", ("Memo", "Decision"), False),
        ("Name: Ada; Role: Engineer", ("Memo", "Decision"), True),
        ("Name: Bob; Role: Manager", ("Memo", "Decision"), True),
    ]


def test_xlsx_gives_every_sheet_each_row_with_its_header(tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", {"Staff": [["Name", "Dept"], ["Ada", "R&D"], [None, None], ["Bob", "Ops"]],
                                               "Costs": [["Item", "USD"], ["Ship", 1200.5], ["Dock", 300]]})
    assert [(b.section, b.text) for b in blocks(path)] == [
        (("Staff",), "Name: Ada; Dept: R&D"), (("Staff",), "Name: Bob; Dept: Ops"),
        (("Costs",), "Item: Ship; USD: 1200.5"), (("Costs",), "Item: Dock; USD: 300"),
    ]


def test_markdown_keeps_the_heading_path_and_table_rows():
    source = "# Guide\n\nIntro.\n\n## Install\n\nRun it.\n\n### Linux\n\n- apt\n\n## Use\n\n| cmd | what |\n|---|---|\n| ls | list |\n"
    assert [(b.section, b.text, b.row) for b in markdown_blocks(source)] == [
        (("Guide",), "Intro.", False),
        (("Guide", "Install"), "Run it.", False),
        (("Guide", "Install", "Linux"), "apt", False),
        (("Guide", "Use"), "cmd: ls; what: list", True),
    ]


def test_chunks_never_cross_sections_and_long_prose_is_split_with_overlap():
    sentences = " ".join(f"Sentence number {i} says something about the harbour fees." for i in range(80))
    source = f"# A\n\n{sentences}\n\n# B\n\nShort text.\n"
    chunks = list(chunk_blocks(markdown_blocks(source), target=120, overlap=20))
    in_a = [c for c in chunks if c.section == ("A",)]
    assert len(in_a) > 3 and chunks[-1].section == ("B",) and chunks[-1].text == "Short text."
    assert all(c.tokens <= 120 + 20 for c in in_a)
    for before, after in zip(in_a, in_a[1:]):  # each chunk opens with the end of the one before
        opening = after.text.removeprefix("… ").split()[:3]
        assert " ".join(opening) in before.text


def test_table_rows_are_never_split_or_overlapped():
    rows = "\n".join(f"| client {i} | {i * 100} |" for i in range(60))
    chunks = list(chunk_blocks(markdown_blocks(f"| client | fee |\n|---|---|\n{rows}\n"), target=50))
    lines = [line for c in chunks for line in c.text.split("\n")]
    assert lines == [f"client: client {i}; fee: {i * 100}" for i in range(60)]


def test_the_token_estimate_tracks_the_embedded_models_tokenizer(local_tier):
    llm = local_tier.load()
    texts = [
        " ".join(PAGES[0]) * 20,
        "Invoice INV-20931 for $1,234,567.89 is due 2024-03-31; contact ada@example.com. " * 15,
        "| client | fee |\n" + "\n".join(f"| Northwind {i} | {i * 17} |" for i in range(40)),
        "def estimate_tokens(text: str) -> int:\n    return sum(1 for _ in text.split())\n" * 12,
    ]
    for text in texts:
        real = len(llm.tokenize(text.encode(), add_bos=False))
        estimate = estimate_tokens(text)
        assert 0.8 * real <= estimate <= 1.2 * real, (text[:40], estimate, real)
        assert estimate * SAFETY >= real  # what fitting the context window relies on
