"""Payment cards (Luhn), IBANs (mod-97), US SSN, Canadian SIN (Luhn), and account numbers in context."""

from __future__ import annotations

import re
from collections.abc import Iterator

from doorman.boundary.checksums import iban_valid, luhn_valid
from doorman.boundary.findings import (
    Finding,
    context_before,
    folded,
    long_number_starts,
    match_at,
)

CARD = re.compile(r"(?<![\w\-.])\d(?:[ \-]?\d){12,18}(?![\w\-]|\.\d)")
# opens with a letter, then looks behind it: searched fast, where a leading look-behind is tried everywhere
IBAN = re.compile(r"[A-Z](?<![\w\-].)[A-Z]\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![\w\-])")
DATE_SHAPE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{2,4}")
SSN = re.compile(r"(?<![\w\-.])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w\-]|\.\d)")
NINE_GROUPED = re.compile(r"(?<![\w\-.])\d{3}([ \-])\d{3}\1\d{3}(?![\w\-]|\.\d)")
NINE_BARE = re.compile(r"(?<![\w\-.])\d{9}(?![\w\-]|\.\d)")
SSN_CUE = re.compile(r"(?i)\b(?:ssn|social security(?: number| no\.?)?|sozialversicherungsnummer|seguro social)\b")
SIN_CUE = re.compile(r"(?i)\b(?:sin|nas|social insurance(?: number| no\.?)?|assurance sociale)\b")

# A number labelled as an account, customer, member or client number.
ACCOUNT_CUE = re.compile(
    r"(?i)(?<![^\W_])(?:account|acct|a/c|customer|client|member|membership|subscriber|policy|contract|"
    r"kunde|kunden(?:nummer|nr)?|konto(?:nummer)?|kontonr|compte|cuenta|cliente|n[úu]mero de cliente|"
    r"num[ée]ro de client|no de compte|routing|transit|sort code|bsb|clabe|aba|rib|bic|iban)"
    r"(?:[\s_]?(?:id|no\.?|nr\.?|number|num[ée]ro|n[úu]mero|#))?(?![^\W_])[\"']?\s*[:#=]?\s*[\"'(]?$"
)
# Every ACCOUNT_CUE holds one of these (lower-case)
_ACCOUNT_WORDS = (
    "account", "acct", "a/c", "customer", "client", "member", "subscriber", "policy", "contract", "kunde", "konto",
    "compte", "cuenta", "routing", "transit", "sort code", "bsb", "clabe", "aba", "rib", "bic", "iban",
)
# A letter code, then a number holding four digits in a row: `(?<![\w\-])(?=[A-Z0-9\-]*\d{4})[A-Z]{0,6}-?\d[\d\-]{3,24}\d`,
# written to open with its first character (searched fast) and look behind it only then.
ACCOUNT_TOKEN = re.compile(
    r"[A-Z0-9\-](?<![\w\-].)(?:(?<=\d)(?=\d{3})|(?=[A-Z0-9\-]*\d{4}))"
    r"(?:(?<=[A-Z])[A-Z]{0,5}-?\d|(?<=-)\d|(?<=\d))[\d\-]{3,24}\d(?![\w\-]|\.\d)"
)
# Prefixes that mean "this identifies a customer, account or member", whatever the label around it.
# (CUST|CUS|CID|CLI|CLT|ACCT|ACCNT|ACC|AC|MBR|MEM|MEMB|KD|KDNR|KTO) after no word character or '-', grouped by
# first letter so that the search skips to those letters and looks behind only there
ACCOUNT_PREFIXED = re.compile(
    r"(?:C(?<![\w\-]C)(?:UST|US|ID|LI|LT)|A(?<![\w\-]A)(?:CCT|CCNT|CC|C)|M(?<![\w\-]M)(?:BR|EM|EMB)"
    r"|K(?<![\w\-]K)(?:D|DNR|TO))-?\d{5,16}(?:-\d{2,8})?(?![\w\-])"
)


class CardRecogniser:
    def find(self, text: str) -> Iterator[Finding]:
        for m in match_at(CARD, text, long_number_starts(text, 13)):
            digits = m.group().replace(" ", "").replace("-", "")
            if 13 <= len(digits) <= 19 and luhn_valid(digits) and not _uniform(digits):
                yield Finding(m.start(), m.end(), "CARD", 8)


class IbanRecogniser:
    def find(self, text: str) -> Iterator[Finding]:
        for m in IBAN.finditer(text):
            value = m.group()
            # the pattern may have swallowed a following number: shorten until the checksum holds
            while value:
                if iban_valid(value.replace(" ", "")):
                    yield Finding(m.start(), m.start() + len(value), "IBAN", 8)
                    break
                cut = value.rfind(" ")
                value = value[:cut] if cut > 4 else ""


class NationalIdRecogniser:
    """US SSN (dashed form anywhere, bare nine digits after a cue) and Canadian SIN (Luhn)."""

    def find(self, text: str) -> Iterator[Finding]:
        starts = long_number_starts(text, 9)
        for m in match_at(SSN, text, starts):
            yield Finding(m.start(), m.end(), "SSN", 7)
        for m in match_at(NINE_GROUPED, text, starts):
            digits = m.group().replace(" ", "").replace("-", "")
            if luhn_valid(digits) and digits[0] not in "08":
                yield Finding(m.start(), m.end(), "SIN", 7)
            elif context_before(text, m.start(), SIN_CUE) or context_before(text, m.start(), SSN_CUE):
                yield Finding(m.start(), m.end(), "SSN", 7)
        for m in match_at(NINE_BARE, text, starts):
            if context_before(text, m.start(), SSN_CUE, 30):
                yield Finding(m.start(), m.end(), "SSN", 7)
            elif context_before(text, m.start(), SIN_CUE, 30) and luhn_valid(m.group()):
                yield Finding(m.start(), m.end(), "SIN", 7)


class AccountNumberRecogniser:
    def find(self, text: str) -> Iterator[Finding]:
        for m in ACCOUNT_PREFIXED.finditer(text):
            yield Finding(m.start(), m.end(), "ACCOUNT", 5)
        lower = folded(text)
        if lower is None:
            tokens = ACCOUNT_TOKEN.finditer(text)
        else:  # a cue lies within the 36 characters before its token, and so does one of the cue's words
            tokens = _tokens_after(text, _occurrences(lower, _ACCOUNT_WORDS), _CUE_WINDOW)
        for m in tokens:
            if not DATE_SHAPE.fullmatch(m.group()) and context_before(text, m.start(), ACCOUNT_CUE, _CUE_WINDOW):
                yield Finding(m.start(), m.end(), "ACCOUNT", 4)


_CUE_WINDOW = 36
# An ACCOUNT_TOKEN match spans at most 33 characters and its look-aheads see two past its end: a scan cut this far
# after a match's start finds it as a scan of the whole text does.
_TOKEN_REACH = 40


def _occurrences(haystack: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of each of `words` in `haystack`."""
    found = []
    for word in words:
        pos = haystack.find(word)
        while pos != -1:
            found.append((pos, pos + len(word)))
            pos = haystack.find(word, pos + 1)
    return found


def _tokens_after(text: str, cues: list[tuple[int, int]], window: int) -> Iterator[re.Match[str]]:
    """ACCOUNT_TOKEN's matches that start from a cue word's end to `window` characters after the word's start.

    A token holds only word characters and '-' and refuses one before it, so no match hides another: the
    matches starting in a range are the same whether the scan starts at the range or at the text's start.
    """
    ranges: list[list[int]] = []
    for low, high in sorted((end, start + window) for start, end in cues):
        if ranges and low <= ranges[-1][1] + 1:
            ranges[-1][1] = max(ranges[-1][1], high)
        else:
            ranges.append([low, high])
    for low, high in ranges:
        for m in ACCOUNT_TOKEN.finditer(text, low, high + _TOKEN_REACH):
            if m.start() > high:
                break
            yield m


def _uniform(digits: str) -> bool:
    return len(set(digits)) == 1
