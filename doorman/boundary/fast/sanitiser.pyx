# cython: language_level=3, wraparound=False
"""doorman.boundary.sanitiser's request run and placeholder writing, compiled: the same texts and mapping."""

from libc.string cimport memcpy

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.object cimport PyObject
from cpython.unicode cimport Py_UCS1, Py_UCS2, PyUnicode_DATA, PyUnicode_FindChar, PyUnicode_KIND

cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object)
    str PyUnicode_New(Py_ssize_t, Py_UCS4)
    str PyUnicode_FromKindAndData(int, const void *, Py_ssize_t)
    dict _PyDict_NewPresized(Py_ssize_t)
    PyObject *PyDict_SetDefault(object, object, object) except NULL
    Py_ssize_t PyDict_GET_SIZE(object)

from doorman.boundary.fast.chars cimport Text, char_at, is_digit, is_space, text_of

from doorman.boundary import sanitiser as reference
from doorman.boundary.placeholders import LOOSE, PlaceholderMap, _shares_digits, key

cdef object LOOSE_MATCH = LOOSE.match
cdef object SANITISED = reference.Sanitised


cdef inline bint _is_ascii_letter(Py_UCS4 c) noexcept:
    return 65 <= <unsigned int> c <= 90 or 97 <= <unsigned int> c <= 122


cdef inline bint _is_separator(Py_UCS4 c) noexcept:
    return c == 95 or c == 45 or c == 32  # [_\- ]


cdef inline bint _digit_after(const Text *t, Py_ssize_t q) noexcept:
    """`\\s?\\d` can follow a separator at q"""
    return is_digit(char_at(t, q + 1)) or (is_space(char_at(t, q + 1)) and is_digit(char_at(t, q + 2)))


cdef bint _may_be_loose(const Text *t, Py_ssize_t pos) noexcept:
    """False where LOOSE cannot match at the '[' at pos: `\\s?` then 2 to 20 ASCII letters, `\\s?[_\\- ]\\s?`
    and a digit. Letters are no space, so the letters' run starts right after any one space."""
    cdef Py_ssize_t i = pos + 1, j
    if is_space(char_at(t, i)):
        i += 1
    j = i
    while _is_ascii_letter(char_at(t, j)):
        j += 1
    if not 2 <= j - i <= 20:
        return False
    if _is_separator(char_at(t, j)) and _digit_after(t, j):
        return True
    return is_space(char_at(t, j)) and _is_separator(char_at(t, j + 1)) and _digit_after(t, j + 1)


cdef set _reserved(list texts):
    """PlaceholderMap.for_texts' reserved keys. A LOOSE match holds one '[', where it starts, so matches at
    each '[' are the matches finditer finds."""
    cdef set reserved = set()
    cdef Py_ssize_t pos
    cdef str text
    cdef Text t
    for text in texts:
        pos = PyUnicode_FindChar(text, 91, 0, len(text), 1)
        if pos < 0:
            continue
        t = text_of(text)
        while pos >= 0:
            if _may_be_loose(&t, pos):
                m = LOOSE_MATCH(text, pos)
                if m is not None:
                    reserved.add(key(m.group(1), m.group(2)))
            pos = PyUnicode_FindChar(text, 91, pos + 1, len(text), 1)
    return reserved


def sanitise_texts(list texts, list finds, steps):
    written, kept, mapping, reserved, by_value, by_key, counters = request_run(texts, finds, steps)
    if mapping is None:
        mapping = PlaceholderMap(reserved, by_value, by_key, counters)
    return SANITISED(written, mapping, texts, kept)


cdef tuple request_run(list texts, list finds, steps):
    """sanitise_texts before its result is made: (the written texts, each text's kept findings, the mapping (None
    when the compiled replace wrote straight into its dicts), and its dicts: reserved, by_value, by_key,
    counters)."""
    echo_terms, email_name_terms, find_terms, resolve_overlaps, replace_ = steps
    cdef list found = [], kept = [], written = []
    cdef list findings
    cdef set terms = set(), reserved
    cdef Py_ssize_t i, count = len(texts), values = 0
    cdef dict by_value, by_key, counters
    for i in range(count):
        findings = []
        for find in finds:
            findings.extend(find(texts[i]))
        found.append(findings)
    for i in range(count):
        more = echo_terms(texts[i], found[i])
        if type(more) is not set or len(<set> more):  # an empty set adds nothing
            terms |= more
        more = email_name_terms(texts[i])
        if type(more) is not set or len(<set> more):
            terms |= more
    if terms:
        for i in range(count):
            (<list> found[i]).extend(find_terms(texts[i], terms))
    reserved = _reserved(texts)
    for i in range(count):
        kept.append(resolve_overlaps(found[i]))
        if type(kept[i]) is list:
            values += len(<list> kept[i])
    # the mapping's dicts made at their final size: at most one value (and key) per finding kept
    by_value, by_key = _PyDict_NewPresized(values), _PyDict_NewPresized(values)
    counters = _PyDict_NewPresized(values // 2)  # about two findings kept per label
    if replace_ is replace:
        for i in range(count):
            written.append(_replace(<str?> texts[i], <list?> kept[i], by_value, by_key, counters, reserved))
        return written, kept, None, reserved, by_value, by_key, counters
    mapping = PlaceholderMap(reserved, by_value, by_key, counters)
    for i in range(count):
        written.append(replace_(texts[i], kept[i], mapping))
    return written, kept, mapping, mapping.reserved, mapping.by_value, mapping.by_key, mapping.counters


cdef enum:
    LABELS = 32  # labels counted in C in one call; any further ones count in the mapping's dict directly
    NUMBERED = 24  # placeholders made once per label and number, and reused by every request


# label -> [label.upper(), then (f"[{upper}_{n}]", f"{upper}_{n}") for n in 1..NUMBERED, each made when first
# needed]: labels are the recognisers' and vault's types, never request data
cdef dict MADE = {}


cdef enum:
    KNOWN = 64  # labels whose lists are found by identity, before MADE is asked


cdef PyObject *KNOWN_LABELS[KNOWN]  # borrowed: each held, with its list, by HELD
cdef PyObject *KNOWN_MADE[KNOWN]
cdef Py_ssize_t known = 0
cdef list HELD = []


cdef list _made(str label):
    """The label's list of placeholders (set in one go, so a thread never sees a list being made)."""
    global known
    cdef Py_ssize_t k
    for k in range(known):
        if KNOWN_LABELS[k] == <PyObject *> label:
            return <list> KNOWN_MADE[k]
    made = MADE.get(label)
    if made is None:
        made = MADE.setdefault(label, [label.upper()] + [None] * NUMBERED)
    if known < KNOWN and type(label) is str:
        HELD.append((label, made))
        KNOWN_LABELS[known], KNOWN_MADE[known] = <PyObject *> label, <PyObject *> made
        known += 1
    return made


cdef tuple _numbered(list made, Py_ssize_t number):
    """(placeholder, key) for the label's number"""
    cdef tuple pair
    if number <= NUMBERED:
        pair = made[number]
        if pair is not None:
            return pair
    key = f"{made[0]}_{number}"
    pair = (f"[{key}]", key)
    if number <= NUMBERED:
        made[number] = pair
    return pair


cdef struct Counter:
    # one label's numbering during a call, written back to the mapping's counters at its end
    PyObject *label  # borrowed: held by the findings for the call
    PyObject *made  # borrowed: held by MADE
    Py_ssize_t number


cdef inline Py_ssize_t _counted(const Counter *counting, Py_ssize_t labels, str label) except -1:
    """Where `label` is counted, or `labels` when it is not yet: by identity (the recognisers' constants), else
    by value (a vault's types are read row by row)."""
    cdef Py_ssize_t k
    for k in range(labels):
        if counting[k].label == <PyObject *> label:
            return k
    for k in range(labels):
        if <str> counting[k].label == label:
            return k
    return labels


cdef struct Span:
    Py_ssize_t start, end
    PyObject *placeholder  # borrowed: held by the mapping


cdef inline str _value(str text, bint ascii, Py_ssize_t start, Py_ssize_t end):
    """text[start:end]; an ASCII text's slice written straight into a new ASCII string"""
    cdef str value
    if ascii and 0 <= start <= end <= len(text):
        value = PyUnicode_New(end - start, 127)
        memcpy(PyUnicode_DATA(value), <const char *> PyUnicode_DATA(text) + start, end - start)
        return value
    return text[start:end]


def replace(str text, list kept, mapping):
    return _replace(text, kept, mapping.by_value, mapping.by_key, mapping.counters, mapping.reserved)


cdef str _replace(str text, list kept, dict by_value, dict by_key, dict counters, set reserved):
    # PlaceholderMap.placeholder inlined: most values are new to the request, and a method call each costs.
    # A value's placeholder is reckoned before it is known to be new, so that one setdefault both looks the
    # value up and enters it; the numbering moves on only when it was new.
    cdef bint any_reserved = len(reserved) > 0, ascii = PyUnicode_IS_ASCII(text)
    cdef Py_ssize_t count = len(kept), i, start, end, number, k, labels = 0, length = len(text), values
    cdef Counter counting[LABELS]
    cdef tuple f, pair
    cdef list made
    cdef Span *spans
    if count == 0:
        return text
    spans = <Span *> PyMem_Malloc(count * sizeof(Span))
    if spans == NULL:
        raise MemoryError()
    try:
        for i in range(count):
            f = <tuple> kept[i]  # a Finding: a tuple subclass, read as a tuple
            start, end, label = f[0], f[1], <str?> f[2]
            value = _value(text, ascii, start, end)
            k = _counted(counting, labels, label)
            if k < labels:
                number, made = counting[k].number, <list> counting[k].made
            else:
                number = counters.get(label, 0) if PyDict_GET_SIZE(counters) else 0
                made = _made(label)
            while True:
                number += 1
                pair = _numbered(made, number)
                key = pair[1]
                if not (any_reserved and key in reserved) and not (number >= 1000 and _shares_digits(number, value)):
                    break
            values = PyDict_GET_SIZE(by_value)
            found = <object> PyDict_SetDefault(by_value, value, pair[0])
            if PyDict_GET_SIZE(by_value) != values:  # a new value
                if k < labels:
                    counting[k].number = number
                elif labels < LABELS:
                    counting[labels].label, counting[labels].made = <PyObject *> label, <PyObject *> made
                    counting[labels].number = number
                    labels += 1
                else:
                    counters[label] = number
                by_key[key] = value
            spans[i].start, spans[i].end, spans[i].placeholder = start, end, <PyObject *> found
            length += len(<str> found) - (end - start)
        for k in range(labels):
            counters[<object> counting[k].label] = counting[k].number
        return _written(text, spans, count, length)
    finally:
        PyMem_Free(spans)


cdef str _written(str text, const Span *spans, Py_ssize_t count, Py_ssize_t length):
    """text with each span replaced by its (ASCII) placeholder, `length` characters: written in place into a new
    ASCII string when the text is ASCII, else into a buffer of the text's width that the result is read from."""
    cdef int kind = PyUnicode_KIND(text)
    cdef const char *source = <const char *> PyUnicode_DATA(text)
    cdef char *into
    cdef str out = None
    cdef Py_ssize_t i, k, pos = 0, w = 0, n
    cdef const Py_UCS1 *chars
    if PyUnicode_IS_ASCII(text):
        out = PyUnicode_New(length, 127)
        into = <char *> PyUnicode_DATA(out)
    else:
        into = <char *> PyMem_Malloc(length * kind)
        if into == NULL:
            raise MemoryError()
    try:
        for i in range(count + 1):
            n = (spans[i].start if i < count else len(text)) - pos
            memcpy(into + w * kind, source + pos * kind, n * kind)
            w += n
            if i == count:
                break
            chars = <const Py_UCS1 *> PyUnicode_DATA(<str> spans[i].placeholder)
            n = len(<str> spans[i].placeholder)
            if kind == 1:
                memcpy(into + w, chars, n)
            else:
                for k in range(n):
                    if kind == 2:
                        (<Py_UCS2 *> into)[w + k] = chars[k]
                    else:
                        (<Py_UCS4 *> into)[w + k] = chars[k]
            w += n
            pos = spans[i].end
        if w != length:
            raise AssertionError("placeholder writing lost count of the text's length")
        if out is None:
            out = PyUnicode_FromKindAndData(kind, into, length)
        return out
    finally:
        if not PyUnicode_IS_ASCII(text):
            PyMem_Free(into)


TWINS = {reference.replace: replace, reference.sanitise_texts: sanitise_texts}
