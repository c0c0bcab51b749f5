"""A name seen once in a request is a name everywhere in it: the parts of each person found on its own evidence,
and the names spelled out in e-mail local parts, found again wherever the request repeats them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from doorman.boundary.common_words import COMMON_WORDS
from doorman.boundary.contact import address_starts
from doorman.boundary.findings import Finding, match_at
from doorman.boundary.name_data import given_names, surnames
from doorman.boundary.name_words import TOKEN, plain

TOKEN_RE = re.compile(TOKEN)


def echo_terms(text: str, findings: Iterable[Finding]) -> set[str]:
    """Each part of a found person's name, to find again where the request repeats it alone."""
    terms: set[str] = set()
    for f in findings:
        if f.label != "PERSON" or f.priority < 2:  # only names found on their own evidence
            continue
        for w in TOKEN_RE.findall(text[f.start:f.end]):
            if len(w) >= 3 and not w.endswith(".") and plain(w):
                terms.add(w)
    return terms


_EMAIL_LOCAL = re.compile(r"(?<![\w.%+-])([A-Za-z][A-Za-z0-9._%+-]{0,63})@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
LOCAL_PART_SEPARATORS = re.compile(r"[._\-+0-9]+")


def email_name_terms(text: str) -> set[str]:
    """Given names and surnames spelled out in e-mail local parts (andrews.elizabeth@ -> Andrews, Elizabeth)."""
    terms: set[str] = set()
    if "@" not in text:
        return terms
    for m in match_at(_EMAIL_LOCAL, text, address_starts(text)):
        parts = [p for p in LOCAL_PART_SEPARATORS.split(m.group(1)) if len(p) >= 3]
        if len(parts) < 2:
            continue
        if any(p.lower() in given_names() for p in parts):
            for p in parts:
                low = p.lower()
                if (low in given_names() or low in surnames()) and low not in COMMON_WORDS:
                    terms.add(p.capitalize())
    return terms


def find_terms(text: str, terms: Iterable[str]) -> Iterator[Finding]:
    """Whole-word occurrences of `terms` (as written, upper-case, or capitalised), with a possessive."""
    variants = set()
    for t in terms:
        variants.update({t, t.upper(), t.capitalize()} | ({t.lower()} if len(t) >= 4 else set()))
    for start, end in _whole_words(text, variants):
        # "Dorle Huhn" where only "Huhn" was known: take the name-like words beside it too
        before = word_before(text, start) if text[start - 1:start] == " " else None
        if before and plain(before.group(1)) and not before.group(1).isupper():
            start = before.start(1)
        after = _WORD_AFTER.match(text, end)
        if after and plain(after.group(1)) and not after.group(1).isupper():
            end = after.end(1)
        yield Finding(start, end, "PERSON", 1)


def _whole_words(text: str, words: Iterable[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of each whole-word occurrence; str.find, since a regex per request costs more to compile."""
    for word in words:
        pos = text.find(word)
        while pos != -1:
            end = pos + len(word)
            before = text[pos - 1] if pos else " "
            after = text[end] if end < len(text) else " "
            if not (before.isalnum() or before in "_-@.") and not (after.isalnum() or after in "_-@"):
                yield pos, end
            pos = text.find(word, end)


_WORD_BEFORE = re.compile(rf"(?<![\w\-@.])({TOKEN}) $")


def word_before(text: str, start: int) -> re.Match[str] | None:
    """`_WORD_BEFORE` in the 40 characters before `start`, searched only after their last space or line break
    but the one before `start`: a name word holds neither, so no match starts earlier."""
    low = max(0, start - 40)
    low = max(low, text.rfind(" ", low, start - 1) + 1, text.rfind("\n", low, start - 1) + 1)
    return _WORD_BEFORE.search(text, low, start)


_WORD_AFTER = re.compile(rf" ({TOKEN})(?![\w\-@])")
