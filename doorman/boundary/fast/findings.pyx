# cython: language_level=3, wraparound=False
"""doorman.boundary.findings' overlap resolution, compiled: the same findings kept, in the same order."""

from libc.stdlib cimport free, malloc
from libc.string cimport memcpy

from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.ref cimport Py_INCREF

from doorman.boundary import findings as reference


cdef struct Ranked:
    Py_ssize_t priority, length, start, end, index


cdef inline bint _before(const Ranked *x, const Ranked *y) noexcept nogil:
    """reference.resolve_overlaps' order: higher priority, then longer, then earlier; sorted() is stable."""
    if x.priority != y.priority:
        return x.priority > y.priority
    if x.length != y.length:
        return x.length > y.length
    if x.start != y.start:
        return x.start < y.start
    return x.index < y.index


cdef void _sort(Ranked *items, Ranked *spare, Py_ssize_t count) noexcept nogil:
    """items in _before's order: runs of 8 by insertion, then merged pairwise (no call per comparison, as
    qsort makes)."""
    cdef Py_ssize_t i, j, width, low, middle, high, a, b, w
    cdef Ranked item
    cdef Ranked *source = items
    cdef Ranked *target = spare
    low = 0
    while low < count:
        high = min(low + 8, count)
        for i in range(low + 1, high):
            item = items[i]
            j = i
            while j > low and _before(&item, &items[j - 1]):
                items[j] = items[j - 1]
                j -= 1
            items[j] = item
        low += 8
    width = 8
    while width < count:
        low = 0
        while low < count:
            middle, high = min(low + width, count), min(low + 2 * width, count)
            a, b, w = low, middle, low
            while a < middle and b < high:
                if _before(&source[b], &source[a]):
                    target[w] = source[b]
                    b += 1
                else:
                    target[w] = source[a]
                    a += 1
                w += 1
            while a < middle:
                target[w] = source[a]
                a += 1
                w += 1
            while b < high:
                target[w] = source[b]
                b += 1
                w += 1
            low += 2 * width
        source, target = target, source
        width *= 2
    if source != items:
        memcpy(items, source, count * sizeof(Ranked))


cdef enum:
    ON_STACK = 64  # findings resolved in stack arrays, their order kept in packed keys; more go to the heap


cdef inline bint _packed(const Ranked *ranked, Py_ssize_t count, unsigned long long *keys) noexcept:
    """Each finding's place in _before's order as one number, (255 - priority, 2**20 - 1 - length, start,
    index) in 8, 20, 24 and 12 bits, where every finding fits. A finding of no length is passed over by the
    choosing, so its place does not matter."""
    cdef Py_ssize_t i, length
    cdef const Ranked *r
    if count > 4096:
        return False
    for i in range(count):
        r = &ranked[i]
        length = r.length if r.length > 0 else 0
        if not (0 <= r.priority < 256 and length < (1 << 20) and 0 <= r.start < (1 << 24)):
            return False
        keys[i] = ((<unsigned long long> (255 - r.priority) << 56) | (<unsigned long long> ((1 << 20) - 1 - length) << 36)
                   | (<unsigned long long> r.start << 12) | <unsigned long long> i)
    return True


cdef inline void _sort_keys(unsigned long long *keys, Py_ssize_t count) noexcept nogil:
    cdef Py_ssize_t i, j
    cdef unsigned long long key
    for i in range(1, count):
        key = keys[i]
        j = i
        while j > 0 and key < keys[j - 1]:
            keys[j] = keys[j - 1]
            j -= 1
        keys[j] = key


cdef inline Py_ssize_t _choose(Py_ssize_t *chosen, Py_ssize_t taken, const Ranked *ranked, Py_ssize_t at) noexcept nogil:
    """reference.resolve_overlaps' choosing of ranked[at]: the chosen findings (their places in ranked) stay
    sorted by start (bisect_right)"""
    cdef Py_ssize_t low = 0, high = taken, middle, j
    cdef const Ranked *f = &ranked[at]
    if f.end <= f.start:
        return taken
    while low < high:
        middle = (low + high) >> 1
        if f.start < ranked[chosen[middle]].start:
            high = middle
        else:
            low = middle + 1
    if (low == 0 or ranked[chosen[low - 1]].end <= f.start) and (low == taken or f.end <= ranked[chosen[low]].start):
        j = taken
        while j > low:  # a few places move: a loop costs less than memmove's call
            chosen[j] = chosen[j - 1]
            j -= 1
        chosen[low] = at
        taken += 1
    return taken


def resolve_overlaps(findings):
    # a list is read in place while every field read is an exact int (no Python code can run to change it)
    cdef list given = findings if type(findings) is list else list(findings), kept
    cdef Py_ssize_t count, taken = 0, i
    cdef Ranked ranked_here[ON_STACK]
    cdef Ranked spare_here[ON_STACK]
    cdef Py_ssize_t chosen_here[ON_STACK]
    cdef unsigned long long keys[ON_STACK]
    cdef Ranked *ranked = ranked_here
    cdef Ranked *spare = spare_here
    cdef Py_ssize_t *chosen = chosen_here
    cdef tuple item
    cdef object start, end, priority
    count = len(given)
    if count == 0:
        return []
    if count > ON_STACK:
        ranked = <Ranked *> malloc(count * sizeof(Ranked))
        spare = <Ranked *> malloc(count * sizeof(Ranked))
        chosen = <Py_ssize_t *> malloc(count * sizeof(Py_ssize_t))
        if ranked == NULL or spare == NULL or chosen == NULL:
            free(ranked)
            free(spare)
            free(chosen)
            raise MemoryError()
    try:
        for i in range(count):
            item = <tuple> given[i]  # a Finding, a tuple: its fields read without a method call
            start, end, priority = item[0], item[1], item[3]
            if given is findings and not (type(start) is int and type(end) is int and type(priority) is int):
                given = list(findings)
                item = <tuple> given[i]
                start, end, priority = item[0], item[1], item[3]
            ranked[i].start = start
            ranked[i].end = end
            ranked[i].priority = priority
            ranked[i].length = ranked[i].end - ranked[i].start
            ranked[i].index = i
        if count <= ON_STACK and _packed(ranked, count, keys):
            _sort_keys(keys, count)
            for i in range(count):
                taken = _choose(chosen, taken, ranked, keys[i] & 4095)
        else:
            _sort(ranked, spare, count)
            for i in range(count):
                taken = _choose(chosen, taken, ranked, i)
        kept = PyList_New(taken)
        for i in range(taken):
            item = <tuple> given[ranked[chosen[i]].index]
            Py_INCREF(item)
            PyList_SET_ITEM(kept, i, item)
    finally:
        if ranked != ranked_here:
            free(ranked)
            free(spare)
            free(chosen)
    return kept


TWINS = {reference.resolve_overlaps: resolve_overlaps}
