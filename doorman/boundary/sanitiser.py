"""Sanitise: every recogniser over every message of a request, one placeholder per value."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from doorman.boundary import fast
from doorman.boundary.addresses import PostalCodeRecogniser, StreetAddressRecogniser
from doorman.boundary.contact import EmailRecogniser, PhoneRecogniser
from doorman.boundary.dates import BirthDateRecogniser
from doorman.boundary.financial import (
    AccountNumberRecogniser,
    CardRecogniser,
    IbanRecogniser,
    NationalIdRecogniser,
)
from doorman.boundary.findings import (
    Finding,
    Recogniser,
    forget_texts,
    resolve_overlaps,
)
from doorman.boundary.echoes import echo_terms, email_name_terms, find_terms
from doorman.boundary.names import PersonRecogniser
from doorman.boundary.network import IpRecogniser, SecretUrlRecogniser
from doorman.boundary.organisations import OrganisationRecogniser
from doorman.boundary.placeholders import PlaceholderMap
from doorman.boundary.secrets import SecretRecogniser
from doorman.boundary.tabular import TableRecogniser
from doorman.boundary.vault import VaultEntry, VaultRecogniser


class Replacement(NamedTuple):
    """One value replaced: where it was in its message, and its placeholder."""

    message: int
    start: int
    end: int
    label: str
    placeholder: str
    value: str


@dataclass
class Sanitised:
    texts: list[str]
    mapping: PlaceholderMap
    originals: list[str]
    kept: list[list[Finding]]  # each message's findings replaced, in order

    @cached_property
    def replacements(self) -> list[Replacement]:
        """Every value replaced, message by message (built on demand: most callers need only the texts)."""
        return [
            Replacement(index, f.start, f.end, f.label, self.mapping.by_value[value], value)
            for index, (text, kept) in enumerate(zip(self.originals, self.kept))
            for f in kept
            for value in (text[f.start:f.end],)
        ]


def replace(text: str, kept: list[Finding], mapping: PlaceholderMap) -> str:
    """`text` with each of the `kept` findings (in order, apart) replaced by its placeholder."""
    parts: list[str] = []
    pos = 0
    for f in kept:
        parts.append(text[pos:f.start])
        parts.append(mapping.placeholder(f.label, text[f.start:f.end]))
        pos = f.end
    parts.append(text[pos:])
    return "".join(parts)


# Every recogniser but the vault's, in the order their findings are gathered.
RECOGNISERS: tuple[type[Recogniser], ...] = (
    SecretRecogniser,
    SecretUrlRecogniser,
    EmailRecogniser,
    CardRecogniser,
    IbanRecogniser,
    NationalIdRecogniser,
    IpRecogniser,
    PhoneRecogniser,
    AccountNumberRecogniser,
    BirthDateRecogniser,
    PostalCodeRecogniser,
    StreetAddressRecogniser,
    TableRecogniser,
    PersonRecogniser,
    OrganisationRecogniser,
)


class Steps(NamedTuple):
    """What the sanitiser does after its recognisers: each the Python reference or its compiled twin."""

    echo_terms: Callable[[str, list[Finding]], set[str]]
    email_name_terms: Callable[[str], set[str]]
    find_terms: Callable[[str, set[str]], Iterable[Finding]]
    resolve_overlaps: Callable[[list[Finding]], list[Finding]]
    replace: Callable[[str, list[Finding], PlaceholderMap], str]


PYTHON_STEPS = Steps(echo_terms, email_name_terms, find_terms, resolve_overlaps, replace)


def sanitise_texts(texts: list[str], finds: list[Callable[[str], Iterable[Finding]]], steps: Steps) -> Sanitised:
    """Every value in `texts` (the messages of one request) found by `finds` (the recognisers' bound find methods)
    and replaced by its placeholder."""
    found: list[list[Finding]] = [[f for find in finds for f in find(t)] for t in texts]
    # a name seen once in the request is a name everywhere in it
    terms: set[str] = set()
    for text, findings in zip(texts, found):
        terms |= steps.echo_terms(text, findings) | steps.email_name_terms(text)
    if terms:
        for text, findings in zip(texts, found):
            findings.extend(steps.find_terms(text, terms))
    mapping = PlaceholderMap.for_texts(texts)
    kept = [steps.resolve_overlaps(findings) for findings in found]
    return Sanitised([steps.replace(text, k, mapping) for text, k in zip(texts, kept)], mapping, texts, kept)


class Sanitiser:
    """Built once per module (its vault compiled once); `sanitise` is pure and thread-safe."""

    def __init__(self, vault: Sequence[VaultEntry] = (), compiled: bool = True):
        """`compiled`: use each recogniser's and step's compiled twin where it is built (the same result, faster)."""
        twins = fast.twins() if compiled else {}
        self.recognisers: list[Recogniser] = [
            twins.get(VaultRecogniser, VaultRecogniser)(list(vault)),
            *(twins.get(kind, kind)() for kind in RECOGNISERS),
        ]
        self._finds = [r.find for r in self.recognisers]
        self._steps = Steps(*(twins.get(step, step) for step in PYTHON_STEPS))
        self._sanitise_texts = twins.get(sanitise_texts, sanitise_texts)

    def sanitise(self, texts: Sequence[str]) -> Sanitised:
        """Replace every value in `texts` (the messages of one request) by its placeholder."""
        try:
            return self._sanitise_texts(list(texts), self._finds, self._steps)
        finally:
            forget_texts()

    def sanitise_text(self, text: str) -> Sanitised:
        return self.sanitise([text])
