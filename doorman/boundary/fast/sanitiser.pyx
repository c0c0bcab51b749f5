# cython: language_level=3, wraparound=False
"""doorman.boundary.sanitiser's request run and placeholder writing, compiled: the same texts and mapping."""

from cpython.object cimport PyObject
from cpython.unicode cimport PyUnicode_FindChar

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


cdef struct Counter:
    # one label's numbering during a call, written back to the mapping's counters at its end
    PyObject *label  # borrowed: held by the findings for the call
    PyObject *upper  # borrowed: held by UPPER
    Py_ssize_t number


cdef inline Py_ssize_t _counted(const Counter *counting, Py_ssize_t labels, label) except -1:
    """Where `label` is counted, or `labels` when it is not yet: by identity (the recognisers' constants), else
    by value (a vault's types are read row by row)."""
    cdef Py_ssize_t k
    for k in range(labels):
        if counting[k].label == <PyObject *> label:
            return k
    for k in range(labels):
        if <object> counting[k].label == label:
            return k
    return labels


def replace(str text, list kept, mapping):
    # PlaceholderMap.placeholder inlined: most values are new to the request, and a method call each costs
    cdef dict by_value = mapping.by_value, by_key = mapping.by_key, counters = mapping.counters
    cdef set reserved = mapping.reserved
    cdef bint any_reserved = len(reserved) > 0
    cdef list parts = []
    cdef Py_ssize_t pos = 0, start, end, number, k, labels = 0
    cdef Counter counting[LABELS]
    cdef tuple f
    cdef str placeholder
    for finding in kept:
        f = <tuple> finding  # a Finding: a tuple subclass, read as a tuple
        start, end, label = f[0], f[1], f[2]
        value = text[start:end]
        found = by_value.get(value)
        if found is None:
            k = _counted(counting, labels, label)
            if k < labels:
                number, upper = counting[k].number, <object> counting[k].upper
            else:
                number = counters.get(label, 0)
                upper = UPPER.get(label)
                if upper is None:
                    upper = UPPER[label] = label.upper()
            while True:
                number += 1
                placeholder = f"[{upper}_{number}]"
                if not (any_reserved or number >= 1000):
                    break
                key = placeholder[1:len(placeholder) - 1]
                if not (any_reserved and key in reserved) and not (number >= 1000 and _shares_digits(number, value)):
                    break
            if k < labels:
                counting[k].number = number
            elif labels < LABELS:
                counting[labels].label, counting[labels].upper = <PyObject *> label, <PyObject *> upper
                counting[labels].number = number
                labels += 1
            else:
                counters[label] = number
            by_value[value] = placeholder
            by_key[placeholder[1:len(placeholder) - 1]] = value
            found = placeholder
        parts.append(text[pos:start])
        parts.append(found)
        pos = end
    parts.append(text[pos:])
    for k in range(labels):
        counters[<object> counting[k].label] = counting[k].number
    return "".join(parts)


TWINS = {reference.replace: replace, reference.sanitise_texts: sanitise_texts}
