"""What a recogniser reports, the small interface every recogniser implements, and overlap resolution."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple, Protocol, TypeVar

_T = TypeVar("_T")
PER_TEXT_CLEARS: list[Callable[[], None]] = []  # each per-text cache's cache_clear: forget_texts calls them all


def per_text(function: Callable[[str], _T]) -> Callable[[str], _T]:
    """Memoise a computation on one text, shared by the recognisers that scan it; `forget_texts` drops it all."""
    cached = lru_cache(maxsize=4)(function)
    PER_TEXT_CLEARS.append(cached.cache_clear)
    return cached


def forget_texts() -> None:
    """Drop every memoised text: a request's text is not kept in memory after its request."""
    for clear in PER_TEXT_CLEARS:
        clear()


class Finding(NamedTuple):
    """A sensitive value at text[start:end]; `label` names its placeholder type (EMAIL, PERSON, ...).

    A named tuple: recognisers make thousands per request, and a tuple is the cheapest immutable record to build.
    """

    start: int
    end: int
    label: str
    priority: int = 0  # wins over a lower priority when two findings overlap


class Recogniser(Protocol):
    def find(self, text: str) -> Iterable[Finding]:
        """Every value of this recogniser's family in `text`."""
        ...


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep non-overlapping findings: higher priority first, then the longer, then the earlier."""
    ranked = sorted(findings, key=lambda f: (-f.priority, -(f.end - f.start), f.start))
    starts: list[int] = []  # the taken findings, kept sorted by start; they never overlap each other
    taken: list[Finding] = []
    for f in ranked:
        if f.end <= f.start:
            continue
        i = bisect_right(starts, f.start)
        if (i == 0 or taken[i - 1].end <= f.start) and (i == len(taken) or f.end <= taken[i].start):
            starts.insert(i, f.start)
            taken.insert(i, f)
    return taken


def mentions(text: str, words: tuple[str, ...]) -> bool:
    """A cheap pre-check: does the lower-cased text contain any of `words`? Saves a costly scan when not."""
    lower = _lower(text)
    return any(w in lower for w in words)


@per_text
def _lower(text: str) -> str:
    return text.lower()


def by_first_character(words: Iterable[str]) -> str:
    """An alternation of the literal `words` grouped by first character, in their order within each group.

    It matches what `"|".join(words)` matches (only words opening with the character at hand can match there,
    and they are tried in the same order), but no longer tries every word at every candidate character.
    """
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(re.escape(first) + "(?:" + "|".join(rest) + ")" for first, rest in groups.items())


def windows(anchor: re.Pattern[str], text: str, before: int, after: int) -> list[tuple[int, int]]:
    """Merged (start, end) ranges around each match of a cheap `anchor`, for a costly pattern to scan alone."""
    spans: list[tuple[int, int]] = []
    for m in anchor.finditer(text):
        start, end = max(0, m.start() - before), min(len(text), m.end() + after)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def context_before(text: str, start: int, pattern: re.Pattern[str], window: int = 40) -> bool:
    """True when `pattern` matches within the `window` characters before `start` on the same line."""
    line_start = text.rfind("\n", 0, start) + 1
    return pattern.search(text, max(line_start, start - window), start) is not None


# A digit, '+' or '(' after no word character, '-' or '.': where every number-shaped pattern (card, phone, SSN,
# IP, postcode, house number, date) must begin, since each opens with a look-behind that refuses those. The group
# reaches over the digits, spaces and punctuation that follow: no digits-and-separators match goes further.
_NUMBER_START = re.compile(r"[\d+(](?<![\w\-.][\d+(])(?=([\d\s\-.()/+]*))")


@per_text
def number_reaches(text: str) -> tuple[tuple[int, int], ...]:
    """(start, reach) of each place a number can start in `text`: found once per text, shared by the recognisers."""
    return tuple([(m.start(), m.end(1)) for m in _NUMBER_START.finditer(text)])


@per_text
def number_starts(text: str) -> tuple[int, ...]:
    return tuple([start for start, _ in number_reaches(text)])


def long_number_starts(text: str, length: int) -> list[int]:
    """The number starts followed by at least `length` digits, spaces and separators: where a pattern made of
    those alone, `length` characters or more, can start."""
    return [start for start, reach in number_reaches(text) if reach - start >= length]


def match_at(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """What `pattern.finditer(text)` yields, trying only `starts` (ascending, holding every possible match start).

    Each try is a `match` on the whole text, so look-behinds and look-aheads see the same characters.
    """
    end = 0
    for start in starts:
        if start >= end:
            m = pattern.match(text, start)
            if m is not None:
                end = m.end() if m.end() > start else start + 1
                yield m


# Characters that an IGNORECASE pattern equates with an ASCII letter but str.lower() does not (or that
# change length when lowered): a text holding one is scanned in full rather than by lower-case look-up.
_UNSAFE_FOLD = re.compile("[\u017f\u212a\u212b\u0130\u0131\u1e9e]")


@per_text
def folded(text: str) -> str | None:
    """`text.lower()` when its offsets and case-insensitive matches equal the text's; None when not."""
    lower = text.lower()
    if len(lower) != len(text) or (not text.isascii() and _UNSAFE_FOLD.search(text)):
        return None
    return lower


def word_starts(haystack: str, words: Iterable[str], refused_before: str = "") -> list[int]:
    """Ascending positions where one of `words` occurs, preceded by no word character nor one of `refused_before`."""
    refused = "_" + refused_before
    found: set[int] = set()
    for word in words:
        pos = haystack.find(word)
        while pos != -1:
            if pos == 0 or not (haystack[pos - 1].isalnum() or haystack[pos - 1] in refused):
                found.add(pos)
            pos = haystack.find(word, pos + 1)
    return sorted(found)


def scan_from_words(
    pattern: re.Pattern[str], text: str, words: Iterable[str], refused_before: str = ""
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a case-insensitive pattern whose every match starts with one of `words`
    (lower-case) after no word character nor one of `refused_before`: tries only where those words occur."""
    lower = folded(text)
    if lower is None:
        return pattern.finditer(text)
    return match_at(pattern, text, word_starts(lower, words, refused_before))


@per_text
def line_starts(text: str) -> tuple[int, ...]:
    """Where each line of `text` starts: the only places a `(?m)^`-anchored pattern can match."""
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return tuple(starts)
