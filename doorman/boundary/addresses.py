"""Postal codes (US, CA, UK, and the five-digit forms of Germany and Mexico) and street addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from doorman.boundary.findings import (
    Finding,
    context_before,
    folded,
    long_number_starts,
    match_at,
    mentions,
    number_starts,
    word_starts,
)

# Each opens with its first letter and only then looks behind it (refusing a word character or '-' before it):
# a pattern opening with a character class is searched fast, one opening with a look-behind is tried everywhere.
UK_POSTCODE = re.compile(
    r"[A-PR-UWYZ](?<![\w\-].)"
    r"(?:(?<=G)IR ?0AA|(?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?) ?\d[ABD-HJLNP-UW-Z]{2})(?![\w\-])"
)
CA_POSTCODE = re.compile(r"[ABCEGHJ-NPRSTVXY](?<![\w\-].)\d[ABCEGHJ-NPRSTV-Z][ \-]?\d[ABCEGHJ-NPRSTV-Z]\d(?![\w\-])")
ZIP_PLUS4 = re.compile(r"(?<![\w\-.])\d{5}-\d{4}(?![\w\-]|\.\d)")
FIVE_DIGITS = re.compile(r"(?<![\w\-.,$€£])\d{5}(?![\w\-]|[.,]\d)")
US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|"
    "PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI|AS|MP|AA|AE|AP|FM|MH|PW"
)
# Five digits are a postal code after a state, a postal label, or before a town name at a line's or field's start.
ZIP_CUE = re.compile(
    rf"(?:\b(?:{US_STATES}),?\s{{1,3}}$|(?i:\b(?:zip|zip code|postal code|postcode|post code|plz|cp|"
    r"code postal|c[óo]digo postal|postleitzahl|zip_?code|postal_?code)\b|\bc\.\s?p\.)[\"']?\s*[:=.#]?\s*[\"']?$)"
)
TOWN_AFTER = re.compile(r" (?:[A-ZÄÖÜÉ][\w\-.]+)(?: [A-ZÄÖÜÉa-zäöü][\w\-.]+){0,3}(?:\s*$|,|\n|\.(?:\s|$))", re.MULTILINE)
FIELD_START = re.compile(r"(?:[,;\t]|\bD-|\bDE-)\s*$")

# USPS suffixes (Publication 28) and their common spellings, plus the UK, French, Spanish and German forms.
_SUFFIXES = (
    "Alley|Aly|Annex|Arcade|Avenue|Ave|Av|Bayou|Beach|Bend|Bluffs?|Bottom|Boulevard|Blvd|Branch|Bridge|Brooks?|Burgs?|"
    "Bypass|Camp|Canyon|Cape|Causeway|Centers?|Centre|Circles?|Cir|Cliffs?|Club|Common|Commons|Corners?|Course|Courts?|Ct|"
    "Coves?|Creek|Crescent|Cres|Crest|Crossing|Crossroads?|Curve|Dale|Dam|Divide|Drives?|Dr|Estates?|Expressway|Extensions?|"
    "Falls?|Ferry|Fields?|Flats?|Fords?|Forest|Forges?|Forks?|Fort|Freeway|Gardens?|Gateway|Glens?|Greens?|Groves?|"
    "Harbors?|Haven|Heights|Highway|Hwy|Hills?|Hollow|Inlet|Islands?|Isle|Junctions?|Keys?|Knolls?|Lakes?|Land|Landing|"
    "Lane|Ln|Lights?|Loaf|Locks?|Lodge|Loop|Mall|Manors?|Meadows?|Mews|Mills?|Mission|Motorway|Mount|Mountains?|Neck|"
    "Orchard|Oval|Overpass|Parks?|Parkways?|Pkwy|Pass|Passage|Path|Pike|Pines?|Place|Pl|Plains?|Plaza|Points?|Ports?|"
    "Prairie|Radial|Ramp|Ranch(?:es)?|Rapids?|Rest|Ridges?|River|Roads?|Rd|Route|Row|Rue|Run|Shoals?|Shores?|Skyway|Springs?|"
    "Spurs?|Squares?|Sq|Station|Stravenue|Stream|Streets?|St|Summit|Terrace|Ter|Throughway|Trace|Track|Trafficway|Trail|"
    "Trl|Trailer|Tunnel|Turnpike|Underpass|Unions?|Valleys?|Viaduct|Views?|Villages?|Ville|Vista|Walks?|Wall|Way|Ways|"
    "Wells?|Close|Drove|Gate|Grange|Hill|Mead|Parade|Rise|Side|Wharf|Wynd|Yard"
)
# "... Woods Road, 33962" or "... Woods Road, Port Sarah 33962": five digits that close a street address's line
STREET_BEFORE = re.compile(rf"\b(?:{_SUFFIXES})\.?,(?: [A-ZÀ-Þ][\w'\-.]*){{0,3}},? $")
_UNIT = r"(?:,? (?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Floor|Fl\.?|Room|Rm\.?|Bldg\.?|Building|#) ?[\w\-]{1,6})"
_WORD = r"(?!(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Interior|Int|Depto|Dpto|Edif|Piso)\b)[A-ZÀ-Þ][\w'’.\-]*"
STREET_US = re.compile(rf"(?<![\w\-.,])\d{{1,6}}[A-Z]?(?: {_WORD}){{1,4}} (?:{_SUFFIXES})\b\.?{_UNIT}?")
STREET_UNIT_FIRST = re.compile(
    rf"(?<![\w\-])(?:Flat|Studio|Apartment) [\w\-]{{1,5}}(?:, ?|,?\n|\\n)(?:\d{{1,5}}[A-Z]? )?{_WORD}(?: {_WORD}){{0,3}}"
)
# French and Spanish: number, then the street type in lower or title case, then the name
_ROMANCE_TYPES = (
    r"rue|avenue|av\.|boulevard|bd|chemin|ch\.|mont[ée]e|impasse|all[ée]e?|place|quai|route|rang|cours|"
    r"calle|avenida|carrera|camino|paseo|callej[óo]n|privada|cerrada|circuito|calzada|prolongaci[óo]n|"
    r"continuaci[óo]n|andador|retorno|perif[ée]rico|diagonal|ampliaci[óo]n|circunvalaci[óo]n|peatonal|eje vial|"
    r"viaducto|corredor|pasaje|plaza|ronda|traves[íi]a|rua|via|viale|piazza"
)
_PARTICLES = r"(?:de|du|des|la|le|les|del|los|las|d'|l')"
STREET_ROMANCE_NUM_FIRST = re.compile(
    rf"(?<![\w\-.,])\d{{1,6}},? (?i:{_ROMANCE_TYPES}) (?:{_PARTICLES} ?)*{_WORD}(?:[ \-](?:{_PARTICLES} )?{_WORD}){{0,4}}{_UNIT}?"
)
STREET_ROMANCE_TYPE_FIRST = re.compile(
    rf"(?<![\w\-])(?i:{_ROMANCE_TYPES}) (?:{_PARTICLES} )*{_WORD}(?: (?:{_PARTICLES} )?{_WORD}){{0,4}}"
    r",? (?:No\.? |Nº ?|# ?|n° ?)?\d{1,5}(?: (?:Interior|Int\.?|Depto\.?|Dpto\.?|Edif\.?|Piso|Local)? ?[\w\-]{1,6}| \d{1,4})?"
)
# German and Austrian: Hauptstraße 12, Aloys-Etzold-Straße 10/60, Am Markt 3a
STREET_GERMAN = re.compile(
    rf"(?<![\w\-])(?:{_WORD} )?[A-ZÄÖÜ][\wäöüß\-]*(?i:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|steig|pfad)"
    r" \d{1,4} ?[a-z]?(?:[/\-]\d{1,4})?(?![\w])"
)


class PostalCodeRecogniser:
    def find(self, text: str) -> Iterator[Finding]:
        for pattern in (UK_POSTCODE, CA_POSTCODE):
            for m in pattern.finditer(text):
                yield Finding(m.start(), m.end(), "POSTCODE", 4)
        for m in match_at(ZIP_PLUS4, text, long_number_starts(text, 10)):
            yield Finding(m.start(), m.end(), "POSTCODE", 4)
        for m in match_at(FIVE_DIGITS, text, long_number_starts(text, 5)):
            if context_before(text, m.start(), ZIP_CUE, 24) or context_before(text, m.start(), STREET_BEFORE, 64) or (
                (_line_start(text, m.start()) or context_before(text, m.start(), FIELD_START, 4))
                and TOWN_AFTER.match(text, m.end())
            ):
                yield Finding(m.start(), m.end(), "POSTCODE", 4)


# What each pattern cannot match without: checked first, since most texts hold no address of that kind.
_ROMANCE_WORDS = (
    "rue", "av", "bd", "boulevard", "chemin", "ch.", "mont", "impasse", "all", "place", "quai", "route", "rang",
    "cours", "calle", "carrera", "camino", "paseo", "callej", "privada", "cerrada", "circuito", "calzada",
    "prolongaci", "continuaci", "andador", "retorno", "perif", "diagonal", "ampliaci", "circunvalaci", "peatonal",
    "eje vial", "viaducto", "corredor", "pasaje", "plaza", "ronda", "traves", "rua", "via", "piazza",
)
# STREET_GERMAN needs one of these (in any case) right before " <house number>"
_GERMAN_ENDINGS = tuple(
    w + " " for w in ("straße", "strasse", "str.", "weg", "gasse", "platz", "allee", "ring", "damm", "ufer",
                      "chaussee", "steig", "pfad")
)


class StreetAddressRecogniser:
    def find(self, text: str) -> Iterator[Finding]:
        starts = number_starts(text)
        scans = [match_at(STREET_US, text, starts)]
        if "Flat" in text or "Studio" in text or "Apartment" in text:
            scans.append(STREET_UNIT_FIRST.finditer(text))
        if mentions(text, _ROMANCE_WORDS):
            lower = folded(text)
            if lower is None:
                scans += [STREET_ROMANCE_NUM_FIRST.finditer(text), STREET_ROMANCE_TYPE_FIRST.finditer(text)]
            else:
                types = word_starts(lower, _ROMANCE_WORDS, "-")
                scans.append(match_at(STREET_ROMANCE_NUM_FIRST, text, _numbers_before(text, types)))
                scans.append(match_at(STREET_ROMANCE_TYPE_FIRST, text, types))
        if _german_street_possible(text, starts):
            scans.append(STREET_GERMAN.finditer(text))
        for scan in scans:
            for m in scan:
                yield Finding(m.start(), m.end(), "ADDRESS", 5)  # above a postcode-looking house number


def _german_street_possible(text: str, starts: tuple[int, ...]) -> bool:
    lower = folded(text)
    if lower is None:
        return True
    return any(lower.endswith(_GERMAN_ENDINGS, 0, start) for start in starts if text[start].isdigit())


def _numbers_before(text: str, types: list[int]) -> list[int]:
    """Where "12, rue ..." can start: a run of up to six digits, an optional comma and a space before a street type."""
    starts = []
    for at in types:
        end = at - 1
        if end < 1 or text[end] != " ":
            continue
        if text[end - 1] == ",":
            end -= 1
        start = end
        while start > 0 and end - start < 7 and text[start - 1].isdecimal():
            start -= 1
        if start < end:
            starts.append(start)
    return starts


def _line_start(text: str, start: int) -> bool:
    return not text[text.rfind("\n", 0, start) + 1:start].strip()
