# cython: language_level=3, wraparound=False
"""doorman.boundary.dates' recogniser, compiled: the same findings in the same order.

Dates are everywhere; only a birth-date cue makes one a finding. One pass over the text finds the places
where a date can start (a number or a month name followed by what a date needs next) and where a cue word
can; the reference's DATE pattern runs only on the lines where a date may follow a cue, and its cheap
pre-check (a cue word anywhere) only when there is a finding to keep or drop.
"""

from cpython.unicode cimport (
    Py_UCS1,
    Py_UCS2,
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISALPHA,
    Py_UNICODE_ISDECIMAL,
    Py_UNICODE_TODECIMAL,
    PyUnicode_FindChar,
)

from datetime import date

from doorman.boundary import dates
from doorman.boundary.findings import Finding, mentions

from doorman.boundary.fast.chars cimport (
    Text,
    char_at,
    is_alpha,
    is_digit,
    is_word,
    lower_char,
    lowered_any,
    matches_ci,
    new_finding,
    same_letter,
    text_of,
    unit,
    unit_at,
    unsafe_fold,
)


cdef object DATE_MATCH = dates.DATE.match
cdef object DATE_FINDITER = dates.DATE.finditer
cdef object BIRTH_SEARCH = dates.BIRTH_CUE.search
cdef object ASKED_SEARCH = dates.ASKED_CUE.search
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


cdef bint month_may_start(const unit *data, const Text *t, Py_ssize_t p) noexcept:
    """A month name's start (as the reference's _MONTH_STARTS, lower-cased) at p, an ASCII letter, and DATE
    able to match there: only as a month name (letters and '.', 10 at most), [ -] and a digit."""
    cdef Py_ssize_t j = p
    while j - p <= 10 and (is_alpha(unit_at(data, t.n, j)) or unit_at(data, t.n, j) == 46):
        j += 1
    if not (j + 1 < t.n and (unit_at(data, t.n, j) == 32 or unit_at(data, t.n, j) == 45) and is_digit(unit_at(data, t.n, j + 1))):
        return False
    return lowered_any(t, p, MONTH_STARTS_BY_FIRST[lower_char(unit_at(data, t.n, p))])


cdef bint cue_at(const Text *t, Py_ssize_t j, bint asked) noexcept:
    """May BIRTH_CUE (or, `asked`, ASKED_CUE) begin a match at j, within t? A necessary condition only."""
    cdef Py_ssize_t k
    cdef Py_UCS4 c = char_at(t, j), d
    if is_word(char_at(t, j - 1)):
        return False
    d = char_at(t, j + 1)
    if same_letter(c, 100):  # d: dob, d.o.b, date of birth, date de naissance
        if matches_ci(t, j, "dob") or matches_ci(t, j, "d.o.b"):
            return True
        if matches_ci(t, j, "date"):
            k = j + 4
            if char_at(t, k) == 32 or char_at(t, k) == 95:
                k += 1
            if matches_ci(t, k, "of") or matches_ci(t, j + 4, " de naissance"):
                return True
    elif same_letter(c, 98):  # b: birth..., born, b.
        if matches_ci(t, j, "birth"):
            return True
        if not asked and (d == 46 or matches_ci(t, j, "born")):
            return True
    elif same_letter(c, 103):  # g: geburtsdatum, geboren, geb.
        if matches_ci(t, j, "geburtsdatum") or not asked and matches_ci(t, j, "geb"):
            return True
    elif same_letter(c, 102):  # f: fecha de nacimiento, f. nac.
        if matches_ci(t, j, "fecha de") or not asked and matches_ci(t, j, "f. nac"):
            return True
    elif not asked and same_letter(c, 110):  # n: n[ée]e?\b, naissance, nacimiento, nacid
        if same_letter(d, 101) or d == 0xE9 or d == 0xC9:
            k = j + 2
            if not is_word(char_at(t, k)):
                return True
            if same_letter(char_at(t, k), 101) and not is_word(char_at(t, k + 1)):
                return True
        elif matches_ci(t, j, "naissance") or matches_ci(t, j, "nac"):
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
            return 1900 <= year <= TODAY().year - 14
    return False


cdef object birth_cue(const Text *t, str text, object m, Py_ssize_t start, list cues, list asked):
    """The reference's test of a DATE match at `start`: a birth cue just before it on its line
    (findings.context_before(text, start, BIRTH_CUE, 32)), or a plausible birth year with a birth-date question
    within ASKED_WINDOW characters before it. The cue's match when one is there, else None.

    `cues` and `asked`, when given, are the scan's: a cue in a window begins at one of them (a date's start
    follows no letter, so no cue there needs what lies past the window's end)."""
    cdef Py_ssize_t low = start - 32 if start > 32 else 0
    low = max(low, PyUnicode_FindChar(text, 10, low, start, -1) + 1)
    if (last_up_to(cues, start - 2) >= low if cues is not None else cue_may_be_near(t, low, start, False)):
        cue = BIRTH_SEARCH(text, low, start)
        if cue is not None:
            return cue
    low = start - ASKED_WINDOW if start > ASKED_WINDOW else 0
    if (
        (last_up_to(asked, start - 2) >= low if asked is not None else cue_may_be_near(t, low, start, True))
        and plausible_birth_year(t, start, m.end())
    ):
        return ASKED_SEARCH(text, low, start)
    return None


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


cdef int scan(const unit *data, const Text *t, list starts, list cues, list asked) except -1:
    """Where DATE can start (into `starts`), and where a birth cue (into `cues`) and a birth-date question
    (into `asked` as well) can; -2 when findings.folded refuses the text (the reference then scans it all),
    else 0. `data` is t's code points (read only below t.n)."""
    cdef unsigned int before_last = 32, last = 32, code, hit  # a space stands for what is before the text
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    for i in range(t.n):
        c = data[i]
        code = c
        if c >= 256:  # as a Latin-1 character of its class: a digit, a letter, or neither
            if unsafe_fold(c):
                return -2
            code = 0xC0 if Py_UNICODE_ISALPHA(c) else 48 if Py_UNICODE_ISDECIMAL(c) else 0xC0 if Py_UNICODE_ISALNUM(c) else 32
        hit = HITS[last * 256 + code] & (DIGIT_HIT | ALLOWED[before_last])
        before_last = last
        last = code
        if hit:
            if hit & DIGIT_HIT:
                if digit_date_may_start(data, t, i):
                    starts.append(i)
            else:
                if hit & MONTH_HIT and month_may_start(data, t, i - 1):
                    starts.append(i - 1)
                if hit & CUE_HIT and cue_at(t, i - 1, False):
                    cues.append(i - 1)
                    if cue_at(t, i - 1, True):
                        asked.append(i - 1)
    return 0


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
                m = DATE_MATCH(text, start)
                if m is not None:
                    stop = m.end()
                    end = stop if stop > start else start + 1
                    cue = birth_cue(t, text, m, start, cues, asked)
                    if cue is not None:
                        found.append(new_finding(Finding, start, stop, "DOB", 5))
                        mentioned = mentioned or mentioned_in(cue.group())
    if found and not mentioned and not mentions(text, CUE_WORDS):
        return []
    return found


class BirthDateRecogniser:
    def find(self, str text):
        cdef list found, starts = [], cues = [], asked = []
        cdef Text t = text_of(text)
        cdef int state
        if t.kind == 1:
            state = scan(<const Py_UCS1 *> t.data, &t, starts, cues, asked)
        elif t.kind == 2:
            state = scan(<const Py_UCS2 *> t.data, &t, starts, cues, asked)
        else:
            state = scan(<const Py_UCS4 *> t.data, &t, starts, cues, asked)
        if state == -2:  # the reference's own paths: its pre-check, then DATE over the whole text
            found = []
            if mentions(text, CUE_WORDS):
                for m in DATE_FINDITER(text):
                    if birth_cue(&t, text, m, m.start(), None, None) is not None:
                        found.append(new_finding(Finding, m.start(), m.end(), "DOB", 5))
            return found
        if not cues:
            return []
        return birth_dates(&t, text, starts, cues, asked)


TWINS = {dates.BirthDateRecogniser: BirthDateRecogniser}


