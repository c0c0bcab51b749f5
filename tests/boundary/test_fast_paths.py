"""The sanitiser's shortcuts find exactly what a plain scan of the whole text finds.

Each recogniser tries its costly patterns only where a match can start (a number, a cue word, a line start,
an e-mail's local part) or skips them when a cheap check rules them out. These tests compare each shortcut
with `pattern.finditer(text)` over varied text, so that a pattern edited to start elsewhere fails here
instead of silently losing values.
"""

import re

import pytest
from pii_generator import records

from doorman.boundary import (
    addresses,
    contact,
    dates,
    echoes,
    financial,
    names,
    network,
    organisations,
    secrets,
)
from doorman.boundary.findings import (
    line_starts,
    long_number_starts,
    match_at,
    mentions,
    number_starts,
    scan_from_words,
    word_starts,
)
from doorman.boundary.sanitiser import Sanitiser
from doorman.boundary.vault import VaultEntry, VaultRecogniser

EDGE_CASES = [
    "GIR 0AA", "xGIR 0AA", "-SW1A 1AA", "SW1A 1AA x", "(M5V 2T6)", "aM5V 2T6", "GB82 WEST 1234 5698 7654 32",
    "xGB82WEST12345698765432", "-DE89370400440532013000", "DE89370400440532013000 and FR14 2004 1010 0505 0001 3M02 606",
    "12, rue de la Paix", "rue de la Paix 12", "Calle Mayor 5, 28013", "4111 1111 1111 1111", "4111-1111-1111-1111.5",
    "+1 (604) 555-0134", "Tel: 604 555 0134 ext. 12 then 55 3596 4658", "(33) 8308-9642", "0044 20 7946 0958",
    "1.2.3.4", "x1.2.3.4", "v10.0.0.1", "born 1984-03-14", "DOB: March 14, 1984", "née le 3 mars 1990, geb. 14.03.1984",
    "foo@bar.com", "a.b@c.de, Jane Roe <jane@x.org>", "x@y@z.com", "é@x.com _a@b.co", "Hauptstraße 5\n10115 Berlin",
    "Aloys-Etzold-Straße 10/60", "ACCT-1234567 and account 88213457", "customer no. 4417-2210 / a/c 55129931",
    "Dear M Dupont", "this is Julie; I'm Bo, spoke to Ann, on behalf of Ed, ich heiße Jo", "Regards,\nAnna Berg", "--\nMaria Lopez", "Attendees: Ann Lee, Bo Chen", "Teilnehmende: Jo Witt\nParticipantes: Ana Ruiz\nPRÉSENTS : Luc Roy", "KEY_ID=ab12cd34ef",
    "export API_TOKEN='x9y8z7w6'", "password: hunter2!x", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    "x-api-key: 9f8e7d6c5b4a", "ghp_abcdefghijklmnopqrstuvwxyz0123456789 github_pat_" + "a1" * 25,
    "ſ rue de Paris 3 née 14/03/1984", "İstanbul 12, calle Mayor 5", "K 12 rue X", "12 Main Street Apt 4",
    "SSN 123-45-6789, SIN 046 454 286, 046454286", "ZIP 62704-1234; 10115 Berlin", "2001:db8::8a2e:370:7334",
    "",
]


def _texts() -> list[str]:
    base = EDGE_CASES + [r.text for r in records(40, seed=11)]
    mixed = [t.upper() for t in base] + [t.lower() for t in base] + [t.replace(" ", "\n") for t in base]
    return base + mixed + ["\n".join(base)]


TEXTS = _texts()


def spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@pytest.mark.parametrize(
    "pattern, min_length",
    [
        (financial.CARD, 13), (financial.SSN, 9), (financial.NINE_GROUPED, 9), (financial.NINE_BARE, 9),
        (contact.PHONE, 4), (contact.BARE_DIGITS, 8), (network.IPV4, 7), (addresses.ZIP_PLUS4, 10),
        (addresses.FIVE_DIGITS, 5), (addresses.STREET_US, 0),
    ],
)
def test_number_patterns_find_the_same_from_number_starts(pattern, min_length):
    for text in TEXTS:
        assert spans(match_at(pattern, text, long_number_starts(text, min_length))) == spans(pattern.finditer(text))


def test_dates_found_from_number_and_month_starts_equal_a_full_scan():
    for text in TEXTS:
        assert spans(dates._dates(text)) == spans(dates.DATE.finditer(text))


def test_email_patterns_find_the_same_from_local_part_starts():
    for text in TEXTS:
        starts = contact.address_starts(text)
        assert spans(match_at(contact.EMAIL, text, starts)) == spans(contact.EMAIL.finditer(text))
        assert spans(match_at(echoes._EMAIL_LOCAL, text, starts)) == spans(echoes._EMAIL_LOCAL.finditer(text))


@pytest.mark.parametrize("pattern", [names.SIGN_OFF, names.LIST_CUE, names.SPEAKER, secrets.SECRET_ENV_KEY])
def test_line_anchored_patterns_find_the_same_from_line_starts(pattern):
    for text in TEXTS:
        assert spans(match_at(pattern, text, line_starts(text))) == spans(pattern.finditer(text))


def test_cue_word_patterns_find_the_same_from_their_words():
    for text in TEXTS:
        tokens = match_at(secrets.TOKENS, text, word_starts(text, secrets._TOKEN_PREFIXES, "-"))
        assert spans(tokens) == spans(secrets.TOKENS.finditer(text))
        assigned = scan_from_words(secrets.ASSIGNED, text, secrets._ASSIGNED_STARTS)
        assert spans(assigned) == spans(secrets.ASSIGNED.finditer(text))
        street = scan_from_words(addresses.STREET_ROMANCE_TYPE_FIRST, text, addresses._ROMANCE_WORDS, "-")
        assert spans(street) == spans(addresses.STREET_ROMANCE_TYPE_FIRST.finditer(text))
        self_cue = scan_from_words(names.SELF_CUE, text, names._SELF_STARTS)
        assert spans(self_cue) == spans(names.SELF_CUE.finditer(text))
        title = match_at(names.TITLE_CUE, text, [m.start() for m in names._TITLE_START.finditer(text)])
        assert spans(title) == spans(names.TITLE_CUE.finditer(text))


def test_romance_street_numbers_found_before_street_types_equal_a_full_scan():
    for text in TEXTS:
        lower = text.lower()
        if len(lower) != len(text) or not mentions(text, addresses._ROMANCE_WORDS):
            continue
        starts = addresses._numbers_before(text, word_starts(lower, addresses._ROMANCE_WORDS, "-"))
        expected = spans(addresses.STREET_ROMANCE_NUM_FIRST.finditer(text))
        assert spans(match_at(addresses.STREET_ROMANCE_NUM_FIRST, text, starts)) == expected


@pytest.mark.parametrize(
    "fast, plain",
    [
        (addresses.UK_POSTCODE, (r"(?<![\w\-])(?:GIR ?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?)"
                                 r" ?\d[ABD-HJLNP-UW-Z]{2})(?![\w\-])")),
        (addresses.CA_POSTCODE, r"(?<![\w\-])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ \-]?\d[ABCEGHJ-NPRSTV-Z]\d(?![\w\-])"),
        (financial.IBAN, r"(?<![\w\-])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![\w\-])"),
        (financial.ACCOUNT_TOKEN, r"(?<![\w\-])(?=[A-Z0-9\-]*\d{4})[A-Z]{0,6}-?\d[\d\-]{3,24}\d(?![\w\-]|\.\d)"),
        (financial.ACCOUNT_PREFIXED, (r"(?<![\w\-])(?:CUST|CUS|CID|CLI|CLT|ACCT|ACCNT|ACC|AC|MBR|MEM|MEMB|KD|KDNR|KTO)"
                                      r"-?\d{5,16}(?:-\d{2,8})?(?![\w\-])")),
        (network.IPV6, r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?:/\d{1,3})?(?![\w:])"),
        (names.MULTI_RUN, rf"(?<![\w@.\-]){names.TOKEN}(?: {names.TOKEN})+(?![\w@\-])"),
        (names.SURNAME_COMMA_GIVEN, (rf"(?<![\w\-])([{names.UP}][{names.UP}{names.LOW}'\-]+), "
                                     rf"([{names.UP}][{names.UP}{names.LOW}'\-]+)(?![\w\-])")),
    ],
)
def test_patterns_that_look_behind_their_first_letter_match_like_a_leading_look_behind(fast, plain):
    plain = re.compile(plain)
    tokens = ["ACCT-1234567 AB12-3456 ABCDEFG1234 -12345 1-2-3-4 12-3456 A1234 CUST-12-34-5678 X-1234 9876-",
              "AB-CD-1234 ABCDEF-0012345 a1234 _1234 x-1234 1234.5 12345.x Z1-2345",
              "CUST-0042917 CUS123456 xCID12345 -CLI12345 CLT-12345-99 ACCNT1234567 AC12345 MEMB12345 KDNR123456",
              "::1 :: fe80::1%eth0 2001:db8::/32 ::ffff:192.0.2.1 a:b:c 12:30:45 x::1 .::1 1::2:3:4:5:6:7:8:9 abcde::1",
              "KTO-12345 KD12345-12 MBR1234567890123456 ACCT12345678901234567 ACC-12345"]
    for text in TEXTS + tokens + ["Smith, John", "xSmith, John", "Anna Berg-Olsen met O'Neil McDonald", "É. Zola"]:
        assert [m.groups() for m in fast.finditer(text)] == [m.groups() for m in plain.finditer(text)]
        assert spans(fast.finditer(text)) == spans(plain.finditer(text))


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression's source."""
    parts, depth, current, i = [], 0, "", 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            current += pattern[i:i + 2]
            i += 2
            continue
        depth += ch == "("
        depth -= ch == ")"
        if ch == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
        i += 1
    return parts + [current]


def _first_chars(pattern: str) -> set[str]:
    chars = set()
    for alternative in _alternatives(pattern):
        if alternative.startswith("(?:"):
            chars |= _first_chars(alternative[3:alternative.index(")")])
        else:
            chars.add(alternative.lstrip("\\")[0])
    return chars


def test_organisation_suffix_anchor_lists_every_first_character_of_a_suffix():
    assert _first_chars(organisations._ORG_SUFFIX) <= set(organisations.SUFFIX_FIRST_CHARS)
    plain = re.compile(rf"[ ,](?:{organisations._ORG_SUFFIX})(?![\w])")
    for text in TEXTS + [" & Sons, e.V. und Söhne y Hijos et Fils AB Oy plc mbH"]:
        assert spans(organisations.SUFFIX_ANCHOR.finditer(text)) == spans(plain.finditer(text))


def test_vault_found_from_first_words_equals_a_full_scan():
    entries = [VaultEntry("Project Bluefin", "PROJECT"), VaultEntry("db-prod-07.internal", "HOST"),
               VaultEntry("Acme Rocket Works", "CLIENT"), VaultEntry("Ana", "STAFF")]
    vault = VaultRecogniser(entries)
    for text in TEXTS + ["PROJECT  BLUEFIN and project\nbluefin; x-db-prod-07.internal ana ANA banana Acme Rocket  Works"]:
        found = [(f.start, f.end) for f in vault.find(text)]
        assert found == spans(vault.pattern.finditer(text))


def test_cheap_checks_never_rule_out_a_text_their_pattern_matches():
    checks = [
        (names.LIST_CUE, names._mentions_list_word),
        (names.SPEAKER, lambda t: ": " in t or ":\t" in t),
        (secrets.SECRET_ENV_KEY, lambda t: any(w in t for w in secrets._ENV_KEY_WORDS)),
        (financial.ACCOUNT_CUE, lambda t: t.lower() != t.lower() or mentions(t, financial._ACCOUNT_WORDS)),
        (network.IPV6, lambda t: network._TWO_COLONS.search(t) is not None),
        (names.NAME_BEFORE_EMAIL, lambda t: names._BRACKETED_ADDRESS.search(t) is not None),
        (addresses.STREET_GERMAN, lambda t: addresses._german_street_possible(t, number_starts(t))),
    ]
    cues = ["Kontonummer: 1234", "Customer No. 55", "membership #: 9", "sort code 12-34-56", "número de cliente 7"]
    for text in TEXTS + cues:
        for pattern, check in checks:
            if pattern.search(text):
                assert check(text), (pattern.pattern[:40], text[:80])


def test_number_starts_hold_every_digit_plus_or_parenthesis_that_opens_a_word():
    text = "a1 (2) +3 x-4 5.6 7/8 ٣"
    assert number_starts(text) == (3, 4, 7, 8, 14, 18, 20, 22)  # not after a letter, "-" or "."


def test_sanitiser_output_is_the_same_whatever_the_shared_caches_hold():
    sanitiser = Sanitiser()
    first = [sanitiser.sanitise_text(t).texts[0] for t in TEXTS[:60]]
    again = [sanitiser.sanitise_text(t).texts[0] for t in reversed(TEXTS[:60])]
    assert first == list(reversed(again))


def test_no_text_stays_memoised_after_its_request():
    from doorman.boundary import findings

    from doorman.boundary import dry_run, fast

    sanitiser = Sanitiser()
    sanitiser.sanitise(["Call Ana at +1 (604) 555-0134, ana@example.com", "SSN 123-45-6789"])
    fast.twins()[dry_run.answer_lines](sanitiser, [b'{"id": 1, "text": "Strasse 12, 10115 Berlin"}'], 0, print)
    caches = [clear.__self__ for clear in findings.PER_TEXT_CLEARS]
    assert caches
    assert all(cached.cache_info().currsize == 0 for cached in caches)


def test_hyphen_anchor_from_its_dash_gives_the_windows_of_the_plain_anchor():
    from doorman.boundary.findings import windows

    plain = re.compile(rf"[{organisations.LOW}]-[{organisations.UP}]")
    for text in TEXTS + ["Berg-Olsen", "a-B", "-B a- x-Y-z-Q"]:
        assert windows(organisations.HYPHEN_ANCHOR, text, 41, 41) == windows(plain, text, 40, 40)


def test_month_names_looked_at_by_first_letter_match_like_the_plain_list():
    plain = re.compile(dates.DATE.pattern.replace("(?=[adefjmnos])", ""), re.IGNORECASE)
    assert plain.pattern != dates.DATE.pattern
    months = ["14 March 1984", "March 14, 1984", "3 ſept 1990", "27-MAY-2002", "1er février 1990", "5 de mayo de 1980",
              "Okt 3, 1999", "12 août 1970", "12 Dez 1970", "4 abril 1975", "9 ENERO 2001", "7 Juli 1960"]
    for text in TEXTS + months:
        assert spans(dates.DATE.finditer(text)) == spans(plain.finditer(text))


def test_word_before_a_name_found_after_the_last_space_equals_the_forty_character_search():
    for text in TEXTS + ["Dorle Huhn", "x  Huhn", "O'Neil Huhn", "a.Anna Huhn", "Jean-Paul\nHuhn"]:
        for start in [i + 1 for i, ch in enumerate(text) if ch == " "]:
            expected = echoes._WORD_BEFORE.search(text, max(0, start - 40), start)
            found = echoes.word_before(text, start)
            assert (found and found.span(1)) == (expected and expected.span(1))


def test_account_tokens_scanned_after_cue_words_equal_a_full_scan():
    recogniser = financial.AccountNumberRecogniser()
    extra = ["account number 53959004", "Kundennummer: 4417-2210", "a/c 55129931 and a/c   9912345", "ABA 123456789",
             "client " + "x" * 40 + " 12345678", "SUBSCRIBER ID: AB-1234567", "member 1234\nmember 12345"]
    for text in TEXTS + extra:
        expected = [(m.start(), m.end()) for m in financial.ACCOUNT_PREFIXED.finditer(text)] + [
            (m.start(), m.end()) for m in financial.ACCOUNT_TOKEN.finditer(text)
            if not financial.DATE_SHAPE.fullmatch(m.group())
            and financial.context_before(text, m.start(), financial.ACCOUNT_CUE, 36)
        ]
        assert [(f.start, f.end) for f in recogniser.find(text)] == expected


def test_words_grouped_by_first_character_match_like_the_plain_alternation():
    from doorman.boundary.findings import by_first_character

    cases = [
        (names._TITLE_START, sorted({w.split(" ")[0] for w in (names._GREETINGS + "|" + names._HONORIFICS).split("|")},
                                    key=len, reverse=True)),
        (names._TITLE_GATE, sorted(names._TITLE_WORDS, key=len, reverse=True)),
        (organisations._TYPE_WORD, list(organisations._TYPE_WORDS)),
    ]
    extra = ["Mademoiselle Mme M. Mx Miss Mr Mrs Dr Doña Don Dear", "Grupo Groupe Banco Banque Studio Stiftung"]
    for grouped, words in cases:
        assert grouped.pattern == by_first_character(words)
        plain = re.compile("|".join(map(re.escape, words)))
        for text in TEXTS + extra:
            assert spans(grouped.finditer(text)) == spans(plain.finditer(text))
