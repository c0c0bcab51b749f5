# cython: language_level=3, wraparound=False
"""doorman.boundary.sanitiser's placeholder writing, compiled: the same text and mapping."""

from doorman.boundary import sanitiser as reference
from doorman.boundary.placeholders import _shares_digits


def replace(str text, list kept, mapping):
    # PlaceholderMap.placeholder inlined: most values are new to the request, and a method call each costs
    cdef dict by_value = mapping.by_value, by_key = mapping.by_key, counters = mapping.counters
    cdef set reserved = mapping.reserved
    cdef list parts = []
    cdef dict upper_labels = {}
    cdef Py_ssize_t pos = 0, start, end, number
    cdef tuple f
    for finding in kept:
        f = <tuple> finding  # a Finding: a tuple subclass, read as a tuple
        start, end, label = f[0], f[1], f[2]
        value = text[start:end]
        placeholder = by_value.get(value)
        if placeholder is None:
            number = counters.get(label, 0)
            upper = upper_labels.get(label)
            if upper is None:
                upper = upper_labels[label] = label.upper()
            while True:
                number += 1
                key = f"{upper}_{number}"
                if key not in reserved and not (number >= 1000 and _shares_digits(number, value)):
                    break
            counters[label] = number
            placeholder = f"[{key}]"
            by_value[value] = placeholder
            by_key[key] = value
        parts.append(text[pos:start])
        parts.append(placeholder)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


TWINS = {reference.replace: replace}
