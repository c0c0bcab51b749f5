# cython: language_level=3, wraparound=False
"""doorman.boundary.dates' recogniser, compiled: the same findings in the same order.

Dates are everywhere; only a birth-date cue makes one a finding. One pass over the text finds where a cue
word can begin; only near those (from the cue's line start to as far as a date may follow it) a second finds
where a date can start (a number or a month name followed by what a date needs next). The reference's DATE
pattern runs only on the lines where a date may follow a cue, the cue patterns only at the cues found, and
its cheap pre-check (a cue word anywhere) only when there is a finding to keep or drop.
"""

from cpython.unicode cimport (
    Py_UCS1,
    Py_UCS2,
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISALPHA,
    Py_UNICODE_ISDECIMAL,
    Py_UNICODE_TODECIMAL,
    PyUnicode_DATA,
    PyUnicode_FindChar,
)

import warnings
from datetime import date

from libc.stdint cimport uint64_t
from libc.string cimport memcpy, memset

from doorman.boundary import dates
from doorman.boundary.findings import Finding, mentions

from doorman.boundary.fast.chars cimport (
    HIGHS,
    ascii_fold,
    LITTLE_ENDIAN,
    ONES,
    SIXTEEN_AT_ONCE,
    Text,
    ci_at,
    folded_in16,
    char_at,
    is_alpha,
    is_digit,
    is_word,
    lower_char,
    lowered_any,
    lowest_bit,
    matches_ci,
    new_finding,
    changed_patterns,
    same_letter,
    text_of,
    twins_where_unchanged,
    unit,
    unit_at,
    unsafe_fold,
)


cdef object DATE_FINDITER = dates.DATE.finditer
cdef object BIRTH_SEARCH = dates.BIRTH_CUE.search
cdef object BIRTH_MATCH = dates.BIRTH_CUE.match
cdef object ASKED_SEARCH = dates.ASKED_CUE.search
cdef object ASKED_MATCH = dates.ASKED_CUE.match
cdef Py_ssize_t ASKED_WINDOW = dates.ASKED_WINDOW
cdef object TODAY = date.today
cdef tuple CUE_WORDS = dates._CUE_WORDS

# MONTH_FIRST[c]: c is a month name's first letter, either case (DATE's (?=[adefjmnos]))
cdef unsigned char MONTH_FIRST[128]
for _word in dates._MONTH_STARTS:
    MONTH_FIRST[ord(_word[0])] = MONTH_FIRST[ord(_word[0].upper())] = 1
# the month names' starts by first letter
cdef list MONTH_STARTS_BY_FIRST = [tuple(w for w in dates._MONTH_STARTS if ord(w[0]) == _code) for _code in range(128)]


cdef bint digit_date_may_start(const unit *data, const Text *t, Py_ssize_t p) noexcept:
    """Can DATE match at p, a digit? Its forms begin with 4 digits and [-/.] then a digit, or 1-2 digits
    and [-/.] then a digit, or 1-2 digits, an ordinal suffix, '.', [ -], "de " and a month's first letter
    (ASCII: in a text that findings.folded accepts, nothing else matches one)."""
    cdef Py_ssize_t j = p, k
    cdef Py_UCS4 c
    while j - p < 5 and is_digit(unit_at(data, t.n, j)):
        j += 1
    if j + 1 >= t.n:
        return False
    c = unit_at(data, t.n, j)
    if j - p == 4:
        return (c == 45 or c == 47 or c == 46) and is_digit(unit_at(data, t.n, j + 1))
    if j - p > 2:
        return False
    if (c == 45 or c == 47 or c == 46) and is_digit(unit_at(data, t.n, j + 1)):
        return True
    k = j
    if is_alpha(c):
        if not is_alpha(unit_at(data, t.n, k + 1)):
            return False
        k += 2
    if unit_at(data, t.n, k) == 46:
        k += 1
    if not (k + 1 < t.n and (unit_at(data, t.n, k) == 32 or unit_at(data, t.n, k) == 45)):
        return False
    k += 1
    if matches_ci(t, k, "de "):  # DATE's optional "de " before the month (else 'd' may begin one)
        return True
    c = unit_at(data, t.n, k)
    return c < 128 and MONTH_FIRST[c]


cdef inline bint digits_at(const Text *t, Py_ssize_t p, Py_ssize_t count) noexcept:
    cdef Py_ssize_t k
    for k in range(count):
        if not is_digit(char_at(t, p + k)):
            return False
    return True


cdef inline bint date_separator(Py_UCS4 c) noexcept:
    return c == 45 or c == 47 or c == 46  # [-/.]


cdef inline bint date_may_end(const Text *t, Py_ssize_t e) noexcept:
    """DATE's closing `(?![\\w\\-]|[/.]\\d)` at e."""
    cdef Py_UCS4 c = char_at(t, e)
    if is_word(c) or c == 45:
        return False
    return not ((c == 47 or c == 46) and is_digit(char_at(t, e + 1)))


cdef Py_ssize_t digit_date_end(const Text *t, Py_ssize_t p) noexcept:
    """The end of DATE's match at p when one of its first two forms (digits and [-/.] only, tried first) matches
    there: `\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}`, then `\\d{1,2}[-/.]\\d{1,2}[-/.](?:\\d{4}|\\d{2})`, each choice
    greedy and given back in the pattern's order; -1 when neither does (the pattern's other forms may)."""
    cdef Py_ssize_t first, second, third, q, r
    cdef Py_UCS4 before = char_at(t, p - 1)
    if is_word(before) or before == 45 or before == 47 or before == 46:  # (?<![\w\-/.])
        return -1
    if digits_at(t, p, 4) and date_separator(char_at(t, p + 4)):
        q = p + 5
        for first in range(2, 0, -1):
            if digits_at(t, q, first) and date_separator(char_at(t, q + first)):
                r = q + first + 1
                for second in range(2, 0, -1):
                    if digits_at(t, r, second) and date_may_end(t, r + second):
                        return r + second
    for first in range(2, 0, -1):
        if digits_at(t, p, first) and date_separator(char_at(t, p + first)):
            q = p + first + 1
            for second in range(2, 0, -1):
                if digits_at(t, q, second) and date_separator(char_at(t, q + second)):
                    r = q + second + 1
                    for third in (4, 2):
                        if digits_at(t, r, third) and date_may_end(t, r + third):
                            return r + third
    return -1


cdef inline bint month_first_ci(Py_UCS4 c) noexcept:
    """`(?i)[adefjmnos]`, DATE's look at a month name's first letter."""
    cdef unsigned int f = ascii_fold(c)
    return f == 97 or f == 100 or f == 101 or f == 102 or f == 106 or f == 109 or f == 110 or f == 111 or f == 115


cdef inline Py_ssize_t ordinal_end(const Text *t, Py_ssize_t q) noexcept:
    """The end of `(?i)(?:st|nd|rd|th|er)` at q, or q."""
    cdef unsigned int a = ascii_fold(char_at(t, q)), b = ascii_fold(char_at(t, q + 1))
    if a == 115 and b == 116 or a == 110 and b == 100 or a == 114 and b == 100 or a == 116 and b == 104 or a == 101 and b == 114:
        return q + 2
    return q


# DATE's month names (dates._MONTHS), each spelling in the order the pattern tries them: MONTH_CHARS[m][k] the
# lower-case character(s) the k-th may be (up to two, 0 for none), MONTH_UPPER their one other case where not
# ASCII; MONTH_ORDER[first letter - 97] the spellings opening with that letter, in order.
DEF MONTH_MAX = 160
DEF MONTH_LONGEST = 16
cdef Py_UCS4 MONTH_CHARS[MONTH_MAX][MONTH_LONGEST][4]
cdef Py_UCS4 MONTH_UPPER[MONTH_MAX][MONTH_LONGEST][4]
cdef Py_ssize_t MONTH_LENGTHS[MONTH_MAX]
cdef list MONTH_ORDER = [[] for _ in range(26)]


def _month_spellings():
    """dates._MONTHS expanded into its spellings, in the pattern's order (each a list of sets of characters),
    or None when it holds a piece this expansion does not know."""
    import re
    return _spellings(lambda parse: parse(dates._MONTHS, re.IGNORECASE))


def _cue_spellings():
    """BIRTH_CUE, `(?i)\\b(?:...)\\b` with only literal spellings between, expanded as _month_spellings does
    (the part between its two \\b), or None when it has another shape."""
    import re
    from re import _constants

    def between(parse):
        items = list(parse(dates.BIRTH_CUE.pattern, dates.BIRTH_CUE.flags))
        boundary = (_constants.AT, _constants.AT_BOUNDARY)
        if dates.BIRTH_CUE.flags != re.IGNORECASE | re.UNICODE or len(items) != 3 or items[0] != boundary or items[2] != boundary:
            raise ValueError(items)
        return items[1:2]
    return _spellings(between)


def _spellings(parsed):
    """The spellings of the pattern parsed(re._parser.parse), as _month_spellings says."""
    from re import _parser
    try:
        from re._casefix import _EXTRA_CASES as extra
    except ImportError:
        extra = {}

    def sequence(items):
        spellings = [[]]
        for op, value in items:
            op = str(op)
            if op == "LITERAL":
                choices = [[frozenset([chr(value)])]]
            elif op == "IN" and all(str(o) == "LITERAL" for o, _ in value):
                choices = [[frozenset(chr(v) for _, v in value)]]
            elif op == "BRANCH":
                choices = [w for branch in value[1] for w in sequence(branch)]
            elif op == "MAX_REPEAT" and value[0] == 0 and value[1] == 1:
                choices = sequence(value[2]) + [[]]
            elif op == "SUBPATTERN":
                choices = sequence(value[3])
            else:
                raise ValueError(op)
            spellings = [s + c for s in spellings for c in choices]
        return spellings

    try:
        spellings = sequence(parsed(_parser.parse))
    except Exception:
        return None
    for spelling in spellings:
        for piece in spelling:
            for ch in piece:
                if ch != ch.lower() or len(ch.upper()) != 1 or ch.upper().lower() != ch or (
                        ord(ch) >= 128 and (ord(ch) in extra or ord(ch.upper()) in extra)):
                    return None
    return spellings


cdef bint load_months() except -1:
    cdef Py_ssize_t m, k, j
    spellings = _month_spellings()
    if (spellings is None or len(spellings) > MONTH_MAX or any(len(w) > MONTH_LONGEST or not w for w in spellings)
            or any(len(piece) > 4 for w in spellings for piece in w)
            or any(not all(97 <= ord(ch) <= 122 for ch in w[0]) or len(w[0]) != 1 for w in spellings)):
        warnings.warn("doorman.boundary.fast.dates: DATE's month names changed; BirthDateRecogniser not compiled")
        return False
    for m, spelling in enumerate(spellings):
        MONTH_LENGTHS[m] = len(spelling)
        for k, piece in enumerate(spelling):
            for j, ch in enumerate(sorted(piece)):
                MONTH_CHARS[m][k][j] = ord(ch)
                MONTH_UPPER[m][k][j] = ord(ch.upper())
        MONTH_ORDER[ord(next(iter(spelling[0]))) - 97].append(m)
    return True


cdef bint MONTHS_FIT = load_months()


cdef inline bint month_char(Py_UCS4 c, Py_UCS4 lower, Py_UCS4 upper) noexcept:
    """`(?i)` c matches the pattern's lower-case character `lower` (`upper` its other case)."""
    if lower == 0:
        return False
    if 97 <= lower <= 122:
        return same_letter(c, lower)
    return c == lower or c == upper


cdef inline bint spelled_at(const Text *t, Py_ssize_t p, const Py_UCS4 (*chars)[4], const Py_UCS4 (*upper)[4],
                            Py_ssize_t k, Py_ssize_t length) noexcept:
    """A spelling's characters k.. (chars[k], upper[k]: what each may be, as MONTH_CHARS holds them) at p + k.."""
    cdef Py_ssize_t j
    cdef Py_UCS4 c
    while k < length:
        c = char_at(t, p + k)
        for j in range(4):
            if month_char(c, chars[k][j], upper[k][j]):
                break
        else:
            return False
        k += 1
    return True


cdef int month_ends(const Text *t, Py_ssize_t u, Py_ssize_t *ends) except -1:
    """Where DATE's month name may end when it starts at u, in the order the pattern tries them, each once:
    their count, written to ends (MONTH_MAX at most)."""
    cdef Py_ssize_t count = 0, e, index
    cdef unsigned int first = ascii_fold(char_at(t, u))
    cdef int m
    cdef bint repeated
    if first == 0 or not MONTHS_FIT:
        return 0
    for m in MONTH_ORDER[first - 97]:
        if spelled_at(t, u, MONTH_CHARS[m], MONTH_UPPER[m], 0, MONTH_LENGTHS[m]):
            e = u + MONTH_LENGTHS[m]
            repeated = False
            for index in range(count):
                if ends[index] == e:
                    repeated = True
            if not repeated:
                ends[count] = e
                count += 1
    return count


cdef inline bint de_at(const Text *t, Py_ssize_t u) noexcept:
    """`(?i)de ` at u"""
    return same_letter(char_at(t, u), 100) and same_letter(char_at(t, u + 1), 101) and char_at(t, u + 2) == 32


cdef Py_ssize_t after_day_month(const Text *t, Py_ssize_t v) except -2:
    """The end of `{_MONTH}[ \\-,]+(?:de )?\\d{4}` and DATE's closing look at v, or -1."""
    cdef Py_ssize_t ends[MONTH_MAX]
    cdef Py_ssize_t count, index, k, j
    cdef Py_UCS4 c
    if not month_first_ci(char_at(t, v)):  # (?=[adefjmnos])
        return -1
    count = month_ends(t, v, ends)
    for index in range(count):
        k = ends[index]
        while True:
            c = char_at(t, k)
            if not (c == 32 or c == 45 or c == 44):
                break
            k += 1
        for j in range(k, ends[index], -1):  # [ \-,]+ gives back one at a time
            if de_at(t, j) and digits_at(t, j + 3, 4) and date_may_end(t, j + 7):
                return j + 7
            if digits_at(t, j, 4) and date_may_end(t, j + 4):
                return j + 4
    return -1


cdef Py_ssize_t date_end(const Text *t, Py_ssize_t p) except -2:
    """DATE.match(text, p)'s end, or -1 for no match: each form, and each choice within it, tried in the
    pattern's order."""
    cdef Py_ssize_t ends[MONTH_MAX]
    cdef Py_ssize_t count, index, digits, q, q2, q3, u, v, r, r2, r3, e
    cdef Py_UCS4 before = char_at(t, p - 1)
    if is_word(before) or before == 45 or before == 47 or before == 46:  # (?<![\w\-/.])
        return -1
    if is_digit(char_at(t, p)):
        e = digit_date_end(t, p)
        if e >= 0:
            return e
        for digits in range(2, 0, -1):  # \d{1,2}(?:st|nd|rd|th|er)?\.?[ \-](?:de )?{_MONTH}...
            if not digits_at(t, p, digits):
                continue
            q = p + digits
            e = ordinal_end(t, q)
            for index in range(2):  # the ordinal's letters, if there, then none
                q2 = e if index == 0 else q
                if index == 1 and e == q:
                    break
                for q3 in (q2 + 1, q2):
                    if q3 > q2 and char_at(t, q2) != 46:
                        continue
                    if not (char_at(t, q3) == 32 or char_at(t, q3) == 45):
                        continue
                    u = q3 + 1
                    if de_at(t, u):
                        r = after_day_month(t, u + 3)
                        if r >= 0:
                            return r
                    r = after_day_month(t, u)
                    if r >= 0:
                        return r
        return -1
    if not month_first_ci(char_at(t, p)):
        return -1
    count = month_ends(t, p, ends)  # {_MONTH}[ \-]\d{1,2}(?:st|nd|rd|th)?,?[ \-]\d{4}
    for index in range(count):
        q = ends[index]
        if not (char_at(t, q) == 32 or char_at(t, q) == 45):
            continue
        q += 1
        for digits in range(2, 0, -1):
            if not digits_at(t, q, digits):
                continue
            r = q + digits
            e = ordinal_end(t, r)
            if e > r and ascii_fold(char_at(t, r)) == 101:  # "er" is no ordinal here
                e = r
            for r2 in range(e, r - 1, -2) if e > r else range(r, r + 1):  # the ordinal's letters, if there, then none
                for r3 in (r2 + 1, r2):
                    if r3 > r2 and char_at(t, r2) != 44:
                        continue
                    if (char_at(t, r3) == 32 or char_at(t, r3) == 45) and digits_at(t, r3 + 1, 4) and date_may_end(t, r3 + 5):
                        return r3 + 5
    return -1


cdef bint month_may_start(const unit *data, const Text *t, Py_ssize_t p) noexcept:
    """A month name's start (as the reference's _MONTH_STARTS, lower-cased) at p, an ASCII letter, and DATE
    able to match there: only as a month name (letters and '.', 10 at most), [ -] and a digit."""
    cdef Py_ssize_t j = p
    while j - p <= 10 and (is_alpha(unit_at(data, t.n, j)) or unit_at(data, t.n, j) == 46):
        j += 1
    if not (j + 1 < t.n and (unit_at(data, t.n, j) == 32 or unit_at(data, t.n, j) == 45) and is_digit(unit_at(data, t.n, j + 1))):
        return False
    return lowered_any(t, p, MONTH_STARTS_BY_FIRST[lower_char(unit_at(data, t.n, p))])



# BIRTH_CUE's spellings between its two \b (_cue_spellings), in the pattern's order, as MONTH_CHARS and
# MONTH_UPPER hold the months'; CUE_FIRST[m] the m-th's first letter (ASCII, lower-case).
DEF CUE_MAX = 64
DEF CUE_LONGEST = 32
cdef Py_UCS4 CUE_CHARS[CUE_MAX][CUE_LONGEST][4]
cdef Py_UCS4 CUE_UPPER[CUE_MAX][CUE_LONGEST][4]
cdef Py_ssize_t CUE_LENGTHS[CUE_MAX]
cdef unsigned int CUE_FIRST[CUE_MAX]
cdef Py_ssize_t CUE_COUNT = 0


cdef bint load_cues() except -1:
    global CUE_COUNT
    cdef Py_ssize_t m, k, j
    spellings = _cue_spellings()
    if (spellings is None or not spellings or len(spellings) > CUE_MAX
            or any(len(w) > CUE_LONGEST or not w or any(len(piece) > 4 for piece in w) for w in spellings)
            or any(len(w[0]) != 1 or not all(97 <= ord(ch) <= 122 for ch in w[0]) for w in spellings)):
        warnings.warn("doorman.boundary.fast.dates: BIRTH_CUE changed shape; its regex confirms birth cues")
        return False
    for m, spelling in enumerate(spellings):
        CUE_LENGTHS[m] = len(spelling)
        CUE_FIRST[m] = ord(next(iter(spelling[0])))
        for k, piece in enumerate(spelling):
            for j, ch in enumerate(sorted(piece)):
                CUE_CHARS[m][k][j] = ord(ch)
                CUE_UPPER[m][k][j] = ord(ch.upper())
    CUE_COUNT = len(spellings)
    return True


cdef bint CUE_PORTED = load_cues()


cdef Py_ssize_t birth_cue_end(const Text *t, Py_ssize_t p, Py_ssize_t high) noexcept:
    """The end of BIRTH_CUE.match(text, p, high), or -1 (CUE_PORTED): its first spelling, in order, that
    matches at p with a \\b on either side, the text read as ending at high."""
    cdef Text window = t[0]
    cdef Py_ssize_t m, e
    cdef unsigned int first
    window.n = high
    if p >= high or is_word(char_at(&window, p - 1)) == is_word(char_at(&window, p)):
        return -1
    first = ascii_fold(char_at(&window, p))
    for m in range(CUE_COUNT):
        if CUE_FIRST[m] != first:
            continue
        if spelled_at(&window, p, CUE_CHARS[m], CUE_UPPER[m], 1, CUE_LENGTHS[m]):
            e = p + CUE_LENGTHS[m]
            if is_word(char_at(&window, e - 1)) != is_word(char_at(&window, e)):
                return e
    return -1


cdef Py_ssize_t first_cue(const Text *t, list positions, Py_ssize_t low, Py_ssize_t high, Py_ssize_t *end) except -2:
    """first_match(BIRTH_MATCH, ...) in C: the start of the first match (its end into *end), or -1."""
    cdef Py_ssize_t index = first_from(positions, low), count = len(positions), position
    while index < count:
        position = positions[index]
        if position > high - 2:
            break
        end[0] = birth_cue_end(t, position, high)
        if end[0] >= 0:
            return position
        index += 1
    return -1


cdef bint cue_at(const Text *t, Py_ssize_t j, bint asked) noexcept:
    """May BIRTH_CUE (or, `asked`, ASKED_CUE) begin a match at j, within t? A necessary condition only."""
    cdef Py_ssize_t k
    cdef Py_UCS4 c = char_at(t, j), d
    if is_word(char_at(t, j - 1)):
        return False
    d = char_at(t, j + 1)
    if same_letter(c, 100):  # d: dob, d.o.b, date of birth, date de naissance
        if ci_at(t, j, "dob") or ci_at(t, j, "d.o.b"):
            return True
        if ci_at(t, j, "date"):
            k = j + 4
            if char_at(t, k) == 32 or char_at(t, k) == 95:
                k += 1
            if ci_at(t, k, "of") or ci_at(t, j + 4, " de naissance"):
                return True
    elif same_letter(c, 98):  # b: birth..., born, b.
        if ci_at(t, j, "birth"):
            return True
        if not asked and (d == 46 or ci_at(t, j, "born")):
            return True
    elif same_letter(c, 103):  # g: geburtsdatum, geboren, geb.
        if ci_at(t, j, "geburtsdatum") or not asked and ci_at(t, j, "geb"):
            return True
    elif same_letter(c, 102):  # f: fecha de nacimiento, f. nac.
        if ci_at(t, j, "fecha de") or not asked and ci_at(t, j, "f. nac"):
            return True
    elif not asked and same_letter(c, 110):  # n: n[ée]e?\b, naissance, nacimiento, nacid
        if same_letter(d, 101) or d == 0xE9 or d == 0xC9:
            k = j + 2
            if not is_word(char_at(t, k)):
                return True
            if same_letter(char_at(t, k), 101) and not is_word(char_at(t, k + 1)):
                return True
        elif ci_at(t, j, "naissance") or ci_at(t, j, "nac"):
            return True
    return False


cdef bint cue_may_be_near(const Text *t, Py_ssize_t low, Py_ssize_t high, bint asked) noexcept:
    """A necessary condition for BIRTH_CUE (or, `asked`, ASKED_CUE) to match within text[low:high]."""
    cdef Text window = t[0]
    cdef Py_ssize_t j
    window.n = high  # the search ends there: nothing after it may complete a cue
    for j in range(low, high - 1):
        if cue_at(&window, j, asked):
            return True
    return False


cdef Py_ssize_t last_up_to(list positions, Py_ssize_t limit) except -2:
    """The last of the ascending `positions` at or before `limit`, or -1."""
    cdef Py_ssize_t low = 0, high = len(positions), middle
    while low < high:
        middle = (low + high) // 2
        if <Py_ssize_t> positions[middle] <= limit:
            low = middle + 1
        else:
            high = middle
    return positions[low - 1] if low > 0 else -1


cdef long last_year_seen = 0  # date.today().year when this_year last asked (years only go up)


cdef long this_year() except -1:
    """date.today().year, noted in last_year_seen: a year up to 14 before the last one seen is plausible without
    asking again."""
    global last_year_seen
    last_year_seen = TODAY().year
    return last_year_seen


cdef bint plausible_birth_year(const Text *t, Py_ssize_t start, Py_ssize_t end) except -1:
    """dates._plausible_birth_year(text[start:end]): its first `(?<!\\d)(?:19|20)\\d\\d(?!\\d)` is a year from
    1900 to 14 years ago."""
    cdef Text value = t[0]
    cdef Py_ssize_t k
    cdef Py_UCS4 first, second
    cdef long year
    value.n = end  # the value ends there
    for k in range(start, end - 3):
        first = char_at(&value, k)
        second = char_at(&value, k + 1)
        if (
            (first == 49 and second == 57 or first == 50 and second == 48)
            and is_digit(char_at(&value, k + 2))
            and is_digit(char_at(&value, k + 3))
            and (k == start or not is_digit(char_at(&value, k - 1)))
            and not is_digit(char_at(&value, k + 4))
        ):
            year = (1900 if first == 49 else 2000) + 10 * Py_UNICODE_TODECIMAL(char_at(&value, k + 2)) + Py_UNICODE_TODECIMAL(
                char_at(&value, k + 3)
            )
            return 1900 <= year and (year <= last_year_seen - 14 or year <= this_year() - 14)
    return False


cdef object birth_cue(const Text *t, str text, Py_ssize_t stop, Py_ssize_t start, list cues, list asked):
    """The reference's test of a DATE match at `start`: a birth cue just before it on its line
    (findings.context_before(text, start, BIRTH_CUE, 32)), or a plausible birth year with a birth-date question
    within ASKED_WINDOW characters before it. The cue's text (its match on the whole-text path) when one is
    there, else None.

    `cues` and `asked`, when given, are the scan's: a cue in a window begins at one of them (a date's start
    follows no letter, so no cue there needs what lies past the window's end)."""
    cdef Py_ssize_t low = start - 32 if start > 32 else 0, cue_start, cue_end
    low = max(low, PyUnicode_FindChar(text, 10, low, start, -1) + 1)
    if cues is None:
        if cue_may_be_near(t, low, start, False):
            cue = BIRTH_SEARCH(text, low, start)
            if cue is not None:
                return cue
    elif CUE_PORTED:
        cue_start = first_cue(t, cues, low, start, &cue_end)
        if cue_start >= 0:
            return text[cue_start:cue_end]
    else:
        cue = first_match(BIRTH_MATCH, text, cues, low, start)
        if cue is not None:
            return cue.group()
    low = start - ASKED_WINDOW if start > ASKED_WINDOW else 0
    if asked is None:
        if cue_may_be_near(t, low, start, True) and plausible_birth_year(t, start, stop):
            return ASKED_SEARCH(text, low, start)
    elif last_up_to(asked, start - 2) >= low and plausible_birth_year(t, start, stop):
        cue = first_match(ASKED_MATCH, text, asked, low, start)
        if cue is not None:
            return cue.group()
    return None


cdef object first_match(object match, str text, list positions, Py_ssize_t low, Py_ssize_t high):
    """pattern.search(text, low, high), `match` being the pattern's match, where a match may begin only at one of
    the ascending `positions` and ends at least two characters after it: the match at the first of them that
    has one (search tries each start in turn, and a match at one sees the text before it as search does)."""
    cdef Py_ssize_t index = first_from(positions, low), count = len(positions), position
    while index < count:
        position = positions[index]
        if position > high - 2:
            break
        found = match(text, position, high)
        if found is not None:
            return found
        index += 1
    return None


cdef Py_ssize_t first_from(list positions, Py_ssize_t limit) except -1:
    """The index of the first of the ascending `positions` at or after `limit` (their count if none)."""
    cdef Py_ssize_t low = 0, high = len(positions), middle
    while low < high:
        middle = (low + high) // 2
        if <Py_ssize_t> positions[middle] < limit:
            low = middle + 1
        else:
            high = middle
    return low


cdef bint mentioned_in(str cue) except -1:
    """The reference's pre-check on a cue's match: one of its cue words is in the lower-cased match, so the
    text holds it too (a cue word is not changed by its neighbours as it is lower-cased)."""
    cdef str lowered = cue.lower(), word
    for word in CUE_WORDS:
        if word in lowered:
            return True
    return False


# The scan judges each character c with the two before it (b, a: Latin-1, or a stand-in of the same class),
# by table look-ups that no earlier result holds up, and branches only where one finds something:
# HITS[b * 256 + c] says DIGIT_HIT (c is a \d after no \w, '-', '/' or '.': a date may start at c),
# MONTH_HIT (b, c begin a month name's start, lower-cased) and CUE_HIT (b, c may begin a cue word);
# ALLOWED[a] keeps MONTH_HIT after no \w, '-', '/' nor '.', and CUE_HIT after no \w.
cdef enum:
    DIGIT_HIT = 1
    MONTH_HIT = 2
    CUE_HIT = 4
# the first two characters, lower-cased, of the words cue_at may accept: born, b., birth, dob, d.o.b, date,
# geb..., fecha, f. nac, n[ée]e?, naissance, nac...
cdef tuple CUE_OPENINGS = ("bo", "b.", "bi", "do", "d.", "da", "ge", "fe", "f.", "ne", "né", "na")
cdef unsigned char HITS[256 * 256]
cdef unsigned char ALLOWED[256]
_latin1 = [chr(_code) for _code in range(256)]
_blocks = [_c.isalnum() or _c in "_-/." for _c in _latin1]
for _code in range(256):
    ALLOWED[_code] = (0 if _blocks[_code] else MONTH_HIT) | (0 if _latin1[_code].isalnum() or _code == 95 else CUE_HIT)
    if _latin1[_code].isdecimal():
        for _before in range(256):
            if not _blocks[_before]:
                HITS[_before * 256 + _code] |= DIGIT_HIT
_by_lower = {}  # each Latin-1 character's lower case (one character), and the codes that lower to it
for _code in range(256):
    _by_lower.setdefault(_latin1[_code].lower(), []).append(_code)
for _openings, _hit in ((frozenset(w[:2] for w in dates._MONTH_STARTS), MONTH_HIT), (CUE_OPENINGS, CUE_HIT)):
    for _opening in _openings:
        for _before in _by_lower.get(_opening[0], ()):
            if _before < 128:  # the first letter is ASCII
                for _code in _by_lower.get(_opening[1:], ()):
                    HITS[_before * 256 + _code] |= _hit
# The same tables over classes of Latin-1 characters that HITS and ALLOWED cannot tell apart (a few dozen),
# small enough to stay in the cache: CLASS_OF[code], PAIR_HITS[class * CLASSES + class], CLASS_ALLOWED[class].
DEF CLASSES = 64
cdef unsigned char CLASS_OF[256]
cdef unsigned char PAIR_HITS[CLASSES * CLASSES]
cdef unsigned char CLASS_ALLOWED[CLASSES]


cdef bint build_classes() except -1:
    """Fill CLASS_OF, PAIR_HITS and CLASS_ALLOWED; False if the classes are too many for them."""
    cdef int code, other
    cdef dict class_of_signature = {}
    for code in range(256):
        signature = (
            ALLOWED[code],
            bytes([HITS[code * 256 + other] for other in range(256)]),
            bytes([HITS[other * 256 + code] for other in range(256)]),
        )
        CLASS_OF[code] = class_of_signature.setdefault(signature, len(class_of_signature)) % CLASSES
    if len(class_of_signature) > CLASSES:  # more month names' openings than this scan was built for
        warnings.warn("doorman.boundary.fast.dates: too many character classes; BirthDateRecogniser not compiled")
        return False
    for code in range(256):
        CLASS_ALLOWED[CLASS_OF[code]] = ALLOWED[code]
        for other in range(256):
            PAIR_HITS[CLASS_OF[code] * CLASSES + CLASS_OF[other]] = HITS[code * 256 + other]
    return True


cdef bint CLASSES_FIT = build_classes()

# For the cue scan alone, fewer classes (those CUE_HIT and its ALLOWED bit tell apart): three characters'
# classes, four bits each, index CUE_TRIPLES (the two before judge the last, as above).
cdef unsigned char CUE_CLASS_OF[256]
cdef unsigned char CUE_TRIPLES[16 * 16 * 16]


cdef bint build_cue_classes() except -1:
    """Fill CUE_CLASS_OF and CUE_TRIPLES; False if the classes are more than 16 (scan_cues then uses the others)."""
    cdef int code, other, first, second, third
    cdef dict class_of_signature = {}
    cdef list representative = []
    for code in range(256):
        signature = (
            ALLOWED[code] & CUE_HIT,
            bytes([HITS[code * 256 + other] & CUE_HIT for other in range(256)]),
            bytes([HITS[other * 256 + code] & CUE_HIT for other in range(256)]),
        )
        if signature not in class_of_signature:
            class_of_signature[signature] = len(class_of_signature)
            representative.append(code)
        CUE_CLASS_OF[code] = class_of_signature[signature] % 16
    if len(class_of_signature) > 16:
        return False
    for first in range(len(representative)):
        for second in range(len(representative)):
            for third in range(len(representative)):
                CUE_TRIPLES[(first * 16 + second) * 16 + third] = (
                    HITS[representative[second] * 256 + representative[third]] & ALLOWED[representative[first]] & CUE_HIT
                )
    return True


cdef bint CUE_CLASSES_FIT = build_cue_classes()


cdef inline unsigned int class_at(const unit *data, Py_ssize_t n, Py_ssize_t i) noexcept:
    """CLASS_OF the character at i (a space outside the text; one of no unsafe_fold: as its Latin-1 stand-in)."""
    cdef Py_UCS4 c = unit_at(data, n, i) if i >= 0 else 32
    if unit is not Py_UCS1 and c >= 256:
        c = 0xC0 if Py_UNICODE_ISALPHA(c) else 48 if Py_UNICODE_ISDECIMAL(c) else 0xC0 if Py_UNICODE_ISALNUM(c) else 32
    return CLASS_OF[c]


cdef inline uint64_t read8(const Py_UCS1 *s) noexcept:
    cdef uint64_t x
    memcpy(&x, s, 8)
    return x


cdef inline uint64_t lowered_between(uint64_t x, uint64_t low, uint64_t high) noexcept:
    """The high bit of each byte of x whose low 7 bits with 0x20 set are from low to high (0 <= low <= high < 128):
    no byte's sums reach into the next."""
    cdef uint64_t folded = (x | (ONES * 0x20)) & (ONES * 127)
    return (folded + ONES * (128 - low)) & ~(folded + ONES * (127 - high)) & HIGHS


cdef inline int cue_candidate(const Py_UCS1 *data, const Text *t, Py_ssize_t j, list cues, list asked) except -1:
    """scan_cues' test at j (a cue's first letter) for a one-byte text."""
    cdef unsigned int hit
    if j + 1 >= t.n:
        return 0
    if CUE_CLASSES_FIT:
        hit = CUE_TRIPLES[((CUE_CLASS_OF[data[j - 1] if j > 0 else 32] << 4) | CUE_CLASS_OF[data[j]]) << 4
                          | CUE_CLASS_OF[data[j + 1]]]
    else:
        hit = (PAIR_HITS[CLASS_OF[data[j]] * CLASSES + CLASS_OF[data[j + 1]]]
               & CLASS_ALLOWED[CLASS_OF[data[j - 1] if j > 0 else 32]] & CUE_HIT)
    if hit and cue_at(t, j, False):
        cues.append(j)
        if cue_at(t, j, True):
            asked.append(j)
    return 0


cdef inline unsigned int cue_starts16(const Py_UCS1 *s, unsigned int *carry) noexcept nogil:
    """A bit per character of s[0:16] that is an ASCII letter from b to g or n (either case) after no ASCII
    letter, the one before s being one when *carry is 1; *carry becomes whether s[15] is an ASCII letter."""
    cdef unsigned int letters = folded_in16(s, b"a", b"z")
    cdef unsigned int wanted = (folded_in16(s, b"b", b"g") | folded_in16(s, b"n", b"n")) & ~((letters << 1) | carry[0])
    carry[0] = letters >> 15
    return wanted


cdef int scan_cues_bytes(const Py_UCS1 *data, const Text *t, list cues, list asked) except -1:
    """scan_cues for a one-byte text, eight characters at a time: a cue opens with an ASCII letter from b to g
    or n, either case, after no ASCII letter; only those are tested one by one."""
    cdef Py_ssize_t i = 0, j, n = t.n
    cdef uint64_t x, letters, wanted, carry = 0
    cdef unsigned int starts, carry16 = 0
    if SIXTEEN_AT_ONCE:
        while i + 16 <= n:
            starts = cue_starts16(data + i, &carry16)
            while starts:
                cue_candidate(data, t, i + lowest_bit(starts), cues, asked)
                starts &= starts - 1
            i += 16
        carry = 0x80 if carry16 else 0
    while i + 8 <= n:
        x = read8(data + i)
        letters = lowered_between(x, 0x61, 0x7A) & ~x
        wanted = (lowered_between(x, 0x62, 0x67) | lowered_between(x, 0x6E, 0x6E)) & ~x
        wanted &= ~((letters << 8) | carry)
        carry = letters >> 56
        while wanted:
            cue_candidate(data, t, i + (lowest_bit(wanted) >> 3), cues, asked)
            wanted &= wanted - 1
        i += 8
    for j in range(i, n):
        cue_candidate(data, t, j, cues, asked)
    return 0


cdef extern from *:
    """
    /* bit k (k < 62): s[k] is no ASCII letter, s[k + 1] is a letter from b to g or n and s[k + 2] is o, i, a,
       e, m, '.' or \xe9 (either case): where a cue may open at k + 1, as CUE_OPENINGS' pairs do */
    static inline unsigned long long doorman_dates_cue_opens64(const unsigned char *s) {
        unsigned long long letters = 0, first = 0, second = 0;
        int k;
    #if defined(__SSE2__)
        for (k = 0; k < 64; k += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *) (s + k));
            __m128i f = _mm_or_si128(x, _mm_set1_epi8(0x20));
            __m128i l = _mm_and_si128(_mm_cmpgt_epi8(f, _mm_set1_epi8('a' - 1)), _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), f));
            __m128i a = _mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(f, _mm_set1_epi8('b' - 1)), _mm_cmpgt_epi8(_mm_set1_epi8('g' + 1), f)),
                                     _mm_cmpeq_epi8(f, _mm_set1_epi8('n')));
            /* a, e, i (and m): the byte with 0x20 set, less its bits 0x0C, is 'a' */
            __m128i b = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(_mm_and_si128(f, _mm_set1_epi8((char) 0xF3)), _mm_set1_epi8('a')),
                                                  _mm_cmpeq_epi8(f, _mm_set1_epi8('o'))),
                                     _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')), _mm_cmpeq_epi8(f, _mm_set1_epi8((char) 0xE9))));
            letters |= (unsigned long long) (unsigned int) _mm_movemask_epi8(l) << k;
            first |= (unsigned long long) (unsigned int) _mm_movemask_epi8(a) << k;
            second |= (unsigned long long) (unsigned int) _mm_movemask_epi8(b) << k;
        }
    #else
        for (k = 0; k < 64; k++) {
            unsigned char f = s[k] | 0x20;
            if (f >= 'a' && f <= 'z') letters |= 1ULL << k;
            if ((f >= 'b' && f <= 'g') || f == 'n') first |= 1ULL << k;
            if (f == 'o' || f == 'i' || f == 'a' || f == 'e' || f == 'm' || s[k] == '.' || f == 0xE9) second |= 1ULL << k;
        }
    #endif
        return ~letters & (first >> 1) & (second >> 2);
    }
    """
    unsigned long long cue_opens64 "doorman_dates_cue_opens64"(const Py_UCS1 *s) noexcept nogil


# next_cue_open's filter holds every pair in CUE_OPENINGS (an ASCII first letter, as HITS takes only those)
cdef bint CUE_OPENS_FIT = all([len(_o) == 2 and _o[0] in "bcdefgn" and _o[1] in "oiaem.\xe9" for _o in CUE_OPENINGS])


cdef int scan_cues64(const Py_UCS1 *data, const Text *t, list cues, list asked) except -1:
    """scan_cues for a one-byte text, sixty-two characters at a time: a cue opens (CUE_OPENINGS) with one of a
    few ASCII letters after no ASCII letter, followed by one of a few characters; only those are tested."""
    cdef Py_ssize_t i = 0, n = t.n
    cdef unsigned long long marks
    cdef Py_UCS1 tail[64]
    if n > 0:
        cue_candidate(data, t, 0, cues, asked)
    while i < n:
        if i + 64 <= n:
            marks = cue_opens64(data + i)
        else:  # the last block, NUL-padded (a NUL is marked nowhere)
            memset(tail, 0, 64)
            memcpy(tail, data + i, n - i)
            marks = cue_opens64(tail)
        marks &= (1ULL << 62) - 1
        while marks:
            cue_candidate(data, t, i + lowest_bit(marks) + 1, cues, asked)
            marks &= marks - 1
        i += 62
    return 0


cdef extern from *:
    """
    /* s[0:count] (count <= 64) as bytes into out[0:64], NUL-padded: each unit up to 255 as itself, a larger one as
       255 or 0 (neither is marked by doorman_dates_cue_opens64 in any place); nonzero when a unit is at least
       0x130, where an unsafe_fold character may be */
    static inline int doorman_dates_narrow64(const Py_UCS2 *s, Py_ssize_t count, unsigned char *out) {
        int k, wide = 0;
    #if defined(__SSE2__)
        if (count == 64) {
            __m128i high = _mm_setzero_si128();
            for (k = 0; k < 64; k += 16) {
                __m128i a = _mm_loadu_si128((const __m128i *) (s + k)), b = _mm_loadu_si128((const __m128i *) (s + k + 8));
                high = _mm_or_si128(high, _mm_or_si128(_mm_subs_epu16(a, _mm_set1_epi16(0x12F)),
                                                       _mm_subs_epu16(b, _mm_set1_epi16(0x12F))));
                _mm_storeu_si128((__m128i *) (out + k), _mm_packus_epi16(a, b));
            }
            return _mm_movemask_epi8(_mm_cmpeq_epi8(high, _mm_setzero_si128())) != 0xFFFF;
        }
    #endif
        for (k = 0; k < 64; k++) {
            unsigned int c = k < count ? s[k] : 0;
            if (c >= 0x130) wide = 1;
            out[k] = (unsigned char) (c > 255 ? 255 : c);
        }
        return wide;
    }
    """
    bint narrow64 "doorman_dates_narrow64"(const Py_UCS2 *s, Py_ssize_t count, Py_UCS1 *out) noexcept nogil


cdef inline Py_UCS4 stand_in(Py_UCS4 c) noexcept:
    """A character of a two-byte text as scan_cues judges it: itself up to 255, else a Latin-1 character of its
    class (a letter, a digit, or neither)."""
    if c < 256:
        return c
    return 0xC0 if Py_UNICODE_ISALPHA(c) else 48 if Py_UNICODE_ISDECIMAL(c) else 0xC0 if Py_UNICODE_ISALNUM(c) else 32


cdef inline int cue_candidate2(const Py_UCS2 *data, const Text *t, Py_ssize_t j, list cues, list asked) except -1:
    """cue_candidate for a two-byte text."""
    cdef unsigned int hit
    cdef Py_UCS4 before, c, d
    if j + 1 >= t.n:
        return 0
    before = stand_in(data[j - 1]) if j > 0 else 32
    c = stand_in(data[j])
    d = stand_in(data[j + 1])
    if CUE_CLASSES_FIT:
        hit = CUE_TRIPLES[((CUE_CLASS_OF[before] << 4) | CUE_CLASS_OF[c]) << 4 | CUE_CLASS_OF[d]]
    else:
        hit = PAIR_HITS[CLASS_OF[c] * CLASSES + CLASS_OF[d]] & CLASS_ALLOWED[CLASS_OF[before]] & CUE_HIT
    if hit and cue_at(t, j, False):
        cues.append(j)
        if cue_at(t, j, True):
            asked.append(j)
    return 0


cdef int scan_cues64_ucs2(const Py_UCS2 *data, const Text *t, list cues, list asked) except -1:
    """scan_cues for a two-byte text as scan_cues64 does it, each block narrowed to bytes first; -2 when it holds
    an unsafe_fold character (as scan_cues, whose cues are then not used)."""
    cdef Py_ssize_t i = 0, k, n = t.n, count
    cdef unsigned long long marks
    cdef Py_UCS1 block[64]
    if n > 0:
        cue_candidate2(data, t, 0, cues, asked)
    while i < n:
        count = n - i if n - i < 64 else 64
        if narrow64(data + i, count, block):
            for k in range(i, i + count):
                if unsafe_fold(data[k]):
                    return -2
        marks = cue_opens64(block) & ((1ULL << 62) - 1)
        while marks:
            cue_candidate2(data, t, i + lowest_bit(marks) + 1, cues, asked)
            marks &= marks - 1
        i += 62
    return 0


cdef int scan_cues(const unit *data, const Text *t, list cues, list asked) except -1:
    """Where a birth cue (into `cues`) and a birth-date question (into `asked` as well) can begin; -2 when
    findings.folded refuses the text (the reference then scans it all), else 0. `data` is t's code points."""
    cdef unsigned int before_last, last, code, hit, window
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    before_last = last = CLASS_OF[32]  # a space stands for what is before the text
    window = CUE_CLASS_OF[32] * 16 + CUE_CLASS_OF[32]
    for i in range(t.n):
        c = data[i]
        if unit is not Py_UCS1 and c >= 256:  # as a Latin-1 character of its class: a digit, a letter, or neither
            if unsafe_fold(c):
                return -2
            c = 0xC0 if Py_UNICODE_ISALPHA(c) else 48 if Py_UNICODE_ISDECIMAL(c) else 0xC0 if Py_UNICODE_ISALNUM(c) else 32
        if CUE_CLASSES_FIT:
            window = ((window << 4) | CUE_CLASS_OF[c]) & 0xFFF
            hit = CUE_TRIPLES[window]
        else:
            code = CLASS_OF[c]
            hit = PAIR_HITS[last * CLASSES + code] & CLASS_ALLOWED[before_last] & CUE_HIT
            before_last = last
            last = code
        if hit and cue_at(t, i - 1, False):
            cues.append(i - 1)
            if cue_at(t, i - 1, True):
                asked.append(i - 1)
    return 0


cdef int scan_starts(const unit *data, const Text *t, Py_ssize_t low, Py_ssize_t high, list starts) except -1:
    """Where DATE can start from low up to high (into `starts`), in a text scan_cues accepted."""
    cdef unsigned int before_last = class_at(data, t.n, low - 2), last = class_at(data, t.n, low - 1), code, hit
    cdef Py_ssize_t i, stop = high + 1 if high < t.n else t.n  # a month's start is found at its second letter
    for i in range(low, stop):
        code = CLASS_OF[data[i]] if unit is Py_UCS1 else class_at(data, t.n, i)  # 0 <= low <= i < stop <= t.n
        hit = PAIR_HITS[last * CLASSES + code] & (DIGIT_HIT | (CLASS_ALLOWED[before_last] & MONTH_HIT))
        before_last = last
        last = code
        if hit:
            if hit & DIGIT_HIT:
                if i < high and digit_date_may_start(data, t, i):
                    starts.append(i)
            elif i > low and month_may_start(data, t, i - 1):
                starts.append(i - 1)
    return 0


cdef extern from *:
    """
    #if defined(__SSE2__)
    #include <emmintrin.h>
    /* a bit per byte of s[0:16] from low to high (both ASCII) */
    static inline unsigned int doorman_dates_in16(const unsigned char *s, char low, char high) {
        __m128i x = _mm_loadu_si128((const __m128i *) s);
        return (unsigned int) _mm_movemask_epi8(_mm_and_si128(
            _mm_cmpgt_epi8(x, _mm_set1_epi8(low - 1)), _mm_cmpgt_epi8(_mm_set1_epi8(high + 1), x)));
    }
    #else
    static inline unsigned int doorman_dates_in16(const unsigned char *s, char low, char high) { return 0; }
    #endif
    """
    unsigned int in16 "doorman_dates_in16"(const Py_UCS1 *s, char low, char high) noexcept nogil


cdef inline int start_candidate(const Py_UCS1 *data, const Text *t, Py_ssize_t p, Py_ssize_t low, Py_ssize_t high,
                                Py_ssize_t stop, list starts) except -1:
    """scan_starts' tests at p (DIGIT_HIT) and p + 1 (MONTH_HIT), for p an ASCII letter or digit from low, in a
    one-byte text."""
    cdef unsigned int before = CLASS_OF[data[p - 1] if p > 0 else 32], code = CLASS_OF[data[p]]
    if PAIR_HITS[before * CLASSES + code] & DIGIT_HIT:
        if p < high and digit_date_may_start(data, t, p):
            starts.append(p)
    elif p + 1 < stop and PAIR_HITS[code * CLASSES + CLASS_OF[data[p + 1]]] & CLASS_ALLOWED[before] & MONTH_HIT:
        if month_may_start(data, t, p):
            starts.append(p)
    return 0


cdef int scan_starts_bytes(const Py_UCS1 *data, const Text *t, Py_ssize_t low, Py_ssize_t high, list starts) except -1:
    """scan_starts for a one-byte text, sixteen characters at a time: each of its hits is at an ASCII letter or
    digit after none (a digit's DIGIT_HIT; a month's MONTH_HIT, found at its second letter, is there taken from
    its first), so only those are tested one by one, in the order scan_starts finds them."""
    cdef Py_ssize_t i = low, p, stop = high + 1 if high < t.n else t.n
    cdef unsigned int alnum, wanted, carry
    cdef Py_UCS1 c
    c = data[low - 1] if low > 0 else 32
    carry = 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122
    while i + 16 <= stop:
        alnum = folded_in16(data + i, b"a", b"z") | in16(data + i, b"0", b"9")
        wanted = alnum & ~((alnum << 1) | carry)
        carry = alnum >> 15
        while wanted:
            start_candidate(data, t, i + lowest_bit(wanted), low, high, stop, starts)
            wanted &= wanted - 1
        i += 16
    while i < stop:
        c = data[i]
        if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122) and not carry:
            start_candidate(data, t, i, low, high, stop, starts)
        carry = 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122
        i += 1
    return 0


cdef int scan_near_cues(const unit *data, const Text *t, str text, list cues, list asked, list starts) except -1:
    """Where DATE can start (into `starts`) where birth_dates may use it: on a line from a cue's line start up
    to as far after it as a date may follow it (32 characters, or ASKED_WINDOW after a question): a date that
    far after its cue, or one before it on its line, which match_at may chain to it."""
    cdef Py_ssize_t index, count = len(cues), cue, reach, low = -1, high = -1, line_start
    cdef Py_ssize_t next_asked = 0, asked_count = len(asked)
    for index in range(count):
        cue = cues[index]
        while next_asked < asked_count and <Py_ssize_t> asked[next_asked] < cue:
            next_asked += 1
        reach = ASKED_WINDOW if next_asked < asked_count and <Py_ssize_t> asked[next_asked] == cue else 32
        line_start = PyUnicode_FindChar(text, 10, 0, cue, -1) + 1
        if line_start > high:  # a new range: scan the one before
            if high > low:
                scan_range(data, t, low, high, starts)
            low = line_start
        high = max(high, min(cue + reach + 1, t.n))
    if high > low:
        scan_range(data, t, low, high, starts)
    return 0


cdef inline int scan_range(const unit *data, const Text *t, Py_ssize_t low, Py_ssize_t high, list starts) except -1:
    if unit is Py_UCS1 and SIXTEEN_AT_ONCE:
        return scan_starts_bytes(data, t, low, high, starts)
    return scan_starts(data, t, low, high, starts)


cdef list birth_dates(const Text *t, str text, list starts, list cues, list asked):
    """findings.match_at(DATE, text, starts), kept where birth_cue finds a cue, run only on the lines where one
    of `starts` may have a cue before it, up to the last such start (DATE never spans a line break, so each
    line's matches are its own, and a later match cannot change an earlier one); then the reference's
    pre-check, mentions(text, _CUE_WORDS), unless a cue's match already passes it."""
    cdef list found = []
    cdef bint mentioned = False
    cdef Py_ssize_t count = len(starts), cue_count = len(cues), asked_count = len(asked)
    cdef Py_ssize_t index, chained = 0, next_cue = 0, next_asked = 0, last_cue = -1, last_asked = -1
    cdef Py_ssize_t start, line_start, line_end = -1, end = 0, stop
    for index in range(count):
        start = starts[index]
        # the last cue, and the last question, that may begin in the window before this start
        while next_cue < cue_count and <Py_ssize_t> cues[next_cue] <= start - 2:
            last_cue = cues[next_cue]
            next_cue += 1
        while next_asked < asked_count and <Py_ssize_t> asked[next_asked] <= start - 2:
            last_asked = asked[next_asked]
            next_asked += 1
        if not (
            last_asked >= 0 and last_asked >= start - ASKED_WINDOW
            or last_cue >= 0 and last_cue >= start - 32 and PyUnicode_FindChar(text, 10, last_cue, start, 1) == -1
        ):
            continue
        if start > line_end:  # a new line: match_at from its first start
            line_start = PyUnicode_FindChar(text, 10, 0, start, -1) + 1
            line_end = PyUnicode_FindChar(text, 10, start, t.n, 1)
            if line_end < 0:
                line_end = t.n
            chained = index
            while chained > 0 and <Py_ssize_t> starts[chained - 1] >= line_start:
                chained -= 1
            end = 0
        while chained <= index:
            start = starts[chained]
            chained += 1
            if start >= end:
                stop = date_end(t, start)
                if stop < 0:
                    continue
                end = stop if stop > start else start + 1
                cue = birth_cue(t, text, stop, start, cues, asked)
                if cue is not None:
                    found.append(new_finding(Finding, start, stop, "DOB", 5))
                    mentioned = mentioned or mentioned_in(cue)
    if found and not mentioned and not mentions(text, CUE_WORDS):
        return []
    return found


class BirthDateRecogniser:
    def find(self, str text):
        cdef list found, starts, cues = [], asked = []
        cdef Text t = text_of(text)
        cdef int state
        if t.kind == 1:
            if CUE_OPENS_FIT:
                state = scan_cues64(<const Py_UCS1 *> t.data, &t, cues, asked)
            elif LITTLE_ENDIAN:
                state = scan_cues_bytes(<const Py_UCS1 *> t.data, &t, cues, asked)
            else:
                state = scan_cues(<const Py_UCS1 *> t.data, &t, cues, asked)
        elif t.kind == 2:
            if CUE_OPENS_FIT:
                state = scan_cues64_ucs2(<const Py_UCS2 *> t.data, &t, cues, asked)
            else:
                state = scan_cues(<const Py_UCS2 *> t.data, &t, cues, asked)
        else:
            state = scan_cues(<const Py_UCS4 *> t.data, &t, cues, asked)
        if state == -2:  # the reference's own paths: its pre-check, then DATE over the whole text
            found = []
            if mentions(text, CUE_WORDS):
                for m in DATE_FINDITER(text):
                    if birth_cue(&t, text, m.end(), m.start(), None, None) is not None:
                        found.append(new_finding(Finding, m.start(), m.end(), "DOB", 5))
            return found
        if not cues:
            return []
        starts = []
        if t.kind == 1:
            scan_near_cues(<const Py_UCS1 *> t.data, &t, text, cues, asked, starts)
        elif t.kind == 2:
            scan_near_cues(<const Py_UCS2 *> t.data, &t, text, cues, asked, starts)
        else:
            scan_near_cues(<const Py_UCS4 *> t.data, &t, text, cues, asked, starts)
        return birth_dates(&t, text, starts, cues, asked)


# DATE is ported (date_end), as it was: a change there leaves the reference to run.
_DATE_CHANGE = changed_patterns(dates, {"DATE": 324237165})
if not CLASSES_FIT or not MONTHS_FIT:
    _DATE_CHANGE = "the date scan's tables do not fit"  # build_classes or load_months has warned
TWINS = twins_where_unchanged({dates.BirthDateRecogniser: (BirthDateRecogniser, _DATE_CHANGE)})


