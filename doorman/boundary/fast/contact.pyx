# cython: language_level=3, wraparound=False
"""doorman.boundary.contact's recognisers, compiled: the same findings in the same order.

E-mail addresses are decided in C (EMAIL ported: each of its pieces can match one way only). So are phone
numbers: PHONE's alternation and BARE_DIGITS are ported with their look-arounds and their backtracking order,
and so is PHONE_CUE (its words are read from the reference's pattern). Only the rare bare number after one of
_PHONE_ASKED's words and a '?' asks that pattern itself.
"""


from cpython.unicode cimport PyUnicode_FindChar


cdef extern from "string.h":
    void *memchr(const void *s, int c, size_t n)
    void *memrchr(const void *s, int c, size_t n)

from doorman.boundary import contact
from doorman.boundary.findings import Finding

from doorman.boundary.fast.chars cimport (
    Text, changed_patterns, char_at, digits_from, is_ascii_alnum, is_digit, is_number_class, is_space, is_word,
    lower_char, lowest_bit, matches_ci, new_finding, same_letter, text_of, twins_where_unchanged,
)
from cpython.unicode cimport Py_UCS1, Py_UCS2

cdef object PHONE_ASKED_SEARCH = contact._PHONE_ASKED.search
cdef Py_ssize_t ASKED_WINDOW = contact._ASKED_WINDOW
# context_before(text, start, PHONE_CUE, 24) in PhoneRecogniser.find
cdef Py_ssize_t CUE_WINDOW = 24


cdef inline bint local_char(Py_UCS4 c) noexcept:
    """`[A-Za-z0-9._%+-]`"""
    return is_ascii_alnum(c) or c == 46 or c == 95 or c == 37 or c == 43 or c == 45


cdef inline bint label_char(Py_UCS4 c) noexcept:
    """`[A-Za-z0-9-]`"""
    return is_ascii_alnum(c) or c == 45


cdef Py_ssize_t email_match(const Text *t, Py_ssize_t s) noexcept:
    """contact.EMAIL.match(text, s).end(), or -1. Each piece can match one way only: the local part runs up to
    the '@', a label up to its '.', the top-level domain over all its letters; the greedy labels give back one
    at a time, and a label that is two to 24 letters can stand for the top-level domain (a '.' follows it)."""
    cdef Py_ssize_t p, k, run, best = -1, labels = 0
    cdef Py_UCS4 c
    if s > 0:  # (?<![\w.%+-])
        c = char_at(t, s - 1)
        if is_word(c) or c == 46 or c == 37 or c == 43 or c == 45:
            return -1
    if not is_ascii_alnum(char_at(t, s)):
        return -1
    p = s + 1
    k = 0
    while k < 63 and local_char(char_at(t, p)):
        p += 1
        k += 1
    if char_at(t, p) != 64:
        return -1
    p += 1
    while True:  # p: where a label, or the top-level domain, may start
        run = 0
        while label_char(char_at(t, p + run)):
            run += 1
        if (
            1 <= run <= 63 and char_at(t, p + run) == 46 and is_ascii_alnum(char_at(t, p))
            and is_ascii_alnum(char_at(t, p + run - 1))
        ):
            if labels >= 1 and 2 <= run <= 24 and letters_from(t, p, run) == run:
                best = p + run
            labels += 1
            p += run + 1
            continue
        if labels >= 1:
            run = letters_from(t, p, 25)
            if 2 <= run <= 24:
                c = char_at(t, p + run)
                if not (is_word(c) or c == 45):
                    return p + run
        return best


cdef inline Py_ssize_t letters_from(const Text *t, Py_ssize_t p, Py_ssize_t most) noexcept:
    """How many `[A-Za-z]` (at most `most`) follow from p."""
    cdef Py_ssize_t k = 0
    cdef unsigned int c
    while k < most:
        c = char_at(t, p + k)
        if not (65 <= c <= 90 or 97 <= c <= 122):
            break
        k += 1
    return k


# EMAIL's classes for the Latin-1 characters, as bits: `[A-Za-z0-9]`, `[A-Za-z]`, the local part's
# `[A-Za-z0-9._%+-]`, a label's `[A-Za-z0-9-]`, what refuses a match before it and what address_starts walks back
# over (`[\\w.%+-]`), and what refuses the top-level domain's end (`[\\w-]`)
DEF E_ALNUM = 1
DEF E_LETTER = 2
DEF E_LOCAL = 4
DEF E_LABEL = 8
DEF E_BEFORE = 16
DEF E_NOT_AFTER = 32
cdef unsigned char EMAIL_CLASS[256]
for _c in range(256):
    EMAIL_CLASS[_c] = (
        (E_ALNUM if is_ascii_alnum(_c) else 0) | (E_LETTER if 65 <= _c <= 90 or 97 <= _c <= 122 else 0)
        | (E_LOCAL if local_char(_c) else 0) | (E_LABEL if label_char(_c) else 0)
        | (E_BEFORE if is_word(_c) or chr(_c) in ".%+-" else 0) | (E_NOT_AFTER if is_word(_c) or _c == 45 else 0)
    )


cdef inline unsigned int email_class(const Py_UCS1 *s, Py_ssize_t n, Py_ssize_t p) noexcept:
    """EMAIL_CLASS of s[p], or 0 past the text's end."""
    return EMAIL_CLASS[s[p]] if p < n else 0


cdef Py_ssize_t email_match_latin(const Py_UCS1 *s, Py_ssize_t n, Py_ssize_t start) noexcept:
    """email_match in a one-byte text of n characters, reading its bytes through EMAIL_CLASS: the same steps."""
    cdef Py_ssize_t p, k, run, best = -1, labels = 0
    if start > 0 and EMAIL_CLASS[s[start - 1]] & E_BEFORE:
        return -1
    if not email_class(s, n, start) & E_ALNUM:
        return -1
    p = start + 1
    k = 0
    while k < 63 and email_class(s, n, p) & E_LOCAL:
        p += 1
        k += 1
    if p >= n or s[p] != 64:
        return -1
    p += 1
    while True:  # p: where a label, or the top-level domain, may start
        run = 0
        while email_class(s, n, p + run) & E_LABEL:
            run += 1
        if (
            1 <= run <= 63 and p + run < n and s[p + run] == 46 and EMAIL_CLASS[s[p]] & E_ALNUM
            and EMAIL_CLASS[s[p + run - 1]] & E_ALNUM
        ):
            if labels >= 1 and 2 <= run <= 24 and letters_from_latin(s, n, p, run) == run:
                best = p + run
            labels += 1
            p += run + 1
            continue
        if labels >= 1:
            run = letters_from_latin(s, n, p, 25)
            if 2 <= run <= 24 and not email_class(s, n, p + run) & E_NOT_AFTER:
                return p + run
        return best


cdef inline Py_ssize_t letters_from_latin(const Py_UCS1 *s, Py_ssize_t n, Py_ssize_t p, Py_ssize_t most) noexcept:
    """letters_from in a one-byte text of n characters."""
    cdef Py_ssize_t k = 0
    while k < most and email_class(s, n, p + k) & E_LETTER:
        k += 1
    return k


class EmailRecogniser:
    def find(self, str text):
        cdef list found = []
        cdef Py_ssize_t end = 0, at, start, e
        cdef Text view = text_of(text)
        cdef const Text *t = &view
        cdef Py_UCS4 c
        cdef const Py_UCS1 *latin = <const Py_UCS1 *> view.data
        cdef const Py_UCS1 *at_byte
        if view.kind == 1:
            at_byte = <const Py_UCS1 *> memchr(latin, 64, <size_t> view.n)
            at = -1 if at_byte == NULL else at_byte - latin
        else:
            at = PyUnicode_FindChar(text, 64, 0, view.n, 1)
        while at >= 0:
            if view.kind == 1:
                start = at
                while start > 0 and at - start < 70 and EMAIL_CLASS[latin[start - 1]] & E_BEFORE:
                    start -= 1
                if start >= end:
                    e = email_match_latin(latin, view.n, start)
                    if e >= 0:
                        end = e
                        found.append(new_finding(Finding, start, e, "EMAIL", 6))
                at_byte = <const Py_UCS1 *> memchr(latin + at + 1, 64, <size_t> (view.n - at - 1))
                at = -1 if at_byte == NULL else at_byte - latin
                continue
            start = at  # contact.address_starts: back over the local-part run before the '@'
            while start > 0 and at - start < 70:
                c = char_at(t, start - 1)
                if not (is_word(c) or c == 46 or c == 37 or c == 43 or c == 45):
                    break
                start -= 1
            if start >= end:
                e = email_match(t, start)
                if e >= 0:
                    end = e
                    found.append(new_finding(Finding, start, e, "EMAIL", 6))
            at = PyUnicode_FindChar(text, 64, at + 1, view.n, 1)
        return found


# ---- phone numbers ----

cdef inline bint separator(Py_UCS4 c) noexcept:
    """contact._SEP: `[ .\\-/\\u00a0]`"""
    return c == 32 or c == 46 or c == 45 or c == 47 or c == 0xA0


cdef inline bint phone_may_end(const Text *t, Py_ssize_t e) noexcept:
    """`(?![\\w\\-]|[./]\\d)` at e."""
    cdef Py_UCS4 c = char_at(t, e)
    if is_word(c) or c == 45:
        return False
    return not ((c == 46 or c == 47) and is_digit(char_at(t, e + 1)))


cdef inline bint ext_at(const Text *t, Py_ssize_t p) noexcept:
    return char_at(t, p) == 101 and char_at(t, p + 1) == 120 and char_at(t, p + 2) == 116


cdef Py_ssize_t phone_tail(const Text *t, Py_ssize_t g) noexcept:
    """PHONE after its group ends at g: `(?:\\s?(?:x|ext\\.?)\\s?\\d{1,5})?` and the look-ahead; the match's
    end, or -1."""
    cdef int space, kind, space2
    cdef Py_ssize_t p, q, r, d
    for space in range(1, -1, -1):
        if space and not is_space(char_at(t, g)):
            continue
        p = g + space
        for kind in range(3):  # x, then ext. (the greedy \.? first), then ext
            if kind == 0:
                if char_at(t, p) != 120:
                    continue
                q = p + 1
            elif kind == 1:
                if not (ext_at(t, p) and char_at(t, p + 3) == 46):
                    continue
                q = p + 4
            else:
                if not ext_at(t, p):
                    continue
                q = p + 3
            for space2 in range(1, -1, -1):
                if space2 and not is_space(char_at(t, q)):
                    continue
                r = q + space2
                for d in range(digits_from(t, r, 5), 0, -1):
                    if phone_may_end(t, r + d):
                        return r + d
    return g if phone_may_end(t, g) else -1


cdef Py_ssize_t more_groups(
    const Text *t, Py_ssize_t base, Py_ssize_t p, int count, bint separated, unsigned char *failed,
    Py_ssize_t *group_end,
) noexcept:
    """`(?:S?\\d{1,5}){1,5}` (`(?:S\\d{1,5}){1,5}` when `separated`) from p, `count` repeats done, then the
    tail: the match's end, or -1. `failed` marks (offset from base, count) states known to fail: the tail
    depends on the position alone, so a state that failed once fails again."""
    cdef int with_sep
    cdef Py_ssize_t q, k, e
    if p - base < 64 and failed[p - base] & (1 << count):
        return -1
    if count < 5:
        for with_sep in range(1, -1, -1):
            if with_sep:
                if not separator(char_at(t, p)):
                    continue
            elif separated:
                continue
            q = p + with_sep
            for k in range(digits_from(t, q, 5), 0, -1):
                e = more_groups(t, base, q + k, count + 1, separated, failed, group_end)
                if e >= 0:
                    return e
    if count >= 1:
        e = phone_tail(t, p)
        if e >= 0:
            group_end[0] = p
            return e
    if p - base < 64:
        failed[p - base] |= 1 << count
    return -1


cdef Py_ssize_t international(const Text *t, Py_ssize_t i, Py_ssize_t *group_end) noexcept:
    """`\\+\\d{1,3}S?(?:\\(\\d{1,4}\\)S?)?\\d{1,5}(?:S?\\d{1,5}){1,5}`"""
    cdef unsigned char failed[64]
    cdef Py_ssize_t a, b, k, p, p2, p3, e
    cdef int s1, s2
    if char_at(t, i) != 43:
        return -1
    for a in range(64):
        failed[a] = 0
    for a in range(digits_from(t, i + 1, 3), 0, -1):
        p = i + 1 + a
        for s1 in range(1, -1, -1):
            if s1 and not separator(char_at(t, p)):
                continue
            p2 = p + s1
            if char_at(t, p2) == 40:
                for b in range(digits_from(t, p2 + 1, 4), 0, -1):
                    if char_at(t, p2 + 1 + b) != 41:
                        continue
                    p3 = p2 + 2 + b
                    for s2 in range(1, -1, -1):
                        if s2 and not separator(char_at(t, p3)):
                            continue
                        for k in range(digits_from(t, p3 + s2, 5), 0, -1):
                            e = more_groups(t, i, p3 + s2 + k, 0, False, failed, group_end)
                            if e >= 0:
                                return e
            for k in range(digits_from(t, p2, 5), 0, -1):
                e = more_groups(t, i, p2 + k, 0, False, failed, group_end)
                if e >= 0:
                    return e
    return -1


cdef Py_ssize_t double_zero(const Text *t, Py_ssize_t i, Py_ssize_t *group_end) noexcept:
    """`00\\d{1,3}S\\d{1,5}(?:S\\d{1,5}){1,5}`"""
    cdef unsigned char failed[64]
    cdef Py_ssize_t a, k, p, e
    if char_at(t, i) != 48 or char_at(t, i + 1) != 48:
        return -1
    for a in range(64):
        failed[a] = 0
    for a in range(digits_from(t, i + 2, 3), 0, -1):
        p = i + 2 + a
        if not separator(char_at(t, p)):
            continue
        for k in range(digits_from(t, p + 1, 5), 0, -1):
            e = more_groups(t, i, p + 1 + k, 0, True, failed, group_end)
            if e >= 0:
                return e
    return -1


cdef Py_ssize_t north_american_rest(const Text *t, Py_ssize_t q, Py_ssize_t *group_end) noexcept:
    """`\\d{3}S\\d{4}` and the tail."""
    cdef Py_ssize_t e
    if digits_from(t, q, 3) == 3 and separator(char_at(t, q + 3)) and digits_from(t, q + 4, 4) == 4:
        e = phone_tail(t, q + 8)
        if e >= 0:
            group_end[0] = q + 8
            return e
    return -1


cdef Py_ssize_t north_american(const Text *t, Py_ssize_t i, Py_ssize_t *group_end) noexcept:
    """`(?:1S)?(?:\\(\\d{3}\\)\\s?|\\d{3}S)\\d{3}S\\d{4}`"""
    cdef int prefixed, space
    cdef Py_ssize_t p, e
    for prefixed in range(1, -1, -1):
        if prefixed:
            if not (char_at(t, i) == 49 and separator(char_at(t, i + 1))):
                continue
            p = i + 2
        else:
            p = i
        if char_at(t, p) == 40 and digits_from(t, p + 1, 3) == 3 and char_at(t, p + 4) == 41:
            for space in range(1, -1, -1):
                if space and not is_space(char_at(t, p + 5)):
                    continue
                e = north_american_rest(t, p + 5 + space, group_end)
                if e >= 0:
                    return e
        if digits_from(t, p, 3) == 3 and separator(char_at(t, p + 3)):
            e = north_american_rest(t, p + 4, group_end)
            if e >= 0:
                return e
    return -1


cdef Py_ssize_t area_in_parentheses(const Text *t, Py_ssize_t i, Py_ssize_t *group_end) noexcept:
    """`\\(\\d{2,4}\\)\\s?\\d{3,5}S?\\d{4}`"""
    cdef Py_ssize_t a, b, p, q, r, e
    cdef int space, s
    if char_at(t, i) != 40:
        return -1
    for a in range(digits_from(t, i + 1, 4), 1, -1):
        if char_at(t, i + 1 + a) != 41:
            continue
        p = i + 2 + a
        for space in range(1, -1, -1):
            if space and not is_space(char_at(t, p)):
                continue
            for b in range(digits_from(t, p + space, 5), 2, -1):
                q = p + space + b
                for s in range(1, -1, -1):
                    if s and not separator(char_at(t, q)):
                        continue
                    r = q + s
                    if digits_from(t, r, 4) == 4:
                        e = phone_tail(t, r + 4)
                        if e >= 0:
                            group_end[0] = r + 4
                            return e
    return -1


cdef Py_ssize_t two_four_four(const Text *t, Py_ssize_t i, Py_ssize_t *group_end) noexcept:
    """`\\d{2} \\d{4} \\d{4}`"""
    cdef Py_ssize_t e
    if (
        digits_from(t, i, 2) == 2 and char_at(t, i + 2) == 32 and digits_from(t, i + 3, 4) == 4
        and char_at(t, i + 7) == 32 and digits_from(t, i + 8, 4) == 4
    ):
        e = phone_tail(t, i + 12)
        if e >= 0:
            group_end[0] = i + 12
            return e
    return -1


cdef Py_ssize_t trunk_pairs(const Text *t, Py_ssize_t i, Py_ssize_t *group_end) noexcept:
    """`0\\d(?:S\\d{2}){4}`"""
    cdef Py_ssize_t k, p = i + 2, e
    if char_at(t, i) != 48 or not is_digit(char_at(t, i + 1)):
        return -1
    for k in range(4):
        if not (separator(char_at(t, p)) and digits_from(t, p + 1, 2) == 2):
            return -1
        p += 3
    e = phone_tail(t, p)
    if e >= 0:
        group_end[0] = p
    return e


cdef Py_ssize_t trunk_three_groups(const Text *t, Py_ssize_t i, Py_ssize_t *group_end) noexcept:
    """`0\\d{2,4}S\\d{3,4}S?\\d{3,4}`"""
    cdef Py_ssize_t a, b, c, p, q, r, e
    cdef int s
    if char_at(t, i) != 48:
        return -1
    for a in range(digits_from(t, i + 1, 4), 1, -1):
        p = i + 1 + a
        if not separator(char_at(t, p)):
            continue
        for b in range(digits_from(t, p + 1, 4), 2, -1):
            q = p + 1 + b
            for s in range(1, -1, -1):
                if s and not separator(char_at(t, q)):
                    continue
                r = q + s
                for c in range(digits_from(t, r, 4), 2, -1):
                    e = phone_tail(t, r + c)
                    if e >= 0:
                        group_end[0] = r + c
                        return e
    return -1


cdef Py_ssize_t trunk_two_groups(const Text *t, Py_ssize_t i, Py_ssize_t *group_end) noexcept:
    """`0\\d{2,5}S\\d{3,8}`"""
    cdef Py_ssize_t a, b, p, e
    if char_at(t, i) != 48:
        return -1
    for a in range(digits_from(t, i + 1, 5), 1, -1):
        p = i + 1 + a
        if not separator(char_at(t, p)):
            continue
        for b in range(digits_from(t, p + 1, 8), 2, -1):
            e = phone_tail(t, p + 1 + b)
            if e >= 0:
                group_end[0] = p + 1 + b
                return e
    return -1


cdef Py_ssize_t trunk_in_parentheses(const Text *t, Py_ssize_t i, Py_ssize_t *group_end) noexcept:
    """`\\(0\\d{2,5}\\)\\s?\\d{3,8}`"""
    cdef Py_ssize_t a, b, p, e
    cdef int space
    if char_at(t, i) != 40 or char_at(t, i + 1) != 48:
        return -1
    for a in range(digits_from(t, i + 2, 5), 1, -1):
        if char_at(t, i + 2 + a) != 41:
            continue
        p = i + 3 + a
        for space in range(1, -1, -1):
            if space and not is_space(char_at(t, p)):
                continue
            for b in range(digits_from(t, p + space, 8), 2, -1):
                e = phone_tail(t, p + space + b)
                if e >= 0:
                    group_end[0] = p + space + b
                    return e
    return -1


cdef Py_ssize_t phone_match(const Text *t, Py_ssize_t i, Py_ssize_t *group_end) noexcept:
    """End of PHONE's match at i (a number start), or -1; `group_end` gets where its group 1 ends.
    The alternatives in the pattern's order: the first that matches wins."""
    cdef Py_UCS4 before, c, d
    cdef Py_ssize_t e
    if i > 0:
        before = char_at(t, i - 1)
        if is_word(before) or before == 43 or before == 45 or before == 46 or before == 47:
            return -1
    # each alternative opens with one of '+', '0', '(' or a digit: only those that can open with c are tried
    c = char_at(t, i)
    if c == 43:
        return international(t, i, group_end)
    if c == 40:
        e = north_american(t, i, group_end)
        if e < 0:
            e = area_in_parentheses(t, i, group_end)
        if e < 0:
            e = trunk_in_parentheses(t, i, group_end)
        return e
    if c != 48:
        # a digit other than '0': `1S`, or `\d{3}S` (North American), or `\d{2} ` (two_four_four) opens the match
        d = char_at(t, i + 1)
        if not (c == 49 and separator(d)):
            if not is_digit(d):
                return -1
            d = char_at(t, i + 2)
            if not (d == 32 or (is_digit(d) and separator(char_at(t, i + 3)))):
                return -1
        e = north_american(t, i, group_end)
        if e < 0:
            e = two_four_four(t, i, group_end)
        return e
    e = double_zero(t, i, group_end)
    if e < 0:
        e = north_american(t, i, group_end)
    if e < 0:
        e = two_four_four(t, i, group_end)
    if e < 0:
        e = trunk_pairs(t, i, group_end)
    if e < 0:
        e = trunk_three_groups(t, i, group_end)
    if e < 0:
        e = trunk_two_groups(t, i, group_end)
    return e


cdef inline Py_ssize_t phone_shortest(Py_UCS4 c) noexcept:
    """The fewest characters PHONE's group 1 can have when it opens with c (all of them in findings' number
    class, so within the number's reach): `+ddd`; `(0dd)ddd`; `0ddSddd` or `00dSdSd`; for any other digit
    `dddSdddSdddd` or `dd dddd dddd`."""
    if c == 43:
        return 4
    if c == 40:
        return 8
    if c == 48:
        return 7
    return 12


cdef inline bint phone_may_open(const unsigned char *s, Py_ssize_t n, Py_ssize_t i) noexcept:
    """False where phone_match at i (a number start in a one-byte text of n) must fail: its first checks, on the
    bytes."""
    cdef unsigned int c = s[i], d
    if i > 0 and (s[i - 1] == 43 or s[i - 1] == 47):
        return False
    if 49 <= c <= 57:
        d = s[i + 1] if i + 1 < n else 0
        if not (c == 49 and separator(d)):
            if not 48 <= d <= 57:
                return False
            d = s[i + 2] if i + 2 < n else 0
            if not (d == 32 or (48 <= d <= 57 and i + 3 < n and separator(s[i + 3]))):
                return False
    return True


cdef extern from *:
    """
    #if defined(__SSE2__)
    #include <emmintrin.h>
    #endif
    /* Of the thirty-two bytes at s: bit k when s[k] is an ASCII digit; *others gets those of " -.()" (BARE_CLASS
       2 and 1). */
    static inline unsigned int contact_bare_classes32(const unsigned char *s, unsigned int *others) {
        unsigned int digits = 0, rest = 0;
        int k;
    #if defined(__SSE2__)
        for (k = 0; k < 32; k += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(s + k)), d = _mm_sub_epi8(x, _mm_set1_epi8('0'));
            digits |= (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d)) << k;
            rest |= (unsigned int)_mm_movemask_epi8(_mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(x, _mm_set1_epi8('-'))),
                _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')),
                             _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('(')), _mm_cmpeq_epi8(x, _mm_set1_epi8(')')))))) << k;
        }
    #else
        for (k = 0; k < 32; k++) {
            if (s[k] >= '0' && s[k] <= '9') digits |= 1u << k;
            else if (s[k] == ' ' || s[k] == '-' || s[k] == '.' || s[k] == '(' || s[k] == ')') rest |= 1u << k;
        }
    #endif
        *others = rest;
        return digits;
    }
    static inline int contact_bits_below(unsigned int x, int k) {  /* how many of x's bits 0 to k - 1 are set */
        x &= (k >= 32) ? 0xFFFFFFFFu : ((1u << k) - 1);
        x -= (x >> 1) & 0x55555555u;  /* counted in place: no call to libgcc's popcount without -mpopcnt */
        x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
        return (int)((((x + (x >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24);
    }
    static inline unsigned int contact_number_class16(const unsigned char *s) {
        /* bit k: s[k] is in findings' number class, `[\\d\\s\\-.()/+]` (NUMBER_CLASS) */
    #if defined(__SSE2__)
        __m128i x = _mm_loadu_si128((const __m128i *)s);
        __m128i d = _mm_sub_epi8(x, _mm_set1_epi8('('));  /* ( ) * + , - . / 0 to 9, less * and , */
        __m128i w = _mm_sub_epi8(x, _mm_set1_epi8(9));  /* \\t \\n \\v \\f \\r */
        __m128i w2 = _mm_sub_epi8(x, _mm_set1_epi8(0x1c));  /* \\x1c to \\x1f, space */
        __m128i in = _mm_andnot_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('*')), _mm_cmpeq_epi8(x, _mm_set1_epi8(','))),
            _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(17)), d));
        in = _mm_or_si128(in, _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(w, _mm_set1_epi8(4)), w),
                                           _mm_cmpeq_epi8(_mm_min_epu8(w2, _mm_set1_epi8(4)), w2)));
        in = _mm_or_si128(in, _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0x85)),
                                           _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xA0))));
        return (unsigned int)_mm_movemask_epi8(in);
    #else
        return 0;  /* the caller's byte loop decides */
    #endif
    }
    static inline int contact_lowest_clear(unsigned int x) {  /* x's lowest clear bit (32 when none) */
        return ~x ? __builtin_ctz(~x) : 32;
    }
    """
    unsigned int bare_classes32 "contact_bare_classes32"(const Py_UCS1 *s, unsigned int *others) noexcept nogil
    int bits_below "contact_bits_below"(unsigned int x, int k) noexcept nogil
    int lowest_clear "contact_lowest_clear"(unsigned int x) noexcept nogil
    # bits of NUMBER_CLASS for sixteen bytes (none without SSE2: the byte loop after it decides)
    unsigned int number_class16 "contact_number_class16"(const Py_UCS1 *s) noexcept nogil


cdef Py_ssize_t digit_count(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """contact._digit_count(text[start:end]) for a span of `\\d` and punctuation (where isdigit is `\\d`)."""
    cdef Py_ssize_t k, count = 0
    cdef const Py_UCS1 *s
    cdef unsigned int rest
    if t.kind == 1:  # Latin-1's only `\d` are ASCII
        s = <const Py_UCS1 *> t.data
        if end <= start:
            return 0
        if 0 <= start and end - start <= 32 and start + 32 <= t.n:
            return bits_below(bare_classes32(s + start, &rest), end - start)
        for k in range(start if start > 0 else 0, end if end < t.n else t.n):
            count += 48 <= s[k] <= 57
        return count
    for k in range(start, end):
        if is_digit(char_at(t, k)):
            count += 1
    return count


cdef bint looks_like_date(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """contact._looks_like_date(text[start:end]) for a span of `\\d` and punctuation: three digit runs split by
    one of - / . each, 4-2-2 or 2-2-4 wide (at most)."""
    cdef Py_ssize_t runs[3]
    cdef Py_ssize_t k = start, count = 0, run
    cdef Py_UCS4 c
    while True:
        run = 0
        while k < end and is_digit(char_at(t, k)):
            run += 1
            k += 1
        if run == 0 or count == 3:
            return False
        runs[count] = run
        count += 1
        if k == end:
            break
        c = char_at(t, k)
        if not (c == 45 or c == 47 or c == 46):
            return False
        k += 1
    if count != 3:
        return False
    return (runs[0] == 4 and runs[1] <= 2 and runs[2] <= 2) or (runs[0] <= 2 and runs[1] <= 2 and 2 <= runs[2] <= 4)


cdef inline bint bare_may_end(const Text *t, Py_ssize_t e) noexcept:
    return phone_may_end(t, e)


cdef Py_ssize_t bare_match(const Text *t, Py_ssize_t i) noexcept:
    """End of BARE_DIGITS' match at i (a number start), or -1:
    `(?<![\\w+\\-./])\\+?\\d[\\d \\-.()]{6,18}\\d(?![\\w\\-]|[./]\\d)`, the greedy run giving back one at a time."""
    cdef Py_UCS4 c
    cdef Py_ssize_t p = i, run = 0, k, q
    if i > 0:
        c = char_at(t, i - 1)
        if is_word(c) or c == 43 or c == 45 or c == 46 or c == 47:
            return -1
    if char_at(t, p) == 43:
        p += 1
    if not is_digit(char_at(t, p)):
        return -1
    while run < 18 and p + 1 + run < t.n:
        c = char_at(t, p + 1 + run)
        if not (is_digit(c) or c == 32 or c == 45 or c == 46 or c == 40 or c == 41):
            break
        run += 1
    for k in range(run, 5, -1):
        q = p + 1 + k
        if is_digit(char_at(t, q)) and bare_may_end(t, q + 1):
            return q + 1
    return -1


# PHONE_CUE's cue words and one-letter cues, read from its pattern, which has this shape:
# (?i)(?:\b(?:tel|...|cel)\b|\bT|\bM)[\"']?\s*[:=.]?\s*\W{0,3}$  -- the tail is ported in cue_tail.
cdef str _CUE_PREFIX = "(?i)(?:\\b(?:"
cdef str _CUE_SUFFIX = ")[\\\"']?\\s*[:=.]?\\s*\\W{0,3}$"


def _cue_parts(str pattern):
    """(words, letters) of PHONE_CUE's pattern, or None when it no longer has the shape ported here."""
    if not (pattern.startswith(_CUE_PREFIX) and pattern.endswith(_CUE_SUFFIX)):
        return None
    body = pattern[len(_CUE_PREFIX):-len(_CUE_SUFFIX)]
    words_part, _, letters_part = body.partition(")\\b|")
    words = tuple(words_part.split("|"))
    letters = tuple(part[2:] for part in letters_part.split("|"))
    if not all(part == "\\b" + letter for part, letter in zip(letters_part.split("|"), letters)):
        return None
    if not all(len(letter) == 1 for letter in letters) or not all(words):
        return None
    if any(c in "\\()[]{}?*+.^$|" for w in words for c in w):
        return None
    rebuilt = _CUE_PREFIX + "|".join(words) + ")\\b|" + "|".join("\\b" + l for l in letters) + _CUE_SUFFIX
    if rebuilt != pattern:
        return None
    if not all(w[0].isalnum() and w[len(w) - 1].isalnum() and w == w.lower() for w in words):
        return None
    return words, tuple(letter.lower() for letter in letters)


# The cue words as code points, one after another, and the one-letter cues.
DEF MOST_CUE_CHARS = 512
DEF MOST_CUES = 64
cdef Py_UCS4 cue_chars[MOST_CUE_CHARS]
cdef Py_ssize_t cue_offsets[MOST_CUES + 1]
cdef Py_ssize_t cue_count = 0
# how many word characters each cue word ends with (all of it but "call back"'s "call "), and the most
cdef Py_ssize_t cue_run[MOST_CUES]
cdef Py_ssize_t longest_cue_run = 0
cdef Py_UCS4 cue_letters[MOST_CUES]
cdef Py_ssize_t cue_letter_count = 0


cdef void _pack(words, Py_UCS4 *chars, Py_ssize_t *offsets):
    """The words' characters end to end in `chars`, word k from offsets[k] to offsets[k + 1] (sizes checked first)."""
    cdef Py_ssize_t at = 0
    offsets[0] = 0
    for k, w in enumerate(words):
        for ch in w:
            chars[at] = ord(ch)
            at += 1
        offsets[k + 1] = at


def _load_cues():
    """Fill the cue arrays from PHONE_CUE's pattern: False when it has changed shape or does not fit."""
    global cue_count, cue_letter_count, longest_cue_run
    parts = _cue_parts(contact.PHONE_CUE.pattern)
    if parts is None:
        return False
    words, letters = parts
    if len(words) > MOST_CUES or len(letters) > MOST_CUES or sum(map(len, words)) > MOST_CUE_CHARS:
        return False
    _pack(words, cue_chars, cue_offsets)
    for k, w in enumerate(words):
        cue_run[k] = len(w) - 1 - max([j for j, ch in enumerate(w) if not (ch.isalnum() or ch == "_")], default=-1)
        longest_cue_run = max(longest_cue_run, cue_run[k])
    cue_count = len(words)
    for k, letter in enumerate(letters):
        cue_letters[k] = ord(letter)
    cue_letter_count = len(letters)
    return True


_CUES_LOADED = _load_cues()


cdef inline bint same_ci(Py_UCS4 c, Py_UCS4 lower) noexcept:
    """PHONE_CUE's lower-case character `lower` matches c under IGNORECASE: `re` lowers c (one code point), and
    equates ı with i and ſ with s."""
    if 97 <= lower <= 122:
        return same_letter(c, lower)
    return lower_char(c) == lower


# The ASCII characters that same_ci matches to a cue word's last character or a one-letter cue
cdef unsigned char CUE_LAST[128]


def _load_cue_last():
    cdef Py_ssize_t w
    cdef Py_UCS4 c
    for c in range(128):
        CUE_LAST[c] = 0
        for w in range(cue_count):
            if same_ci(c, cue_chars[cue_offsets[w + 1] - 1]):
                CUE_LAST[c] = 1
        for w in range(cue_letter_count):
            if same_ci(c, cue_letters[w]):
                CUE_LAST[c] = 1


_load_cue_last()


# The cue words as bit sets (word w is bit w): those whose last character same_ci matches an ASCII character, and
# those that end with so many word characters (cue_run)
DEF MOST_CUE_RUN = 64
cdef unsigned long long CUES_ENDING[128]
cdef unsigned long long CUES_OF_RUN[MOST_CUE_RUN + 2]
cdef unsigned long long ALL_CUES = 0


def _load_cue_sets():
    """Fill the cue word bit sets: False when the words do not fit."""
    global ALL_CUES
    cdef Py_ssize_t w
    cdef Py_UCS4 c
    if longest_cue_run > MOST_CUE_RUN:
        return False
    for w in range(cue_count):
        ALL_CUES |= 1ULL << w
        CUES_OF_RUN[cue_run[w]] |= 1ULL << w
        for c in range(128):
            if same_ci(c, cue_chars[cue_offsets[w + 1] - 1]):
                CUES_ENDING[c] |= 1ULL << w
    return True


_CUES_LOADED = _CUES_LOADED and _load_cue_sets()


cdef bint cue_tail(const Text *t, Py_ssize_t q, Py_ssize_t start) noexcept:
    """text[q:start] (non-word characters, no newline) is `["']?\\s*[:=.]?\\s*\\W{0,3}`."""
    cdef Py_ssize_t last, k, kept
    cdef Py_UCS4 c
    for kept in range(3, -1, -1):  # the characters that \W{0,3} takes
        last = start - kept
        if last < q:
            continue
        k = q
        if k < last and (char_at(t, k) == 34 or char_at(t, k) == 39):
            k += 1
        while k < last and is_space(char_at(t, k)):
            k += 1
        if k < last:
            c = char_at(t, k)
            if c == 58 or c == 61 or c == 46:
                k += 1
        while k < last and is_space(char_at(t, k)):
            k += 1
        if k == last:
            return True
    return False


# is_word for the Latin-1 characters
cdef unsigned char WORD_LATIN[256]
for _c in range(256):
    WORD_LATIN[_c] = is_word(_c)


cdef bint cue_before(const Text *t, Py_ssize_t start) noexcept:
    """context_before(text, start, PHONE_CUE, 24): a cue word ends at the last word character of the window
    (which opens after the last newline before start) and only the tail's non-word characters follow it."""
    cdef Py_ssize_t lo = start - CUE_WINDOW, q, p, k, m, w, run = 1
    cdef Py_UCS4 last
    cdef bint same
    cdef unsigned long long words
    cdef const unsigned char *s = <const unsigned char *> t.data
    if lo < 0:
        lo = 0
    q = start
    if t.kind == 1:  # the same steps on the bytes
        while q > lo:
            last = s[q - 1]
            if WORD_LATIN[last]:
                break
            if last == 10:
                return False
            q -= 1
        if q <= lo:
            return False
        last = s[q - 1]
        if last < 128 and not CUE_LAST[last]:
            return False
        while run <= longest_cue_run and q - 1 - run >= 0 and WORD_LATIN[s[q - 1 - run]]:
            run += 1
    else:
        while q > lo:
            last = char_at(t, q - 1)
            if is_word(last):
                break
            if last == 10:  # the window opens after it: no word character in it
                return False
            q -= 1
        if q <= lo:
            return False
        last = char_at(t, q - 1)
        if last < 128 and not CUE_LAST[last]:
            return False
        # a cue word's characters match only word characters, and \b opens it: the word characters before q
        # are exactly the ones it ends with
        while run <= longest_cue_run and is_word(char_at(t, q - 1 - run)):
            run += 1
    # the words that end with `run` word characters and with a character that matches `last`
    words = CUES_OF_RUN[run] & (CUES_ENDING[last] if last < 128 else ALL_CUES)
    if words:
        if not cue_tail(t, q, start):
            return False
        # no newline in text[q - 1:start]: the window's line opens before q - 1
        p = last_index(t, 10, lo, q - 1) + 1
        if lo < p:
            lo = p
        while words:
            w = lowest_bit(words)
            words &= words - 1
            m = cue_offsets[w + 1] - cue_offsets[w]
            p = q - m
            if (
                p < lo or not same_ci(last, cue_chars[cue_offsets[w + 1] - 1])
                or (p > 0 and is_word(char_at(t, p - 1)))
            ):
                continue
            same = True
            for k in range(m):
                if not same_ci(char_at(t, p + k), cue_chars[cue_offsets[w] + k]):
                    same = False
                    break
            if same:
                return True
    # a one-letter cue at q - 1 (within the window's line: q - 1 >= lo and no newline after it)
    p = q - 1
    if p > 0 and is_word(char_at(t, p - 1)):
        return False
    for w in range(cue_letter_count):
        if same_ci(char_at(t, p), cue_letters[w]):
            return cue_tail(t, q, start)
    return False


def _asked_words(str pattern):
    """_PHONE_ASKED's words, `(?i)\\b(?:phone|...|fax)...`, or () when they are not plain lower-case words."""
    prefix = "(?i)\\b(?:"
    if not pattern.startswith(prefix) or pattern.find(")", len(prefix)) < 0:
        return ()
    words = tuple(pattern[len(prefix):pattern.index(")", len(prefix))].split("|"))
    return words if all(w and w.isascii() and all(ch.islower() or ch == " " for ch in w) for w in words) else ()


cdef tuple ASKED_WORDS = _asked_words(contact._PHONE_ASKED.pattern)

# ASKED_WORDS as code points, one after another, and the ASCII characters one of them can open with (either case)
DEF MOST_ASKED_CHARS = 256
DEF MOST_ASKED = 32
cdef Py_UCS4 asked_chars[MOST_ASKED_CHARS]
cdef Py_ssize_t asked_offsets[MOST_ASKED + 1]
cdef Py_ssize_t asked_count = 0
cdef unsigned char ASKED_OPENS[128]


def _load_asked():
    """Fill the asked-word arrays from ASKED_WORDS: False when they do not fit."""
    global asked_count
    if len(ASKED_WORDS) > MOST_ASKED or sum(map(len, ASKED_WORDS)) > MOST_ASKED_CHARS:
        return False
    _pack(ASKED_WORDS, asked_chars, asked_offsets)
    for w in ASKED_WORDS:
        ASKED_OPENS[ord(w[0])] = 1
        ASKED_OPENS[ord(w[0].upper())] = 1
    asked_count = len(ASKED_WORDS)
    return True


_ASKED_LOADED = _load_asked()


def _asked_reach(str pattern):
    """The most characters from where _PHONE_ASKED's match opens to its '?' (its longest word, " number" and the
    `[^\\n]{0,40}` before the '?'), or -1 when its tail is no longer `(?: number)?\\b[^\\n]{0,N}\\?`."""
    import re
    tail = re.fullmatch(r"\(\?i\)\\b\(\?:[^()]*\)(\(\?:( [a-z]+)\)\?)?\\b\[\^\\n\]\{0,(\d+)\}\\\?", pattern)
    if tail is None or not ASKED_WORDS:
        return -1
    return max(map(len, ASKED_WORDS)) + len(tail.group(2) or "") + int(tail.group(3))


cdef Py_ssize_t ASKED_REACH = _asked_reach(contact._PHONE_ASKED.pattern)


cdef bint asked_word_at(const Text *t, Py_ssize_t k, Py_ssize_t start) noexcept:
    """One of ASKED_WORDS matches at k under IGNORECASE (matches_ci), ending by start."""
    cdef Py_ssize_t w, j, m, off
    cdef unsigned int wc
    cdef bint same
    for w in range(asked_count):
        off = asked_offsets[w]
        m = asked_offsets[w + 1] - off
        if k + m > start:
            continue
        same = True
        for j in range(m):
            wc = asked_chars[off + j]
            if 97 <= wc <= 122:
                if not same_letter(char_at(t, k + j), wc):
                    same = False
                    break
            elif <unsigned int> char_at(t, k + j) != wc:
                same = False
                break
        if same:
            return True
    return False


cdef bint maybe_asked(const Text *t, Py_ssize_t lo, Py_ssize_t start) noexcept:
    """False where _PHONE_ASKED.search(text, lo, start) cannot match: none of its words (under IGNORECASE) opens
    at a word start with a '?' after it on its line, before start. Else the pattern itself must say."""
    cdef Py_ssize_t k, q, stop, hi = start
    cdef Py_UCS4 c
    cdef bint question = True  # a '?' follows k on its line
    cdef const unsigned char *s = <const unsigned char *> t.data
    cdef const unsigned char *found
    if t.kind == 1 and ASKED_REACH >= 0:
        # from each '?' (the last first) back over the characters on its line that a match ending there can
        # open at: at most ASKED_REACH before it
        while hi > lo:
            found = <const unsigned char *> memrchr(s + lo, 63, <size_t> (hi - lo))
            if found == NULL:
                return False
            q = found - s
            stop = q - ASKED_REACH
            if stop < lo:
                stop = lo
            if q > stop:
                found = <const unsigned char *> memrchr(s + stop, 10, <size_t> (q - stop))
                if found != NULL:
                    stop = found - s + 1
            for k in range(q - 1, stop - 1, -1):
                c = s[k]
                if (c >= 128 or ASKED_OPENS[c]) and not (k > 0 and is_word(s[k - 1])):
                    if asked_word_at(t, k, start):
                        return True
            hi = q
        return False
    k = last_index(t, 63, lo, start)
    if k < 0:
        return False
    for k in range(k - 1, lo - 1, -1):
        c = char_at(t, k)
        if c == 63:
            question = True
        elif c == 10:
            question = False
        elif question and (c >= 128 or ASKED_OPENS[c]) and not is_word(char_at(t, k - 1)):
            if asked_word_at(t, k, start):
                return True
    return False


# is_number_class for the Latin-1 characters
cdef unsigned char NUMBER_CLASS[256]
for _c in range(256):
    NUMBER_CLASS[_c] = is_number_class(_c)


# BARE_DIGITS' classes for the Latin-1 characters: 2 for `\d` (ASCII here), 1 for the rest of `[\d \-.()]`, else 0
cdef unsigned char BARE_CLASS[256]
# what refuses a BARE_DIGITS match before it (`[\w+\-./]`) and what refuses one after it (`[\w\-]`; '.' and '/'
# only before a digit)
cdef unsigned char NOT_BEFORE_BARE[256]
cdef unsigned char NOT_AFTER_BARE[256]
for _c in range(256):
    BARE_CLASS[_c] = 2 if 48 <= _c <= 57 else 1 if chr(_c) in " -.()" else 0
    NOT_BEFORE_BARE[_c] = is_word(_c) or chr(_c) in "+-./"
    NOT_AFTER_BARE[_c] = is_word(_c) or _c == 45


cdef Py_ssize_t bare_match_latin(const unsigned char *s, Py_ssize_t n, Py_ssize_t i, Py_ssize_t *digits) noexcept:
    """bare_match for a 1-byte text (the same steps, reading its bytes); `digits` gets digit_count of the match."""
    cdef unsigned char counted[20]  # counted[k]: the digits in s[p:p + k + 1]
    cdef unsigned int c, count = 1, in_digit, in_rest
    cdef Py_ssize_t p = i, k, q, last, run
    if i > 0 and NOT_BEFORE_BARE[s[i - 1]]:
        return -1
    if p < n and s[p] == 43:
        p += 1
    if p >= n or BARE_CLASS[s[p]] != 2:
        return -1
    if p + 32 <= n:  # the same steps on bit masks of the thirty-two bytes from p
        in_digit = bare_classes32(s + p, &in_rest)
        run = lowest_clear((in_digit | in_rest) >> 1)
        if run > 18:
            run = 18
        for k in range(run, 5, -1):
            q = p + 1 + k
            if (in_digit >> (k + 1)) & 1:
                c = s[q + 1]  # phone_may_end at q + 1 (q + 2 < p + 32 <= n)
                if NOT_AFTER_BARE[c] or ((c == 46 or c == 47) and BARE_CLASS[s[q + 2]] == 2):
                    continue
                digits[0] = bits_below(in_digit, k + 2)
                return q + 1
        return -1
    counted[0] = 1
    last = p + 19 if p + 19 < n else n  # the run: at most 18 after p
    q = p + 1
    while q < last:
        c = BARE_CLASS[s[q]]
        if not c:
            break
        count += c >> 1
        counted[q - p] = count
        q += 1
    for k in range(q - p - 1, 5, -1):
        q = p + 1 + k
        if q < n and BARE_CLASS[s[q]] == 2:
            if q + 1 < n:  # phone_may_end at q + 1
                c = s[q + 1]
                if NOT_AFTER_BARE[c] or ((c == 46 or c == 47) and q + 2 < n and BARE_CLASS[s[q + 2]] == 2):
                    continue
            digits[0] = counted[k] + 1
            return q + 1
    return -1


# The Latin-1 characters the phone scan stops at: digits, '+', '(' (Latin-1 has no other `\d`).
cdef unsigned char SCAN_STOP[256]
for _c in range(256):
    SCAN_STOP[_c] = chr(_c) in "0123456789+("

# The Latin-1 characters before which no number starts (findings.number_reaches: `\w`, '-', '.').
cdef unsigned char NO_START_AFTER[256]
for _c in range(256):
    NO_START_AFTER[_c] = is_word(_c) or _c == 45 or _c == 46


cdef extern from *:
    """
    /* Where a number can start among sixteen characters: bit k when s[k] is a digit, '+' or '(' and s[k - 1]
       (readable) is none of the ASCII [0-9A-Za-z_.-]. A superset: callers decide each bit exactly. */
    #if defined(__SSE2__)
    #include <emmintrin.h>
    static inline __m128i contact_between16(__m128i x, char low, char high) {
        /* bytes from low to high (ASCII bounds; a byte above ASCII compares as negative) */
        return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(low - 1)), _mm_cmplt_epi8(x, _mm_set1_epi8(high + 1)));
    }
    static inline unsigned int contact_starts_of(__m128i x, __m128i before) {
        __m128i digit = _mm_sub_epi8(x, _mm_set1_epi8('0'));
        __m128i stop = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(digit, _mm_set1_epi8(9)), digit), _mm_or_si128(
            _mm_cmpeq_epi8(x, _mm_set1_epi8('+')), _mm_cmpeq_epi8(x, _mm_set1_epi8('('))));
        __m128i refuses;
        if (!_mm_movemask_epi8(stop)) return 0;  /* most runs of sixteen: no digit, '+' or '(' at all */
        refuses = _mm_or_si128(
            _mm_andnot_si128(_mm_cmpeq_epi8(before, _mm_set1_epi8('/')), contact_between16(before, '-', '9')),
            _mm_or_si128(contact_between16(_mm_or_si128(before, _mm_set1_epi8(0x20)), 'a', 'z'),
                         _mm_cmpeq_epi8(before, _mm_set1_epi8('_'))));
        return (unsigned int)_mm_movemask_epi8(_mm_andnot_si128(refuses, stop));
    }
    static inline unsigned int contact_starts16(const unsigned char *s) {
        return contact_starts_of(_mm_loadu_si128((const __m128i *)s), _mm_loadu_si128((const __m128i *)(s - 1)));
    }
    static inline __m128i contact_packed16(const Py_UCS2 *s) {
        /* two-byte characters as bytes: one above 0xFF becomes 0xFF, one above 0x7FFF 0 (neither in a class) */
        return _mm_packus_epi16(_mm_loadu_si128((const __m128i *)s), _mm_loadu_si128((const __m128i *)(s + 8)));
    }
    static inline unsigned int contact_starts16_wide(const Py_UCS2 *s) {
        /* any character above ASCII counts as a stop too (\\d holds other digits) */
        __m128i a = _mm_loadu_si128((const __m128i *)s), b = _mm_loadu_si128((const __m128i *)(s + 8));
        __m128i ascii = _mm_set1_epi16(0x7F), zero = _mm_setzero_si128();
        unsigned int wide = (unsigned int)_mm_movemask_epi8(_mm_packs_epi16(
            _mm_or_si128(_mm_cmpgt_epi16(a, ascii), _mm_cmplt_epi16(a, zero)),
            _mm_or_si128(_mm_cmpgt_epi16(b, ascii), _mm_cmplt_epi16(b, zero))));
        return contact_starts_of(contact_packed16(s), contact_packed16(s - 1)) | wide;
    }
    static inline unsigned int contact_maybe_number16(__m128i x) {
        /* bit k: x[k] may be in findings' number class (a superset: NUL to space, '(' to '9', above ASCII) */
        __m128i punct = _mm_sub_epi8(x, _mm_set1_epi8('('));
        return (unsigned int)_mm_movemask_epi8(_mm_or_si128(_mm_cmpgt_epi8(_mm_set1_epi8(0x21), x),
                                                            _mm_cmpeq_epi8(_mm_min_epu8(punct, _mm_set1_epi8(17)), punct)));
    }
    static inline unsigned int contact_long_starts16(const unsigned char *s) {
        /* contact_starts16's bits but those whose run cannot be long enough to match: a start needs the six
           characters after it in the number class (phone_shortest; BARE_DIGITS needs seven), '+' three.
           Reads s[-1] to s[31]. */
        unsigned int m = contact_starts16(s), after1, after2, after3, after6, plus;
        __m128i x;
        if (!m) return 0;
        x = _mm_loadu_si128((const __m128i *)s);
        after1 = (contact_maybe_number16(x) | contact_maybe_number16(_mm_loadu_si128((const __m128i *)(s + 16))) << 16) >> 1;
        plus = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('+')));
        after2 = after1 & (after1 >> 1);
        after3 = after2 & (after1 >> 2);
        after6 = after3 & (after3 >> 3);
        return m & (after6 | (plus & after3));
    }
    #else
    static inline int contact_refuses(unsigned int c) {
        return (c >= '-' && c <= '9' && c != '/') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
    }
    static inline unsigned int contact_starts16(const unsigned char *s) {
        unsigned int m = 0;
        int k;
        for (k = 0; k < 16; k++)
            if (((s[k] >= '0' && s[k] <= '9') || s[k] == '+' || s[k] == '(') && !contact_refuses(s[k - 1]))
                m |= 1u << k;
        return m;
    }
    static inline unsigned int contact_starts16_wide(const Py_UCS2 *s) {
        unsigned int m = 0;
        int k;
        for (k = 0; k < 16; k++)
            if (((s[k] >= '0' && s[k] <= '9') || s[k] == '+' || s[k] == '(' || s[k] > 0x7F)
                    && !contact_refuses(s[k - 1]))
                m |= 1u << k;
        return m;
    }
    static inline unsigned int contact_long_starts16(const unsigned char *s) {
        return contact_starts16(s);
    }
    #endif
    """
    # bit k: a number can start at s[k] (s[-1] must be readable); of two-byte characters, any above ASCII too
    unsigned int starts16 "contact_starts16"(const Py_UCS1 *s) noexcept nogil
    # starts16's bits less those whose number-class run is too short for PHONE or BARE_DIGITS (s[31] readable)
    unsigned int long_starts16 "contact_long_starts16"(const Py_UCS1 *s) noexcept nogil
    unsigned int starts16_wide "contact_starts16_wide"(const Py_UCS2 *s) noexcept nogil


cdef inline Py_ssize_t next_start_latin(
    const Py_UCS1 *s, Py_ssize_t n, Py_ssize_t i, Py_ssize_t *block, unsigned int *starts,
) noexcept:
    """The first position from i (or n) in a one-byte text of n characters where a number can start: a digit,
    '+' or '(' after none of `\\w`, '-', '.' (where 32 bytes can be read, only those whose run is long enough for
    PHONE or BARE_DIGITS). `block` and `starts` keep the last sixteen characters looked at and their bits, for
    the next call (i never goes back)."""
    cdef unsigned int found
    if i == 0:
        if n == 0 or SCAN_STOP[s[0]]:
            return 0
        i = 1
    if block[0] <= i < block[0] + 16:
        found = starts[0] & (0xFFFFFFFFu << (i - block[0]))
        if found:
            return block[0] + lowest_bit(found)
        i = block[0] + 16
    while i + 16 <= n:
        found = long_starts16(s + i) if i + 32 <= n else starts16(s + i)
        if found:
            block[0] = i
            starts[0] = found
            return i + lowest_bit(found)
        i += 16
    while i < n:
        if SCAN_STOP[s[i]] and not NO_START_AFTER[s[i - 1]]:
            return i
        i += 1
    return n


cdef inline Py_ssize_t next_start_wide(const Py_UCS2 *s, Py_ssize_t n, Py_ssize_t i) noexcept:
    """Skips, sixteen at a time, characters of a two-byte text where no number starts; from where it stops, the
    caller looks at each character."""
    cdef unsigned int found
    if i == 0:
        return 0
    while i + 16 <= n:
        found = starts16_wide(s + i)
        if found:
            return i + lowest_bit(found)
        i += 16
    return i


cdef Py_ssize_t last_index(const Text *t, Py_UCS4 ch, Py_ssize_t lo, Py_ssize_t hi) noexcept:
    """Where ch is last in text[lo:hi] (lo from 0), or -1."""
    cdef Py_ssize_t k
    cdef const char *found
    if lo < 0:
        lo = 0
    if t.kind == 1:
        if hi <= lo:
            return -1
        found = <const char *> memrchr(<const char *> t.data + lo, <int> ch, <size_t> (hi - lo))
        return -1 if found == NULL else found - <const char *> t.data
    if hi > t.n:
        hi = t.n
    k = hi - 1
    if t.kind == 2:
        while k >= lo:
            if (<const Py_UCS2 *> t.data)[k] == ch:
                return k
            k -= 1
        return -1
    while k >= lo:
        if char_at(t, k) == ch:
            return k
        k -= 1
    return -1


class PhoneRecogniser:
    def find(self, str text):
        cdef list phones = [], bare = None  # made at the first bare number found
        cdef Text view = text_of(text)
        cdef const Text *t = &view
        cdef Py_ssize_t n = view.n, i, e, g, phone_end = 0, bare_end = 0, count
        cdef Py_ssize_t reach = 0, block = -16
        cdef unsigned int starts = 0
        cdef Py_UCS4 c, before
        cdef bint phone_here, question_sought = False
        cdef Py_ssize_t first_question = -1
        cdef const unsigned char *latin = <const unsigned char *> view.data
        cdef const unsigned char *at_question
        i = -1
        while True:
            i += 1
            if view.kind == 1:  # most texts: read the bytes themselves
                i = next_start_latin(latin, n, i, &block, &starts)
                if i >= n:
                    break
                # the scan decides the character itself exactly (Latin-1's only `\d` are ASCII), and the one
                # before but for `\w` above ASCII
                if i > 0 and NO_START_AFTER[latin[i - 1]]:
                    continue
                if i >= reach:  # findings.number_reaches: the same for every start within one run
                    reach = i + 1
                    if reach + 16 <= n:
                        reach += lowest_clear(number_class16(latin + reach))
                    while reach < n and NUMBER_CLASS[latin[reach]]:
                        reach += 1
            else:
                if view.kind == 2:
                    i = next_start_wide(<const Py_UCS2 *> view.data, n, i)
                if i >= n:
                    break
                c = char_at(t, i)
                if c < 128 and not (48 <= c <= 57 or c == 43 or c == 40):
                    continue
                if not (c == 43 or c == 40 or is_digit(c)):
                    continue
                if i > 0:  # a number start: findings.number_reaches
                    before = char_at(t, i - 1)
                    if is_word(before) or before == 45 or before == 46:
                        continue
                if i >= reach:
                    reach = i + 1
                    while reach < n and is_number_class(char_at(t, reach)):
                        reach += 1
            phone_here = False
            if i >= phone_end and reach - i >= phone_shortest(latin[i] if view.kind == 1 else char_at(t, i)) and (
                view.kind != 1 or phone_may_open(latin, n, i)
            ):
                e = phone_match(t, i, &g)
                if e >= 0:
                    phone_end = e
                    count = digit_count(t, i, g)
                    if 7 <= count <= 15 and not looks_like_date(t, i, g):
                        phone_here = True
                        phones.append(new_finding(Finding, i, e, "PHONE", 3))
            if i >= bare_end and reach - i >= 8:  # long_number_starts(text, 8)
                if view.kind == 1:
                    e = bare_match_latin(latin, n, i, &count)
                else:
                    e = bare_match(t, i)
                    if e >= 0:
                        count = digit_count(t, i, e)
                if e >= 0:
                    bare_end = e
                    if phone_here or not 7 <= count <= 15:
                        continue
                    if not question_sought:  # where the text's first '?' is: none before i, no question
                        if view.kind == 1:
                            at_question = <const unsigned char *> memchr(latin, 63, <size_t> n)
                            first_question = -1 if at_question == NULL else at_question - latin
                        else:
                            first_question = PyUnicode_FindChar(text, 63, 0, n, 1)
                        question_sought = True
                    if cue_before(t, i) or (
                        0 <= first_question < i and maybe_asked(t, max(0, i - ASKED_WINDOW), i)
                        and PHONE_ASKED_SEARCH(text, max(0, i - ASKED_WINDOW), i) is not None
                    ):
                        if bare is None:
                            bare = []
                        bare.append(new_finding(Finding, i, e, "PHONE", 3))
        if bare is not None:
            phones.extend(bare)
        return phones


# The phone patterns this module ports, as it ported them: a change there leaves PhoneRecogniser to the reference.
_PHONE_CHANGE = changed_patterns(contact, {
    "PHONE": 3365414400, "BARE_DIGITS": 3982061188, "_DATE_SHAPE": 3431113449, "_PHONE_ASKED": 730339308,
})
if _PHONE_CHANGE is None and not (_CUES_LOADED and ASKED_WORDS and _ASKED_LOADED and contact._PHONE_ASKED.flags == 34):
    _PHONE_CHANGE = "contact.PHONE_CUE's or _PHONE_ASKED's words are no longer where the twin reads them"

_EMAIL_CHANGE = changed_patterns(contact, {"EMAIL": 1012912743})
if _EMAIL_CHANGE is None and contact.EMAIL.flags != 32:
    _EMAIL_CHANGE = "contact.EMAIL's flags changed"

TWINS = twins_where_unchanged({
    contact.EmailRecogniser: (EmailRecogniser, _EMAIL_CHANGE),
    contact.PhoneRecogniser: (PhoneRecogniser, _PHONE_CHANGE),
})
