"""Each compiled twin (doorman/boundary/fast) finds exactly what its Python reference finds, in the same order.

The compiled twins are the sanitiser's speed; the Python recognisers say what is found. A twin that drifts from
its reference (a cue added on one side only, a look-behind ported wrong) fails here on generated records,
every text form, the shortcut tests' edge cases, and arbitrary text built from the pieces values are made of.
"""

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pii_generator import form_records, records
from test_fast_paths import EDGE_CASES

from doorman.boundary import dry_run, echoes, fast, sanitiser
from doorman.boundary.findings import Finding, resolve_overlaps
from doorman.boundary.placeholders import PlaceholderMap
from doorman.boundary.sanitiser import Sanitiser
from doorman.boundary.vault import VaultEntry, VaultRecogniser
from doorman.core.errors import InvalidRequest

VAULT = [VaultEntry("Project Nightjar", "PROJECT"), VaultEntry("acme-db-01", "HOST"), VaultEntry("Jo O'Hara", "STAFF")]
TWINS = sorted(((r, t) for r, t in fast.twins().items() if isinstance(r, type)), key=lambda pair: pair[0].__name__)
PYTHON = Sanitiser(VAULT, compiled=False)


# Texts that walk the twins' most fragile paths: backtracking, look-arounds, cue windows, case folding.
TWIN_EDGE_CASES = [
    "Hauptstraße 5 Nebenweg 7", "x.Foo Hauptstraße 12", "A.B.C Aloys-Etzold-Straße 10/60", "× Markt str. 3a",
    "CA, 90210 Springfield", "c. p. 12345", "C.P. 12345", "abxD-  12345 Berlin", "DE-\t12345 Köln.",
    "Woods Road, Port Sarah 33962", "12, ALLÉE des Roses 4", "eje vial Reforma 12", "K1A-0B1", "SW1A1AA",
    "12 Main Street, Apt. 4B", "12 Apt Main Street", "Flat 4B,\n12A Oak Road",
    "Name\n: Anna Berg", "Berg, Anna'x1", "- [10:02] Anna: hi", "  regards\nAnna Berg", "İ am Anna Berg",
    "Thanks. Which card", "Dear M Smith", "x'Anna Berg works at",
    "<div>yours truly<BR />gruß><p>team<P>PRÉSENTS", "regards<br/>BIEN À VOUS",  # SIGN_OFF's look-ahead ignores case
    "ich heiße Miss\nSeñora-1 Greetings. call with  prof ",
    "Ne: 1984-03-14", "bırth 1984-03-14", "naiſſance 14/03/1984",
    "what is your date of birth?\n" + "x" * 150 + " 1984-03-14", "paſſword=abcd1234", "CONTRASEÑA: abc123456",
    "\u212aEY=abcd12345", "\n\n  API_KEY =\n abc12345", "ΣΟΦΙΑ ΠΑΠΠΑΣ", "σοφία παππά", "İstanbul ops",
    "Project\u00a0Nightjar", "Project Nightjarx", "\u212aestrel",
    "İİ works at Acme Corp", "WOR\u212aS AT Acme", "| name | email |\n| Bob | b@x |",
    'id,name,email\n1,"Bob, Jr","b@x"\n2,"Al ""x""",y', "x" * 170 + "Acme Inc.", "Grupo Acme y Asociados S.A. de C.V.",
    "ınsert into t (email) values ('a@b.c') insert",
    "IBAN GB82 WEST 1234 5698 7654 32 10", "GB82WEST12345698765432-", "DE89 3704 0044 0532 0130 00 ab",
    "GB٨٢ WEST 1234 5698 7654 32", "card 4111 1111 1111 1111.5", "card 4111-1111-1111-1111 1",
    "SSN 123 45 6789 and 046 454 286", "ſsn: 123456789", "Customer: the visa, number is 4111111111111111",
    "número de cliente: AB-12345678", "Kunden-Nr: 12345678", "ACCT-11593230-12 x", "MEMB12345",
    "KDNR123456-123456789", "acct no. 2024-01-05", "a/c 00123456\n12345678", "ACCOUNT 12-12-2024",
    "addr ::ffff:192.168.1.1 here",
    " ".join(f"u{i}@x.org" for i in range(1200)),  # placeholder numbers past 999 skip those sharing a value's digits
    "[EMAIL_1] was a@b.io, [ email - 2 ] c@d.io, [[Email 3]] e@f.io [x_1] [EMAIL_1234567]",  # reserved keys
    "Dear Jameſ Carter, JAMES CARTER and jameſ wrote; Zoë Ann-Li, ZOË, O'Neil Smith and O'NEIL",  # echo variants
    "Teilnehmer: Jürgen Blümel\n- Jürgen klärt",  # an echoed name beyond ASCII, found by the one-byte scan
]


def _corpus() -> list[str]:
    base = EDGE_CASES + TWIN_EDGE_CASES + [r.text for r in records(150, seed=31)]
    base += [r.text for _, r in form_records(30, seed=32)]
    return base + [t.upper() for t in base[:200]] + [t.lower() for t in base[:200]] + ["\n".join(base[:60])]


CORPUS = _corpus()

# What values and their cues are made of, to assemble arbitrary text from: digits in every grouping, separators,
# capitalised and lower-case words (names, cue words, street and company words), and the code points where
# Unicode and `re` disagree with ASCII intuition.
PIECES = (
    "0", "1", "4", "9", "12", "123", "0134", "555", "2024", "1984", "12345", "123456789", "4111111111111111", "+", "+1",
    "+44", "00", "(", ")", "-", ".", ",", ":", ";", "/", "#", "@", "_", "'", "’", "\"", "=", "&", "<", ">", "[", "]",
    " ", " ", " ", "  ", "\n", "\t", "\u00a0", "x", "ext.", "Tel", "phone", "call", "Mobile", "T", "M", "DOB", "born",
    "né le", "geb.", "Dear", "Hi", "Mr", "Dr.", "Regards", "Name", "name", "Attendees", "this is", "works at", "SSN",
    "SIN", "account", "Account No", "customer", "ACCT", "CUST", "IBAN", "GB82", "WEST", "DE89", "ZIP", "PLZ", "CA",
    "NY", "Street", "St", "Road", "Ave", "Apt", "Flat", "rue", "calle", "de", "la", "straße", "Hauptstraße", "Inc.",
    "GmbH", "LLC", "Group", "and", "y", "Grupo", "Société", "Anna", "Berg", "Maria", "Lopez", "Smith", "Jones",
    "O'Neil", "Jean-Baptiste", "McDonald", "Zoë", "Émile", "Müller", "JOHN", "Powell", "Karina", "April", "White",
    "password", "token", "Bearer", "AKIA", "ghp_", "eyJ", "http://", "https://u:p@", "example.com", "a.b", "SW1A",
    "1AA", "M5V", "2T6", "Project", "Nightjar", "acme-db-01", "Jo", "O'Hara", "|", "---", "é", "ß", "İ", "ı", "\u212a",
    "ſ", "Ä", "١٢٣", "٣",
)
ARBITRARY_TEXT = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


def _make(kind: type):
    return kind(VAULT) if kind.__name__ == VaultRecogniser.__name__ else kind()


def test_every_reference_has_its_compiled_twin():
    """A checkout installed with a C compiler has every twin (the Python code alone is the fallback), and none
    has left itself out because the reference patterns it ports have changed since."""
    assert fast.missing() == []
    steps = {*sanitiser.PYTHON_STEPS, sanitiser.sanitise_texts, dry_run.answer_lines}
    assert set(fast.twins()) == {*sanitiser.RECOGNISERS, VaultRecogniser, *steps}


@pytest.mark.parametrize("reference, twin", TWINS, ids=[reference.__name__ for reference, _ in TWINS])
def test_twin_finds_what_its_reference_finds(reference, twin):
    python, compiled = _make(reference), _make(twin)
    for text in CORPUS:
        assert list(compiled.find(text)) == list(python.find(text)), text


@pytest.mark.parametrize("reference, twin", TWINS, ids=[reference.__name__ for reference, _ in TWINS])
@settings(max_examples=400, deadline=None)
@given(text=ARBITRARY_TEXT)
def test_twin_finds_what_its_reference_finds_in_arbitrary_text(reference, twin, text):
    assert list(_make(twin).find(text)) == list(_make(reference).find(text))


def _request_steps(text: str) -> list:
    """What the sanitiser computes after its recognisers, each step by the reference or by its twin."""
    twins = fast.twins()
    found = [f for r in PYTHON.recognisers for f in r.find(text)]
    outputs = []
    for step in (lambda f: f, twins.get):
        terms = step(echoes.echo_terms)(text, found) | step(echoes.email_name_terms)(text)
        echoed = sorted(step(echoes.find_terms)(text, terms))  # in any order: the reference's follows a set's
        outputs.append((terms, echoed, step(resolve_overlaps)(found + echoed)))
    return outputs


def test_request_steps_compiled_equal_their_references():
    for text in CORPUS:
        python, compiled = _request_steps(text)
        assert compiled == python, text


@settings(max_examples=400, deadline=None)
@given(text=ARBITRARY_TEXT)
def test_request_steps_compiled_equal_their_references_in_arbitrary_text(text):
    python, compiled = _request_steps(text)
    assert compiled == python


def test_compiled_sanitiser_writes_what_the_python_one_writes():
    compiled = Sanitiser(VAULT)
    assert any(type(r).__module__.startswith("doorman.boundary.fast") for r in compiled.recognisers)
    conversations = [[text] for text in CORPUS] + [CORPUS[i : i + 3] for i in range(0, len(CORPUS), 3)]
    for texts in conversations:
        a, b = compiled.sanitise(texts), PYTHON.sanitise(texts)
        assert (a.texts, a.kept, a.mapping) == (b.texts, b.kept, b.mapping), texts


@pytest.mark.parametrize("sanitiser_", [Sanitiser(VAULT), PYTHON], ids=["compiled", "python"])
def test_compiled_dry_run_answers_what_the_python_one_answers(sanitiser_):
    """The same answer lines, blank lines skipped, the numbering carried from batch to batch, and the same error
    for a bad line once the lines before it are written."""
    lines = [orjson.dumps({"id": i, "text": text}) for i, text in enumerate(CORPUS[:150])]
    lines[3:3] = [b"  ", bytearray(b"\r"), bytearray(b'{"id": [1], "text": "Ana Berg, Hauptstra\xc3\x9fe 5"}\r')]
    bad = [b'{"id": 1, "text": 2}', b"not json", b"[1]", b'{"text": "Ana"}', b'{"id": 1, "text": "x"']
    runs = []
    for answer_lines in (dry_run.answer_lines, fast.twins()[dry_run.answer_lines]):
        written: list[bytes] = []
        number = answer_lines(sanitiser_, lines, 7, written.append)
        errors = []
        for line in bad:
            with pytest.raises(InvalidRequest) as raised:
                answer_lines(sanitiser_, [b'{"id": 0, "text": "Bob Smith"}', line], number, written.append)
            errors.append(str(raised.value))
        runs.append((number, written, errors))
    assert runs[0][0] == 7 + len(lines)
    assert orjson.loads(runs[0][1][3]) == {"id": [1], "sanitised": "[PERSON_1], [ADDRESS_1]",
                                           "mapping": {"[PERSON_1]": "Ana Berg", "[ADDRESS_1]": "Hauptstraße 5"}}
    assert runs[0][2][0] == f'stdin line {runs[0][0] + 2}: "text" must be a string'
    assert runs[1] == runs[0]


@pytest.mark.parametrize("width", ["", "é", "Ω", "😀"], ids=["ascii", "latin-1", "ucs-2", "ucs-4"])
def test_compiled_replace_numbers_as_the_reference_does(width):
    """Labels beyond the twin's table of 32, labels equal but not the same object (a vault's types, read per
    row), counters carried from an earlier message, reserved keys the numbering must skip, numbers beyond
    the placeholders the twin makes ahead, and texts of every character width."""
    labels = [f"TYPE{i % 40}" for i in range(200)] + ["".join(["PER", "SON"]) for _ in range(5)] + ["EMAIL"] * 30
    text = width + " ".join(f"v{i}" for i in range(len(labels))) + width
    kept, pos = [], len(width)
    for i, label in enumerate(labels):
        kept.append(Finding(pos, pos + len(f"v{i}"), label))
        pos += len(f"v{i}") + 1
    runs = []
    for step in (sanitiser.replace, fast.twins()[sanitiser.replace]):
        mapping = PlaceholderMap(reserved={"TYPE3_2", "PERSON_3", "EMAIL_27"}, counters={"TYPE5": 7, "PERSON": 1})
        runs.append((step(text, kept, mapping), mapping))
    assert "[EMAIL_31]" in runs[0][0]
    assert runs[1] == runs[0]
