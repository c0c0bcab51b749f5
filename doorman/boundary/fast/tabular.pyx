# cython: language_level=3, wraparound=False
"""doorman.boundary.tabular's recogniser, compiled: the same findings in the same order.

Each line's delimiters are counted and its fields split in C; a line is a header candidate only when every
field is a short identifier, and only then are the column names looked up: in C, a name holding none of the
letter pairs some column pattern needs has no label; any other is looked up with the reference's patterns.
"""

import re
import warnings

from cpython.unicode cimport PyUnicode_FindChar

from doorman.boundary import tabular
from doorman.boundary.findings import Finding

from doorman.boundary.fast.chars cimport Text, text_of, char_at, is_alnum, is_ascii_alnum, is_space

cdef object NEW_TUPLE = tuple.__new__


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


# LABEL_PAIRS[a][b]: bit k set when an alternative of the k-th column pattern needs the letters a, b side by side
# (a lower-cased header field is Latin-1: under IGNORECASE, its letters match a pattern's only as themselves).
cdef unsigned int LABEL_PAIRS[256][256]
cdef list COLUMN_SEARCHES = [pattern.search for pattern, _ in tabular._COLUMN_LABELS]
cdef list COLUMN_LABELS = [label for _, label in tabular._COLUMN_LABELS]


def _prepare_pairs():
    if any(pattern.flags != re.IGNORECASE | re.UNICODE for pattern, _ in tabular._COLUMN_LABELS):
        raise Drift("tabular's column patterns are not all case-insensitive")
    if "\\" in "".join(pattern.pattern for pattern, _ in tabular._COLUMN_LABELS) or len(COLUMN_LABELS) > 32:
        raise Drift("tabular's column patterns hold an escape, or are too many")
    for k, (pattern, _) in enumerate(tabular._COLUMN_LABELS):
        for alternative in _top_alternatives(pattern.pattern):
            pair = _letter_pair(alternative)
            if pair is None or not pair.islower() or max(map(ord, pair)) > 255:
                raise Drift(f"no letter pair found in tabular's column pattern {alternative!r}")
            LABEL_PAIRS[ord(pair[0])][ord(pair[1])] |= 1u << k


cdef bint READY = False
try:
    _prepare_pairs()
    READY = True
except Drift as drift:
    warnings.warn(f"doorman.boundary.tabular changed ({drift}): TableRecogniser runs uncompiled", stacklevel=1)


cdef object column_label(str header):
    """tabular.column_label for a lower-cased header field (Latin-1 only): the first pattern found in it, of those
    whose letter pairs it holds."""
    cdef Py_ssize_t i, k, n = len(header)
    cdef unsigned int candidates = 0
    cdef Py_UCS4 a, b
    for i in range(n - 1):
        a, b = header[i], header[i + 1]
        if a < 256 and b < 256:
            candidates |= LABEL_PAIRS[a][b]
    k = 0
    while candidates:
        if candidates & 1 and COLUMN_SEARCHES[k](header) is not None:
            return COLUMN_LABELS[k]
        candidates >>= 1
        k += 1
    return None


cdef object sql_inserts = tabular._sql_inserts
cdef Py_UCS4 DELIMITER_CHARS[4]
if len(tabular._DELIMITERS) != 4 or any(len(d) != 1 for d in tabular._DELIMITERS):
    READY = False
    warnings.warn("doorman.boundary.tabular's delimiters changed: TableRecogniser runs uncompiled", stacklevel=1)
else:
    for _k, _d in enumerate(tabular._DELIMITERS):
        DELIMITER_CHARS[_k] = ord(_d)


cdef inline Py_ssize_t find_char(str text, Py_ssize_t start, Py_ssize_t end, Py_UCS4 wanted) except -2:
    """text.find(wanted, start, end) for one character: -1 when absent."""
    if start >= end:
        return -1
    return PyUnicode_FindChar(text, wanted, start, end, 1)


cdef inline Py_ssize_t next_field(str text, Py_ssize_t i, Py_ssize_t line_end, Py_UCS4 delimiter,
                                  Py_ssize_t *field_start, Py_ssize_t *field_end) except -1:
    """One step of tabular.split_fields on the line ending at line_end: the field from i (quotes excluded) and
    where the next field starts (past line_end when this was the last)."""
    cdef Py_ssize_t close, nxt
    if i < line_end and text[i] == 34:  # '"'
        close = find_char(text, i + 1, line_end, 34)
        while close != -1 and close + 1 < line_end and text[close + 1] == 34:
            close = find_char(text, close + 2, line_end, 34)
        if close == -1:
            close = line_end
        field_start[0] = i + 1
        field_end[0] = close
        nxt = find_char(text, close, line_end, delimiter)
        return line_end + 1 if nxt == -1 else nxt + 1
    nxt = find_char(text, i, line_end, delimiter)
    field_start[0] = i
    field_end[0] = line_end if nxt == -1 else nxt
    return field_end[0] + 1


cdef inline bint in_header_class(Py_UCS4 c) noexcept:
    """`[A-Za-zÀ-ÿ0-9_.\\-/#]`"""
    return is_ascii_alnum(c) or 0xC0 <= c <= 0xFF or c == 95 or c == 46 or c == 45 or c == 47 or c == 35


cdef bint is_header_field(str text, Py_ssize_t start, Py_ssize_t end):
    """tabular._HEADER_FIELD.fullmatch(text[start:end]): up to three words joined by single spaces, the first
    opening with a letter and at most 31 long, the others at most 20 (no class character is a space, so the
    split into words is forced)."""
    cdef Py_ssize_t i = start, word_start, words = 0
    cdef Py_UCS4 c
    if start >= end:
        return False
    c = text[start]
    if not (65 <= c <= 90 or 97 <= c <= 122 or 0xC0 <= c <= 0xFF):
        return False
    while True:
        word_start = i
        while i < end and in_header_class(text[i]):
            i += 1
        words += 1
        if i - word_start > (31 if words == 1 else 20) or i == word_start:
            return False
        if i == end:
            return True
        if text[i] != 32 or words == 3:
            return False
        i += 1


cdef inline void strip_span(str text, Py_ssize_t *start, Py_ssize_t *end):
    """str.strip on text[start:end], as bounds."""
    while start[0] < end[0] and is_space(text[start[0]]):
        start[0] += 1
    while end[0] > start[0] and is_space(text[end[0] - 1]):
        end[0] -= 1


cdef list header_labels(str text, Py_ssize_t line_start, Py_ssize_t line_end, Py_UCS4 delimiter):
    """tabular._header on a line holding `delimiter` (its first delimiter present twice): the column labels, or
    None when the line is not a labelled header."""
    cdef Py_ssize_t i, a = 0, b = 0, index
    cdef bint edges = False
    cdef list labels
    cdef str header
    if delimiter == 124:  # | a | b |: a Markdown table's border
        next_field(text, line_start, line_end, delimiter, &a, &b)
        strip_span(text, &a, &b)
        edges = a == b and last_is_empty(text, line_start, line_end, delimiter)
    i, index = line_start, 0
    while i <= line_end:
        i = next_field(text, i, line_end, delimiter, &a, &b)
        strip_span(text, &a, &b)
        if not is_header_field(text, a, b):
            if not (edges and (index == 0 or i > line_end)):
                return None
        index += 1
    labels = []
    i = line_start
    while i <= line_end:
        i = next_field(text, i, line_end, delimiter, &a, &b)
        strip_span(text, &a, &b)
        header = text[a:b].lower()
        labels.append(column_label(header))
    if any(labels):
        return labels
    return None


cdef bint last_is_empty(str text, Py_ssize_t line_start, Py_ssize_t line_end, Py_UCS4 delimiter):
    """Is the line's last field, stripped, empty?"""
    cdef Py_ssize_t i = line_start, a = 0, b = 0
    while i <= line_end:
        i = next_field(text, i, line_end, delimiter, &a, &b)
    strip_span(text, &a, &b)
    return a == b


cdef bint has_insert(str text) except -1:
    """"insert" in text.lower(), searched from its last letter (Horspool): only ASCII letters lower to letters
    of "insert" (İ lowers to 'i' and a combining dot, the Kelvin sign to 'k')."""
    cdef Py_ssize_t i = 5, k, n = len(text), shift
    cdef Py_UCS4 c
    cdef Py_ssize_t lowered
    cdef const char *word = b"insert"
    while i < n:
        c = text[i]
        lowered = (<Py_ssize_t>c) | 32 if c < 128 else 0
        if lowered == 116:  # 't': compare the rest
            for k in range(5):
                c = text[i - 5 + k]
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


cdef bint values_after_parenthesis(str text) except -1:
    """Is some ')' followed by spaces and a 'v'? Every tabular.SQL_INSERT match holds one (`\\)\\s*values`):
    without one no INSERT is found, whatever the cheaper-looking "insert" test says."""
    cdef Py_ssize_t n = len(text), i = find_char(text, 0, n, 41)
    while i != -1:
        i += 1
        while i < n and is_space(text[i]):
            i += 1
        if i < n and (text[i] == 118 or text[i] == 86):
            return True
        i = find_char(text, i, n, 41)
    return False


cdef inline Py_ssize_t next_at_or_after(str text, Py_UCS4 wanted, Py_ssize_t known, Py_ssize_t start,
                                        Py_ssize_t n) except -2:
    """The first `wanted` at or after start, given `known`, an earlier answer (-1: there is none left)."""
    if known == -1 or known >= start:
        return known
    return find_char(text, start, n, wanted)


class TableRecogniser:
    def find(self, str text):
        cdef Text t = text_of(text)
        cdef list found = []
        cdef list labels = None
        cdef Py_ssize_t n = len(text), line_start = 0, line_end, i, a = 0, b = 0, fields, k
        cdef Py_ssize_t next_delimiter[4]
        cdef Py_UCS4 delimiter = 0
        cdef object label
        if values_after_parenthesis(text) and has_insert(text):
            found.extend(sql_inserts(text))
        for k in range(4):
            next_delimiter[k] = find_char(text, 0, n, DELIMITER_CHARS[k])
        if next_delimiter[0] == next_delimiter[1] == next_delimiter[2] == next_delimiter[3] == -1:
            return found
        while line_start <= n:
            line_end = find_char(text, line_start, n, 10)
            if line_end == -1:
                line_end = n
            fields = -1
            if labels is not None and find_char(text, line_start, line_end, delimiter) != -1:
                fields, i = 0, line_start
                while i <= line_end:
                    i = next_field(text, i, line_end, delimiter, &a, &b)
                    fields += 1
            if labels is not None and fields == len(labels):
                i, k = line_start, 0
                while i <= line_end:
                    i = next_field(text, i, line_end, delimiter, &a, &b)
                    label = labels[k]
                    k += 1
                    strip_span(text, &a, &b)
                    if label and a < b and has_alnum(&t, a, b):
                        found.append(NEW_TUPLE(Finding, (a, b, label, 3)))
            else:
                # tabular._header: the first delimiter found twice on the line decides
                labels = None
                for k in range(4):
                    next_delimiter[k] = next_at_or_after(text, DELIMITER_CHARS[k], next_delimiter[k], line_start, n)
                    if next_delimiter[k] != -1 and next_delimiter[k] < line_end:
                        if find_char(text, next_delimiter[k] + 1, line_end, DELIMITER_CHARS[k]) != -1:
                            delimiter = DELIMITER_CHARS[k]
                            labels = header_labels(text, line_start, line_end, delimiter)
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
