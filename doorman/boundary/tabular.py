"""Pasted tables (CSV, TSV, ';' or '|' separated, SQL INSERTs): a column's name says what its cells hold."""

from __future__ import annotations

import re
from collections.abc import Iterator

from doorman.boundary.findings import Finding

_COLUMN_LABELS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.IGNORECASE), label)
    for p, label in [
        (r"e[-_ ]?mail|courriel|correo", "EMAIL"),
        (r"birth|^dob$|naissance|nacimiento|geburt", "DOB"),
        (r"phone|mobile|^tel|^cell|telefon|tel[ée]fono|t[ée]l[ée]phone|^fax", "PHONE"),
        (r"^zip|postal|postcode|^plz$|^cp$|code_postal|c[óo]digo_?postal", "POSTCODE"),
        (r"address|street|^addr|adresse|direcci[óo]n|stra(?:ss|ß)e", "ADDRESS"),
        (r"company|organi[sz]ation|^org$|employer|empresa|soci[ée]t[ée]|^firma$", "ORG"),
        (r"^ssn|^sin$|^nas$|national_?id|tax_?id|social_?(?:security|insurance)", "SSN"),
        (r"^iban|account|^acct|cust(?:omer)?_?(?:id|no|number)|client_?(?:id|no)|member_?(?:id|no)", "ACCOUNT"),
        (r"(?:^|_| )name$|^name|^nom$|nombre|pr[ée]nom|apellido|vorname|nachname|surname|^contact$|holder", "PERSON"),
    ]
]
# A column name: a short identifier of at most three words.
_HEADER_FIELD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9_.\-/#]{0,30}(?: [A-Za-zÀ-ÿ0-9_.\-/#]{1,20}){0,2}")
_DELIMITERS = ("\t", ";", "|", ",")


def column_label(header: str) -> str | None:
    for pattern, label in _COLUMN_LABELS:
        if pattern.search(header):
            return label
    return None


def split_fields(line: str, delimiter: str) -> list[tuple[int, int]]:
    """(start, end) of each field's content, quotes excluded; a quoted field may hold the delimiter."""
    spans = []
    i, n = 0, len(line)
    while i <= n:
        if i < n and line[i] == '"':
            close = line.find('"', i + 1)
            while close != -1 and close + 1 < n and line[close + 1] == '"':
                close = line.find('"', close + 2)
            if close == -1:
                close = n
            spans.append((i + 1, close))
            nxt = line.find(delimiter, close)
            i = n + 1 if nxt == -1 else nxt + 1
        else:
            nxt = line.find(delimiter, i)
            end = n if nxt == -1 else nxt
            spans.append((i, end))
            i = end + 1
    return spans


SQL_INSERT = re.compile(r"(?i)\binsert\s+into\s+[\w.\"`\[\]]+\s*\(([^()]{1,2000})\)\s*values\s*")
SQL_ROW = re.compile(r"\s*\(((?:[^()']|'(?:[^']|'')*')*)\)\s*,?")
SQL_VALUE = re.compile(r"\s*('(?:[^']|'')*'|[^,]*?)\s*(?:,|$)")


class TableRecogniser:
    def find(self, text: str) -> Iterator[Finding]:
        if "insert" in text.lower():
            yield from _sql_inserts(text)
        if not any(d in text for d in _DELIMITERS):
            return
        labels: list[str | None] | None = None
        delimiter = ""
        offset = 0
        for line in text.split("\n"):
            fields = split_fields(line, delimiter) if labels is not None and delimiter in line else []
            if labels is not None and len(fields) == len(labels):
                for (start, end), label in zip(fields, labels):
                    cell = line[start:end].strip()
                    if label and cell and any(c.isalnum() for c in cell):
                        lead = len(line[start:end]) - len(line[start:end].lstrip())
                        yield Finding(offset + start + lead, offset + start + lead + len(cell), label, 3)
            else:
                labels, delimiter = _header(line)
            offset += len(line) + 1


def _header(line: str) -> tuple[list[str | None] | None, str]:
    for delimiter in _DELIMITERS:
        if line.count(delimiter) >= 2:
            fields = [line[a:b].strip() for a, b in split_fields(line, delimiter)]
            edges = delimiter == "|" and fields[0] == fields[-1] == ""  # | a | b |: a Markdown table's border
            if all(_HEADER_FIELD.fullmatch(f) or (edges and i in (0, len(fields) - 1)) for i, f in enumerate(fields)):
                labels = [column_label(f.lower()) for f in fields]
                if any(labels):
                    return labels, delimiter
            return None, ""
    return None, ""


def _sql_inserts(text: str) -> Iterator[Finding]:
    """INSERT INTO t (a, b) VALUES (..., ...), (...): each value labelled by its column."""
    for insert in SQL_INSERT.finditer(text):
        labels = [column_label(c.strip(' "`[]').lower()) for c in insert.group(1).split(",")]
        pos = insert.end()
        while (row := SQL_ROW.match(text, pos)) is not None:
            start, end = row.span(1)
            for label, value in zip(labels, SQL_VALUE.finditer(text, start, end)):
                a, b = value.span(1)
                if b > a and text[a] == "'":
                    a, b = a + 1, b - 1
                if label and b > a and any(c.isalnum() for c in text[a:b]):
                    yield Finding(a, b, label, 3)
            pos = row.end()
