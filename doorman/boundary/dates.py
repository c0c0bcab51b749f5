"""Dates of birth: any common date form, but only where a cue says it is a birth date."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from doorman.boundary.findings import (
    Finding,
    context_before,
    folded,
    match_at,
    mentions,
    number_starts,
    word_starts,
)

_MONTHS = (
    r"jan(?:uary|vier|uar|\.)?|feb(?:ruary|ruar|\.)?|f[ée]v(?:rier|\.)?|mar(?:ch|s|\.)?|m[äa]rz|apr(?:il|\.)?|avr(?:il|\.)?"
    r"|may|mai|jun(?:e|i|\.)?|juin|jul(?:y|i|\.)?|juil(?:let|\.)?|aug(?:ust|\.)?|ao[ûu]t|sep(?:tember|tembre|t|\.)?"
    r"|oct(?:ober|obre|\.)?|okt(?:ober)?|nov(?:ember|embre|\.)?|dec(?:ember|\.)?|d[ée]c(?:embre)?|dez(?:ember)?"
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
)
# A month name, after a look at its first letter: the long list of names is tried only where one can start.
_MONTH = rf"(?=[adefjmnos])(?:{_MONTHS})"
DATE = re.compile(
    r"(?<![\w\-/.])(?:"
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"  # 1984-03-14
    r"|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})"  # 14/03/1984, 03-14-84
    rf"|\d{{1,2}}(?:st|nd|rd|th|er)?\.?[ \-](?:de )?{_MONTH}[ \-,]+(?:de )?\d{{4}}"  # 14 March 1984, 27-May-2002
    rf"|{_MONTH}[ \-]\d{{1,2}}(?:st|nd|rd|th)?,?[ \-]\d{{4}}"  # March 14, 1984
    r")(?![\w\-]|[/.]\d)",
    re.IGNORECASE,
)
BIRTH_CUE = re.compile(
    r"(?i)(?:\b(?:born|b\.|dob|d\.o\.b\.?|birth|birthday|birthdate|date[ _]?of[ _]?birth|birth[ _]date|geburtsdatum|geboren|"
    r"geb\.|n[ée]e?|n[ée]e? le|date de naissance|naissance|fecha de nacimiento|nacimiento|nacid[oa]|"
    r"f\. nac\.)\b)"
)


# A date answering a question about the birth date a line or two earlier ("confirm your date of birth?")
ASKED_CUE = re.compile(r"(?i)\b(?:date[ _]?of[ _]?birth|birth[ _]?date|birthday|dob|d\.o\.b|geburtsdatum|date de naissance|fecha de nacimiento)\b")
ASKED_WINDOW = 200


_CUE_WORDS = ("born", "b.", "dob", "d.o.b", "birth", "geb", "né", "ne ", "née", "naissance", "nacimiento", "nacid", "nac.")


class BirthDateRecogniser:
    def find(self, text: str) -> Iterator[Finding]:
        if not mentions(text, _CUE_WORDS):
            return
        for m in _dates(text):
            if context_before(text, m.start(), BIRTH_CUE, 32) or (
                _plausible_birth_year(m.group()) and ASKED_CUE.search(text, max(0, m.start() - ASKED_WINDOW), m.start())
            ):
                yield Finding(m.start(), m.end(), "DOB", 5)


# The first letters of every month name in DATE: where a date written with words can start.
_MONTH_STARTS = (
    "jan", "feb", "fév", "fev", "mar", "mär", "apr", "avr", "may", "mai", "jun", "jui", "jul", "aug", "aoû", "aou",
    "sep", "oct", "okt", "nov", "dec", "déc", "dez", "ene", "abr", "ago", "dic",
)


def _dates(text: str) -> Iterator[re.Match[str]]:
    """DATE's matches, tried only where a number or a month name starts a word."""
    lower = folded(text)
    if lower is None:
        return DATE.finditer(text)
    starts = sorted({*number_starts(text), *word_starts(lower, _MONTH_STARTS, "-/.")})
    return match_at(DATE, text, starts)


def _plausible_birth_year(value: str) -> bool:
    """A four-digit year a living adult could be born in; keeps today's dates near a birth-date question."""
    years = [int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", value)]
    return bool(years) and 1900 <= years[0] <= date.today().year - 14
