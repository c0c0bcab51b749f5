"""Person names, without a trained model.

Evidence combined: given-name and surname frequency data, cues (greetings, titles, signatures,
`Name:`-style fields, "Name <email>"), and the e-mail local parts of the same
request. A person found once is found again wherever the request repeats any part of the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from doorman.boundary.findings import (
    Finding,
    by_first_character,
    folded,
    line_starts,
    match_at,
    mentions,
    scan_from_words,
)
from doorman.boundary.name_words import (
    LOW,
    TOKEN,
    TOKEN_TAIL,
    UP,
    in_given,
    is_given,
    is_surname,
    known,
    plain,
)

RUN = re.compile(rf"(?<![\w@.\-]){TOKEN}(?: {TOKEN})*(?![\w@\-])")
# Two or more capitalised words: where a name can stand without a cue.
MULTI_RUN = re.compile(rf"[{UP}](?<![\w@.\-][{UP}]){TOKEN_TAIL}(?: {TOKEN})+(?![\w@\-])")

_HONORIFICS = (
    r"Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Sir|Dame|Herr|Frau|Mme|Mlle|M|Sr|Sra|Srta|Don|Doña|Dona|Monsieur|Madame|"
    r"Mademoiselle|Señor|Señora|Señorita|Doctor|Professor|Dott|Ing|Lic"
)
_GREETINGS = (
    r"Dear|Hi|Hello|Hey|Bonjour|Bonsoir|Salut|Hola|Hallo|Liebe|Lieber|Sehr geehrte|Sehr geehrter|Estimado|Estimada|"
    r"Cher|Chère|Querido|Querida|Thanks|Thank you|Merci|Gracias|Danke|Good morning|Good afternoon|Good evening|"
    r"Buenos días|Buenas tardes|Bonne journée|Guten Tag|Greetings|Welcome"
)
TITLE_CUE = re.compile(
    rf"(?<![\w])(?:(?:{_GREETINGS}),? (?:(?:{_HONORIFICS})\.? )?|(?:{_HONORIFICS})\.? )(?={TOKEN})"
)
# literal pieces of TITLE_CUE: a text with none of them has no greeting or title to scan for
_TITLE_WORDS = tuple({w.split(" ")[0] for w in (_GREETINGS + "|" + _HONORIFICS).split("|") if len(w) > 1} | {"M."})
_TITLE_GATE = re.compile(by_first_character(sorted(_TITLE_WORDS, key=len, reverse=True)))
# Each of TITLE_CUE's first words (the one-letter "M" included): letters only, so where one starts inside
# another no cue can start (a letter precedes it).
_TITLE_START = re.compile(
    by_first_character(
        sorted({w.split(" ")[0] for w in (_GREETINGS + "|" + _HONORIFICS).split("|")}, key=len, reverse=True)
    )
)
HONORIFIC_PREFIX = re.compile(rf"(?:(?:{_HONORIFICS})\.? )+")
# "this is Julie", "my name is ...": weaker, the word must be a known given name or surname
SELF_CUE = re.compile(
    rf"(?i:\b(?:this is|my name is|i am|i'm|je suis|je m'appelle|me llamo|soy|ich bin|ich heiße|mein name ist|"
    rf"speaking with|spoke with|spoke to|talked to|call with|meeting with|signed by|on behalf of|according to)) (?={TOKEN})"
)
_SELF_WORDS = ("this is", "my name", "i am", "i'm", "je suis", "m'appelle", "me llamo", "soy ", "ich bin", "heiße",
               "mein name", "spoke", "speaking", "talked", "call with", "meeting with", "signed by", "behalf", "according")
# The first word of each SELF_CUE phrase, lower-case: where one can start
_SELF_STARTS = ("this", "my", "i", "je", "me", "soy", "ich", "mein", "speaking", "spoke", "talked", "call", "meeting",
                "signed", "on", "according")
LIST_CUE = re.compile(
    r"(?im)^[ \t]*(?:attendees|participants|teilnehmer|teilnehmende|asistentes|participantes|présents|present|"
    r"invitees|attendance|team|members|cc|anwesend)\s?:[ \t]*"
)
# Every LIST_CUE word, lower-case
_LIST_WORDS = ("attendees", "participant", "teilnehm", "asistentes", "présents", "present", "invitees", "attendance",
               "team", "members", "cc", "anwesend")


def _mentions_list_word(text: str) -> bool:
    return folded(text) is None or mentions(text, _LIST_WORDS)


_FIELDS = (
    r"name|full name|legal name|preferred name|first name|last name|surname|given name|customer|client|contact|"
    r"applicant|employee|attn|attention|from|to|cc|bcc|owner|assignee|reporter|requester|requested by|signed|"
    r"approved by|prepared by|nom|prénom|nombre|apellido|apellidos|kunde|ansprechpartner|contacto|titulaire|"
    r"beneficiary|account holder|cardholder|card holder|patient|tenant|guest|passenger|recipient|sender|user|agent|"
    r"author|manager|witness|spouse|emergency contact|next of kin|referred by|interviewer|candidate|driver|"
    r"destinataire|remitente|empfänger|absender|responsable|solicitante|mitarbeiter|vorname|nachname"
)
FIELD_LABELS = frozenset(_FIELDS.split("|"))
# A label ends right before the ':' or '='; the Python side checks it against FIELD_LABELS.
FIELD_MARK = re.compile(rf"[:=][ \t]*[\"']?(?={TOKEN})")
LABEL_BEFORE = re.compile(r"(?:^|(?<=[\s(\[|;{,\"']))([A-Za-zäöüéè][A-Za-zäöüéè _]{0,24}?)[\"']? ?$")
SIGN_OFF = re.compile(
    r"(?im)(?:^|(?<=>))[ \t]*(?:<[a-z]{1,6}>)?(?:(?:best|kind|warm|many)?\s?regards|best|cheers|thanks|thank you|many thanks|sincerely|"
    r"yours(?: sincerely| truly)?|cordialement|bien à vous|salutations|saludos|un saludo|atentamente|"
    r"mit freundlichen grüßen|viele grüße|beste grüße|liebe grüße|gruß|--|—)[,.!]?[ \t]*(?:\n|<br ?/?>)[ \t]*(?=" + TOKEN + ")"
)
NAME_BEFORE_EMAIL = re.compile(rf"({TOKEN}(?: {TOKEN}){{1,3}}) ?[<(\[][^\s<>()@]+@")
# NAME_BEFORE_EMAIL's tail alone: cheap to look for, and without it the whole cannot match
_BRACKETED_ADDRESS = re.compile(r"[<(\[][^\s<>()@]+@")
# "POWELL, KARINA" / "Powell, Karina" as a CSV or directory entry
SURNAME_COMMA_GIVEN = re.compile(rf"([{UP}](?<![\w\-][{UP}])[{UP}{LOW}'\-]+), ([{UP}][{UP}{LOW}'\-]+)(?![\w\-])")
SPEAKER = re.compile(rf"(?m)^[ \t]*(?:[-*•][ \t]+)?(\[[^\]\n]{{1,30}}\] ?)?({TOKEN}(?: {TOKEN}){{0,2}}):[ \t]")
# "Anaïs Jourdan works at ...": two name-like words before a verb said of people
NAME_BEFORE_VERB = re.compile(
    rf"[{UP}](?<![\w@.\-][{UP}]){TOKEN_TAIL} {TOKEN}(?<!\.)(?= (?:works|worked|lives|lived|is employed|was employed|"
    r"joined|was born|resides)\b)"
)
_VERB_WORDS = (" works ", " worked ", " lives ", " lived ", " employed ", " joined ", " born ", " resides ")


class PersonRecogniser:
    def find(self, text: str) -> Iterator[Finding]:
        for m in MULTI_RUN.finditer(text):
            yield from self._in_run(text, m.start(), m.group())
        lines = line_starts(text)
        cues = (
            [m.end() for m in match_at(TITLE_CUE, text, [s.start() for s in _TITLE_START.finditer(text)])]
            if _TITLE_GATE.search(text) else []
        )
        cues += [m.end() for m in match_at(SIGN_OFF, text, _after_tags(text, lines) if "<" in text else lines)]
        for m in FIELD_MARK.finditer(text):
            label = LABEL_BEFORE.search(text, max(0, m.start() - 26), m.start())
            if label and label.group(1).lower().replace("_", " ") in FIELD_LABELS:
                cues.append(m.end())
        for end in cues:
            honorifics = HONORIFIC_PREFIX.match(text, end)
            run = RUN.match(text, honorifics.end() if honorifics else end)
            if run:
                yield from _leading_name(run.start(), run.group(), True)
        if mentions(text, _SELF_WORDS):
            for m in scan_from_words(SELF_CUE, text, _SELF_STARTS):
                run = RUN.match(text, m.end())
                if run and known(run.group().split(" ")[0]):
                    yield from _leading_name(run.start(), run.group(), True)
        for m in match_at(LIST_CUE, text, lines) if _mentions_list_word(text) else ():
            pos = m.end()
            while True:
                run = RUN.match(text, pos)
                if run is None:
                    break
                yield from _leading_name(run.start(), run.group(), True)
                nxt = text.find(", ", run.end(), run.end() + 2)
                if nxt != run.end():
                    break
                pos = nxt + 2
        for m in NAME_BEFORE_EMAIL.finditer(text) if "@" in text and _BRACKETED_ADDRESS.search(text) else ():
            yield from _leading_name(m.start(1), m.group(1), True)
        for m in SURNAME_COMMA_GIVEN.finditer(text):
            last, first = m.group(1), m.group(2)
            if is_given(first) and is_surname(last) and (last.isupper() == first.isupper()):
                yield Finding(m.start(), m.end(), "PERSON", 1)  # below a list's "A B, C D" reading
        for m in match_at(SPEAKER, text, lines) if ": " in text or ":\t" in text else ():
            words = m.group(2).split(" ")
            if is_given(words[0]) or (len(words) > 1 and (in_given(words[0]) or plain(words[0]))
                                        and (plain(words[-1]) or is_surname(words[-1]))) or (
                _timestamped(m.group(1)) and len(words) == 1 and len(words[0]) > 2 and plain(words[0])
            ):
                yield Finding(m.start(2), m.end(2), "PERSON", 2)
        if mentions(text, _VERB_WORDS):
            for m in NAME_BEFORE_VERB.finditer(text):
                first, last = m.group().split(" ")
                if plain(first) and plain(last) and not first.isupper() and not last.isupper():
                    yield Finding(m.start(), m.end(), "PERSON", 2)

    def _in_run(self, text: str, start: int, run: str) -> Iterator[Finding]:
        words = run.split(" ")
        offsets = []
        pos = start
        for w in words:
            offsets.append(pos)
            pos += len(w) + 1
        i = 0
        while i < len(words):
            if i + 1 < len(words) and (is_given(words[i]) or (
                plain(words[i]) and len(words[i]) > 2 and not words[i].isupper() and is_surname(words[i + 1])
                and not words[i + 1].isupper() and not _sentence_start(text, offsets[i])
            )):
                j = i + 1
                while j < len(words) and j - i < 4 and (plain(words[j]) or is_surname(words[j])):
                    j += 1
                if j > i + 1 and not words[j - 1].endswith("."):
                    yield Finding(offsets[i], offsets[j - 1] + len(words[j - 1]), "PERSON", 2)
                    i = j
                    continue
            i += 1


def _after_tags(text: str, lines: tuple[int, ...]) -> list[int]:
    """Line starts and the places right after an HTML tag ("<p>Kind regards,<br>Karz"): where a sign-off can open."""
    starts = set(lines)
    pos = text.find(">")
    while pos != -1:
        starts.add(pos + 1)
        pos = text.find(">", pos + 1)
    return sorted(starts)


def _timestamped(bracket: str | None) -> bool:
    """A chat line's "[10:02] " prefix: with it, a one-word speaker counts as a name."""
    return bracket is not None and any(c.isdigit() for c in bracket)


def _sentence_start(text: str, start: int) -> bool:
    """Nothing but spaces between the previous sentence end (or the text's start) and `start`."""
    before = text[max(0, start - 6):start].rstrip(" ")
    if not before:
        return True
    if before[-1] == "." and _INITIAL_END.search(before):  # "P.S. Anna Berg", "Dr. Berg"
        return False
    return before[-1] in ".!?\n\"'`"


_INITIAL_END = re.compile(r"(?:^|[\s.])(?:[A-Za-z]|Dr|Mr|Mrs|Ms|Prof|St)\.$")


def _leading_name(start: int, run: str, strong: bool) -> Iterator[Finding]:
    """The first one to three name-like words of a run that follows a cue."""
    words = run.split(" ")
    taken = 0
    for w in words[:3]:
        listed = known(w) if taken == 0 else is_surname(w)
        if not (plain(w) or (listed and (strong or taken))):
            break
        taken += 1
    if not taken:
        return
    if taken == 1 and not strong and not (is_given(words[0]) or is_surname(words[0])):
        return
    end = start + len(" ".join(words[:taken]))
    yield Finding(start, end, "PERSON", 2)
