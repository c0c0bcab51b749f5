"""Sanitise: every recogniser over every message of a request, one placeholder per value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
from doorman.boundary.names import (
    PersonRecogniser,
    echo_terms,
    email_name_terms,
    find_terms,
)
from doorman.boundary.network import IpRecogniser, SecretUrlRecogniser
from doorman.boundary.organisations import OrganisationRecogniser
from doorman.boundary.placeholders import PlaceholderMap
from doorman.boundary.secrets import SecretRecogniser
from doorman.boundary.tabular import TableRecogniser
from doorman.boundary.vault import VaultEntry, VaultRecogniser


@dataclass(frozen=True)
class Replacement:
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
    replacements: list[Replacement]


def default_recognisers() -> list[Recogniser]:
    return [
        SecretRecogniser(),
        SecretUrlRecogniser(),
        EmailRecogniser(),
        CardRecogniser(),
        IbanRecogniser(),
        NationalIdRecogniser(),
        IpRecogniser(),
        PhoneRecogniser(),
        AccountNumberRecogniser(),
        BirthDateRecogniser(),
        PostalCodeRecogniser(),
        StreetAddressRecogniser(),
        TableRecogniser(),
        PersonRecogniser(),
        OrganisationRecogniser(),
    ]


class Sanitiser:
    """Built once per module (its vault compiled once); `sanitise` is pure and thread-safe."""

    def __init__(self, vault: Sequence[VaultEntry] = ()):
        self.recognisers: list[Recogniser] = [VaultRecogniser(list(vault)), *default_recognisers()]

    def sanitise(self, texts: Sequence[str]) -> Sanitised:
        """Replace every value in `texts` (the messages of one request) by its placeholder."""
        try:
            return self._sanitise(list(texts))
        finally:
            forget_texts()

    def _sanitise(self, texts: list[str]) -> Sanitised:
        found: list[list[Finding]] = [[f for r in self.recognisers for f in r.find(t)] for t in texts]
        # a name seen once in the request is a name everywhere in it
        terms: set[str] = set()
        for text, findings in zip(texts, found):
            terms |= echo_terms(text, findings) | email_name_terms(text)
        if terms:
            for text, findings in zip(texts, found):
                findings.extend(find_terms(text, terms))
        mapping = PlaceholderMap.for_texts(texts)
        out: list[str] = []
        replacements: list[Replacement] = []
        for index, (text, findings) in enumerate(zip(texts, found)):
            parts: list[str] = []
            pos = 0
            for f in resolve_overlaps(findings):
                value = text[f.start:f.end]
                placeholder = mapping.placeholder(f.label, value)
                parts.append(text[pos:f.start])
                parts.append(placeholder)
                replacements.append(Replacement(index, f.start, f.end, f.label, placeholder, value))
                pos = f.end
            parts.append(text[pos:])
            out.append("".join(parts))
        return Sanitised(out, mapping, replacements)

    def sanitise_text(self, text: str) -> Sanitised:
        return self.sanitise([text])
