"""Typed, numbered placeholders ([EMAIL_1]) and the request's mapping between them and the values.

The mapping lives in memory for one request and is never logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# What a placeholder looks like, tolerating the small distortions a model makes: case, spaces, '-' or ' ' for '_'.
LOOSE = re.compile(r"\[\s?([A-Za-z]{2,20})\s?[_\- ]\s?(\d{1,6})\s?\]")
# The beginning of one, to hold back at the end of a streamed chunk.
PARTIAL = re.compile(r"\[\s?(?:[A-Za-z]{1,20}(?:\s?[_\- ]?\s?\d{0,6}\s?)?)?")
LONGEST_PARTIAL = 1 + 1 + 20 + 1 + 1 + 1 + 6 + 1


def key(label: str, number: int | str) -> str:
    return f"{label.upper()}_{int(number)}"


@dataclass
class PlaceholderMap:
    """value -> placeholder and back, for every message of one request."""

    reserved: set[str] = field(default_factory=set)  # keys of placeholder-looking text already in the input
    by_value: dict[str, str] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)  # normalised key -> value
    counters: dict[str, int] = field(default_factory=dict)

    @classmethod
    def for_texts(cls, texts: list[str]) -> PlaceholderMap:
        return cls(reserved={key(m.group(1), m.group(2)) for t in texts if "[" in t for m in LOOSE.finditer(t)})

    def placeholder(self, label: str, value: str) -> str:
        """The placeholder for `value`: the same value always gets the same one."""
        found = self.by_value.get(value)
        if found is not None:
            return found
        n = self.counters.get(label, 0)
        while True:
            n += 1
            k = key(label, n)
            if k not in self.reserved and not _shares_digits(n, value):
                break
        self.counters[label] = n
        text = f"[{k}]"
        self.by_value[value] = text
        self.by_key[k] = value
        return text

    def as_dict(self) -> dict[str, str]:
        """{placeholder: original}, as the dry run prints it."""
        return {placeholder: value for value, placeholder in self.by_value.items()}

    def __len__(self) -> int:
        return len(self.by_key)


def _shares_digits(n: int, value: str) -> bool:
    """A placeholder never carries four digits of its value."""
    digits = str(n)
    return len(digits) >= 4 and digits in re.sub(r"\D", "", value)
