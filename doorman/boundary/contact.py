"""E-mail addresses and phone numbers, national and international."""

from __future__ import annotations

import re
from collections.abc import Iterator

from doorman.boundary.findings import (
    Finding,
    context_before,
    long_number_starts,
    match_at,
    per_text,
)

EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)



@per_text
def address_starts(text: str) -> tuple[int, ...]:
    """Where an e-mail address can start: at the beginning of the run of local-part characters before each '@'.

    An address pattern refuses a local-part character before its start, so it can start nowhere else.
    """
    starts = []
    at = text.find("@")
    while at != -1:
        start = at  # back over word characters and . % + - (70 is more than any local part)
        while start > 0 and at - start < 70 and (text[start - 1].isalnum() or text[start - 1] in "_.%+-"):
            start -= 1
        starts.append(start)
        at = text.find("@", at + 1)
    return tuple(starts)


# Separators between digit groups: one of space, dot, dash, slash (NBSP too).
_SEP = r"[ .\-/\u00a0]"
PHONE = re.compile(
    r"(?<![\w+\-./])("
    # international: +CC, optional (0) or area in parentheses, then 2-5 groups
    rf"\+\d{{1,3}}{_SEP}?(?:\(\d{{1,4}}\){_SEP}?)?\d{{1,5}}(?:{_SEP}?\d{{1,5}}){{1,5}}"
    # 00 international prefix
    rf"|00\d{{1,3}}{_SEP}\d{{1,5}}(?:{_SEP}\d{{1,5}}){{1,5}}"
    # North American: (604) 555-0134, 604.555.0134, 604-555-0134, 1-604-555-0134
    rf"|(?:1{_SEP})?(?:\(\d{{3}}\)\s?|\d{{3}}{_SEP})\d{{3}}{_SEP}\d{{4}}"
    # (33) 8308-9642 and similar area-code-in-parentheses forms
    rf"|\(\d{{2,4}}\)\s?\d{{3,5}}{_SEP}?\d{{4}}"
    # two-digit area code, then 4 + 4 (Mexico, Australia, Brazil): 55 3596 4658
    rf"|\d{{2}} \d{{4}} \d{{4}}"
    # trunk-prefix national forms: 06 12 34 56 78, 020 7946 0958, 07700 900123, 030 1234567
    rf"|0\d(?:{_SEP}\d{{2}}){{4}}"
    rf"|0\d{{2,4}}{_SEP}\d{{3,4}}{_SEP}?\d{{3,4}}"
    # German and Austrian: a 2-5 digit area code after the trunk 0, then 3-8 digits: 03646 64712, (06638) 04983
    rf"|0\d{{2,5}}{_SEP}\d{{3,8}}|\(0\d{{2,5}}\)\s?\d{{3,8}}"
    r")(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?![\w\-]|[./]\d)"
)
# A bare digit run is a phone only when a cue says so ("Tel:", "Mobile", "call").
BARE_DIGITS = re.compile(r"(?<![\w+\-./])\+?\d[\d \-.()]{6,18}\d(?![\w\-]|[./]\d)")
PHONE_CUE = re.compile(
    r"(?i)(?:\b(?:tel|tél|phone|telephone|téléphone|telefon|teléfono|telefono|mobile|mobil|móvil|movil|cell|"
    r"portable|handy|fax|whatsapp|sms|direct|call|callback|call back|ring|appeler|llamar|anrufen|contact|rückruf|celular|cel)\b|\bT|\bM)[\"']?\s*[:=.]?\s*\W{0,3}$"
)


def _digit_count(value: str) -> int:
    return sum(map(str.isdigit, value))


class EmailRecogniser:
    def find(self, text: str) -> Iterator[Finding]:
        if "@" not in text:
            return
        for m in match_at(EMAIL, text, address_starts(text)):
            yield Finding(m.start(), m.end(), "EMAIL", 6)


class PhoneRecogniser:
    def find(self, text: str) -> Iterator[Finding]:
        seen: set[int] = set()
        # every PHONE form is four or more digits and separators before any extension
        for m in match_at(PHONE, text, long_number_starts(text, 4)):
            number = m.group(1)  # the extension's digits are not the number's
            if 7 <= _digit_count(number) <= 15 and not _looks_like_date(number):
                seen.add(m.start())
                yield Finding(m.start(), m.end(), "PHONE", 3)
        for m in match_at(BARE_DIGITS, text, long_number_starts(text, 8)):
            if m.start() in seen or not 7 <= _digit_count(m.group()) <= 15:
                continue
            if context_before(text, m.start(), PHONE_CUE, 24) or _PHONE_ASKED.search(
                text, max(0, m.start() - _ASKED_WINDOW), m.start()
            ):
                yield Finding(m.start(), m.end(), "PHONE", 3)


# A bare number answering a question about a phone number a line or two earlier ("and a callback number?")
_PHONE_ASKED = re.compile(r"(?i)\b(?:phone|telephone|mobile|cell|callback|call back|fax|whatsapp)(?: number)?\b[^\n]{0,40}\?")
_ASKED_WINDOW = 160

_DATE_SHAPE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")


def _looks_like_date(value: str) -> bool:
    return _DATE_SHAPE.fullmatch(value) is not None
