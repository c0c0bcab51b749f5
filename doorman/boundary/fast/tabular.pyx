# cython: language_level=3, wraparound=False
"""doorman.boundary.tabular's recogniser, compiled: the same findings in the same order.

Each line's delimiters are counted and its fields split in C; a line is a header candidate only when every
field is a short identifier, and only then are the column names looked up: in C, a name holding none of the
letter pairs some column pattern needs has no label; any other is looked up with the reference's patterns.
"""

import re
import warnings

from cpython.unicode cimport PyUnicode_FindChar

cdef extern from "Python.h":
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)
    unsigned char *PyUnicode_1BYTE_DATA(object o)
from libc.string cimport memchr

from doorman.boundary import tabular
from doorman.boundary.findings import Finding

from cpython.unicode cimport Py_UCS1, Py_UCS2

from doorman.boundary.fast.chars cimport Text, text_of, char_at, is_alnum, is_ascii_alnum, is_space, new_finding


class Drift(Exception):
    """The reference's patterns changed in a way this twin does not follow."""


def _letter_pair(str alternative):
    """Two letters every match of a regex alternative holds side by side (its first such literal pair), or
    None when this reading finds none."""
    i, previous = 0, None
    while i < len(alternative):
        ch = alternative[i]
        required = ch.isalpha() and alternative[i + 1:i + 2] not in ("?", "*", "{")
        if ch == "\\":
            i += 2
            previous = None
            continue
        if ch in "([":  # a group or class: skipped whole
            depth, close = 0, "]" if ch == "[" else ")"
            while i < len(alternative):
                depth += alternative[i] == ch
                depth -= alternative[i] == close
                i += 1
                if depth == 0:
                    break
            previous = None
            continue
        if required and previous is not None:
            return previous + ch
        previous = ch if required else None
        i += 1
    return None


def _top_alternatives(str pattern):
    parts, depth, current = [], 0, ""
    for ch in pattern:
        depth += ch in "(["
        depth -= ch in ")]"
        if ch == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return parts + [current]


# The column patterns' top-level alternatives, in order (pattern by pattern): a pattern is found in a header iff
# one of its alternatives is. LABEL_PAIRS[a][b]: bit j set when the j-th alternative needs the letters a, b side by
# side (a lower-cased header field is Latin-1: under IGNORECASE, its letters match a pattern's only as themselves,
# so a letters-only alternative is found exactly as the plain substring).
cdef unsigned long long LABEL_PAIRS[256][256]
cdef list ALTERNATIVE_TESTS = []  # per alternative: (how, what) pairs, any passing: 0 `what in`, 1 startswith, 2 endswith, 3 ==, 4 a search
cdef list ALTERNATIVE_LABELS = []


def _spellings(str alternative):
    """Every string a column pattern's alternative matches, '^' and '$' kept where it anchors (a lower-cased
    Latin-1 header meets a Latin-1 letter under IGNORECASE only as itself): literals, classes of letters,
    `(?:a|b)` groups and `?` after either or a character; None for anything else, or too many."""
    cdef Py_ssize_t i = 0, close
    words = [""]
    while i < len(alternative):
        ch = alternative[i]
        if ch == "[":
            close = alternative.find("]", i)
            choices = list(alternative[i + 1:close])
            if close == -1 or any(c in "\\^]" for c in choices) or "-" in choices[1:]:
                return None
            i = close + 1
        elif alternative.startswith("(?:", i):
            close = alternative.find(")", i)
            choices = alternative[i + 3:close].split("|")
            if close == -1 or any(c in "([?\\" for c in alternative[i + 3:close]):
                return None
            i = close + 1
        elif ch in "()|\\*+{.":
            return None
        else:
            choices = [ch]
            i += 1
        if alternative[i:i + 1] == "?":
            choices = choices + [""]
            i += 1
        words = [word + choice for word in words for choice in choices]
        if len(words) > 32:
            return None
    if any("^" in word[1:] or "$" in word[:len(word) - 1] or not word.strip("^$") for word in words):
        return None
    return words


def _prepare_pairs():
    if any(pattern.flags != re.IGNORECASE | re.UNICODE for pattern, _ in tabular._COLUMN_LABELS):
        raise Drift("tabular's column patterns are not all case-insensitive")
    if "\\" in "".join(pattern.pattern for pattern, _ in tabular._COLUMN_LABELS):
        raise Drift("tabular's column patterns hold an escape")
    for pattern, label in tabular._COLUMN_LABELS:
        if not isinstance(label, str) or not label:  # find tests a label against None only
            raise Drift(f"tabular's column label {label!r} is not a non-empty string")
        for alternative in _top_alternatives(pattern.pattern):
            pair = _letter_pair(alternative)
            if pair is None or not pair.islower() or max(map(ord, pair)) > 255 or len(ALTERNATIVE_LABELS) >= 64:
                raise Drift(f"no letter pair found in tabular's column pattern {alternative!r}, or too many")
            LABEL_PAIRS[ord(pair[0])][ord(pair[1])] |= 1ull << len(ALTERNATIVE_LABELS)
            spelled = _spellings(alternative)
            if spelled is not None and all(max(map(ord, word)) < 256 for word in spelled):
                tests = []
                for word in spelled:
                    anchored = word.startswith("^") + 2 * word.endswith("$")
                    tests.append((anchored, word.strip("^$")))
                ALTERNATIVE_TESTS.append(tuple(tests))
            else:
                ALTERNATIVE_TESTS.append(((4, re.compile(alternative, pattern.flags).search),))
            ALTERNATIVE_LABELS.append(label)


cdef bint READY = False
try:
    _prepare_pairs()
    READY = True
except Drift as drift:
    warnings.warn(f"doorman.boundary.tabular changed ({drift}): TableRecogniser runs uncompiled", stacklevel=1)


cdef object column_label(str header):
    """tabular.column_label for a lower-cased header field (Latin-1 only): the label of the first alternative
    found in it, of those whose letter pairs it holds."""
    cdef Py_ssize_t i, j, n = len(header)
    cdef unsigned long long candidates = 0
    cdef Py_UCS4 a, b
    cdef int how
    cdef Text h = text_of(header)
    for i in range(n - 1):
        a, b = char_at(&h, i), char_at(&h, i + 1)
        if a < 256 and b < 256:
            candidates |= LABEL_PAIRS[a][b]
    j = 0
    while candidates:
        if candidates & 1:
            for how, what in <tuple>ALTERNATIVE_TESTS[j]:
                if (what in header if how == 0 else header.startswith(what) if how == 1 else
                        header.endswith(what) if how == 2 else header == what if how == 3 else
                        what(header) is not None):
                    return ALTERNATIVE_LABELS[j]
        candidates >>= 1
        j += 1
    return None


cdef object sql_inserts = tabular._sql_inserts
# LINE_SLOT[c] for an ASCII c: 0-3 the delimiter's index in tabular._DELIMITERS, QUOTE_SLOT '"', NEWLINE_SLOT '\n'
DEF QUOTE_SLOT = 4
DEF NEWLINE_SLOT = 5
cdef signed char LINE_SLOT[128]
cdef unsigned char LINE_CHARS[6]  # the characters whose slot is not -1, by slot
cdef Py_UCS4 DELIMITER_CHARS[4]
for _k in range(128):
    LINE_SLOT[_k] = -1
LINE_SLOT[34] = QUOTE_SLOT
LINE_SLOT[10] = NEWLINE_SLOT
if (len(tabular._DELIMITERS) != 4 or any(len(d) != 1 or not d.isascii() or d in '"\n' for d in tabular._DELIMITERS)
        or len(set(tabular._DELIMITERS)) != 4):
    READY = False
    warnings.warn("doorman.boundary.tabular's delimiters changed: TableRecogniser runs uncompiled", stacklevel=1)
else:
    for _k, _d in enumerate(tabular._DELIMITERS):
        DELIMITER_CHARS[_k] = ord(_d)
        LINE_SLOT[ord(_d)] = _k
        LINE_CHARS[_k] = ord(_d)
    LINE_CHARS[QUOTE_SLOT] = 34
    LINE_CHARS[NEWLINE_SLOT] = 10


cdef extern from *:
    """
    #if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
    #include <emmintrin.h>
    #define DOORMAN_LINE_SIMD 1
    #endif
    /* The end of the line from i (its '\n', or n), adding to counts[slot[c]] for each ASCII c on it whose slot is
       0-4 (slot 5: '\n'; -1: not counted); `wanted` holds the six characters whose slot is not -1. Sixteen bytes
       (eight UCS-2 units) at a time where SSE2 is there; reads stay within [i, n). */
    /* Counts c (slot 0-4) on the line; 1 when c ends it (slot 5). */
    static inline int doorman_line_count(unsigned int c, const signed char *slot, Py_ssize_t *counts) {
        signed char s;
        if (c >= 128 || (s = slot[c]) < 0) return 0;
        if (s == 5) return 1;
        counts[s] += 1;
        return 0;
    }
    #ifdef DOORMAN_LINE_SIMD
    /* the six characters `wanted` holds, each in all sixteen bytes (as bytes) and all eight units (as UCS-2):
       made once, as each line's scan would make them again */
    static __m128i doorman_line_wanted8[6], doorman_line_wanted16[6];
    #endif
    static void doorman_line_prepare(const unsigned char *wanted) {
    #ifdef DOORMAN_LINE_SIMD
        int k;
        for (k = 0; k < 6; k++) {
            doorman_line_wanted8[k] = _mm_set1_epi8((char)wanted[k]);
            doorman_line_wanted16[k] = _mm_set1_epi16(wanted[k]);
        }
    #endif
    }
    static Py_ssize_t doorman_scan_line_ucs1(const unsigned char *p, Py_ssize_t i, Py_ssize_t n,
                                             const signed char *slot, const unsigned char *wanted, Py_ssize_t *counts) {
    #ifdef DOORMAN_LINE_SIMD
        const __m128i w0 = doorman_line_wanted8[0], w1 = doorman_line_wanted8[1], w2 = doorman_line_wanted8[2],
                      w3 = doorman_line_wanted8[3], w4 = doorman_line_wanted8[4], w5 = doorman_line_wanted8[5];
        (void)wanted;
        while (i + 16 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
            __m128i hit = _mm_or_si128(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, w0), _mm_cmpeq_epi8(v, w1)),
                                                    _mm_or_si128(_mm_cmpeq_epi8(v, w2), _mm_cmpeq_epi8(v, w3))),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, w4), _mm_cmpeq_epi8(v, w5)));
            unsigned int mask = (unsigned int)_mm_movemask_epi8(hit);
            while (mask) {
                Py_ssize_t at = i + __builtin_ctz(mask);
                if (doorman_line_count(p[at], slot, counts)) return at;
                mask &= mask - 1;
            }
            i += 16;
        }
    #endif
        for (; i < n; i++) {
            if (doorman_line_count(p[i], slot, counts)) return i;
        }
        return n;
    }
    /* Bit k of *hit: byte k of the sixty-four at q is one of wanted[0..4] (the delimiters and '"'); of *nl: it is
       wanted[5] ('\n'). */
    static inline void doorman_line_masks64(const unsigned char *q, const unsigned char *wanted,
                                            unsigned long long *hit, unsigned long long *nl) {
        unsigned long long h = 0, l = 0;
        int c;
    #ifdef DOORMAN_LINE_SIMD
        const __m128i w0 = doorman_line_wanted8[0], w1 = doorman_line_wanted8[1], w2 = doorman_line_wanted8[2],
                      w3 = doorman_line_wanted8[3], w4 = doorman_line_wanted8[4], w5 = doorman_line_wanted8[5];
        __m128i v;
        (void)wanted;
        for (c = 0; c < 4; c++) {
            v = _mm_loadu_si128((const __m128i *)(q + 16 * c));
            h |= (unsigned long long)(unsigned int)_mm_movemask_epi8(
                _mm_or_si128(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, w0), _mm_cmpeq_epi8(v, w1)),
                                          _mm_or_si128(_mm_cmpeq_epi8(v, w2), _mm_cmpeq_epi8(v, w3))),
                             _mm_cmpeq_epi8(v, w4))) << (16 * c);
            l |= (unsigned long long)(unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(v, w5)) << (16 * c);
        }
    #else
        int s;
        for (c = 0; c < 64; c++) {
            for (s = 0; s < 5; s++) {
                if (q[c] == wanted[s]) h |= 1ULL << c;
            }
            if (q[c] == wanted[5]) l |= 1ULL << c;
        }
    #endif
        *hit = h;
        *nl = l;
    }
    /* The start of the first line from i (a line's start) that holds two or more of wanted[0..4] (the
       delimiters and '"'), or n + 1: sixty-four bytes at a time, the last ones from a zero-padded copy. A line
       with fewer holds no delimiter twice. */
    static Py_ssize_t doorman_busy_line_ucs1(const unsigned char *p, Py_ssize_t i, Py_ssize_t n,
                                             const unsigned char *wanted) {
        Py_ssize_t start = i;
        int seen = 0;
        unsigned long long nl, hit, first, before, h;
        unsigned char tail[64];
        while (i < n) {
            if (i + 64 <= n) {
                doorman_line_masks64(p + i, wanted, &hit, &nl);
            } else {
                memset(tail, 0, 64);
                memcpy(tail, p + i, (size_t)(n - i));
                doorman_line_masks64(tail, wanted, &hit, &nl);
                hit &= (1ULL << (n - i)) - 1ULL;
                nl &= (1ULL << (n - i)) - 1ULL;
            }
            while (nl) {
                first = nl & (0ULL - nl);
                before = first - 1ULL;
                h = hit & before;
                if (h)
                    seen += (h & (h - 1ULL)) ? 2 : 1;
                if (seen >= 2)
                    return start;
                start = i + __builtin_ctzll(nl) + 1;
                seen = 0;
                hit &= ~(before | first);
                nl &= nl - 1ULL;
            }
            if (hit)
                seen += (hit & (hit - 1ULL)) ? 2 : 1;
            if (seen >= 2)
                return start;
            i += 64;
        }
        return seen >= 2 ? start : n + 1;
    }
    static Py_ssize_t doorman_scan_line_ucs2(const Py_UCS2 *p, Py_ssize_t i, Py_ssize_t n,
                                             const signed char *slot, const unsigned char *wanted, Py_ssize_t *counts) {
    #ifdef DOORMAN_LINE_SIMD
        const __m128i w0 = doorman_line_wanted16[0], w1 = doorman_line_wanted16[1], w2 = doorman_line_wanted16[2],
                      w3 = doorman_line_wanted16[3], w4 = doorman_line_wanted16[4], w5 = doorman_line_wanted16[5];
        (void)wanted;
        while (i + 8 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
            __m128i hit = _mm_or_si128(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi16(v, w0), _mm_cmpeq_epi16(v, w1)),
                                                    _mm_or_si128(_mm_cmpeq_epi16(v, w2), _mm_cmpeq_epi16(v, w3))),
                                       _mm_or_si128(_mm_cmpeq_epi16(v, w4), _mm_cmpeq_epi16(v, w5)));
            unsigned int mask = (unsigned int)_mm_movemask_epi8(hit) & 0x5555u;
            while (mask) {
                Py_ssize_t at = i + (__builtin_ctz(mask) >> 1);
                if (doorman_line_count(p[at], slot, counts)) return at;
                mask &= mask - 1;
            }
            i += 8;
        }
    #endif
        for (; i < n; i++) {
            if (doorman_line_count(p[i], slot, counts)) return i;
        }
        return n;
    }
    """
    void line_prepare "doorman_line_prepare"(const unsigned char *wanted) noexcept
    Py_ssize_t scan_line_ucs1 "doorman_scan_line_ucs1"(const Py_UCS1 *p, Py_ssize_t i, Py_ssize_t n,
                                                       const signed char *slot, const unsigned char *wanted,
                                                       Py_ssize_t *counts) noexcept
    Py_ssize_t busy_line_ucs1 "doorman_busy_line_ucs1"(const Py_UCS1 *p, Py_ssize_t i, Py_ssize_t n,
                                                       const unsigned char *wanted) noexcept
    Py_ssize_t scan_line_ucs2 "doorman_scan_line_ucs2"(const Py_UCS2 *p, Py_ssize_t i, Py_ssize_t n,
                                                       const signed char *slot, const unsigned char *wanted,
                                                       Py_ssize_t *counts) noexcept


line_prepare(LINE_CHARS)


cdef inline Py_ssize_t scan_line(const Text *t, Py_ssize_t i, Py_ssize_t *counts) noexcept:
    """The end of the line starting at i (its '\\n', or the text's end), counting on the line each delimiter
    (counts[0..3]) and '"' (counts[QUOTE_SLOT]): one pass, in place."""
    cdef Py_ssize_t n = t.n
    cdef const Py_UCS4 *bytes4
    cdef unsigned int c
    cdef signed char slot
    if t.kind == 1:
        return scan_line_ucs1(<const Py_UCS1 *>t.data, i, n, LINE_SLOT, LINE_CHARS, counts)
    if t.kind == 2:
        return scan_line_ucs2(<const Py_UCS2 *>t.data, i, n, LINE_SLOT, LINE_CHARS, counts)
    bytes4 = <const Py_UCS4 *>t.data
    while i < n:
        c = bytes4[i]
        if c < 128:
            slot = LINE_SLOT[c]
            if slot >= 0:
                if slot == NEWLINE_SLOT:
                    return i
                counts[slot] += 1
        i += 1
    return n


cdef inline Py_ssize_t find_char(str text, const Text *t, Py_ssize_t start, Py_ssize_t end, Py_UCS4 wanted) except -2:
    """text.find(wanted, start, end) for one (ASCII) character: -1 when absent. memchr on a Latin-1 text."""
    cdef const void *hit
    if start >= end:
        return -1
    if t.kind == 1 and 0 <= start and end <= t.n and wanted < 128:
        hit = memchr(<const char *>t.data + start, <int>wanted, <size_t>(end - start))
        return -1 if hit == NULL else <const char *>hit - <const char *>t.data
    return PyUnicode_FindChar(text, wanted, start, end, 1)


cdef inline Py_ssize_t next_field(str text, const Text *t, Py_ssize_t i, Py_ssize_t line_end, Py_UCS4 delimiter,
                                  Py_ssize_t *field_start, Py_ssize_t *field_end) except -1:
    """One step of tabular.split_fields on the line ending at line_end: the field from i (quotes excluded) and
    where the next field starts (past line_end when this was the last)."""
    cdef Py_ssize_t close, nxt
    if i < line_end and char_at(t, i) == 34:  # '"'
        close = find_char(text, t, i + 1, line_end, 34)
        while close != -1 and close + 1 < line_end and char_at(t, close + 1) == 34:
            close = find_char(text, t, close + 2, line_end, 34)
        if close == -1:
            close = line_end
        field_start[0] = i + 1
        field_end[0] = close
        nxt = find_char(text, t, close, line_end, delimiter)
        return line_end + 1 if nxt == -1 else nxt + 1
    nxt = find_char(text, t, i, line_end, delimiter)
    field_start[0] = i
    field_end[0] = line_end if nxt == -1 else nxt
    return field_end[0] + 1


cdef inline bint in_header_class(Py_UCS4 c) noexcept:
    """`[A-Za-zÀ-ÿ0-9_.\\-/#]`"""
    return is_ascii_alnum(c) or 0xC0 <= c <= 0xFF or c == 95 or c == 46 or c == 45 or c == 47 or c == 35


cdef bint is_header_field(str text, const Text *t, Py_ssize_t start, Py_ssize_t end):
    """tabular._HEADER_FIELD.fullmatch(text[start:end]): up to three words joined by single spaces, the first
    opening with a letter and at most 31 long, the others at most 20 (no class character is a space, so the
    split into words is forced)."""
    cdef Py_ssize_t i = start, word_start, words = 0
    cdef Py_UCS4 c
    if start >= end:
        return False
    c = char_at(t, start)
    if not (65 <= c <= 90 or 97 <= c <= 122 or 0xC0 <= c <= 0xFF):
        return False
    while True:
        word_start = i
        while i < end and in_header_class(char_at(t, i)):
            i += 1
        words += 1
        if i - word_start > (31 if words == 1 else 20) or i == word_start:
            return False
        if i == end:
            return True
        if char_at(t, i) != 32 or words == 3:
            return False
        i += 1


cdef inline void strip_span(str text, const Text *t, Py_ssize_t *start, Py_ssize_t *end):
    """str.strip on text[start:end], as bounds."""
    while start[0] < end[0] and is_space(char_at(t, start[0])):
        start[0] += 1
    while end[0] > start[0] and is_space(char_at(t, end[0] - 1)):
        end[0] -= 1


cdef list header_labels(str text, const Text *t, Py_ssize_t line_start, Py_ssize_t line_end, Py_UCS4 delimiter):
    """tabular._header on a line holding `delimiter` (its first delimiter present twice): the column labels, or
    None when the line is not a labelled header."""
    cdef Py_ssize_t i, a = 0, b = 0, index
    cdef bint edges = False
    cdef list labels
    if delimiter == 124:  # | a | b |: a Markdown table's border
        next_field(text, t, line_start, line_end, delimiter, &a, &b)
        strip_span(text, t, &a, &b)
        edges = a == b and last_is_empty(text, t, line_start, line_end, delimiter)
    i, index = line_start, 0
    while i <= line_end:
        i = next_field(text, t, i, line_end, delimiter, &a, &b)
        strip_span(text, t, &a, &b)
        if not is_header_field(text, t, a, b):
            if not (edges and (index == 0 or i > line_end)):
                return None
        index += 1
    labels = []
    i = line_start
    while i <= line_end:
        i = next_field(text, t, i, line_end, delimiter, &a, &b)
        strip_span(text, t, &a, &b)
        labels.append(column_label(lowered_field(text, t, a, b)))
    if any(labels):
        return labels
    return None


cdef str lowered_field(str text, const Text *t, Py_ssize_t a, Py_ssize_t b):
    """text[a:b].lower() for a header field (`_HEADER_FIELD`'s Latin-1 characters and spaces, or empty), made in C:
    only the capitals A-Z and À-Þ (less ×) have a different lower case there, 32 on."""
    cdef Py_ssize_t k
    cdef Py_UCS4 c, most = 0
    cdef unsigned int code
    cdef str lowered
    cdef unsigned char *out
    for k in range(a, b):
        c = char_at(t, k)
        if c > most:
            most = c
    if most > 255:  # not a header field: as the reference does
        return text[a:b].lower()
    lowered = PyUnicode_New(b - a, 127 if most < 128 else 255)
    out = PyUnicode_1BYTE_DATA(lowered)
    for k in range(a, b):
        code = char_at(t, k)
        if 65 <= code <= 90 or 0xC0 <= code <= 0xDE and code != 0xD7:
            code += 32
        out[k - a] = <unsigned char>code
    return lowered


cdef bint last_is_empty(str text, const Text *t, Py_ssize_t line_start, Py_ssize_t line_end, Py_UCS4 delimiter):
    """Is the line's last field, stripped, empty?"""
    cdef Py_ssize_t i = line_start, a = 0, b = 0
    while i <= line_end:
        i = next_field(text, t, i, line_end, delimiter, &a, &b)
    strip_span(text, t, &a, &b)
    return a == b


cdef extern from *:
    """
    /* bit k: bytes k, k + 1, k + 2 of the sixty-four at s are 'i', 'n', 's' in either case (k < 62, or any k where
       the bytes past 63 would be NUL) */
    static inline unsigned long long doorman_ins64(const unsigned char *s) {
        unsigned long long i = 0, n = 0, z = 0;
        int c;
    #ifdef DOORMAN_LINE_SIMD
        __m128i v;
        for (c = 0; c < 4; c++) {
            v = _mm_or_si128(_mm_loadu_si128((const __m128i *)(s + 16 * c)), _mm_set1_epi8(0x20));
            i |= (unsigned long long)(unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('i'))) << (16 * c);
            n |= (unsigned long long)(unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('n'))) << (16 * c);
            z |= (unsigned long long)(unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('s'))) << (16 * c);
        }
    #else
        for (c = 0; c < 64; c++) {
            if ((s[c] | 0x20) == 'i') i |= 1ULL << c;
            if ((s[c] | 0x20) == 'n') n |= 1ULL << c;
            if ((s[c] | 0x20) == 's') z |= 1ULL << c;
        }
    #endif
        return i & (n >> 1) & (z >> 2);
    }
    /* "insert" in ASCII letters of either case in the one-byte text s[:n] (a byte | 0x20 is an ASCII letter only
       for that letter's two cases) */
    static int doorman_latin_has_insert(const unsigned char *s, Py_ssize_t n) {
        Py_ssize_t b = 0, k;
        unsigned long long m;
        unsigned char tail[64];
        while (b < n) {
            if (b + 64 <= n) {
                m = doorman_ins64(s + b) & 0x3FFFFFFFFFFFFFFFULL;
            } else {
                memset(tail, 0, 64);
                memcpy(tail, s + b, (size_t)(n - b));
                m = doorman_ins64(tail);
            }
            while (m) {
                k = b + __builtin_ctzll(m);
                if (k + 6 <= n && (s[k + 3] | 0x20) == 'e' && (s[k + 4] | 0x20) == 'r' && (s[k + 5] | 0x20) == 't')
                    return 1;
                m &= m - 1;
            }
            b += 62;
        }
        return 0;
    }
    """
    bint latin_has_insert "doorman_latin_has_insert"(const Py_UCS1 *s, Py_ssize_t n) noexcept


cdef bint has_insert(str text, const Text *t) except -1:
    """"insert" in text.lower(), searched from its last letter (Horspool): only ASCII letters lower to letters
    of "insert" (İ lowers to 'i' and a combining dot, the Kelvin sign to 'k')."""
    cdef Py_ssize_t i = 5, k, n = len(text), shift
    cdef Py_UCS4 c
    cdef Py_ssize_t lowered
    cdef const char *word = b"insert"
    if t.kind == 1:
        return latin_has_insert(<const Py_UCS1 *>t.data, t.n)
    while i < n:
        c = char_at(t, i)
        lowered = (<Py_ssize_t>c) | 32 if c < 128 else 0
        if lowered == 116:  # 't': compare the rest
            for k in range(5):
                c = char_at(t, i - 5 + k)
                if c != <Py_UCS4>word[k] and c != <Py_UCS4>(word[k] - 32):
                    break
            else:
                return True
            shift = 6
        elif lowered == 114:
            shift = 1
        elif lowered == 101:
            shift = 2
        elif lowered == 115:
            shift = 3
        elif lowered == 110:
            shift = 4
        elif lowered == 105:
            shift = 5
        else:
            shift = 6
        i += shift
    return False


cdef bint values_after_parenthesis(str text, const Text *t) except -1:
    """Is some ')' followed by spaces and a 'v'? Every tabular.SQL_INSERT match holds one (`\\)\\s*values`):
    without one no INSERT is found, whatever the cheaper-looking "insert" test says."""
    cdef Py_ssize_t n = len(text), i = find_char(text, t, 0, n, 41)
    while i != -1:
        i += 1
        while i < n and is_space(char_at(t, i)):
            i += 1
        if i < n and (char_at(t, i) == 118 or char_at(t, i) == 86):
            return True
        i = find_char(text, t, i, n, 41)
    return False


class TableRecogniser:
    def find(self, str text):
        cdef Text t = text_of(text)
        cdef list found = []
        cdef list labels = None
        cdef Py_ssize_t n = len(text), line_start = 0, line_end, i, a = 0, b = 0, fields, k, slot = 0
        cdef Py_ssize_t counts[5]
        cdef Py_UCS4 delimiter = 0
        cdef object label
        if values_after_parenthesis(text, &t) and has_insert(text, &t):
            found.extend(sql_inserts(text))
        while line_start <= n:
            if labels is None and t.kind == 1:
                # outside a table only a line with a delimiter twice does anything: on to the next that may
                line_start = busy_line_ucs1(<const Py_UCS1 *>t.data, line_start, n, LINE_CHARS)
                if line_start > n:
                    break
            counts[0] = counts[1] = counts[2] = counts[3] = counts[QUOTE_SLOT] = 0
            line_end = scan_line(&t, line_start, counts)
            fields = -1
            if labels is not None and counts[slot] != 0:
                if counts[QUOTE_SLOT] == 0:
                    fields = counts[slot] + 1
                else:
                    fields, i = 0, line_start
                    while i <= line_end:
                        i = next_field(text, &t, i, line_end, delimiter, &a, &b)
                        fields += 1
            if labels is not None and fields == len(labels):
                i, k = line_start, 0
                while i <= line_end:
                    i = next_field(text, &t, i, line_end, delimiter, &a, &b)
                    label = labels[k]
                    k += 1
                    strip_span(text, &t, &a, &b)
                    if label is not None and a < b and has_alnum(&t, a, b):  # a label is None or a non-empty str
                        found.append(new_finding(Finding, a, b, label, 3))
            else:
                # tabular._header: the first delimiter found twice on the line decides
                labels = None
                for k in range(4):
                    if counts[k] >= 2:
                        slot = k
                        delimiter = DELIMITER_CHARS[k]
                        labels = header_labels(text, &t, line_start, line_end, delimiter)
                        break
            line_start = line_end + 1
        return found


cdef inline bint has_alnum(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    cdef Py_ssize_t i
    for i in range(start, end):
        if is_alnum(char_at(t, i)):
            return True
    return False


TWINS = {tabular.TableRecogniser: TableRecogniser} if READY else {}
