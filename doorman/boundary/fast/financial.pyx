# cython: language_level=3, wraparound=False
"""doorman.boundary.financial's recognisers, compiled: the same findings in the same order.

Each value is a run of characters that prose seldom holds (digits and separators, capitals and digits), so each
recogniser skips through the text reading one character in every few (next_run) and looks closer only inside
such runs. Cards, IBANs, SSNs and SINs are fixed shapes decided in C: their patterns are ported with the
look-arounds and backtracking `re` does, the checksums as checksums.py computes them. Account numbers are shapes
decided in C too, but their cue is the reference's own ACCOUNT_CUE, tried only where C has found a cue word.
"""

from cpython.unicode cimport Py_UNICODE_TODECIMAL, PyUnicode_1BYTE_KIND, PyUnicode_READ

from libc.stdint cimport uint64_t
from libc.string cimport memcmp, memcpy

from doorman.boundary import financial
from doorman.boundary.findings import Finding

from doorman.boundary.fast.chars cimport (
    Text,
    ascii_fold,
    is_digit,
    is_space,
    is_word,
    lowest_bit,
    new_finding,
    text_of,
)


cdef extern from "<string.h>" nogil:
    const void *memrchr(const void *s, int c, size_t n)  # GNU: the last c in n bytes


cdef inline Py_UCS4 at(const Text *t, Py_ssize_t i) noexcept:
    """chars.char_at (the code point at i, or NUL outside the text), one unsigned test for both ends and a
    one-byte text read first."""
    if <size_t> i < <size_t> t.n:
        if t.kind == PyUnicode_1BYTE_KIND:
            return (<const unsigned char *> t.data)[i]
        return PyUnicode_READ(t.kind, t.data, i)
    return 0


cdef object ACCOUNT_PREFIXED = financial.ACCOUNT_PREFIXED
cdef object ACCOUNT_CUE_MATCH = financial.ACCOUNT_CUE.match
cdef object SSN_CUE_SEARCH = financial.SSN_CUE.search
cdef object SIN_CUE_SEARCH = financial.SIN_CUE.search
cdef Py_ssize_t CUE_WINDOW = financial._CUE_WINDOW

cdef inline object finding(Py_ssize_t start, Py_ssize_t end, str label, long priority):
    """Finding(start, end, label, priority), made as the named tuple's __new__ makes it, without a Python call."""
    return new_finding(Finding, start, end, label, priority)


# The shortest card, and the shortest SSN or SIN
cdef Py_ssize_t CARD_LENGTH = 13
cdef Py_ssize_t NINE_LENGTH = 9
# The fewest characters an IBAN match holds: two letters, two digits, two groups of four
cdef Py_ssize_t IBAN_LENGTH = 12
# The most digits a CARD match holds
DEF CARD_DIGITS = 19


# Character classes, as bits of CLASSES for Latin-1 (what most text is made of) and as chars.pxd says beyond
DEF DIGIT = 1  # `\\d`
DEF WORD = 2  # `\\w`
DEF WORD_OR_DASH = 4  # `[\\w\\-]`
DEF SEPARATED_DIGITS = 8  # `[\\d \\-]`: what CARD, SSN and NINE_GROUPED/NINE_BARE matches are made of
DEF IBAN = 16  # `[A-Z0-9 ]` and `\\d`: what an IBAN match is made of
DEF ALNUM = 32  # `[^\\W_]`
DEF DIGIT_OR_DASH = 64  # `[\\d\\-]`
DEF TOKEN_CHAR = 128  # `[A-Z0-9\\-]`
cdef unsigned char CLASSES[256]


cdef void load_classes() noexcept:
    cdef Py_UCS4 c
    for c in range(256):
        CLASSES[c] = 0
        if is_digit(c):
            CLASSES[c] |= DIGIT | SEPARATED_DIGITS | IBAN
        if is_word(c):
            CLASSES[c] |= WORD | WORD_OR_DASH | (ALNUM if c != 95 else 0)
        if c == 45:
            CLASSES[c] |= WORD_OR_DASH | SEPARATED_DIGITS | DIGIT_OR_DASH | TOKEN_CHAR
        if is_digit(c):
            CLASSES[c] |= DIGIT_OR_DASH
        if 65 <= c <= 90 or 48 <= c <= 57:
            CLASSES[c] |= TOKEN_CHAR
        if c == 32:
            CLASSES[c] |= SEPARATED_DIGITS | IBAN
        if 65 <= c <= 90:
            CLASSES[c] |= IBAN


load_classes()


cdef inline bint in_class(int kind, Py_UCS4 c) noexcept:
    """c is in a class (a bit above); beyond Latin-1, only a digit is in any but WORD, WORD_OR_DASH and ALNUM."""
    if c < 256:
        return CLASSES[c] & kind
    if kind == WORD or kind == WORD_OR_DASH or kind == ALNUM:
        return is_word(c)
    return is_digit(c)


cdef inline bint digit(Py_UCS4 c) noexcept:
    """`\\d`"""
    return in_class(DIGIT, c)


cdef inline bint word(Py_UCS4 c) noexcept:
    """`\\w`"""
    return in_class(WORD, c)


cdef inline bint word_or_dash(Py_UCS4 c) noexcept:
    """`[\\w\\-]`"""
    return in_class(WORD_OR_DASH, c)


cdef inline bint upper(Py_UCS4 c) noexcept:
    """`[A-Z]`"""
    return 65 <= c <= 90


cdef inline Py_ssize_t digits_end(const Text *t, Py_ssize_t i) noexcept:
    cdef const unsigned char *latin
    if t.kind == PyUnicode_1BYTE_KIND:
        latin = <const unsigned char *>t.data
        while i < t.n and CLASSES[latin[i]] & DIGIT:
            i += 1
        return i
    while digit(at(t, i)):
        i += 1
    return i


cdef inline Py_ssize_t widen(const unsigned char *latin, Py_ssize_t n, Py_ssize_t low, Py_ssize_t probe, int kind,
                             Py_ssize_t *stop) noexcept:
    """The run of `kind` characters around probe in a one-byte text, not before low: its start; its end in stop."""
    cdef Py_ssize_t start = probe, end = probe + 1
    while start > low and CLASSES[latin[start - 1]] & kind:
        start -= 1
    while end < n and CLASSES[latin[end]] & kind:
        end += 1
    stop[0] = end
    return start


cdef Py_ssize_t next_run(const Text *t, Py_ssize_t i, Py_ssize_t least, int kind, Py_ssize_t *end) noexcept:
    """Start of the first run of `least` or more characters of a class (SEPARATED_DIGITS, IBAN, DIGIT) in
    text[i:], or the text's length; `end` gets the run's end.

    Such a run that starts by i + least - 1 holds that character: where it is out of the class, the search
    skips `least` characters on, reading one, and most text is out of these classes."""
    cdef Py_ssize_t probe, start, stop
    cdef const unsigned char *latin
    if t.kind == PyUnicode_1BYTE_KIND:  # the same, reading bytes
        latin = <const unsigned char *>t.data
        while True:
            probe = i + least - 1
            if probe >= t.n:
                return t.n
            if not CLASSES[latin[probe]] & kind:
                i = probe + 1
                continue
            start = widen(latin, t.n, i, probe, kind, &stop)
            if stop - start >= least:
                end[0] = stop
                return start
            i = stop
    while True:
        probe = i + least - 1
        if probe >= t.n:
            return t.n
        if not in_class(kind, PyUnicode_READ(t.kind, t.data, probe)):
            i = probe + 1
            continue
        start = probe
        while start > i and in_class(kind, PyUnicode_READ(t.kind, t.data, start - 1)):
            start -= 1
        stop = probe + 1
        while stop < t.n and in_class(kind, PyUnicode_READ(t.kind, t.data, stop)):
            stop += 1
        if stop - start >= least:
            end[0] = stop
            return start
        i = stop


cdef extern from *:
    """
    /* bit k: byte k of the sixty-four at s is an ASCII digit */
    static inline unsigned long long doorman_financial_digits64(const unsigned char *s) {
        return doorman_within64(s, '0', '9');
    }
    /* bit k: bytes k to k + 3 of the sixty-four at s are ASCII digits (k < 61) */
    static inline unsigned long long doorman_financial_fours64(const unsigned char *s) {
        unsigned long long m = doorman_financial_digits64(s);
        m &= m >> 1;
        return m & (m >> 2);
    }
    static Py_ssize_t doorman_financial_four_digits(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) {
        return doorman_first_marked(s, i, n, doorman_financial_fours64, 61);
    }
    /* bit k (k < 60): s[k:k + 5] holds ASCII digits but for s[k + 3] (which every SSN or SIN start has: three
       digits, a digit, ' ' or '-', then a digit) and, for k > 0, s[k - 1] is no ASCII digit (a start has no
       `\w` before it) */
    static inline unsigned long long doorman_financial_nines64(const unsigned char *s) {
        unsigned long long d = doorman_financial_digits64(s);
        return d & (d >> 1) & (d >> 2) & (d >> 4) & ~(d << 1) & 0x0FFFFFFFFFFFFFFFULL;
    }
    /* bit k (k < 61): s[k:k + 4] is two capitals A to Z and two ASCII digits, as an IBAN opens */
    static inline unsigned long long doorman_financial_ibans64(const unsigned char *s) {
        unsigned long long d = doorman_financial_digits64(s), c = doorman_within64(s, 'A', 'Z');
        return c & (c >> 1) & (d >> 2) & (d >> 3);
    }
    static Py_ssize_t doorman_financial_iban_start(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) {
        return doorman_first_marked(s, i, n, doorman_financial_ibans64, 61);
    }
    /* doorman_financial_nines64 at s + i (i + 4 < n), the bytes past n read as NUL */
    static unsigned long long doorman_financial_nine_starts(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) {
        unsigned char tail[64];
        if (i + 64 <= n)
            return doorman_financial_nines64(s + i);
        memset(tail, 0, 64);
        memcpy(tail, s + i, (size_t)(n - i));
        return doorman_financial_nines64(tail);
    }
    """
    Py_ssize_t iban_start "doorman_financial_iban_start"(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) noexcept nogil
    unsigned long long nine_starts "doorman_financial_nine_starts"(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) noexcept nogil
    Py_ssize_t four_digits "doorman_financial_four_digits"(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) noexcept nogil



# `\d` in a one-byte text is an ASCII digit (checked here: else the sixteen-at-a-time search is not used)
cdef bint LATIN1_DIGITS_ASCII = all(chr(c).isdecimal() == (48 <= c <= 57) for c in range(256))


cdef Py_ssize_t next_four_digits(const Text *t, Py_ssize_t i, Py_ssize_t *end) noexcept:
    """next_run(t, i, 4, DIGIT, end), sixty-one characters at a time in a one-byte text: the first place from i
    where four digits follow is the start of the first such run there."""
    cdef const unsigned char *latin = <const unsigned char *>t.data
    cdef Py_ssize_t n = t.n, q, e
    if t.kind != PyUnicode_1BYTE_KIND or not LATIN1_DIGITS_ASCII:
        return next_run(t, i, 4, DIGIT, end)
    q = four_digits(latin, i, n)
    if q >= n:
        return n
    e = q + 4
    while e < n and CLASSES[latin[e]] & DIGIT:
        e += 1
    end[0] = e
    return q


cdef inline Py_ssize_t next_nine_start(const unsigned char *latin, Py_ssize_t n, Py_ssize_t *base,
                                       unsigned long long *starts) noexcept:
    """The next place in a one-byte text (of ASCII digits) that opens three digits, any character and a digit, as
    every SSN and SIN match does, after no ASCII digit (which `(?<![\w\-.])` refuses), or -1: sixty places a time, `starts` holding the rest of the block at
    `base` (-60 and 0 at first)."""
    cdef Py_ssize_t k
    while starts[0] == 0:
        base[0] += 60
        if base[0] + 4 >= n:
            return -1
        starts[0] = nine_starts(latin, base[0], n)
    k = lowest_bit(starts[0])
    starts[0] &= starts[0] - 1
    return base[0] + k


cdef Py_ssize_t next_nine(const Text *t, Py_ssize_t i, Py_ssize_t *end) noexcept:
    """next_run(t, i, NINE_LENGTH, SEPARATED_DIGITS, end) as NationalIdRecogniser needs it: on a one-byte text,
    where the probe reads a ' ' or '-' without a digit on both sides, or a digit with none on either side, the
    search goes on after it. No SSN or SIN match holds such a character (their separators stand between digits,
    their digits come in groups of two or more), and one that starts by the probe reaches it."""
    cdef Py_ssize_t probe, start, stop
    cdef const unsigned char *latin
    cdef unsigned char here
    cdef bint digit_before, digit_after
    if t.kind != PyUnicode_1BYTE_KIND:
        return next_run(t, i, NINE_LENGTH, SEPARATED_DIGITS, end)
    latin = <const unsigned char *>t.data
    while True:
        probe = i + NINE_LENGTH - 1
        if probe >= t.n:
            return t.n
        here = CLASSES[latin[probe]]
        if not here & SEPARATED_DIGITS:
            i = probe + 1
            continue
        digit_before = CLASSES[latin[probe - 1]] & DIGIT
        digit_after = probe + 1 < t.n and CLASSES[latin[probe + 1]] & DIGIT
        if not (digit_before or digit_after if here & DIGIT else digit_before and digit_after):
            i = probe + 1
            continue
        start = widen(latin, t.n, i, probe, SEPARATED_DIGITS, &stop)
        if stop - start >= NINE_LENGTH:
            end[0] = stop
            return start
        i = stop


cdef inline bint number_may_start(const Text *t, Py_ssize_t i) noexcept:
    """`(?<![\\w\\-.])` at i."""
    cdef Py_UCS4 before = at(t, i - 1)
    return not (word_or_dash(before) or before == 46)


cdef inline bint number_may_end(const Text *t, Py_ssize_t e) noexcept:
    """`(?![\\w\\-]|\\.\\d)` at e."""
    cdef Py_UCS4 c = at(t, e)
    return not (word_or_dash(c) or c == 46 and digit(at(t, e + 1)))


cdef bint luhn(const Py_UCS4 *digits, Py_ssize_t count) noexcept:
    """checksums.luhn_valid on these code points (as there, a digit counts as its code point less 48)."""
    cdef long long total = 0, d
    cdef Py_ssize_t k
    for k in range(count):
        d = <long long>digits[count - 1 - k] - 48
        if k % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


cdef bint card_number(const Py_UCS4 *digits, Py_ssize_t count) noexcept:
    """A card's digits pass Luhn and are not all the same digit."""
    cdef Py_ssize_t k
    for k in range(1, count):
        if digits[k] != digits[0]:
            return luhn(digits, count)
    return False


cdef Py_ssize_t card_match(const Text *t, Py_ssize_t i, Py_UCS4 *digits, Py_ssize_t *count) noexcept:
    """End of CARD's match at i (a digit where a number may start), or -1; `digits` and `count` get its digits.

    `(?:[ \\-]?\\d){12,18}` takes one digit a step, and a separator only when a digit follows it, so the steps
    are fixed; the greedy count gives back one step at a time until the look-ahead holds.
    """
    cdef Py_ssize_t ends[CARD_DIGITS]
    cdef Py_ssize_t p = i + 1, k = 0
    cdef Py_UCS4 c
    digits[0] = at(t, i)
    while k < CARD_DIGITS - 1:
        c = at(t, p)
        if (c == 32 or c == 45) and digit(at(t, p + 1)):
            digits[k + 1] = at(t, p + 1)
            p += 2
        elif digit(c):
            digits[k + 1] = c
            p += 1
        else:
            break
        k += 1
        ends[k] = p
    while k >= 12:
        if number_may_end(t, ends[k]):
            count[0] = k + 1
            return ends[k]
        k -= 1
    return -1


cdef Py_ssize_t nine_digits(
    const Text *t, Py_ssize_t i, Py_ssize_t second, Py_UCS4 *digits, Py_UCS4 *separator
) noexcept:
    """End of eleven characters at i, nine `\\d` and one separator (' ' or '-') at offset 3 and again at `second`
    (SSN's `\\d{3}([- ])\\d{2}\\1\\d{4}`, NINE_GROUPED's `\\d{3}([ \\-])\\d{3}\\1\\d{3}`), or -1; `digits` gets
    the digits and `separator` the separator."""
    cdef Py_ssize_t k, got = 0
    cdef Py_UCS4 c
    separator[0] = at(t, i + 3)
    if separator[0] != 32 and separator[0] != 45:
        return -1
    for k in range(11):
        c = at(t, i + k)
        if k == 3 or k == second:
            if c != separator[0]:
                return -1
        elif digit(c):
            digits[got] = c
            got += 1
        else:
            return -1
    return i + 11


cdef Py_ssize_t ssn_match(const Text *t, Py_ssize_t i) noexcept:
    """End of SSN's match at i (a digit where a number may start), or -1."""
    cdef Py_UCS4 d[9]
    cdef Py_UCS4 separator
    cdef Py_ssize_t e = nine_digits(t, i, 6, d, &separator)
    if e < 0:
        return -1
    # (?!000|666|9\d\d), (?!00) and (?!0000): ASCII digits
    if d[0] == 57 or d[0] == d[1] == d[2] and (d[0] == 48 or d[0] == 54):
        return -1
    if d[3] == 48 and d[4] == 48 or d[5] == 48 and d[6] == 48 and d[7] == 48 and d[8] == 48:
        return -1
    return e if number_may_end(t, e) else -1


cdef extern from *:
    """
    /* bit k: s[k] is an ASCII digit and s[k:k + 13] is ASCII digits, ' ' and '-', each ' ' or '-' followed by a
       digit (as every CARD match's first thirteen characters are); k < 51, or any k where the bytes past 63 would
       be NUL */
    static inline unsigned long long doorman_financial_cards64(const unsigned char *s) {
        unsigned long long d = doorman_financial_digits64(s), sep, m;
        /* first, without the separators: each of the thirteen is a digit or is followed by one */
        m = d | (d >> 1);
        m &= m >> 1;
        m &= m >> 2;
        m &= m >> 4;
        if (!(m & (m >> 5) & d))
            return 0;
        sep = doorman_eq64(s, ' ') | doorman_eq64(s, '-');
        m = d | (sep & (d >> 1));
        m &= m >> 1;
        m &= m >> 2;
        m &= m >> 4;
        return m & (m >> 5) & d;
    }
    static Py_ssize_t doorman_financial_card_start(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) {
        return doorman_first_marked(s, i, n, doorman_financial_cards64, 51);
    }
    """
    Py_ssize_t card_start "doorman_financial_card_start"(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) noexcept nogil


class CardRecogniser:
    def find(self, str text not None):
        cdef list found = []
        cdef Text t = text_of(text)
        cdef Py_ssize_t i = 0, start, run_end, e, count, end = 0
        cdef Py_UCS4 digits[CARD_DIGITS]
        if t.kind == PyUnicode_1BYTE_KIND and LATIN1_DIGITS_ASCII:
            # sixty-four bytes at a time, to each place whose thirteen characters a match may open with (only
            # such a place can start a match, and each is a start long_number_starts(text, 13) holds)
            while True:
                i = card_start(<const unsigned char *>t.data, i, t.n)
                if i >= t.n:
                    return found
                if number_may_start(&t, i):
                    e = card_match(&t, i, digits, &count)
                    if e >= 0:
                        if card_number(digits, count):
                            found.append(finding(i, e, "CARD", 8))
                        i = e
                        continue
                i += 1
        while True:
            # a match is 13 or more digits, ' ' and '-' (long_number_starts(text, 13) holds its start)
            start = next_run(&t, i, CARD_LENGTH, SEPARATED_DIGITS, &run_end)
            if start >= t.n:
                return found
            for i in range(max(start, end), run_end - CARD_LENGTH + 1):
                if i >= end and digit(at(&t, i)) and number_may_start(&t, i):
                    e = card_match(&t, i, digits, &count)
                    if e >= 0:
                        end = e
                        if card_number(digits, count):
                            found.append(finding(i, e, "CARD", 8))
            i = run_end


cdef inline bint upper_or_digit(const Text *t, Py_ssize_t p) noexcept:
    """`[A-Z0-9]` at p"""
    cdef Py_UCS4 c = at(t, p)
    return 65 <= c <= 90 or 48 <= c <= 57


cdef Py_ssize_t iban_match(const Text *t, Py_ssize_t start) noexcept:
    """End of IBAN's match at start (two capitals, no word character or '-' before, and two digits), or -1.

    A `(?: ?[A-Z0-9]{4})` step is fixed (it takes a space when there is one: leaving it cannot match); when the
    look-ahead fails, the tail `(?: ?[A-Z0-9]{1,3})?` gives back a character at a time, then the count a step.
    """
    cdef Py_ssize_t ends[8]
    cdef Py_ssize_t k = 0, p = start + 4, q, tail, back
    while k < 7:
        q = p + 1 if at(t, p) == 32 else p
        if not (
            upper_or_digit(t, q) and upper_or_digit(t, q + 1) and upper_or_digit(t, q + 2) and upper_or_digit(t, q + 3)
        ):
            break
        p = q + 4
        k += 1
        ends[k] = p
    while k >= 2:
        p = ends[k]
        q = p + 1 if at(t, p) == 32 else p
        tail = 0
        while tail < 3 and upper_or_digit(t, q + tail):
            tail += 1
        for back in range(tail, 0, -1):
            if not word_or_dash(at(t, q + back)):
                return q + back
        if not word_or_dash(at(t, p)):
            return p
        k -= 1
    return -1


cdef bint iban_checksum(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """checksums.iban_valid on text[start:end] less its spaces, a cut of an IBAN match (capitals, then digits,
    then capitals, ASCII digits and spaces)."""
    cdef Py_ssize_t p, size = 0, remainder = 0, part
    cdef Py_UCS4 c
    cdef long value
    for p in range(start, end):
        if at(t, p) != 32:
            size += 1
    if not 15 <= size <= 34:
        return False
    # the first four characters (no space among them) go to the end
    for part in range(2):
        for p in range(start + 4 if part == 0 else start, end if part == 0 else start + 4):
            c = at(t, p)
            if c == 32:
                continue
            if 65 <= c <= 90:
                value = <long>c - 55
            else:
                value = Py_UNICODE_TODECIMAL(c)  # int(ch, 36) reads any decimal digit
                if value < 0:
                    return False
            remainder = (remainder * (100 if value >= 10 else 10) + value) % 97
    return remainder == 1


class IbanRecogniser:
    def find(self, str text not None):
        cdef list found = []
        cdef Text t = text_of(text)
        cdef Py_ssize_t i = 0, start, run_end = 0, last, e, cut, end = 0
        cdef bint sixty = t.kind == PyUnicode_1BYTE_KIND and LATIN1_DIGITS_ASCII
        while True:
            if sixty:  # the places that open two capitals and two digits, sixty-one at a time
                start = iban_start(<const unsigned char *>t.data, i, t.n)
                run_end = last = start + 1
            else:
                # a match holds 12 or more of [A-Z0-9 ] and \d, and nothing else
                start = next_run(&t, i, IBAN_LENGTH, IBAN, &run_end)
                last = run_end - IBAN_LENGTH + 1
            if start >= t.n:
                return found
            for i in range(max(start, end), last):
                # `[A-Z](?<![\w\-].)[A-Z]\d{2}`
                if not (
                    i >= end and upper(at(&t, i)) and upper(at(&t, i + 1)) and digit(at(&t, i + 2))
                    and digit(at(&t, i + 3)) and not word_or_dash(at(&t, i - 1))
                ):
                    continue
                e = iban_match(&t, i)
                if e < 0:
                    continue
                end = e
                # as the reference: the pattern may have swallowed a following number, so cut off a space-led
                # group at a time until the checksum holds
                while True:
                    if iban_checksum(&t, i, e):
                        found.append(finding(i, e, "IBAN", 8))
                        break
                    cut = e - 1
                    while cut > i and at(&t, cut) != 32:
                        cut -= 1
                    if cut - i <= 4:
                        break
                    e = cut
            i = run_end


cdef Py_ssize_t window_start(const Text *t, Py_ssize_t start, Py_ssize_t window) noexcept:
    """Where findings.context_before's window of `window` characters before `start` on its line opens."""
    cdef Py_ssize_t p, low = start - window if start > window else 0
    for p in range(start - 1, low - 1, -1):
        if at(t, p) == 10:
            return p + 1
    return low


# Literal pieces every SSN_CUE / SIN_CUE match holds one of (lower-case, '|'-separated), checked in C before the
# search; used only while the patterns are the ones they were read from (else every window is searched)
cdef bytes SSN_KEYS = b"ssn|soci|sozi|segu"
cdef bytes SIN_KEYS = b"sin|nas|soci|assu"
cdef bint CUE_KEYS_FIT = (
    financial.SSN_CUE.pattern
    == r"(?i)\b(?:ssn|social security(?: number| no\.?)?|sozialversicherungsnummer|seguro social)\b"
    and financial.SIN_CUE.pattern
    == r"(?i)\b(?:sin|nas|social insurance(?: number| no\.?)?|assurance sociale)\b"
)
if not CUE_KEYS_FIT:
    import warnings

    warnings.warn("financial's SSN_CUE or SIN_CUE changed: their windows are all searched", RuntimeWarning)


cdef unsigned int first_letters(bytes keys):
    """The keys' first letters as bits (a = 1)."""
    return sum({1 << (key[0] - 97) for key in keys.split(b"|")})


cdef unsigned int SSN_FIRSTS = first_letters(SSN_KEYS)
cdef unsigned int SIN_FIRSTS = first_letters(SIN_KEYS)


cdef inline Py_UCS4 folded_at(const Text *t, Py_ssize_t p) noexcept:
    """fold_code of text[p] (p in the text), by table in a one-byte text."""
    if t.kind == PyUnicode_1BYTE_KIND:
        return FOLD_LATIN[(<const unsigned char *>t.data)[p]]
    return fold_code(at(t, p))


cdef bint holds_key(const Text *t, Py_ssize_t low, Py_ssize_t high, const char *keys, unsigned int firsts) noexcept:
    """One of the keys (lower-case ASCII letters, whose first letters are the bits of firsts) occurs in
    text[low:high], matched as `(?i)` matches them."""
    cdef Py_ssize_t p, k, key
    cdef unsigned int first
    for p in range(low, high):
        first = <unsigned int> folded_at(t, p) - 97
        if first >= 26 or not (firsts >> first) & 1:
            continue
        key = 0
        while keys[key]:
            k = 0
            while 97 <= keys[key + k] <= 122 and p + k < high and folded_at(t, p + k) == <Py_UCS4> keys[key + k]:
                k += 1
            if keys[key + k] == 0 or keys[key + k] == 124:
                return True
            while keys[key] and keys[key] != 124:
                key += 1
            if keys[key]:
                key += 1
    return False


cdef inline bint cue_in(
    str text, const Text *t, Py_ssize_t start, object search, const char *keys, unsigned int firsts,
    Py_ssize_t window
) except -1:
    """findings.context_before(text, start, pattern, window), given the pattern's `search` and the keys one of
    which its matches hold."""
    cdef Py_ssize_t low = window_start(t, start, window)
    if CUE_KEYS_FIT and not holds_key(t, low, start, keys, firsts):
        return False
    return search(text, low, start) is not None


class NationalIdRecogniser:
    """US SSN (dashed form anywhere, bare nine digits after a cue) and Canadian SIN (Luhn)."""

    def find(self, str text not None):
        cdef list ssns = [], grouped = None, bare = None  # the last two made at their first finding
        cdef Text t = text_of(text)
        cdef Py_ssize_t i = 0, j, e, k, start, run_end, ssn_end = 0, grouped_end = 0, bare_end = 0
        cdef Py_UCS4 digits[9]
        cdef Py_UCS4 separator, third
        cdef const unsigned char *latin = <const unsigned char *>t.data
        cdef bint one_byte = t.kind == PyUnicode_1BYTE_KIND
        cdef bint sixty = one_byte and LATIN1_DIGITS_ASCII
        cdef Py_ssize_t base = -60, last = 0
        cdef unsigned long long starts = 0
        run_end = 0
        i = -1
        while True:
            if sixty:  # a start, sixty places at a time; text[i:i + 5] is in the text
                i = next_nine_start(latin, t.n, &base, &starts)
                if i < 0:
                    break
            else:
                i += 1
                if i >= last:
                    # a match is 9 or more digits, ' ' and '-' (long_number_starts(text, 9) holds its start)
                    start = next_nine(&t, run_end, &run_end)
                    while start < t.n and run_end - NINE_LENGTH + 1 <= start:
                        start = next_nine(&t, run_end, &run_end)
                    if start >= t.n:
                        break
                    i = start
                    last = run_end - NINE_LENGTH + 1
            if one_byte:  # digit and number_may_start, reading bytes
                if not CLASSES[latin[i]] & DIGIT or i > 0 and (
                    CLASSES[latin[i - 1]] & WORD_OR_DASH or latin[i - 1] == 46
                ):
                    continue
                # every match opens with three digits, then ' ' or '-' (SSN, NINE_GROUPED) or a digit
                # (NINE_BARE); i + 4 is in the text
                third = latin[i + 3]
                if not (CLASSES[latin[i + 1]] & DIGIT and CLASSES[latin[i + 2]] & DIGIT and (
                    CLASSES[third] & DIGIT or third == 32 or third == 45
                )):
                    continue
            elif not (digit(at(&t, i)) and number_may_start(&t, i)):
                continue
            else:
                third = at(&t, i + 3)
            # SSN and NINE_GROUPED hold a separator at i + 3 and again at i + 6 or i + 7; NINE_BARE a digit
            if third == 32 or third == 45:
                # each pattern skips the starts inside its own last match, as match_at does
                if i >= ssn_end and at(&t, i + 6) == third:
                    e = ssn_match(&t, i)
                    if e >= 0:
                        ssn_end = e
                        ssns.append(finding(i, e, "SSN", 7))
                if i >= grouped_end and at(&t, i + 7) == third:
                    e = nine_digits(&t, i, 7, digits, &separator)
                    if e >= 0 and number_may_end(&t, e):
                        grouped_end = e
                        if luhn(digits, 9) and digits[0] != 48 and digits[0] != 56:
                            grouped = [] if grouped is None else grouped
                            grouped.append(finding(i, e, "SIN", 7))
                        elif cue_in(text, &t, i, SIN_CUE_SEARCH, SIN_KEYS, SIN_FIRSTS, 40) or cue_in(
                            text, &t, i, SSN_CUE_SEARCH, SSN_KEYS, SSN_FIRSTS, 40
                        ):
                            grouped = [] if grouped is None else grouped
                            grouped.append(finding(i, e, "SSN", 7))
                continue
            j = digits_end(&t, i + 1)
            if i >= bare_end and j - i == 9 and number_may_end(&t, j):
                bare_end = j
                if cue_in(text, &t, i, SSN_CUE_SEARCH, SSN_KEYS, SSN_FIRSTS, 30):
                    bare = [] if bare is None else bare
                    bare.append(finding(i, j, "SSN", 7))
                else:
                    for k in range(9):
                        digits[k] = at(&t, i + k)
                    if luhn(digits, 9) and cue_in(text, &t, i, SIN_CUE_SEARCH, SIN_KEYS, SIN_FIRSTS, 30):
                        bare = [] if bare is None else bare
                        bare.append(finding(i, j, "SIN", 7))
        if grouped is not None:
            ssns.extend(grouped)
        if bare is not None:
            ssns.extend(bare)
        return ssns


# financial._ACCOUNT_WORDS as code points, for a C scan of the window before a number, listed by first letter
DEF MOST_CUE_WORDS = 64
DEF LONGEST_CUE_WORD = 16
cdef Py_UCS4 CUE_CHARS[MOST_CUE_WORDS][LONGEST_CUE_WORD]
cdef Py_ssize_t CUE_SIZES[MOST_CUE_WORDS]
cdef Py_ssize_t CUE_BY_FIRST[128][MOST_CUE_WORDS]  # the words that open with each ASCII character
cdef Py_ssize_t CUE_COUNT_BY_FIRST[128]
cdef bint CUE_OPENS_LATIN[256]  # a Latin-1 character opens a cue word, either case
cdef bint CUE_PAIRS[128][128]  # a cue word opens with these two (folded) characters


cdef void load_cue_words(tuple words) except *:
    cdef Py_ssize_t w, k, first
    if len(words) > MOST_CUE_WORDS:
        raise ImportError(f"financial._ACCOUNT_WORDS holds over {MOST_CUE_WORDS} words")
    for w, cue in enumerate(words):
        # fold_code below equates only ASCII with what `(?i)` equates it with
        if not (0 < len(cue) <= LONGEST_CUE_WORD and cue.isascii() and cue == cue.lower()):
            raise ImportError(f"financial._ACCOUNT_WORDS: {cue!r} is not a short lower-case ASCII word")
        for k in range(len(cue)):
            CUE_CHARS[w][k] = ord(cue[k])
        CUE_SIZES[w] = len(cue)
        first = ord(cue[0])
        CUE_BY_FIRST[first][CUE_COUNT_BY_FIRST[first]] = w
        CUE_COUNT_BY_FIRST[first] += 1
        if len(cue) >= 2:
            CUE_PAIRS[first][ord(cue[1])] = True
        else:
            raise ImportError(f"financial._ACCOUNT_WORDS: {cue!r} is shorter than two characters")
    for k in range(256):
        CUE_OPENS_LATIN[k] = k < 128 and CUE_COUNT_BY_FIRST[k + 32 if 65 <= k <= 90 else k] > 0


load_cue_words(financial._ACCOUNT_WORDS)
# fold_code of each Latin-1 character where it is ASCII, else 0 (an index of CUE_PAIRS that no pair holds)
cdef unsigned char FOLD_LATIN[256]


cdef inline Py_UCS4 fold_code(Py_UCS4 c) noexcept:
    """The ASCII code point that a `(?i)` pattern's lower-case ASCII character matches c as (ascii_fold, and any
    other ASCII character as itself), or 0 for none."""
    cdef unsigned int letter = ascii_fold(c)
    if letter or c >= 128:
        return letter
    return c


cdef void load_fold_latin() noexcept:
    cdef Py_UCS4 c, folded
    for c in range(256):
        folded = fold_code(c)
        FOLD_LATIN[c] = folded if folded < 128 else 0


load_fold_latin()


cdef bint cue_word_at(const Text *t, Py_ssize_t p, Py_UCS4 c, Py_ssize_t high) noexcept:
    """One of the account cue words occurs at p (which holds c) and ends by high, matched as `(?i)` matches it."""
    cdef Py_ssize_t n, w, k, size
    cdef Py_UCS4 first = fold_code(c), second
    if first == 0 or first >= 128:
        return False
    second = fold_code(at(t, p + 1))  # every cue word has two characters or more
    if second >= 128 or not CUE_PAIRS[first][second]:
        return False
    for n in range(CUE_COUNT_BY_FIRST[first]):
        w = CUE_BY_FIRST[first][n]
        size = CUE_SIZES[w]
        if p + size <= high:
            k = 1
            while k < size and fold_code(at(t, p + k)) == CUE_CHARS[w][k]:
                k += 1
            if k == size:
                return True
    return False


# The windows found to be cues (cue words, their suffixes and punctuation: nothing personal), each the text from
# a cue word up to its number, that ACCOUNT_CUE matches whole
cdef set CUES_KNOWN = set()
# The most characters an ACCOUNT_CUE match holds before its closing punctuation and spaces: its longest
# alternative (17), [\s_]?, its longest suffix (6) and '.'; no limit where the pattern is not the one read
cdef Py_ssize_t CUE_CORE_MOST = 25 if financial.ACCOUNT_CUE.pattern == (
    r"(?i)(?<![^\W_])(?:account|acct|a/c|customer|client|member|membership|subscriber|policy|contract|"
    r"kunde|kunden(?:nummer|nr)?|konto(?:nummer)?|kontonr|compte|cuenta|cliente|n[úu]mero de cliente|"
    r"num[ée]ro de client|no de compte|routing|transit|sort code|bsb|clabe|aba|rib|bic|iban)"
    r"(?:[\s_]?(?:id|no\.?|nr\.?|number|num[ée]ro|n[úu]mero|#))?(?![^\W_])[\"']?\s*[:#=]?\s*[\"'(]?$"
) else 1 << 40
# CUE_CHAR_OK[c]: the Latin-1 character c may stand in an ACCOUNT_CUE match before its closing punctuation:
# a space, or one that `(?i)` equates with a character of the pattern (any of its characters, a superset)
cdef bint CUE_CHAR_OK[256]


cdef void load_cue_chars(str pattern) except *:
    cdef int code
    cdef set lowered = set(pattern.lower()) | set(pattern.upper().lower())
    for code in range(256):
        CUE_CHAR_OK[code] = CUE_CORE_MOST > 25 or chr(code).isspace() or chr(code).lower() in lowered


load_cue_chars(financial.ACCOUNT_CUE.pattern)
if CUE_CORE_MOST > 25:
    import warnings

    warnings.warn("financial's ACCOUNT_CUE changed: each cue window is read whole", RuntimeWarning)
cdef Py_ssize_t MOST_CUES_KNOWN = 4096
# CUE_ENDS[a][b]: an ACCOUNT_CUE match (the pattern read above) can hold the folded pair a, b just before its
# closing punctuation: the last two characters of a cue word or of a suffix, or any character and the '_' of
# `_#`; every pair where the pattern is not that one
cdef bint CUE_ENDS[128][128]


cdef void load_cue_ends() noexcept:
    cdef int a, b
    for a in range(128):
        for b in range(128):
            CUE_ENDS[a][b] = CUE_CORE_MOST > 25 or b == 95
    for pair in "nt ct /c er ip cy de en nr to te ta ng it sb be ba ib ic an id no o. r. ro".split():
        CUE_ENDS[ord(pair[0])][ord(pair[1])] = True


load_cue_ends()


cdef inline bint cue_may_end(const Text *t, Py_ssize_t e) noexcept:
    """text[e - 2:e] (in the text), folded as `(?i)` matches, is a CUE_ENDS pair."""
    cdef Py_UCS4 a, b
    if t.kind == PyUnicode_1BYTE_KIND:
        a = FOLD_LATIN[(<const unsigned char *>t.data)[e - 2]]
        b = FOLD_LATIN[(<const unsigned char *>t.data)[e - 1]]
    else:
        a = fold_code(at(t, e - 2))
        b = fold_code(at(t, e - 1))
    return a < 128 and b < 128 and CUE_ENDS[a][b]


# CUE_CLOSING[c]: what cue_core_end makes of the Latin-1 character c before a number
DEF CLOSING_NONE = 0  # not in a match's closing punctuation
DEF CLOSING_PASS = 1  # `\s` or one of `"':#=(`
DEF CLOSING_NEWLINE = 2  # a line's end: no match of context_before's reaches over it
cdef unsigned char CUE_CLOSING[256]


cdef void load_cue_closing() noexcept:
    cdef Py_UCS4 c
    for c in range(256):
        CUE_CLOSING[c] = CLOSING_NEWLINE if c == 10 else CLOSING_PASS if (
            is_space(c) or c == 34 or c == 39 or c == 58 or c == 35 or c == 61 or c == 40
        ) else CLOSING_NONE


load_cue_closing()


cdef Py_ssize_t cue_core_end(const Text *t, Py_ssize_t start) noexcept:
    """Where an ACCOUNT_CUE match before `start` ends its cue word or suffix (passing its closing punctuation back
    from start), or -1 where no match can end at start: cue_before's first test, cheap and failing at most
    numbers, so it runs before the number's shape is read."""
    cdef Py_ssize_t low = start - CUE_WINDOW if start > CUE_WINDOW else 0, core_end = start
    cdef Py_UCS4 c
    cdef const unsigned char *latin = <const unsigned char *>t.data
    cdef unsigned char closing
    if t.kind == PyUnicode_1BYTE_KIND:  # the same, by table
        while core_end > low:
            closing = CUE_CLOSING[latin[core_end - 1]]
            if closing == CLOSING_NEWLINE:
                return -1
            if closing == CLOSING_NONE:
                break
            core_end -= 1
        if core_end - 2 >= low and not CUE_ENDS[FOLD_LATIN[latin[core_end - 2]]][FOLD_LATIN[latin[core_end - 1]]]:
            return -1
        return core_end
    # a match ends in `["']?\s*[:#=]?\s*["'(]?`, none of which opens a cue word, after at most CUE_CORE_MOST
    # characters from its word: no word further back can open one
    while core_end > low:
        c = at(t, core_end - 1)
        if c == 10:
            return -1
        if not (is_space(c) or c == 34 or c == 39 or c == 58 or c == 35 or c == 61 or c == 40):
            break
        core_end -= 1
    # a match's cue word or suffix ends at core_end (its closing punctuation holds only what was passed over)
    if core_end - 2 >= low and not cue_may_end(t, core_end):
        return -1
    return core_end


cdef bint cue_before(str text, const Text *t, Py_ssize_t start, Py_ssize_t core_end) except -1:
    """context_before(text, start, ACCOUNT_CUE, _CUE_WINDOW), where cue_core_end(t, start) is core_end (not -1).

    Every ACCOUNT_CUE match holds a cue word, and where one opens before its word (número de cliente, numéro de
    client, no de compte), the word is a match of its own that ends alike; a match opens after no letter or
    digit. So the search is the match tried at each such word in the window, and C finds those. A match there
    depends on the text from the word to `start` alone, so the ones seen before need no match.
    """
    cdef Py_ssize_t p, low = start - CUE_WINDOW if start > CUE_WINDOW else 0
    cdef Py_UCS4 c
    cdef const unsigned char *latin = <const unsigned char *>t.data
    cdef const unsigned char *newline
    if core_end - CUE_CORE_MOST > low:
        low = core_end - CUE_CORE_MOST
    # from the nearest word (the likeliest cue) back to the window's start or the line's
    if t.kind == PyUnicode_1BYTE_KIND:  # most text: the line's start found at once, a table for cue words' starts
        if core_end > low:
            newline = <const unsigned char *>memrchr(latin + low, 10, core_end - low)
            if newline != NULL:
                low = newline - latin + 1
        for p in range(core_end - 1, low - 1, -1):
            c = latin[p]
            # a match holds only CUE_CHAR_OK characters before core_end: none opens before this one
            if not CUE_CHAR_OK[c]:
                return False
            if (
                CUE_OPENS_LATIN[c]
                and not (p > 0 and CLASSES[latin[p - 1]] & ALNUM)
                and CUE_PAIRS[FOLD_LATIN[c]][FOLD_LATIN[latin[p + 1]]]  # p + 1 <= core_end < n
                and cue_at(text, t, p, c, start, core_end)
            ):
                return True
        return False
    for p in range(start - 1, low - 1, -1):
        c = at(t, p)
        if c == 10:
            return False
        if fold_code(c) == 0 or in_class(ALNUM, at(t, p - 1)):
            continue
        if cue_at(text, t, p, c, start, p):
            return True
    return False


# The windows of one-byte texts that ACCOUNT_CUE matches whole (opening after no letter or digit, as cue_before
# calls it: then the verdict depends on the window's characters alone), in a small direct-mapped table by their
# bytes. Like CUES_KNOWN, only cues are kept (the pattern's words and punctuation); a window that is not one may
# hold a name, and no text of a request outlives it.
DEF CUE_SLOTS = 256
DEF CUE_KEY_MOST = 40
cdef Py_ssize_t CUE_SLOT_SIZES[CUE_SLOTS]  # 0: an empty slot (no window is empty)
cdef unsigned char CUE_SLOT_BYTES[CUE_SLOTS][CUE_KEY_MOST]


cdef bint cue_at(str text, const Text *t, Py_ssize_t p, Py_UCS4 c, Py_ssize_t start, Py_ssize_t core_end) except -1:
    """ACCOUNT_CUE matches text[p:start] whole, at p (which holds c) opening after no letter or digit; in a text of
    Latin-1, text[p:core_end] is what it holds before its closing punctuation (none read where core_end is p)."""
    cdef Py_ssize_t k
    cdef const unsigned char *latin = <const unsigned char *>t.data
    cdef Py_ssize_t size = start - p, slot
    cdef uint64_t key = <uint64_t> size
    if not cue_word_at(t, p, c, start):
        return False
    if t.kind == PyUnicode_1BYTE_KIND:  # cue_before has read text[p:core_end] as CUE_CHAR_OK
        if size <= CUE_KEY_MOST:
            for k in range(p, start):
                key = (key ^ latin[k]) * 0x100000001B3ULL
            slot = <Py_ssize_t> (key >> 56) % CUE_SLOTS
            if CUE_SLOT_SIZES[slot] == size and memcmp(CUE_SLOT_BYTES[slot], latin + p, size) == 0:
                return True
            if ACCOUNT_CUE_MATCH(text, p, start) is None:
                return False
            CUE_SLOT_SIZES[slot] = size
            memcpy(CUE_SLOT_BYTES[slot], latin + p, size)
            return True
    window = text[p:start]
    if window in CUES_KNOWN:
        return True
    if ACCOUNT_CUE_MATCH(text, p, start) is not None:
        if len(CUES_KNOWN) < MOST_CUES_KNOWN:
            CUES_KNOWN.add(window)
        return True
    return False


# The capital runs that open an ACCOUNT_PREFIXED match (CUST, ACCT, ...), by their letters (five bits each):
# where the pattern is the one read here, its prefixes are these literal alternatives and no other run opens a
# match, so a run is decided in C; else the pattern itself says, the first time each run that opens is seen (kept
# in a small direct-mapped table; a run that opens none, a name in capitals, is not kept)
DEF PREFIX_SLOTS = 256
cdef uint64_t PREFIX_CODES[PREFIX_SLOTS]
DEF PREFIX_WORDS_MOST = 16
cdef uint64_t PREFIX_WORD_CODES[PREFIX_WORDS_MOST]
cdef Py_ssize_t PREFIX_WORD_COUNT = 0


cdef inline uint64_t capitals_code(str word) noexcept:
    cdef uint64_t code = 0
    for c in word:
        code = code << 5 | (<uint64_t>ord(c) - 64)
    return code


cdef bint load_prefix_words() except -1:
    """PREFIX_WORD_CODES from the pattern's alternatives, where the pattern is the one read here and opens with
    each of them (a drift guard: else the pattern decides every run)."""
    global PREFIX_WORD_COUNT
    words = "CUST CUS CID CLI CLT ACCT ACCNT ACC AC MBR MEM MEMB KD KDNR KTO".split()
    if ACCOUNT_PREFIXED.pattern != (
        r"(?:C(?<![\w\-]C)(?:UST|US|ID|LI|LT)|A(?<![\w\-]A)(?:CCT|CCNT|CC|C)|M(?<![\w\-]M)(?:BR|EM|EMB)"
        r"|K(?<![\w\-]K)(?:D|DNR|TO))-?\d{5,16}(?:-\d{2,8})?(?![\w\-])"
    ) or not all(ACCOUNT_PREFIXED.fullmatch(word + "00000") for word in words):
        import warnings

        warnings.warn("financial's ACCOUNT_PREFIXED changed: its prefixes are read by the pattern", RuntimeWarning)
        return False
    for word in words:
        PREFIX_WORD_CODES[PREFIX_WORD_COUNT] = capitals_code(word)
        PREFIX_WORD_COUNT += 1
    return True


cdef bint PREFIX_WORDS_KNOWN = load_prefix_words()


cdef bint account_prefix(str text, const Text *t, Py_ssize_t start, Py_ssize_t end) except -1:
    """text[start:end], capitals, is one of ACCOUNT_PREFIXED's prefixes."""
    cdef uint64_t code = 0
    cdef Py_ssize_t p, slot = -1
    cdef bint opens
    if end - start <= 12:
        for p in range(start, end):
            code = code << 5 | (<uint64_t>at(t, p) - 64)
        if PREFIX_WORDS_KNOWN:
            for p in range(PREFIX_WORD_COUNT):
                if PREFIX_WORD_CODES[p] == code:
                    return True
            return False
        slot = <Py_ssize_t>((code * 0x9E3779B97F4A7C15ULL) >> 56) % PREFIX_SLOTS
        if PREFIX_CODES[slot] == code:
            return True
    elif PREFIX_WORDS_KNOWN:  # longer than any prefix
        return False
    # the run is a prefix when it opens a match of its own: a prefix takes all the letters before the digits
    opens = ACCOUNT_PREFIXED.fullmatch(text[start:end] + "00000") is not None
    if slot >= 0 and opens:
        PREFIX_CODES[slot] = code
    return opens


cdef Py_ssize_t prefixed_digits_end(const Text *t, Py_ssize_t i) noexcept:
    """End of ACCOUNT_PREFIXED's `\\d{5,16}(?:-\\d{2,8})?(?![\\w\\-])` at i, or -1.

    Giving back a digit leaves a digit next, and leaving out the tail leaves its '-' next: the look-ahead refuses
    both, so only the whole digit run, with the whole tail when a '-' follows, can match."""
    cdef Py_ssize_t j = digits_end(t, i), tail
    if not 5 <= j - i <= 16:
        return -1
    if at(t, j) == 45:
        tail = digits_end(t, j + 1)
        if not 2 <= tail - j - 1 <= 8:
            return -1
        j = tail
    return -1 if word_or_dash(at(t, j)) else j


cdef bint token_digits(const Text *t, Py_ssize_t q, Py_ssize_t e, Py_ssize_t dd_start, Py_ssize_t dd_end) noexcept:
    """ACCOUNT_TOKEN's `[\\d\\-]{3,24}\\d(?![\\w\\-]|\\.\\d)` from q to the run's end e (a shorter match would leave
    a digit or '-' next, which the look-ahead refuses). In a one-byte text, text[dd_start:dd_end] is a longest run
    of `[\\d\\-]` (dd_start -1 where not known)."""
    cdef Py_ssize_t p
    cdef Py_UCS4 c
    cdef const unsigned char *latin = <const unsigned char *>t.data
    if not 4 <= e - q <= 25 or not digit(at(t, e - 1)):
        return False
    if t.kind == PyUnicode_1BYTE_KIND:  # q and e are in the text
        if 0 <= dd_start <= q < dd_end:
            if e > dd_end:
                return False
            return not (at(t, e) == 46 and digit(at(t, e + 1)))
        for p in range(q, e):
            if not (latin[p] == 45 or CLASSES[latin[p]] & DIGIT):
                return False
        return not (at(t, e) == 46 and digit(at(t, e + 1)))
    for p in range(q, e):
        c = at(t, p)
        if not (c == 45 or digit(c)):
            return False
    return not (at(t, e) == 46 and digit(at(t, e + 1)))


cdef bint account_token(
    const Text *t, Py_ssize_t s, Py_ssize_t e, Py_ssize_t first_four, Py_ssize_t dd_start, Py_ssize_t dd_end
) noexcept:
    """ACCOUNT_TOKEN matches at s, the start of the run of word characters and '-' text[s:e] (so after no word
    character or '-'); a match there ends at e, as its look-ahead refuses a word character or '-' after it.

    In a one-byte text first_four is the first place from s where four digits follow (else -1), and dd_start,
    dd_end as token_digits takes them."""
    cdef Py_UCS4 first = at(t, s)
    cdef Py_ssize_t p, q, k
    cdef bint four = False
    cdef const unsigned char *latin = <const unsigned char *>t.data
    # (?:(?<=\d)(?=\d{3})|(?=[A-Z0-9\-]*\d{4})) after the first character
    if first_four >= 0 and t.kind == PyUnicode_1BYTE_KIND:
        # the first look-ahead holds only at first_four == s; the second reaches first_four over [A-Z0-9\-]
        four = True
        for p in range(s + 1, first_four):
            if not CLASSES[latin[p]] & TOKEN_CHAR:
                four = False
                break
    elif 48 <= first <= 57:
        four = digit(at(t, s + 1)) and digit(at(t, s + 2)) and digit(at(t, s + 3))
    p = s + 1
    while not four:
        k = 0
        while k < 4 and digit(at(t, p + k)):
            k += 1
        if k == 4:
            four = True
        elif upper_or_digit(t, p) or at(t, p) == 45:
            p += 1
        else:
            break
    if not four:
        return False
    # (?:(?<=[A-Z])[A-Z]{0,5}-?\d|(?<=-)\d|(?<=\d)): the capitals must all be taken, a digit must follow
    if upper(first):
        q = s + 1
        while upper(at(t, q)):
            q += 1
        if q - s - 1 > 5:
            return False
        if at(t, q) == 45:
            q += 1
        if not digit(at(t, q)):
            return False
        q += 1
    elif first == 45:
        if not digit(at(t, s + 1)):
            return False
        q = s + 2
    elif 48 <= first <= 57:
        q = s + 1
    else:
        return False
    return token_digits(t, q, e, dd_start, dd_end)


cdef bint date_shaped(const Text *t, Py_ssize_t s, Py_ssize_t e) noexcept:
    """DATE_SHAPE.fullmatch(text[s:e]): `\\d{4}-\\d{1,2}-\\d{1,2}|\\d{1,2}-\\d{1,2}-\\d{2,4}`."""
    cdef Py_ssize_t sizes[3]
    cdef Py_ssize_t part = 0, p = s, from_
    while True:
        from_ = p
        p = digits_end(t, p)  # stops by e, the end of a run of word characters and '-'
        sizes[part] = p - from_
        part += 1
        if p == e:
            break
        if part == 3 or at(t, p) != 45:
            return False
        p += 1
    if part != 3:
        return False
    return (
        sizes[0] == 4 and 1 <= sizes[1] <= 2 and 1 <= sizes[2] <= 2
        or 1 <= sizes[0] <= 2 and 1 <= sizes[1] <= 2 and 2 <= sizes[2] <= 4
    )


class AccountNumberRecogniser:
    def find(self, str text not None):
        # ACCOUNT_PREFIXED's findings, then ACCOUNT_TOKEN's: the first `prefixed` of them are the former
        cdef list found = []
        cdef Py_ssize_t prefixed = 0
        cdef Text t = text_of(text)
        cdef Py_ssize_t i = 0, start, run_end, q, e, prefixed_end = 0, first_four, dd_start, dd_end, core_end
        cdef const unsigned char *latin = <const unsigned char *>t.data
        cdef bint one_byte = t.kind == PyUnicode_1BYTE_KIND
        while True:
            # Both patterns match a whole run of word characters and '-' (their look-behind and look-ahead refuse
            # one around it) holding a run of 4 digits or more (ACCOUNT_PREFIXED's \d{5,16}, ACCOUNT_TOKEN's
            # \d{4}), and can start only at its start
            i = next_four_digits(&t, i, &run_end)
            if i >= t.n:
                break
            start = i
            q = start
            first_four = dd_start = dd_end = -1
            if one_byte:  # the same, reading bytes, and the run of [\d\-] around the digits
                first_four = i
                while start > 0 and CLASSES[latin[start - 1]] & DIGIT_OR_DASH:
                    start -= 1
                dd_start = start
                while start > 0 and CLASSES[latin[start - 1]] & WORD_OR_DASH:
                    start -= 1
                while run_end < t.n and CLASSES[latin[run_end]] & DIGIT_OR_DASH:
                    run_end += 1
                dd_end = run_end
                while run_end < t.n and CLASSES[latin[run_end]] & WORD_OR_DASH:
                    run_end += 1
                q = start
                while 65 <= latin[q] <= 90:  # stops by the digit at i
                    q += 1
            else:
                while word_or_dash(at(&t, start - 1)):
                    start -= 1
                while word_or_dash(at(&t, run_end)):
                    run_end += 1
                q = start
                while upper(at(&t, q)):
                    q += 1
            # ACCOUNT_PREFIXED: a prefix of capitals, '-'?, then digits
            if q > start and start >= prefixed_end:
                e = prefixed_digits_end(&t, q + 1 if at(&t, q) == 45 else q)
                if e == run_end and account_prefix(text, &t, start, q):
                    prefixed_end = e
                    found.insert(prefixed, finding(start, e, "ACCOUNT", 5))
                    prefixed += 1
            # ACCOUNT_TOKEN; the cue's first test first, as it fails before most numbers
            if 5 <= run_end - start <= 33:
                core_end = cue_core_end(&t, start)
                if (
                    core_end >= 0
                    and account_token(&t, start, run_end, first_four, dd_start, dd_end)
                    # a date holds only digits and '-', ten at most
                    and (
                        run_end - start > 10
                        or one_byte and (dd_start > start or dd_end < run_end)
                        or not date_shaped(&t, start, run_end)
                    )
                    and cue_before(text, &t, start, core_end)
                ):
                    found.append(finding(start, run_end, "ACCOUNT", 4))
            i = run_end
        return found


TWINS = {
    financial.CardRecogniser: CardRecogniser,
    financial.IbanRecogniser: IbanRecogniser,
    financial.NationalIdRecogniser: NationalIdRecogniser,
    financial.AccountNumberRecogniser: AccountNumberRecogniser,
}
