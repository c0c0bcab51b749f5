"""Public name-frequency data: the US Census 1990 given-name and surname lists (MIT-licensed `names` package).

Only the names' frequencies are used, never a generator's word lists.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

# Surnames beyond this rank are mostly rare spellings that double as ordinary words.
SURNAME_RANK_LIMIT = 30000


def _read(filename: str, limit: int | None = None) -> frozenset[str]:
    text = resources.files("names").joinpath(filename).read_text(encoding="ascii")
    lines = text.splitlines()[:limit] if limit else text.splitlines()
    return frozenset(line.split(None, 1)[0].lower() for line in lines if line.strip())


@cache
def given_names() -> frozenset[str]:
    return _read("dist.female.first") | _read("dist.male.first")


@cache
def surnames() -> frozenset[str]:
    return _read("dist.all.last", SURNAME_RANK_LIMIT)
