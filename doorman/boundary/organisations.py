"""Organisation names: legal-form suffixes, type-first names (Grupo, Société), partner firms
("Smith, Jones and Lee"), hyphenated surname pairs, and cues such as "works at"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from doorman.boundary.findings import Finding, by_first_character, windows
from doorman.boundary.name_words import LOW, TOKEN, UP, in_given, is_surname, plain

_LEGAL_FORMS = (
    r"Inc\.?|Incorporated|LLC|L\.L\.C\.|Ltd\.?|Limited|PLC|plc|LLP|L\.P\.|LP|GmbH|mbH|AG|KGaA|KG|OHG|GbR|e\.\s?G\.|eG|e\.V\.|UG|"
    r"SE|S\.A\.(?: de C\.V\.)?|SA(?: de CV)?|S\.A\.S\.?|SAS|SARL|S\.à r\.l\.|S\.L\.|SL|SRL|S\.r\.l\.|S\.p\.A\.|SpA|BV|B\.V\.|NV|N\.V\.|"
    r"A\.C\.|S\.C\.|S\. de R\.L\.(?: de C\.V\.)?|S\.A\.P\.I\.(?: de C\.V\.)?|Oy|AB|ApS|A/S|Pty(?: Ltd)?|Corp\.?|Co\."
)
_ORG_SUFFIX = (
    _LEGAL_FORMS + r"|AS|Stiftung|Corporation|Company|Group|Holdings|Partners|Associates|"
    r"(?:&|and|et|y|und|e) (?:Sons|Fils|Hijos|Söhne|Partners|Associates|Asociados|Associés|Co\.?)|Industries|Industrias|"
    r"Solutions|Technologies|Systems|Consulting|Labs|Bank|Foundation|University|Hospital|Institute|Capital|"
    r"Ventures|Logistics|Enterprises|Agency|Studios?|Media|Pharma|Insurance|Trust|Fund|Clinic"
)
_ORG_NAME = rf"{TOKEN}(?:(?:,? | & | and | y | et | und |-| (?:de la|de|del|van|von|der|du|le|la) ){TOKEN}){{0,4}}"
ORG_NAME = re.compile(_ORG_NAME)
_SUFFIX_CHAIN = rf"(?:{_ORG_SUFFIX})(?:(?: & Co\.?)? (?:{_ORG_SUFFIX}))*"
ORG_SUFFIXED = re.compile(rf"(?<![\w\-])({_ORG_NAME}|(?:de la|de|del|van|von) {TOKEN}),? {_SUFFIX_CHAIN}(?![\w])")
# Cheap anchors: the costly patterns run only in the windows around them.
# The first characters of _ORG_SUFFIX's alternatives: most words after a space start with none of them
SUFFIX_FIRST_CHARS = "&ABCEFGHIKLMNOPSTUVaempuy"
SUFFIX_ANCHOR = re.compile(rf"[ ,](?=[{SUFFIX_FIRST_CHARS}])(?:{_ORG_SUFFIX})(?![\w])")
CONNECTOR_ANCHOR = re.compile(rf" (?:and|y|et|und|&) (?={TOKEN})")
ORG_PARTNERS = re.compile(
    rf"(?<![\w\-])({TOKEN}(?:, {TOKEN})*,? (?:and|y|et|und|&) {TOKEN})(?![\w\-])"
)
_TYPE_WORDS = (
    "Grupo", "Despacho", "Corporativo", "Industrias", "Laboratorios", "Constructora", "Inmobiliaria",
    "Comercializadora", "Banco", "Fundación", "Bufete", "Consultora", "Distribuidora", "Transportes", "Servicios",
    "Groupe", "Cabinet", "Société", "Laboratoires", "Fondation", "Banque", "Agence", "Studio", "Atelier", "Kanzlei",
    "Praxis", "Autohaus", "Bäckerei", "Stiftung",
)
_TYPE_WORD = re.compile(by_first_character(_TYPE_WORDS))
ORG_PREFIXED = re.compile(
    rf"(?<![\w\-])(?:{'|'.join(_TYPE_WORDS)}) {_ORG_NAME}(?:,? {_SUFFIX_CHAIN})?(?![\w])"
)
ORG_HYPHEN = re.compile(rf"(?<![\w\-])([{UP}][{LOW}]+)-([{UP}][{LOW}]+)(?![\w\-])")
# `[{LOW}]-[{UP}]` from its '-' (searched fast): its windows reach one character further on each side
HYPHEN_ANCHOR = re.compile(rf"-(?<=[{LOW}]-)(?=[{UP}])")
_CUE_WORDS = (
    "works at", "working at", "employed by", "employer", "company", "firm", "organisation", "organization",
    "société", "empresa", "firma", "arbeitgeber", "vendor", "supplier", "bill to", "sold to", "ship to",
    "competitor", "agency",
)
# After a cue word (found with str.find on the lower-cased text): the name that follows it
AFTER_CUE = re.compile(rf"\s?[:\-]?\s?(?={TOKEN})")


class OrganisationRecogniser:
    def find(self, text: str) -> Iterator[Finding]:
        for m in _scan(ORG_SUFFIXED, SUFFIX_ANCHOR, text, 160, 60):
            start = _skip_leading_common(text, m.start(), m.group(1))
            if start is None:  # "Key Group", "May PLC": ordinary words, but the suffix says company
                start = m.start(1) + m.group(1).rfind(" ") + 1
            yield Finding(start, m.end(), "ORG", 2)
        if _TYPE_WORD.search(text):
            for m in ORG_PREFIXED.finditer(text):
                yield Finding(m.start(), m.end(), "ORG", 2)
        for m in _scan(ORG_PARTNERS, CONNECTOR_ANCHOR, text, 160, 60):
            parts = re.split(r",? (?:and|y|et|und|&) |, ", m.group(1))
            if len(parts) >= 2 and all(is_surname(p) for p in parts) or (
                len(parts) >= 3 and all(plain(p) for p in parts)
            ):
                yield Finding(m.start(1), m.end(1), "ORG", 2)
        for m in _scan(ORG_HYPHEN, HYPHEN_ANCHOR, text, 41, 41):
            first, second = m.group(1), m.group(2)
            if (is_surname(first) and is_surname(second) and (plain(first) or plain(second))) or (
                len(first) > 2 and len(second) > 2 and plain(first) and plain(second)
                and (is_surname(first) or is_surname(second) or in_given(first))
            ):
                yield Finding(m.start(), m.end(), "ORG", 2)
        for end in _cue_ends(text):
            run = ORG_NAME.match(text, end, end + 80)
            if run and plain(run.group().split(" ")[0]):
                yield Finding(run.start(), run.end(), "ORG", 1)


def _cue_ends(text: str) -> Iterator[int]:
    """Where the text after each whole-word cue ("works at", "vendor:") starts."""
    lower = text.lower()
    for word in _CUE_WORDS:
        pos = lower.find(word)
        while pos != -1:
            end = pos + len(word)
            if (pos == 0 or not lower[pos - 1].isalnum()) and (end == len(lower) or not lower[end].isalnum()):
                after = AFTER_CUE.match(text, end)
                if after:
                    yield after.end()
            pos = lower.find(word, end)


def _scan(pattern: re.Pattern[str], anchor: re.Pattern[str], text: str, before: int, after: int) -> Iterator[re.Match]:
    for start, end in windows(anchor, text, before, after):
        for m in pattern.finditer(text, start, end):
            if m.end() < end or end == len(text):  # a match cut by the window's end is not trusted
                yield m


def _skip_leading_common(text: str, start: int, name: str) -> int | None:
    """'Please contact Acme Corp' names 'Acme Corp': drop leading ordinary words."""
    words = name.split(" ")
    offset = 0
    for w in words:
        if plain(w.rstrip(",")):
            return start + offset
        offset += len(w) + 1
    return None


