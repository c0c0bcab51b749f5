"""The words names are made of: the capitalised-token pattern and census-list look-ups shared by
the person and organisation recognisers."""

from __future__ import annotations

import unicodedata

from doorman.boundary.common_words import COMMON_WORDS
from doorman.boundary.name_data import given_names, surnames

UP = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
LOW = "a-zß-öø-ÿā-žſ"
# A capitalised word (O'Neil, Jean-Baptiste, McDonald), or an initial: a pattern to build on.
TOKEN = rf"(?:[{UP}](?:[{LOW}]+|['’][{UP}][{LOW}]+)(?:[{UP}][{LOW}]+)?(?:-[{UP}][{LOW}]+)?|[{UP}]\.)"
# TOKEN after its first capital, for patterns that check what precedes that capital once they have it (a pattern
# opening with a capital is searched fast; one opening with a look-behind is tried at every position).
TOKEN_TAIL = rf"(?:(?:[{LOW}]+|['’][{UP}][{LOW}]+)(?:[{UP}][{LOW}]+)?(?:-[{UP}][{LOW}]+)?|\.)"


def fold(word: str) -> str:
    """Lower case without accents: 'Rubén' -> 'ruben', to look up in the census lists.

    Not cached: a cache would keep words of past requests (names) in memory.
    """
    low = word.lower()
    if low.isascii():
        return low
    return unicodedata.normalize("NFKD", low).encode("ascii", "ignore").decode()


def in_given(word: str) -> bool:
    return all(fold(part) in given_names() for part in word.split("-"))


def is_given(word: str) -> bool:
    return in_given(word) and word.lower() not in COMMON_WORDS


def is_surname(word: str) -> bool:
    return fold(word) in surnames() or ("-" in word and all(fold(p) in surnames() for p in word.split("-")))


def plain(word: str) -> bool:
    """Could be part of a name: not an ordinary word (an initial counts)."""
    return word.lower().rstrip(".") not in COMMON_WORDS


def known(word: str) -> bool:
    """In the census lists, even if it is also an ordinary word ("April", "White")."""
    return in_given(word) or is_surname(word)
