# cython: language_level=3, wraparound=False
"""doorman.boundary.secrets' recogniser, compiled: the same findings in the same order.

One pass over the text finds the few places where a token, a cue word or a `KEY=` line can start; only there
does the reference's own pattern decide, so most texts (which hold no secret) never reach a regex.
"""

from cpython.mem cimport PyMem_Calloc
from cpython.unicode cimport Py_UCS1, Py_UCS2, Py_UNICODE_ISALNUM, Py_UNICODE_ISALPHA, Py_UNICODE_ISDIGIT

import re

from doorman.boundary import secrets
from doorman.boundary.findings import Finding, mentions

from doorman.boundary.fast.chars cimport (
    Text,
    changed_patterns,
    char_at,
    is_space,
    is_word,
    lower_char,
    lowered_any,
    matches_ci,
    new_finding,
    text_of,
    unit,
    unsafe_fold,
)


cdef object PEM_FINDITER = secrets.PEM.finditer
cdef object TOKENS_MATCH = secrets.TOKENS.match
cdef object ASSIGNED_MATCH = secrets.ASSIGNED.match
cdef object ASSIGNED_FINDITER = secrets.ASSIGNED.finditer
cdef object ENV_MATCH = secrets.SECRET_ENV_KEY.match
cdef object opaque = secrets._opaque
cdef tuple ENV_KEY_WORDS = secrets._ENV_KEY_WORDS
cdef tuple ASSIGNED_WORDS = secrets._ASSIGNED_WORDS

# The scan judges each character c with the three before it (z, a, b: Latin-1, or a stand-in of the same
# class), by table look-ups that no earlier result holds up, and branches only where one finds something:
# TRIPLES[OPENINGS[a * 256 + b] * 256 + c] says TOKEN_HIT (a, b, c begin a token prefix, or a, b are one) and
# CUE_HIT (they begin one of ASSIGNED's cue words, lower-cased), DASHES_HIT for "---" (which PEM's
# "-----BEGIN" holds), and NEWLINE_HIT for a line break c;
# ALLOWED[z] keeps TOKEN_HIT after no \w nor '-', and CUE_HIT after no \w. (Every token and cue word is
# longer than its first three characters.)
cdef enum:
    TOKEN_HIT = 1
    CUE_HIT = 2
    NEWLINE_HIT = 4
    DASHES_HIT = 8
cdef unsigned char OPENINGS[256 * 256]  # 0, or which of the prefixes' and words' openings a, b is
cdef unsigned char ALLOWED[256]
_latin1 = [chr(_code) for _code in range(256)]
_openings = {}  # (a, b) -> (its number, {(third or None, hit)})
for _words, _hit in ((secrets._TOKEN_PREFIXES, TOKEN_HIT), (secrets._ASSIGNED_STARTS, CUE_HIT)):
    for _word in _words:
        assert len(_word) >= 2 and _word.isascii() and _word == (_word.lower() if _hit == CUE_HIT else _word), _word
        for _first in {_word[0], _word[0].upper()} if _hit == CUE_HIT else {_word[0]}:
            for _second in {_word[1], _word[1].upper()} if _hit == CUE_HIT else {_word[1]}:
                _entry = _openings.setdefault((_first, _second), (len(_openings) + 1, set()))
                for _third in ({_word[2], _word[2].upper()} if _hit == CUE_HIT else {_word[2]}) if len(_word) > 2 else {None}:
                    _entry[1].add((_third, _hit))
_openings.setdefault(("-", "-"), (len(_openings) + 1, set()))[1].add(("-", DASHES_HIT))
assert len(_openings) < 256
cdef unsigned char *TRIPLES = <unsigned char *> PyMem_Calloc((len(_openings) + 1) * 256, 1)
if TRIPLES == NULL:
    raise MemoryError()
for (_first, _second), (_number, _thirds) in _openings.items():
    OPENINGS[ord(_first) * 256 + ord(_second)] = _number
    for _third, _hit in _thirds:
        for _code in range(256) if _third is None else (ord(_third),):
            TRIPLES[_number * 256 + _code] |= _hit
for _number in range(len(_openings) + 1):
    TRIPLES[_number * 256 + 10] |= NEWLINE_HIT
for _code in range(256):
    _word_class = _latin1[_code].isalnum() or _code == 95
    ALLOWED[_code] = NEWLINE_HIT | DASHES_HIT | (0 if _word_class or _code == 45 else TOKEN_HIT) | (0 if _word_class else CUE_HIT)
# the token prefixes by first character; ASSIGNED's cue words' starts by (lower-case) first character
cdef list TOKEN_PREFIXES = [tuple(w for w in secrets._TOKEN_PREFIXES if ord(w[0]) == _code) for _code in range(128)]
cdef list ASSIGNED_STARTS = [tuple(w for w in secrets._ASSIGNED_STARTS if ord(w[0]) == _code) for _code in range(128)]
# ASSIGNED's cue words, each of which must be followed by a word boundary, by (lower-case) first letter
cdef tuple CUE_NAMES = ("access", "refresh", "auth", "api", "session", "bearer", "secret", "private", "client")
cdef tuple CUE_KINDS = ("token", "key", "secret")
cdef tuple CUE_WORDS = (
    "bearer", "password", "passwort", "passwd", "pwd", "pass", "passphrase", "mot de passe", "kennwort", "secret",
    "token", "apikey", "api_key",
)
cdef list CUE_NAMES_BY_FIRST = [tuple(w for w in CUE_NAMES if ord(w[0]) == _code) for _code in range(128)]
cdef list CUE_WORDS_BY_FIRST = [tuple(w for w in CUE_WORDS if ord(w[0]) == _code) for _code in range(128)]


cdef bint holds_any(const Text *t, Py_ssize_t p, tuple words) noexcept:
    """Does one of `words` start at p, as it is written?"""
    cdef str word
    cdef Py_ssize_t k, m
    for word in words:
        m = len(word)
        if p + m > t.n:
            continue
        for k in range(m):
            if char_at(t, p + k) != word[k]:
                break
        else:
            return True
    return False


cdef inline bint word_ci(const Text *t, Py_ssize_t i, str word) noexcept:
    """`(?i)word\\b` at i."""
    return matches_ci(t, i, word) and not is_word(char_at(t, i + len(word)))


cdef bint cue_at(const Text *t, Py_ssize_t p) noexcept:
    """Can ASSIGNED's cue (up to its closing `\\b`) match at p, an ASCII letter? A necessary condition only:
    the regex decides."""
    cdef str name, kind, word
    cdef Py_ssize_t q
    cdef Py_UCS4 c
    cdef unsigned int first = lower_char(char_at(t, p))
    if first >= 128:
        return False
    for name in <tuple> CUE_NAMES_BY_FIRST[first]:
        if matches_ci(t, p, name):
            q = p + len(name)
            for kind in CUE_KINDS:
                if word_ci(t, q, kind):
                    return True
            c = char_at(t, q)
            if c == 95 or c == 45 or c == 32:
                for kind in CUE_KINDS:
                    if word_ci(t, q + 1, kind):
                        return True
    for word in <tuple> CUE_WORDS_BY_FIRST[first]:
        if word_ci(t, p, word):
            return True
    if first == 99 and matches_ci(t, p, "contrase") and p + 9 < t.n:  # contrase[ñn]a
        c = char_at(t, p + 8)
        if c == 0xF1 or c == 0xD1 or c == 110 or c == 78:
            return word_ci(t, p + 9, "a")
    return False


cdef bint env_line_may_match(const Text *t, str text, Py_ssize_t line) except -1:
    """Can SECRET_ENV_KEY match at this line start? `\\s*`, an optional `export\\s+`, then a run of [A-Z0-9_]
    holding a key word, `\\s*` and ':' or '='. A necessary condition only: the regex decides."""
    cdef Py_ssize_t q = line, end
    cdef Py_UCS4 c
    while is_space(char_at(t, q)):
        q += 1
    if q + 6 < t.n and holds_any(t, q, ("export",)) and is_space(char_at(t, q + 6)):
        q += 7
        while is_space(char_at(t, q)):
            q += 1
    end = q
    c = char_at(t, end)
    while 48 <= c <= 57 or 65 <= c <= 90 or c == 95:
        end += 1
        c = char_at(t, end)
    if end - q < 5:
        return False
    line = end
    while is_space(char_at(t, end)):
        end += 1
    c = char_at(t, end)
    if not (c == 58 or c == 61):
        return False
    key = text[q:line]
    for word in ENV_KEY_WORDS:
        if word in key:
            return True
    return False


cdef enum:  # what scan says of the text
    REFUSED = 1
    DASHED = 2


cdef int scan(const unit *data, const Text *t, str text, list tokens, list assigned, list env) except -1:
    """Where TOKENS, ASSIGNED and SECRET_ENV_KEY can match, into the lists; returns REFUSED when findings.folded
    refuses the text (`assigned` is then incomplete), with DASHED when it holds "---", else 0. `data` is t's
    code points (read below t.n).

    ASSIGNED's cue words are compared lower-cased, as the reference compares them in the folded text."""
    cdef unsigned int z = 32, a = 32, b = 32, code, hit  # a space stands for what is before the text
    cdef bint refused = False, dashed = False
    cdef Py_ssize_t i, p
    cdef Py_UCS4 c
    cdef const unsigned char *triples = TRIPLES
    if env_line_may_match(t, text, 0):
        env.append(0)
    for i in range(t.n):
        c = data[i]
        code = c
        if c >= 256:  # as a Latin-1 character of its class: a word character or not
            refused = refused or unsafe_fold(c)
            code = 0xC0 if Py_UNICODE_ISALNUM(c) else 32
        hit = triples[OPENINGS[a * 256 + b] * 256 + code] & ALLOWED[z]
        z = a
        a = b
        b = code
        if hit:
            if hit & DASHES_HIT:
                dashed = True
                continue
            if hit & NEWLINE_HIT:
                c = char_at(t, i + 1)  # SECRET_ENV_KEY's line opens with \\s, "export" or [A-Z0-9_]
                if (65 <= c <= 90 or 48 <= c <= 57 or c == 95 or c == 101 or is_space(c)) and env_line_may_match(
                    t, text, i + 1
                ):
                    env.append(i + 1)
                continue
            p = i - 2  # where the word begins
            if hit & TOKEN_HIT and holds_any(t, p, TOKEN_PREFIXES[z]):
                tokens.append(p)
            if hit & CUE_HIT and lowered_any(t, p, ASSIGNED_STARTS[lower_char(z)]) and cue_at(t, p):
                assigned.append(p)
    return (REFUSED if refused else 0) | (DASHED if dashed else 0)


# _opaque, in C where its constants are found: the plain words it refuses and the symbols that make a secret
def _opaque_constants():
    plain = symbols = None
    for constant in secrets._opaque.__code__.co_consts:
        if isinstance(constant, frozenset):
            plain = constant
        elif hasattr(constant, "co_consts"):
            symbols = next((c for c in constant.co_consts if isinstance(c, str) and "!" in c), symbols)
    return plain, symbols


cdef frozenset PLAIN_WORDS
cdef str SYMBOLS
PLAIN_WORDS, SYMBOLS = _opaque_constants()
cdef bint OPAQUE_IN_C = PLAIN_WORDS is not None and SYMBOLS is not None and SYMBOLS.isascii()
cdef Py_ssize_t LONGEST_PLAIN = max(map(len, PLAIN_WORDS)) if OPAQUE_IN_C else 0
cdef unsigned char SYMBOL[128]
for _code in map(ord, SYMBOLS if OPAQUE_IN_C else ""):
    SYMBOL[_code] = 1
cdef object CODE_FULLMATCH = secrets._CODE_EXPRESSION.fullmatch
# _CODE_EXPRESSION as code_may_be ports it: else the pattern alone decides
cdef bint CODE_AS_PORTED = changed_patterns(secrets, {"_CODE_EXPRESSION": 2904142333}) is None


cdef bint code_may_be(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """A necessary condition for _CODE_EXPRESSION to match all of text[start:end]: [A-Za-z_] first, and a
    '.', '(', '[' or ',' (each of its endings begins with one)."""
    cdef Py_ssize_t k
    cdef Py_UCS4 c = char_at(t, start)
    if not (65 <= c <= 90 or 97 <= c <= 122 or c == 95):
        return False
    for k in range(start + 1, end):
        c = char_at(t, k)
        if c == 46 or c == 40 or c == 91 or c == 44:
            return True
    return False


cdef bint opaque_at(const Text *t, str text, Py_ssize_t start, Py_ssize_t end) except -1:
    """secrets._opaque(text[start:end])."""
    cdef Text value = t[0]
    cdef Py_ssize_t k
    cdef Py_UCS4 c
    cdef bint digit = False, alpha = False
    if not OPAQUE_IN_C:
        return opaque(text[start:end])
    # a plain word (lower-casing never shortens a text, so a longer value is none of them)
    if end - start <= LONGEST_PLAIN and text[start:end].lower() in PLAIN_WORDS:
        return False
    value.n = end
    c = char_at(&value, start)
    if c == 47 or holds_any(&value, start, ("http",)):
        return False
    if (code_may_be(&value, start, end) or not CODE_AS_PORTED) and CODE_FULLMATCH(text, start, end) is not None:
        return False
    for k in range(start, end):
        c = char_at(&value, k)
        if c < 128:
            if SYMBOL[c]:
                return True
            digit = digit or 48 <= c <= 57
            alpha = alpha or 65 <= c <= 90 or 97 <= c <= 122
        else:
            digit = digit or Py_UNICODE_ISDIGIT(c)
            alpha = alpha or Py_UNICODE_ISALPHA(c)
    return digit and alpha


# TOKENS, in C as token_end ports it (else the pattern decides)
cdef bint TOKENS_AS_PORTED = changed_patterns(secrets, {"TOKENS": 1178673002}) is None and secrets.TOKENS.flags == re.UNICODE
cdef enum:  # the character classes of TOKENS' runs
    UPPER_DIGIT = 1  # [A-Z0-9]
    LETTER_DIGIT = 2  # [A-Za-z0-9]
    LETTER_DIGIT_UNDERSCORE = 3  # [A-Za-z0-9_]
    LETTER_DIGIT_DASH = 4  # [A-Za-z0-9\\-]
    TOKEN_CHARACTER = 5  # [A-Za-z0-9_\\-]


cdef inline bint in_class(Py_UCS4 c, int cls) noexcept:
    if 48 <= c <= 57 or 65 <= c <= 90:
        return True
    if 97 <= c <= 122:
        return cls != UPPER_DIGIT
    if c == 95:
        return cls == LETTER_DIGIT_UNDERSCORE or cls == TOKEN_CHARACTER
    if c == 45:
        return cls == LETTER_DIGIT_DASH or cls == TOKEN_CHARACTER
    return False


cdef inline Py_ssize_t run_end(const Text *t, Py_ssize_t i, int cls) noexcept:
    while in_class(char_at(t, i), cls):
        i += 1
    return i


cdef inline bint token_ends(const Text *t, Py_ssize_t i) noexcept:
    """`(?![\\w\\-])` at i."""
    cdef Py_UCS4 c = char_at(t, i)
    return not (is_word(c) or c == 45)


cdef Py_ssize_t run_token(const Text *t, Py_ssize_t i, int cls, Py_ssize_t least, Py_ssize_t most) noexcept:
    """Where `cls{least,most}(?![\\w\\-])` matches at i, or -1. Every class is within [\\w-], so the greedy
    run cannot give back a character and still end there."""
    cdef Py_ssize_t end = run_end(t, i, cls)
    return end if least <= end - i <= most and token_ends(t, end) else -1


cdef inline bint holds(const Text *t, Py_ssize_t p, str word) noexcept:
    return holds_any(t, p, (word,))


cdef Py_ssize_t token_end(const Text *t, Py_ssize_t p) noexcept:
    """Where TOKENS matches at p, after no \\w nor '-', or -1: its alternatives in order."""
    cdef Py_ssize_t end, run
    cdef Py_UCS4 c
    cdef str word
    for word in ("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"):
        if holds(t, p, word):
            end = run_token(t, p + 4, UPPER_DIGIT, 16, 16)
            if end >= 0:
                return end
            break
    c = char_at(t, p + 2)
    if holds(t, p, "gh") and (c == 112 or c == 111 or c == 117 or c == 115 or c == 114) and char_at(t, p + 3) == 95:
        end = run_token(t, p + 4, LETTER_DIGIT, 30, 255)
        if end >= 0:
            return end
    if holds(t, p, "github_pat_"):
        end = run_token(t, p + 11, LETTER_DIGIT_UNDERSCORE, 40, 255)
        if end >= 0:
            return end
    c = char_at(t, p + 3)
    if holds(t, p, "xox") and (c == 97 or c == 98 or c == 112 or c == 111 or c == 115 or c == 114) and char_at(t, p + 4) == 45:
        end = run_token(t, p + 5, LETTER_DIGIT_DASH, 10, 250)
        if end >= 0:
            return end
    if (holds(t, p, "sk_") or holds(t, p, "pk_") or holds(t, p, "rk_")) and (
        holds(t, p + 3, "live_") or holds(t, p + 3, "test_")
    ):
        end = run_token(t, p + 8, LETTER_DIGIT, 10, 99)
        if end >= 0:
            return end
    if holds(t, p, "sk-"):  # (?:proj-|ant-)? then the run: whichever way, the same end
        end = run_end(t, p + 3, TOKEN_CHARACTER)
        run = end - p - 3
        if token_ends(t, end) and (
            holds(t, p + 3, "proj-") and 20 <= run - 5 <= 200
            or holds(t, p + 3, "ant-") and 20 <= run - 4 <= 200
            or 20 <= run <= 200
        ):
            return end
    if holds(t, p, "AIza"):
        end = run_token(t, p + 4, TOKEN_CHARACTER, 35, 35)
        if end >= 0:
            return end
    if holds(t, p, "glpat-"):
        end = run_token(t, p + 6, TOKEN_CHARACTER, 20, 20)
        if end >= 0:
            return end
    if holds(t, p, "npm_"):
        end = run_token(t, p + 4, LETTER_DIGIT, 36, 36)
        if end >= 0:
            return end
    for word in ("tok_", "key_", "api_", "secret_", "token_", "sess_", "pat_"):
        if holds(t, p, word):
            end = run_token(t, p + len(word), LETTER_DIGIT, 16, 128)
            if end >= 0:
                return end
            break
    if holds(t, p, "eyJ"):
        end = run_end(t, p + 3, TOKEN_CHARACTER)
        if end - p - 3 >= 8 and char_at(t, end) == 46 and holds(t, end + 1, "eyJ"):
            run = end + 4
            end = run_end(t, run, TOKEN_CHARACTER)
            if end - run >= 8 and char_at(t, end) == 46:
                return run_token(t, end + 1, TOKEN_CHARACTER, 8, t.n)
    return -1


cdef list match_from(object match, str text, list starts):
    """findings.match_at: the pattern's matches tried at ascending `starts`, none overlapping the last."""
    cdef list found = []
    cdef Py_ssize_t start, end = 0, stop
    for start in starts:
        if start >= end:
            m = match(text, start)
            if m is not None:
                stop = m.end()
                end = stop if stop > start else start + 1
                found.append(m)
    return found


class SecretRecogniser:
    def find(self, str text):
        cdef list found = [], tokens = [], assigned = [], env = []
        cdef Text t = text_of(text)
        cdef int state
        cdef Py_ssize_t start, end, stop
        if t.kind == 1:
            state = scan(<const Py_UCS1 *> t.data, &t, text, tokens, assigned, env)
        elif t.kind == 2:
            state = scan(<const Py_UCS2 *> t.data, &t, text, tokens, assigned, env)
        else:
            state = scan(<const Py_UCS4 *> t.data, &t, text, tokens, assigned, env)
        if state & DASHED and "-----BEGIN" in text:
            for m in PEM_FINDITER(text):
                found.append(new_finding(Finding, m.start(2), m.end(2), "SECRET", 10))
        if TOKENS_AS_PORTED:
            end = 0
            for start in tokens:
                if start >= end:
                    stop = token_end(&t, start)
                    if stop >= 0:
                        end = stop
                        found.append(new_finding(Finding, start, stop, "SECRET", 9))
        else:
            for m in match_from(TOKENS_MATCH, text, tokens):
                found.append(new_finding(Finding, m.start(), m.end(), "SECRET", 9))
        if state & REFUSED:  # the reference's full scan, behind its cheap pre-check
            matches = ASSIGNED_FINDITER(text) if mentions(text, ASSIGNED_WORDS) else ()
        else:
            matches = match_from(ASSIGNED_MATCH, text, assigned)
        for m in matches:
            start, end = m.span("value")
            if opaque_at(&t, text, start, end):
                found.append(new_finding(Finding, start, end, "SECRET", 8))
        for m in match_from(ENV_MATCH, text, env):
            start, end = m.span("value")
            if opaque_at(&t, text, start, end):
                found.append(new_finding(Finding, start, end, "SECRET", 8))
        return found


TWINS = {secrets.SecretRecogniser: SecretRecogniser}


