# cython: language_level=3, wraparound=False
"""doorman.boundary.secrets' recogniser, compiled: the same findings in the same order.

One pass over the text finds the few places where a token, a cue word or a `KEY=` line can start; only there
does the reference's own pattern decide, so most texts (which hold no secret) never reach a regex.
"""

from cpython.unicode cimport Py_UCS1, Py_UCS2, Py_UNICODE_ISALNUM, Py_UNICODE_ISALPHA, Py_UNICODE_ISDIGIT, PyUnicode_DATA

import re

from libc.stdint cimport uint64_t
from libc.string cimport memchr, memcmp, memcpy
from cpython.mem cimport PyMem_Free, PyMem_Malloc

from doorman.boundary import secrets
from doorman.boundary.findings import Finding, mentions

from doorman.boundary.fast.chars cimport (
    HIGHS,
    LITTLE_ENDIAN,
    ONES,
    SIXTEEN_AT_ONCE,
    Text,
    ci_at,
    eq64,
    folded_in16,
    changed_patterns,
    char_at,
    is_space,
    is_word,
    lower_char,
    lowered_any,
    lowest_bit,
    matches_ci,
    new_finding,
    same_letter,
    text_of,
    unit,
    unsafe_fold,
    written_at,
)
from doorman.boundary.fast.positions cimport Positions, positions_release, positions_start, push


cdef object PEM_FINDITER = secrets.PEM.finditer
cdef object TOKENS_MATCH = secrets.TOKENS.match
cdef object ASSIGNED_MATCH = secrets.ASSIGNED.match
cdef object ASSIGNED_FINDITER = secrets.ASSIGNED.finditer
cdef object ENV_MATCH = secrets.SECRET_ENV_KEY.match
cdef object opaque = secrets._opaque
cdef tuple ENV_KEY_WORDS = secrets._ENV_KEY_WORDS
cdef tuple ASSIGNED_WORDS = secrets._ASSIGNED_WORDS
cdef bint ENV_WORDS_IN_KEY_CLASS = all([w and all([c == "_" or "A" <= c <= "Z" for c in w]) for w in ENV_KEY_WORDS])

# The scan judges each character c with the three before it (z, a, b: Latin-1, or a stand-in of the same
# class) by four independent look-ups, and branches only where one finds something. Each bit of a mask is one
# opening: a token prefix's first three characters (as written; two when the prefix is two long), a cue word's
# (lower-cased: either case matches), "---" (which PEM's "-----BEGIN" holds) or a line break. The character
# at i-3 keeps a bit in MASKS[code * 4 + BEFORE] when it lets the opening start after it (no \w nor '-'
# before a token, no \w before a cue word); the one at i-2 when it is the opening's first (FIRST), i-1 its
# second (SECOND), i one of its thirds (THIRD). A bit set in all four is a hit. (Every token and cue word is
# longer than its first three characters.)
cdef enum:
    BEFORE = 0
    FIRST = 1
    SECOND = 2
    THIRD = 3
cdef unsigned long long MASKS[256 * 4]
cdef unsigned long long TOKEN_BITS = 0, CUE_BITS = 0, NEWLINE_BIT, DASHES_BIT
_latin1 = [chr(_code) for _code in range(256)]
_openings = {}  # (token or cue, first, second) -> (its bit's number, {third characters, or None for any})
for _words, _cue in ((secrets._TOKEN_PREFIXES, False), (secrets._ASSIGNED_STARTS, True)):
    for _word in _words:
        assert len(_word) >= 2 and _word.isascii() and _word == (_word.lower() if _cue else _word), _word
        if (_cue, _word[0], _word[1]) not in _openings:
            # tokens' openings take bits 0-30, cue words' 31-61; past 31 of a kind, some share one (a hit is
            # only a place to look, and each kind's own test decides there)
            _number = sum([_key[0] == _cue for _key in _openings]) % 31 + (31 if _cue else 0)
            _openings[_cue, _word[0], _word[1]] = (_number, set())
        _openings[_cue, _word[0], _word[1]][1].add(_word[2] if len(_word) > 2 else None)
NEWLINE_BIT = 1ULL << 62
DASHES_BIT = 1ULL << 63
cdef unsigned long long _bit
for (_cue, _first, _second), (_number, _thirds) in _openings.items():
    _bit = 1ULL << <int> _number
    if _cue:
        CUE_BITS |= _bit
    else:
        TOKEN_BITS |= _bit
    for _code in range(256):
        _char = _latin1[_code]
        _as = _char.lower() if _cue and _char.isascii() else _char  # a cue word's letters in either case
        _word_class = _char.isalnum() or _code == 95
        if not (_word_class or (_code == 45 and not _cue)):
            MASKS[_code * 4 + BEFORE] |= _bit
        if _as == _first:
            MASKS[_code * 4 + FIRST] |= _bit
        if _as == _second:
            MASKS[_code * 4 + SECOND] |= _bit
        if None in _thirds or _as in _thirds:
            MASKS[_code * 4 + THIRD] |= _bit
for _code in range(256):
    MASKS[_code * 4 + BEFORE] |= NEWLINE_BIT | DASHES_BIT
    MASKS[_code * 4 + FIRST] |= NEWLINE_BIT
    MASKS[_code * 4 + SECOND] |= NEWLINE_BIT
MASKS[45 * 4 + FIRST] |= DASHES_BIT
MASKS[45 * 4 + SECOND] |= DASHES_BIT
MASKS[45 * 4 + THIRD] |= DASHES_BIT
MASKS[10 * 4 + THIRD] |= NEWLINE_BIT
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


cdef bint holds_any_bytes(const Py_UCS1 *data, Py_ssize_t n, Py_ssize_t p, tuple words) noexcept:
    """holds_any in a one-byte text, for ASCII `words`."""
    cdef str word
    cdef Py_ssize_t m
    for word in words:
        m = len(word)
        if p + m <= n and memcmp(data + p, PyUnicode_DATA(word), m) == 0:
            return True
    return False



cdef inline bint word_ci(const Text *t, Py_ssize_t i, str word) noexcept:
    """`(?i)word\\b` at i."""
    return ci_at(t, i, word) and not is_word(char_at(t, i + len(word)))


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
        if ci_at(t, p, name):
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
    if first == 99 and ci_at(t, p, "contrase") and p + 9 < t.n:  # contrase[ñn]a
        c = char_at(t, p + 8)
        if c == 0xF1 or c == 0xD1 or c == 110 or c == 78:
            return word_ci(t, p + 9, "a")
    return False


cdef inline bint key_class(Py_UCS4 c) noexcept:
    """`[A-Z0-9_]`"""
    return 65 <= c <= 90 or 48 <= c <= 57 or c == 95


# KEY_WORD_FIRST[c]: c (in [A-Z0-9_]) begins one of SECRET_ENV_KEY's key words
cdef unsigned char KEY_WORD_FIRST[256]
for _word in ENV_KEY_WORDS:
    KEY_WORD_FIRST[ord(_word[0]) if ENV_WORDS_IN_KEY_CLASS else 95] = 1


# the key words by first character (in [A-Z0-9_], as ENV_WORDS_IN_KEY_CLASS requires where they are used)
cdef list KEY_WORDS_BY_FIRST = [tuple([w for w in ENV_KEY_WORDS if ord(w[0]) == _code]) for _code in range(128)]


cdef bint env_line_may_match(const Text *t, str text, Py_ssize_t line) except -1:
    """Can SECRET_ENV_KEY match at this line start? `\\s*`, an optional `export\\s+`, then a run of [A-Z0-9_]
    holding a key word, `\\s*` and ':' or '='. A necessary condition only: the regex decides."""
    cdef Py_ssize_t q = line, end
    cdef Py_UCS4 c
    while is_space(char_at(t, q)):
        q += 1
    if q + 6 < t.n and char_at(t, q) == 101 and written_at(t, q, "export") and is_space(char_at(t, q + 6)):
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
    if not ENV_WORDS_IN_KEY_CLASS:
        key = text[q:line]
        return any([word in key for word in ENV_KEY_WORDS])
    # each key word is within [A-Z_], so one that starts in the key also ends in it
    for end in range(q, line):
        c = char_at(t, end)  # (in [A-Z0-9_])
        if KEY_WORD_FIRST[c] and (
            holds_any_bytes(<const Py_UCS1 *> t.data, t.n, end, KEY_WORDS_BY_FIRST[<unsigned int> c]) if t.kind == 1
            else holds_any(t, end, KEY_WORDS_BY_FIRST[<unsigned int> c])
        ):
            return True
    return False


cdef enum:  # what scan says of the text
    REFUSED = 1
    DASHED = 2


cdef int scan(const unit *data, const Text *t, str text, Positions *tokens, Positions *assigned, Positions *env) except -1:
    """Where TOKENS, ASSIGNED and SECRET_ENV_KEY can match, into the lists; returns REFUSED when findings.folded
    refuses the text (`assigned` is then incomplete), with DASHED when it holds "---", else 0. `data` is t's
    code points (read below t.n).

    ASSIGNED's cue words are compared lower-cased, as the reference compares them in the folded text."""
    # what the characters seen so far leave for the next: one (i-1 before), two (i-2 before, i-1 first),
    # three (i-3 before, i-2 first, i-1 second); a space stands for what is before the text
    cdef unsigned long long one = MASKS[32 * 4 + BEFORE], two, three, hit
    cdef const unsigned long long *row
    cdef unsigned int code, first
    cdef bint refused = False, dashed = False
    cdef Py_ssize_t i, p
    cdef Py_UCS4 c
    two = one & MASKS[32 * 4 + FIRST]
    three = two & MASKS[32 * 4 + SECOND]
    if env_line_may_match(t, text, 0):
        push(env, 0)
    for i in range(t.n):
        c = data[i]
        code = c
        if c >= 256:  # as a Latin-1 character of its class: a word character or not
            refused = refused or unsafe_fold(c)
            code = 0xC0 if Py_UNICODE_ISALNUM(c) else 32
        row = &MASKS[code * 4]
        hit = three & row[THIRD]
        three = two & row[SECOND]
        two = one & row[FIRST]
        one = row[BEFORE]
        if hit:
            if hit & DASHES_BIT:
                dashed = True
                continue
            if hit & NEWLINE_BIT:
                c = char_at(t, i + 1)  # the line opens with \\s, "export" or SECRET_ENV_KEY's key, [A-Z0-9_]{5,}
                if (
                    (key_class(c) and key_class(char_at(t, i + 2)) or c == 101 or is_space(c))
                    and env_line_may_match(t, text, i + 1)
                ):
                    push(env, i + 1)
                continue
            p = i - 2  # where the word begins (an ASCII letter: every opening's first is one)
            first = char_at(t, p)
            if hit & TOKEN_BITS and holds_any(t, p, TOKEN_PREFIXES[first]):
                push(tokens, p)
            if hit & CUE_BITS and lowered_any(t, p, ASSIGNED_STARTS[lower_char(first)]) and cue_at(t, p):
                push(assigned, p)
    return (REFUSED if refused else 0) | (DASHED if dashed else 0)


# OPENS[c * 256 + d]: some opening's first two characters are c, d (as written, or a cue word's in either case)
cdef unsigned char OPENS[256 * 256]
for _code in range(256):
    for _next in range(256):
        OPENS[_code * 256 + _next] = (
            MASKS[_code * 4 + FIRST] & MASKS[_next * 4 + SECOND] & (TOKEN_BITS | CUE_BITS)
        ) != 0


# OPENS_READ[x]: OPENS of the two characters that a two-byte read x holds (on a little-endian machine, where
# scan_bytes reads them so)
cdef unsigned char OPENS_READ[256 * 256]
for _code in range(256):
    for _next in range(256):
        OPENS_READ[_next * 256 + _code] = OPENS[_code * 256 + _next]


cdef inline unsigned int read2(const Py_UCS1 *s) noexcept:
    cdef unsigned short x
    memcpy(&x, s, 2)
    return x


cdef inline uint64_t read8(const Py_UCS1 *s) noexcept:
    cdef uint64_t x
    memcpy(&x, s, 8)
    return x


cdef inline uint64_t ascii_letters(uint64_t x) noexcept:
    """The high bit of each byte of x that is an ASCII letter."""
    cdef uint64_t folded = (x | (ONES * 0x20)) & (ONES * 127)
    return (folded + ONES * (128 - 0x61)) & ~(folded + ONES * (127 - 0x7A)) & ~x & HIGHS


cdef inline unsigned long long opening_hit(const Py_UCS1 *data, Py_ssize_t n, Py_ssize_t p) noexcept:
    """scan's hit of an opening at p, an ASCII letter, in a one-byte text, less its NEWLINE_BIT and DASHES_BIT
    (none when its third is a line break, which scan gives to the line instead)."""
    if p + 2 >= n or data[p + 2] == 10:
        return 0
    return (
        MASKS[(data[p - 1] if p > 0 else 32) * 4 + BEFORE] & MASKS[data[p] * 4 + FIRST]
        & MASKS[data[p + 1] * 4 + SECOND] & MASKS[data[p + 2] * 4 + THIRD] & (TOKEN_BITS | CUE_BITS)
    )


# The token prefixes and the cue words' starts as C text for opening_at: those of first character c (a cue
# word's in lower case) are words WORDS_FROM[c] to WORDS_FROM[c + 1] - 1 of TOKEN_WORDS or CUE_STARTS
cdef struct Words:
    const char *text
    unsigned short at[64]
    unsigned char length[64]
    unsigned char start[129]


cdef bytes TOKEN_TEXT = b"".join(sorted([w.encode() for w in secrets._TOKEN_PREFIXES], key=lambda w: w[0]))
cdef bytes CUE_TEXT = b"".join(sorted([w.encode() for w in secrets._ASSIGNED_STARTS], key=lambda w: w[0]))
cdef Words TOKEN_WORDS, CUE_WORDS_C


cdef void fill_words(Words *words, bytes text, tuple listed) except *:
    cdef Py_ssize_t k, at = 0
    cdef list ordered = sorted([w.encode() for w in listed], key=lambda w: w[0])
    assert len(ordered) <= 64 and b"".join(ordered) == text
    words.text = text
    for k in range(129):
        words.start[k] = len([w for w in ordered if w[0] < k])
    for k in range(len(ordered)):
        words.at[k] = at
        words.length[k] = len(ordered[k])
        at += len(ordered[k])


fill_words(&TOKEN_WORDS, TOKEN_TEXT, secrets._TOKEN_PREFIXES)
fill_words(&CUE_WORDS_C, CUE_TEXT, secrets._ASSIGNED_STARTS)


cdef inline bint starts_any(const Py_UCS1 *data, Py_ssize_t n, Py_ssize_t p, const Words *words, unsigned int first,
                            bint lowered) noexcept:
    """holds_any_bytes (or, `lowered`, the lower-cased text's) at p for the words that begin with `first` (ASCII)."""
    cdef Py_ssize_t k, j, m
    cdef const Py_UCS1 *w
    cdef Py_UCS1 c
    for k in range(words.start[first], words.start[first + 1]):
        m = words.length[k]
        if p + m > n:
            continue
        w = <const Py_UCS1 *> words.text + words.at[k]
        for j in range(m):
            c = data[p + j]
            if lowered and 65 <= c <= 90:
                c += 32
            if c != w[j]:
                break
        else:
            return True
    return False


cdef int opening_at(const Py_UCS1 *data, const Text *t, Py_ssize_t p, unsigned long long hit, Positions *tokens,
                    Positions *assigned) except -1:
    """scan's test of a hit at p, an ASCII letter, in a one-byte text."""
    cdef unsigned int first = data[p]
    if hit & TOKEN_BITS and starts_any(data, t.n, p, &TOKEN_WORDS, first, False):
        push(tokens, p)
    # (where assigned_at decides, cue_at would only repeat its work)
    if hit & CUE_BITS and starts_any(data, t.n, p, &CUE_WORDS_C, first | 32, True) and (
        ASSIGNED_AS_PORTED or cue_at(t, p)
    ):
        push(assigned, p)
    return 0


cdef inline unsigned int word_starts16(const Py_UCS1 *s, unsigned int *carry) noexcept nogil:
    """A bit per character of s[0:16] that is an ASCII letter after no ASCII letter, the one before s being one
    when *carry is 1; *carry becomes whether s[15] is an ASCII letter."""
    cdef unsigned int letters = folded_in16(s, b"a", b"z")
    cdef unsigned int starts = letters & ~((letters << 1) | carry[0])
    carry[0] = letters >> 15
    return starts


cdef inline int try_opening(const Py_UCS1 *data, const Text *t, Py_ssize_t p, Positions *tokens,
                            Positions *assigned) except -1:
    """opening_at p, an ASCII letter after none, where an opening can be there."""
    cdef unsigned long long hit
    if p + 1 < t.n and OPENS[data[p] * 256 + data[p + 1]]:
        hit = opening_hit(data, t.n, p)
        if hit:
            opening_at(data, t, p, hit, tokens, assigned)
    return 0


cdef extern from *:
    """
    /* bit k (k < 62): s[k:k + 3] is "---" */
    static inline unsigned long long doorman_secrets_dashes64(const unsigned char *s) {
        unsigned long long d = doorman_eq64(s, '-');
        return d & (d >> 1) & (d >> 2);
    }
    static Py_ssize_t doorman_secrets_first_three_dashes(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) {
        return doorman_first_marked(s, i, n, doorman_secrets_dashes64, 62);
    }
    """
    Py_ssize_t first_three_dashes "doorman_secrets_first_three_dashes"(const Py_UCS1 *s, Py_ssize_t i, Py_ssize_t n) noexcept nogil


cdef int scan_bytes(const Py_UCS1 *data, const Text *t, str text, Positions *tokens, Positions *assigned,
                    Positions *env) except -1:
    """scan for a one-byte text: its line breaks and "---" found with memchr, and its openings (each an ASCII
    letter after none) eight characters at a time, then tested one by one."""
    cdef Py_ssize_t i = 0, n = t.n, p
    cdef uint64_t letters, wanted, carry = 0
    cdef unsigned long long hit
    cdef unsigned int starts, carry16 = 0
    cdef const Py_UCS1 *found
    cdef Py_UCS4 c
    if env_line_may_match(t, text, 0):
        push(env, 0)
    while i < n:
        found = <const Py_UCS1 *> memchr(data + i, 10, n - i)
        if found == NULL:
            break
        i = found - data
        # past the line's leading spaces, "export" or SECRET_ENV_KEY's key ([A-Z0-9_]{5,}) must open
        p = i + 1
        while p < n and is_space(data[p]):
            p += 1
        c = char_at(t, p)
        if (
            key_class(c) and key_class(char_at(t, p + 1)) and key_class(char_at(t, p + 2))
            and key_class(char_at(t, p + 3)) and key_class(char_at(t, p + 4)) or c == 101
        ) and env_line_may_match(t, text, i + 1):
            push(env, i + 1)
        i += 1
    i = 0
    if SIXTEEN_AT_ONCE:
        while i + 17 <= n:  # (each start's next character is then within the text)
            starts = word_starts16(data + i, &carry16)
            while starts:
                p = i + lowest_bit(starts)
                starts &= starts - 1
                if OPENS_READ[read2(data + p)]:
                    hit = opening_hit(data, n, p)
                    if hit:
                        opening_at(data, t, p, hit, tokens, assigned)
            i += 16
        carry = 0x80 if carry16 else 0  # as the loop below leaves it: the first byte's high bit
    while i + 8 <= n:
        letters = ascii_letters(read8(data + i))
        wanted = letters & ~((letters << 8) | carry)
        carry = letters >> 56
        while wanted:
            p = i + (lowest_bit(wanted) >> 3)
            wanted &= wanted - 1
            try_opening(data, t, p, tokens, assigned)
        i += 8
    while i < n:
        if ascii_letters(data[i]) and not (i > 0 and ascii_letters(data[i - 1])):
            try_opening(data, t, i, tokens, assigned)
        i += 1
    if first_three_dashes(data, 0, n) < n:
        return DASHED
    return 0


cdef extern from *:
    """
    /* s[0:count] (count <= 64) as bytes into out[0:64], NUL-padded: each unit up to 255 as itself, a larger one as
       255 or 0 (neither an ASCII letter, a line break nor a dash). Returns bit 0 when a unit is at least 0x130,
       bit 1 when one is one of the six below (the two-byte unsafe_fold characters, as UNSAFE_LISTED checks) */
    static inline int doorman_secrets_narrow64(const Py_UCS2 *s, Py_ssize_t count, unsigned char *out) {
        int k, wide = 0;
    #if defined(__SSE2__)
        if (count == 64) {
            __m128i high = _mm_setzero_si128(), unsafe = _mm_setzero_si128();
            for (k = 0; k < 64; k += 8) {
                __m128i a = _mm_loadu_si128((const __m128i *) (s + k));
                high = _mm_or_si128(high, _mm_subs_epu16(a, _mm_set1_epi16(0x12F)));
                unsafe = _mm_or_si128(unsafe, _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi16(a, _mm_set1_epi16(0x130)), _mm_cmpeq_epi16(a, _mm_set1_epi16(0x131))),
                    _mm_or_si128(
                        _mm_or_si128(_mm_cmpeq_epi16(a, _mm_set1_epi16(0x17F)), _mm_cmpeq_epi16(a, _mm_set1_epi16(0x1E9E))),
                        _mm_or_si128(_mm_cmpeq_epi16(a, _mm_set1_epi16(0x212A)), _mm_cmpeq_epi16(a, _mm_set1_epi16(0x212B))))));
                if (k & 8)
                    _mm_storeu_si128((__m128i *) (out + k - 8),
                                     _mm_packus_epi16(_mm_loadu_si128((const __m128i *) (s + k - 8)), a));
            }
            return (_mm_movemask_epi8(_mm_cmpeq_epi8(high, _mm_setzero_si128())) != 0xFFFF)
                | (_mm_movemask_epi8(unsafe) != 0) << 1;
        }
    #endif
        for (k = 0; k < 64; k++) {
            unsigned int c = k < count ? s[k] : 0;
            if (c >= 0x130) wide = 1;
            if (c == 0x130 || c == 0x131 || c == 0x17F || c == 0x1E9E || c == 0x212A || c == 0x212B) wide |= 2;
            out[k] = (unsigned char) (c > 255 ? 255 : c);
        }
        return wide;
    }
    """
    int narrow64 "doorman_secrets_narrow64"(const Py_UCS2 *s, Py_ssize_t count, Py_UCS1 *out) noexcept nogil


# narrow64's bit 1 names every two-byte unsafe_fold character: else bit 0 (any unit from 0x130) sends a block to
# unsafe_fold
cdef int UNSAFE_BIT = 2 if [_code for _code in range(0x10000) if unsafe_fold(_code)] == [0x130, 0x131, 0x17F, 0x1E9E, 0x212A, 0x212B] else 1


cdef inline unsigned int stand_in(Py_UCS4 c) noexcept:
    """scan's code for a character: itself in Latin-1, else a Latin-1 character of its class."""
    if c < 256:
        return c
    return 0xC0 if Py_UNICODE_ISALNUM(c) else 32


cdef int scan_ucs2(const Py_UCS2 *data, const Text *t, str text, Positions *tokens, Positions *assigned,
                   Positions *env) except -1:
    """scan for a two-byte text, 64 characters at a time narrowed to bytes: its line breaks, "---" and word starts
    (an ASCII letter after none) found there, each start then judged as scan judges it."""
    cdef Py_ssize_t i = 0, n = t.n, k, p, count
    cdef unsigned long long letters, starts, lines, dashes, last_dashes = 0, carry = 0, hit
    cdef bint refused = False, dashed = False
    cdef unsigned int first, third
    cdef Py_UCS1 block[64]
    cdef Py_UCS4 c
    if env_line_may_match(t, text, 0):
        push(env, 0)
    while i < n:
        count = n - i if n - i < 64 else 64
        if narrow64(data + i, count, block) & UNSAFE_BIT and not refused:
            for k in range(i, i + count):
                if unsafe_fold(data[k]):
                    refused = True
                    break
        lines = eq64(block, 10)
        while lines:
            p = i + lowest_bit(lines) + 1
            lines &= lines - 1
            c = char_at(t, p)  # as scan: the line opens with \\s, "export" or [A-Z0-9_]{2,}
            if (
                (key_class(c) and key_class(char_at(t, p + 1)) or c == 101 or is_space(c))
                and env_line_may_match(t, text, p)
            ):
                push(env, p)
        if not dashed:
            dashes = eq64(block, 45)
            dashed = (dashes & ((dashes << 1) | (last_dashes >> 63)) & ((dashes << 2) | (last_dashes >> 62))) != 0
            last_dashes = dashes
        letters = (
            <unsigned long long> folded_in16(block, b"a", b"z")
            | <unsigned long long> folded_in16(block + 16, b"a", b"z") << 16
            | <unsigned long long> folded_in16(block + 32, b"a", b"z") << 32
            | <unsigned long long> folded_in16(block + 48, b"a", b"z") << 48
        )
        starts = letters & ~((letters << 1) | carry)
        carry = letters >> 63
        while starts:
            p = i + lowest_bit(starts)
            starts &= starts - 1
            if p + 2 >= n:
                break
            third = data[p + 2]
            if third == 10:  # (scan gives that hit to the line)
                continue
            first = data[p]
            if not OPENS[first * 256 + stand_in(data[p + 1])]:
                continue
            hit = (
                MASKS[(stand_in(data[p - 1]) if p > 0 else 32) * 4 + BEFORE] & MASKS[first * 4 + FIRST]
                & MASKS[stand_in(data[p + 1]) * 4 + SECOND] & MASKS[stand_in(third) * 4 + THIRD]
            )
            if hit & TOKEN_BITS and holds_any(t, p, TOKEN_PREFIXES[first]):
                push(tokens, p)
            if hit & CUE_BITS and lowered_any(t, p, ASSIGNED_STARTS[lower_char(first)]) and cue_at(t, p):
                push(assigned, p)
        i += 64
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
# _CODE_EXPRESSION as code_fullmatch ports it: else the pattern alone decides
cdef bint CODE_AS_PORTED = changed_patterns(secrets, {"_CODE_EXPRESSION": 2904142333}) is None and secrets._CODE_EXPRESSION.flags == re.UNICODE


cdef inline bint is_quote(Py_UCS4 c) noexcept:
    return c == 34 or c == 39


cdef inline bint is_name_start(Py_UCS4 c) noexcept:
    """`[A-Za-z_]`"""
    return 65 <= c <= 90 or 97 <= c <= 122 or c == 95


cdef bint code_fullmatch(const Text *value, Py_ssize_t start) noexcept:
    """_CODE_EXPRESSION.fullmatch of the value from start (value.n is its end): `[A-Za-z_]\\w*` then
    `(?:\\.[A-Za-z_]\\w*)+\\(?`, `\\(`, `\\[[\\w\"']*\\]?,?` or `,`. Each \\w* stops only before a
    character no \\w takes, so none of them can give one back."""
    cdef Py_ssize_t i = start + 1, n = value.n
    cdef Py_UCS4 c
    if not is_name_start(char_at(value, start)):
        return False
    while i < n and is_word(char_at(value, i)):
        i += 1
    if i >= n:
        return False
    c = char_at(value, i)
    if c == 40 or c == 44:  # ( ,
        return i + 1 == n
    if c == 91:  # [
        i += 1
        while i < n and (is_word(char_at(value, i)) or is_quote(char_at(value, i))):
            i += 1
        if i < n and char_at(value, i) == 93:
            i += 1
        if i < n and char_at(value, i) == 44:
            i += 1
        return i == n
    if c != 46:
        return False
    while i + 1 < n and char_at(value, i) == 46 and is_name_start(char_at(value, i + 1)):
        i += 2
        while i < n and is_word(char_at(value, i)):
            i += 1
    if i < n and char_at(value, i) == 40:
        i += 1
    return i == n


cdef bint PLAIN_ARE_LETTERS = OPAQUE_IN_C and all([w.isascii() and w.isalpha() for w in PLAIN_WORDS])


cdef inline bint may_be_plain(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """Can text[start:end].lower() be one of PLAIN_WORDS (ASCII letters)? Not with an ASCII character other than
    a letter in it, which lower() keeps."""
    cdef Py_ssize_t k
    cdef Py_UCS4 c
    if not PLAIN_ARE_LETTERS:
        return True
    for k in range(start, end):
        c = char_at(t, k)
        if c < 128 and not (65 <= c <= 90 or 97 <= c <= 122):
            return False
    return True


cdef enum:  # VALUE_KIND's bits
    SYMBOL_KIND = 1
    DIGIT_KIND = 2
    ALPHA_KIND = 4
# VALUE_KIND[c]: what opaque_at's last loop notes of c, a Latin-1 character
cdef unsigned char VALUE_KIND[256]
for _code in range(256):
    if _code < 128:
        VALUE_KIND[_code] = (
            (SYMBOL_KIND if SYMBOL[_code] else 0) | (DIGIT_KIND if 48 <= _code <= 57 else 0)
            | (ALPHA_KIND if 65 <= _code <= 90 or 97 <= _code <= 122 else 0)
        )
    else:
        VALUE_KIND[_code] = (DIGIT_KIND if Py_UNICODE_ISDIGIT(_code) else 0) | (ALPHA_KIND if Py_UNICODE_ISALPHA(_code) else 0)


cdef inline bint one_byte_opaque(const Py_UCS1 *data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """opaque_at's last loop in a one-byte text (start and end within it): a symbol, or a digit and a letter."""
    cdef unsigned int kinds = 0
    cdef Py_ssize_t k
    for k in range(start, end):
        kinds |= VALUE_KIND[data[k]]
        if kinds & SYMBOL_KIND:
            return True
    return kinds & (DIGIT_KIND | ALPHA_KIND) == DIGIT_KIND | ALPHA_KIND


cdef bint opaque_at(const Text *t, str text, Py_ssize_t start, Py_ssize_t end) except -1:
    """secrets._opaque(text[start:end])."""
    cdef Text value = t[0]
    cdef Py_ssize_t k
    cdef Py_UCS4 c
    cdef bint digit = False, alpha = False
    if not OPAQUE_IN_C:
        return opaque(text[start:end])
    # a plain word (lower-casing never shortens a text, so a longer value is none of them)
    if end - start <= LONGEST_PLAIN and may_be_plain(t, start, end) and text[start:end].lower() in PLAIN_WORDS:
        return False
    value.n = end
    c = char_at(&value, start)
    if c == 47 or holds_any(&value, start, ("http",)):
        return False
    if CODE_AS_PORTED:
        if code_fullmatch(&value, start):
            return False
    elif CODE_FULLMATCH(text, start, end) is not None:
        return False
    if t.kind == 1:
        return one_byte_opaque(<const Py_UCS1 *> t.data, start, end)
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


cdef inline bint class_holds(Py_UCS4 c, int cls) noexcept:
    if 48 <= c <= 57 or 65 <= c <= 90:
        return True
    if 97 <= c <= 122:
        return cls != UPPER_DIGIT
    if c == 95:
        return cls == LETTER_DIGIT_UNDERSCORE or cls == TOKEN_CHARACTER
    if c == 45:
        return cls == LETTER_DIGIT_DASH or cls == TOKEN_CHARACTER
    return False


# IN_CLASS[c]: bit `cls` set where class_holds(c, cls), for c below 128 (no class holds a character above)
cdef unsigned char IN_CLASS[128]
for _code in range(128):
    for _cls in range(UPPER_DIGIT, TOKEN_CHARACTER + 1):
        if class_holds(_code, _cls):
            IN_CLASS[_code] |= 1 << _cls


cdef inline bint in_class(Py_UCS4 c, int cls) noexcept:
    return c < 128 and (IN_CLASS[c] >> cls) & 1


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


cdef Py_ssize_t token_end(const Text *t, Py_ssize_t p) noexcept:
    """Where TOKENS matches at p, after no \\w nor '-', or -1: its alternatives in order."""
    cdef Py_ssize_t end, run
    cdef Py_UCS4 c
    cdef str word
    cdef Py_UCS4 first = char_at(t, p)  # (each alternative is tried only where its first character is)
    for word in ("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA") if first == 65 else ():
        if written_at(t, p, word):
            end = run_token(t, p + 4, UPPER_DIGIT, 16, 16)
            if end >= 0:
                return end
            break
    c = char_at(t, p + 2)
    if first == 103 and written_at(t, p, "gh") and (
            c == 112 or c == 111 or c == 117 or c == 115 or c == 114) and char_at(t, p + 3) == 95:
        end = run_token(t, p + 4, LETTER_DIGIT, 30, 255)
        if end >= 0:
            return end
    if first == 103 and written_at(t, p, "github_pat_"):
        end = run_token(t, p + 11, LETTER_DIGIT_UNDERSCORE, 40, 255)
        if end >= 0:
            return end
    c = char_at(t, p + 3)
    if first == 120 and written_at(t, p, "xox") and (c == 97 or c == 98 or c == 112 or c == 111 or c == 115 or c == 114) and char_at(t, p + 4) == 45:
        end = run_token(t, p + 5, LETTER_DIGIT_DASH, 10, 250)
        if end >= 0:
            return end
    if (first == 115 or first == 112 or first == 114) and (written_at(t, p, "sk_") or written_at(t, p, "pk_") or written_at(t, p, "rk_")) and (
        written_at(t, p + 3, "live_") or written_at(t, p + 3, "test_")
    ):
        end = run_token(t, p + 8, LETTER_DIGIT, 10, 99)
        if end >= 0:
            return end
    if first == 115 and written_at(t, p, "sk-"):  # (?:proj-|ant-)? then the run: whichever way, the same end
        end = run_end(t, p + 3, TOKEN_CHARACTER)
        run = end - p - 3
        if token_ends(t, end) and (
            written_at(t, p + 3, "proj-") and 20 <= run - 5 <= 200
            or written_at(t, p + 3, "ant-") and 20 <= run - 4 <= 200
            or 20 <= run <= 200
        ):
            return end
    if first == 65 and written_at(t, p, "AIza"):
        end = run_token(t, p + 4, TOKEN_CHARACTER, 35, 35)
        if end >= 0:
            return end
    if first == 103 and written_at(t, p, "glpat-"):
        end = run_token(t, p + 6, TOKEN_CHARACTER, 20, 20)
        if end >= 0:
            return end
    if first == 110 and written_at(t, p, "npm_"):
        end = run_token(t, p + 4, LETTER_DIGIT, 36, 36)
        if end >= 0:
            return end
    for word in (
        ("tok_", "key_", "api_", "secret_", "token_", "sess_", "pat_")
        if first == 116 or first == 107 or first == 97 or first == 115 or first == 112 else ()
    ):
        if written_at(t, p, word):
            end = run_token(t, p + len(word), LETTER_DIGIT, 16, 128)
            if end >= 0:
                return end
            break
    if first == 101 and written_at(t, p, "eyJ"):
        end = run_end(t, p + 3, TOKEN_CHARACTER)
        if end - p - 3 >= 8 and char_at(t, end) == 46 and written_at(t, end + 1, "eyJ"):
            run = end + 4
            end = run_end(t, run, TOKEN_CHARACTER)
            if end - run >= 8 and char_at(t, end) == 46:
                return run_token(t, end + 1, TOKEN_CHARACTER, 8, t.n)
    return -1


# ASSIGNED, in C as assigned_at ports it (else the pattern decides)
cdef bint ASSIGNED_AS_PORTED = (
    changed_patterns(secrets, {"ASSIGNED": 743057752}) is None and secrets.ASSIGNED.flags == re.UNICODE | re.IGNORECASE
)
# ASSIGNED's third set of cue words, in the pattern's order ("passwor[dt]" as its two words; "contrase[ñn]a" apart)
cdef tuple CUE_WORDS_IN_ORDER = (
    "password", "passwort", "passwd", "pwd", "pass", "passphrase", "mot de passe", None, "kennwort", "secret",
    "token", "apikey", "api_key",
)
cdef list CUE_WORDS_IN_ORDER_BY_FIRST = [
    tuple([w for w in CUE_WORDS_IN_ORDER if ord((w or "contrase")[0]) == _code]) for _code in range(128)
]


cdef inline Py_ssize_t spaces_end(const Text *t, Py_ssize_t i) noexcept:
    while is_space(char_at(t, i)):
        i += 1
    return i


cdef inline bint value_char(Py_UCS4 c) noexcept:
    """`[^\\s\"'`,;)\\]}>]`"""
    if c < 128:
        return not (c == 34 or c == 39 or c == 96 or c == 44 or c == 59 or c == 41 or c == 93 or c == 125 or c == 62
                    or is_space(c))
    return not is_space(c)


# IN_VALUE[c]: value_char(c), for c below 256
cdef unsigned char IN_VALUE[256]
for _code in range(256):
    IN_VALUE[_code] = value_char(_code)


cdef inline bint in_value(Py_UCS4 c) noexcept:
    return IN_VALUE[c] if c < 256 else value_char(c)


cdef bint assigned_value(const Text *t, Py_ssize_t e, Py_ssize_t *value) noexcept:
    """ASSIGNED after its cue word (which ends at e, a letter before it): `\\b(?:\\"|')?\\s*(?:[:=]|=>|\\bis\\b|
    \\bwas\\b)?\\s*[\\"']?` then the value, `[^...]{8,512}`; its span into value[0], value[1]. Each `\\s*` is
    tried at its longest only: given back, it leaves a space where the value would start, which no path past it
    can take (each later piece then matches nothing or what the longest had tried)."""
    cdef Py_ssize_t after_quote, after_space, after_sign, start, k
    cdef Py_ssize_t run_from = -1, run_to = -1  # the last value run measured whole: [run_from, run_to)
    cdef int quote, sign, opening
    cdef Py_UCS4 c
    if is_word(char_at(t, e)):
        return False
    for quote in range(2):
        if quote == 0:
            if not is_quote(char_at(t, e)):
                continue
            after_quote = e + 1
        else:
            after_quote = e
        after_space = spaces_end(t, after_quote)
        c = char_at(t, after_space)
        for sign in range(5):
            if sign == 0:
                if not (c == 58 or c == 61):
                    continue
                after_sign = after_space + 1
            elif sign == 1:
                if not (c == 61 and char_at(t, after_space + 1) == 62):
                    continue
                after_sign = after_space + 2
            elif sign == 2 or sign == 3:
                k = 2 if sign == 2 else 3
                if is_word(char_at(t, after_space - 1)) or not (
                    same_letter(c, 105) and same_letter(char_at(t, after_space + 1), 115) if sign == 2
                    else same_letter(c, 119) and same_letter(char_at(t, after_space + 1), 97)
                    and same_letter(char_at(t, after_space + 2), 115)
                ) or is_word(char_at(t, after_space + k)):
                    continue
                after_sign = after_space + k
            else:
                after_sign = after_space
            after_sign = spaces_end(t, after_sign)
            for opening in range(2):
                if opening == 0:
                    if not is_quote(char_at(t, after_sign)):
                        continue
                    start = after_sign + 1
                else:
                    start = after_sign
                if 0 <= run_from <= start <= run_to:  # within a run measured whole (under 512): it ends there
                    k = run_to
                else:
                    k = start
                    while k < t.n and k - start < 512 and in_value(char_at(t, k)):
                        k += 1
                    if k - start < 512:
                        run_from = start
                        run_to = k
                if k - start >= 8:
                    value[0] = start
                    value[1] = k
                    return True
    return False


# assigned_at's words as C strings (ASCII, lower-case), in the same orders: CUE_NAMES_C[first][k] for
# CUE_NAMES_BY_FIRST, CUE_KINDS_C for CUE_KINDS, CUE_IN_ORDER_C[first][k] for CUE_WORDS_IN_ORDER_BY_FIRST (NULL
# for contrase[ñn]a); the bytes they point into are kept in C_WORDS_KEPT.
DEF C_WORDS_MAX = 16
cdef struct CWord:
    const char *s
    Py_ssize_t n
cdef CWord CUE_NAMES_C[128][C_WORDS_MAX]
cdef int CUE_NAMES_COUNT[128]
cdef CWord CUE_KINDS_C[C_WORDS_MAX]
cdef int CUE_KINDS_COUNT = 0
cdef CWord CUE_IN_ORDER_C[128][C_WORDS_MAX]
cdef int CUE_IN_ORDER_COUNT[128]
cdef list C_WORDS_KEPT = []


cdef CWord c_word(str word) except *:
    cdef bytes encoded = word.encode("ascii")
    C_WORDS_KEPT.append(encoded)
    return CWord(<const char *> encoded, len(encoded))


cdef bint load_c_words() except -1:
    global CUE_KINDS_COUNT
    cdef int first, k
    words = [w for w in CUE_NAMES + CUE_KINDS + CUE_WORDS_IN_ORDER if w is not None]
    if (not all([w.isascii() and w == w.lower() for w in words]) or len(CUE_KINDS) > C_WORDS_MAX
            or any([len(CUE_NAMES_BY_FIRST[first]) > C_WORDS_MAX or len(CUE_WORDS_IN_ORDER_BY_FIRST[first]) > C_WORDS_MAX
                    for first in range(128)])):
        return False
    for first in range(128):
        CUE_NAMES_COUNT[first] = len(CUE_NAMES_BY_FIRST[first])
        for k, w in enumerate(CUE_NAMES_BY_FIRST[first]):
            CUE_NAMES_C[first][k] = c_word(w)
        CUE_IN_ORDER_COUNT[first] = len(CUE_WORDS_IN_ORDER_BY_FIRST[first])
        for k, w in enumerate(CUE_WORDS_IN_ORDER_BY_FIRST[first]):
            CUE_IN_ORDER_C[first][k] = CWord(NULL, 0) if w is None else c_word(w)
    for k, w in enumerate(CUE_KINDS):
        CUE_KINDS_C[k] = c_word(w)
    CUE_KINDS_COUNT = len(CUE_KINDS)
    return True


cdef bint C_WORDS_FIT = load_c_words()


cdef inline bint word_at(const Text *t, Py_ssize_t i, CWord word) noexcept:
    """ci_at(t, i, word) for a C string `word` (lower-case ASCII)."""
    cdef Py_ssize_t k
    cdef const Py_UCS1 *s
    cdef unsigned int c, x
    if i < 0 or i + word.n > t.n:
        return False
    if t.kind == 1:
        s = <const Py_UCS1 *> t.data + i
        for k in range(word.n):
            x = <unsigned char> word.s[k]
            c = s[k]
            if c != x and not (97 <= x <= 122 and c + 32 == x):
                return False
        return True
    for k in range(word.n):
        x = <unsigned char> word.s[k]
        if 97 <= x <= 122:
            if not same_letter(char_at(t, i + k), x):
                return False
        elif <unsigned int> char_at(t, i + k) != x:
            return False
    return True


cdef bint assigned_at_c(const Text *t, Py_ssize_t p, unsigned int first, Py_ssize_t *value) noexcept:
    """assigned_at's loops over its C words (C_WORDS_FIT), after its "bearer"."""
    cdef Py_ssize_t q
    cdef int index, kind
    cdef Py_UCS4 c
    cdef CWord word
    for index in range(CUE_NAMES_COUNT[first]):
        word = CUE_NAMES_C[first][index]
        if word_at(t, p, word):
            q = p + word.n
            c = char_at(t, q)
            if c == 95 or c == 45 or c == 32:
                for kind in range(CUE_KINDS_COUNT):
                    if word_at(t, q + 1, CUE_KINDS_C[kind]) and assigned_value(t, q + 1 + CUE_KINDS_C[kind].n, value):
                        return True
            for kind in range(CUE_KINDS_COUNT):
                if word_at(t, q, CUE_KINDS_C[kind]) and assigned_value(t, q + CUE_KINDS_C[kind].n, value):
                    return True
    for index in range(CUE_IN_ORDER_COUNT[first]):
        word = CUE_IN_ORDER_C[first][index]
        if word.s == NULL:
            if ci_at(t, p, "contrase"):
                c = char_at(t, p + 8)
                if (c == 0xF1 or c == 0xD1 or c == 110 or c == 78) and same_letter(char_at(t, p + 9), 97) \
                        and assigned_value(t, p + 10, value):
                    return True
        elif word_at(t, p, word) and assigned_value(t, p + word.n, value):
            return True
    return False


cdef bint assigned_at(const Text *t, Py_ssize_t p, Py_ssize_t *value) noexcept:
    """ASSIGNED.match(text, p): its cue alternatives in the order the pattern tries them, each where it ends,
    then assigned_value."""
    cdef str name, kind, word
    cdef Py_ssize_t q
    cdef Py_UCS4 c
    cdef unsigned int first = lower_char(char_at(t, p))
    if is_word(char_at(t, p - 1)) or first >= 128:  # every cue word begins with an ASCII letter
        return False
    if first == 98 and ci_at(t, p, "bearer") and assigned_value(t, p + 6, value):
        return True
    if C_WORDS_FIT:
        return assigned_at_c(t, p, first, value)
    for name in <tuple> CUE_NAMES_BY_FIRST[first]:  # (in the pattern's order, less those that cannot match)
        if ci_at(t, p, name):
            q = p + len(name)
            c = char_at(t, q)
            if c == 95 or c == 45 or c == 32:
                for kind in CUE_KINDS:
                    if ci_at(t, q + 1, kind) and assigned_value(t, q + 1 + len(kind), value):
                        return True
            for kind in CUE_KINDS:
                if ci_at(t, q, kind) and assigned_value(t, q + len(kind), value):
                    return True
    for word in <tuple> CUE_WORDS_IN_ORDER_BY_FIRST[first]:
        if word is None:
            if ci_at(t, p, "contrase"):
                c = char_at(t, p + 8)
                if (c == 0xF1 or c == 0xD1 or c == 110 or c == 78) and same_letter(char_at(t, p + 9), 97) \
                        and assigned_value(t, p + 10, value):
                    return True
        elif ci_at(t, p, word) and assigned_value(t, p + len(word), value):
            return True
    return False


# PEM, in C as pem_findings ports it (else the pattern decides)
cdef bint PEM_AS_PORTED = changed_patterns(secrets, {"PEM": 2194481025}) is None and secrets.PEM.flags == re.UNICODE | re.DOTALL


cdef Py_ssize_t after_label(const Text *t, Py_ssize_t p, bint block) noexcept:
    """After PEM's `PRIVATE KEY(?: BLOCK)?` at p (with " BLOCK" or without) and the "-----" closing the BEGIN
    line's label: where the label ends, or -1."""
    if not written_at(t, p, "PRIVATE KEY"):
        return -1
    p += 11
    if block:
        return p + 6 if written_at(t, p, " BLOCK-----") else -1
    return p if written_at(t, p, "-----") else -1


cdef Py_ssize_t find_begin(const Text *t, str text, Py_ssize_t i) except -2:
    """text.find("-----BEGIN ", i): in a one-byte text, from one "---" to the next."""
    cdef const Py_UCS1 *data = <const Py_UCS1 *> t.data
    if t.kind != 1:
        return text.find("-----BEGIN ", i)
    while i + 11 <= t.n:
        i = first_three_dashes(data, i, t.n)
        if i + 11 > t.n:
            break
        if memcmp(data + i, b"-----BEGIN ", 11) == 0:
            return i
        i += 1
    return -1


cdef int pem_findings(const Text *t, str text, list found) except -1:
    """PEM.finditer's group 2 spans, into found. At each "-----BEGIN ": the label's `(?:[A-Z0-9]+ )*` words
    (each run must take all its characters, a space following), most first, then `PRIVATE KEY(?: BLOCK)?`;
    `-----\\s*\\n` ends at the last line break of the spaces after it (the greedy \\s* gives back to it, and
    a break further back adds only spaces before the END line, which holds none); `(.*?)\\n?\\s*` then ends
    where the first "-----END <label>-----" from there opens, less the spaces before it."""
    cdef Py_ssize_t begin = find_begin(t, text, 0), label, unit, run, k, label_end, spaces, body, end, close
    cdef int block
    cdef list units
    while begin != -1:
        label = begin + 11
        units = [label]
        unit = label
        while True:
            run = unit
            while key_class(char_at(t, run)) and char_at(t, run) != 95:  # [A-Z0-9]
                run += 1
            if run == unit or char_at(t, run) != 32:
                break
            unit = run + 1
            units.append(unit)
        close = -1
        for k in range(len(units) - 1, -1, -1):
            for block in range(2):
                label_end = after_label(t, units[k], block == 0)
                if label_end < 0:
                    continue
                spaces = label_end + 5
                while is_space(char_at(t, spaces)):
                    spaces += 1
                body = spaces - 1
                while body >= label_end + 5 and char_at(t, body) != 10:
                    body -= 1
                if body < label_end + 5:
                    continue
                body += 1
                closing = "-----END " + text[label:label_end] + "-----"
                close = text.find(closing, body)
                if close == -1:
                    continue
                end = close
                while end > body and is_space(char_at(t, end - 1)):
                    end -= 1
                found.append(new_finding(Finding, body, end, "SECRET", 10))
                close += len(closing)
                break
            if close >= 0:
                break
        begin = find_begin(t, text, close if close >= 0 else begin + 1)
    return 0


# SECRET_ENV_KEY, in C as env_at ports it (else the pattern decides)
cdef bint ENV_AS_PORTED = (
    changed_patterns(secrets, {"SECRET_ENV_KEY": 4122136952}) is None
    and secrets.SECRET_ENV_KEY.flags == re.UNICODE | re.MULTILINE
)
cdef tuple ENV_PATTERN_WORDS = (
    "SECRET", "TOKEN", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY",
)


cdef bint env_key_value(const Text *t, Py_ssize_t q, Py_ssize_t *value) noexcept:
    """SECRET_ENV_KEY from its key's first character q: `[A-Z0-9_]*(?:SECRET|...)[A-Z0-9_]*\s*[:=]\s*["']?`
    then the value, `[^\s"']{6,512}`. The key's run is taken whole (its end does not depend on where the word
    is), and each `\s*` and the quote at their longest: given back, they leave a space or a quote where the
    next piece must start, which it cannot take."""
    cdef Py_ssize_t r = q, j, a, k
    cdef bint word = False
    cdef Py_UCS4 c
    cdef str w
    while key_class(char_at(t, r)):
        r += 1
    for j in range(q, r):
        c = char_at(t, j)
        if c == 83 or c == 84 or c == 80 or c == 65:  # S T P A: each word's first
            for w in ENV_PATTERN_WORDS:
                if written_at(t, j, w):
                    word = True
                    break
            if word:
                break
    if not word:
        return False
    a = spaces_end(t, r)
    c = char_at(t, a)
    if not (c == 58 or c == 61):
        return False
    a = spaces_end(t, a + 1)
    if is_quote(char_at(t, a)):
        a += 1
    k = a
    while k < t.n and k - a < 512:
        c = char_at(t, k)
        if is_space(c) or is_quote(c):
            break
        k += 1
    if k - a < 6:
        return False
    value[0] = a
    value[1] = k
    return True


cdef bint env_at(const Text *t, Py_ssize_t p, Py_ssize_t *value) noexcept:
    """SECRET_ENV_KEY.match(text, p) at a line start p: `\s*` (at its longest: given back, it leaves a space
    where the key must start) and `(?:export\s+)?` (with it first; without it the key would start at 'e', which
    no key character is), then env_key_value."""
    cdef Py_ssize_t q = spaces_end(t, p), e
    if written_at(t, q, "export") and is_space(char_at(t, q + 6)):
        e = spaces_end(t, q + 6)
        if env_key_value(t, e, value):
            return True
    return env_key_value(t, q, value)


cdef list match_from(object match, str text, const Positions *starts):
    """findings.match_at: the pattern's matches tried at ascending `starts`, none overlapping the last."""
    cdef list found = []
    cdef Py_ssize_t k, start, end = 0, stop
    for k in range(starts.count):
        start = starts.at[k]
        if start >= end:
            m = match(text, start)
            if m is not None:
                stop = m.end()
                end = stop if stop > start else start + 1
                found.append(m)
    return found


cdef list find_in(str text, const Text *t, Positions *tokens, Positions *assigned, Positions *env):
    """SecretRecogniser.find, with where its patterns can match kept in the given places."""
    cdef list found = []
    cdef int state
    cdef Py_ssize_t k, start, end, stop
    cdef Py_ssize_t value[2]
    if t.kind == 1 and LITTLE_ENDIAN:
        state = scan_bytes(<const Py_UCS1 *> t.data, t, text, tokens, assigned, env)
    elif t.kind == 1:
        state = scan(<const Py_UCS1 *> t.data, t, text, tokens, assigned, env)
    elif t.kind == 2 and SIXTEEN_AT_ONCE:
        state = scan_ucs2(<const Py_UCS2 *> t.data, t, text, tokens, assigned, env)
    elif t.kind == 2:
        state = scan(<const Py_UCS2 *> t.data, t, text, tokens, assigned, env)
    else:
        state = scan(<const Py_UCS4 *> t.data, t, text, tokens, assigned, env)
    if state & DASHED and PEM_AS_PORTED:
        pem_findings(t, text, found)
    elif state & DASHED and "-----BEGIN" in text:
        for m in PEM_FINDITER(text):
            found.append(new_finding(Finding, m.start(2), m.end(2), "SECRET", 10))
    if TOKENS_AS_PORTED:
        end = 0
        for k in range(tokens.count):
            start = tokens.at[k]
            if start >= end:
                stop = token_end(t, start)
                if stop >= 0:
                    end = stop
                    found.append(new_finding(Finding, start, stop, "SECRET", 9))
    else:
        for m in match_from(TOKENS_MATCH, text, tokens):
            found.append(new_finding(Finding, m.start(), m.end(), "SECRET", 9))
    if state & REFUSED:  # the reference's full scan, behind its cheap pre-check
        matches = ASSIGNED_FINDITER(text) if mentions(text, ASSIGNED_WORDS) else ()
    elif ASSIGNED_AS_PORTED:
        matches = ()
        end = 0
        for k in range(assigned.count):
            start = assigned.at[k]
            if start >= end and assigned_at(t, start, value):
                end = value[1]
                if opaque_at(t, text, value[0], value[1]):
                    found.append(new_finding(Finding, value[0], value[1], "SECRET", 8))
    else:
        matches = match_from(ASSIGNED_MATCH, text, assigned)
    for m in matches:
        start, end = m.span("value")
        if opaque_at(t, text, start, end):
            found.append(new_finding(Finding, start, end, "SECRET", 8))
    if ENV_AS_PORTED:
        end = 0
        for k in range(env.count):
            start = env.at[k]
            if start >= end and env_at(t, start, value):
                end = value[1] if value[1] > start else start + 1
                if opaque_at(t, text, value[0], value[1]):
                    found.append(new_finding(Finding, value[0], value[1], "SECRET", 8))
        return found
    for m in match_from(ENV_MATCH, text, env) if env.count else ():
        start, end = m.span("value")
        if opaque_at(t, text, start, end):
            found.append(new_finding(Finding, start, end, "SECRET", 8))
    return found


class SecretRecogniser:
    def find(self, str text):
        cdef Positions tokens, assigned, env
        cdef Text t = text_of(text)
        positions_start(&tokens)
        positions_start(&assigned)
        positions_start(&env)
        try:
            return find_in(text, &t, &tokens, &assigned, &env)
        finally:
            positions_release(&tokens)
            positions_release(&assigned)
            positions_release(&env)


TWINS = {secrets.SecretRecogniser: SecretRecogniser}


