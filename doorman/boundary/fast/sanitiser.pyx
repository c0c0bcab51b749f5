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

from doorman.boundary import sanitiser as reference
from doorman.boundary.placeholders import LOOSE, PlaceholderMap, _shares_digits, key

cdef object LOOSE_MATCH = LOOSE.match
cdef object SANITISED = reference.Sanitised


cdef set _reserved(list texts):
    """PlaceholderMap.for_texts' reserved keys. A LOOSE match holds one '[', where it starts, so matches at
    each '[' are the matches finditer finds."""
    cdef set reserved = set()
    cdef Py_ssize_t pos
    cdef str text
    for text in texts:
        pos = PyUnicode_FindChar(text, 91, 0, len(text), 1)
        while pos >= 0:
            m = LOOSE_MATCH(text, pos)
            if m is not None:
                reserved.add(key(m.group(1), m.group(2)))
            pos = PyUnicode_FindChar(text, 91, pos + 1, len(text), 1)
    return reserved


def sanitise_texts(list texts, list recognisers, steps):
    echo_terms, email_name_terms, find_terms, resolve_overlaps, replace_ = steps
    cdef list found = [], kept = [], written = []
    cdef list findings
    cdef set terms = set()
    cdef Py_ssize_t i, count = len(texts)
    for i in range(count):
        findings = []
        for r in recognisers:
            findings.extend(r.find(texts[i]))
        found.append(findings)
    for i in range(count):
        terms |= echo_terms(texts[i], found[i])
        terms |= email_name_terms(texts[i])
    if terms:
        for i in range(count):
            (<list> found[i]).extend(find_terms(texts[i], terms))
    mapping = PlaceholderMap(reserved=_reserved(texts))
    for i in range(count):
        kept.append(resolve_overlaps(found[i]))
    for i in range(count):
        written.append(replace_(texts[i], kept[i], mapping))
    return SANITISED(written, mapping, texts, kept)


cdef dict UPPER = {}  # label -> label.upper(): labels are the recognisers' and vault's types, never request data


cdef enum:
    LABELS = 32  # labels counted in C in one call; any further ones count in the mapping's dict directly
    NUMBERED = 24  # placeholders made once per label and number, and reused by every request


cdef dict MADE = {}  # upper-cased label -> [(f"[{upper}_{n}]", f"{upper}_{n}") for n in 1..NUMBERED]


cdef list _made(upper):
    """The label's first placeholders with their keys, made in one go (so a thread never sees a list being made)."""
    made = MADE.get(upper)
    if made is None:
        made = MADE.setdefault(upper, [(f"[{upper}_{n}]", f"{upper}_{n}") for n in range(1, NUMBERED + 1)])
    return made


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


def replace(str text, list kept, mapping):
    # PlaceholderMap.placeholder inlined: most values are new to the request, and a method call each costs
    cdef dict by_value = mapping.by_value, by_key = mapping.by_key, counters = mapping.counters
    cdef set reserved = mapping.reserved
    cdef bint any_reserved = len(reserved) > 0
    cdef Py_ssize_t count = len(kept), i, start, end, number, k, labels = 0, length = len(text)
    cdef Counter counting[LABELS]
    cdef tuple f
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
            value = text[start:end]
            found = by_value.get(value)
            if found is None:
                k = _counted(counting, labels, label)
                if k < labels:
                    number, made = counting[k].number, <list> counting[k].made
                else:
                    number = counters.get(label, 0)
                    upper = UPPER.get(label)
                    if upper is None:
                        upper = UPPER[label] = label.upper()
                    made = _made(upper)
                while True:
                    number += 1
                    if number <= NUMBERED:
                        found, key = <tuple> made[number - 1]
                    else:
                        key = f"{UPPER[label]}_{number}"
                        found = f"[{key}]"
                    if not (any_reserved and key in reserved) and not (number >= 1000 and _shares_digits(number, value)):
                        break
                if k < labels:
                    counting[k].number = number
                elif labels < LABELS:
                    counting[labels].label, counting[labels].made = <PyObject *> label, <PyObject *> made
                    counting[labels].number = number
                    labels += 1
                else:
                    counters[label] = number
                by_value[value] = found
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
