# cython: language_level=3, wraparound=False
"""doorman.boundary.findings' overlap resolution, compiled: the same findings kept, in the same order."""

from libc.stdlib cimport free, malloc
from libc.string cimport memcpy, memmove

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


def resolve_overlaps(findings):
    cdef list given = list(findings), kept = []
    cdef Py_ssize_t count = len(given), taken = 0, i, low, high, middle
    cdef Ranked *ranked
    cdef Ranked *chosen
    cdef Ranked f
    cdef tuple item
    if count == 0:
        return kept
    ranked = <Ranked *> malloc(count * sizeof(Ranked))
    chosen = <Ranked *> malloc(count * sizeof(Ranked))
    if ranked == NULL or chosen == NULL:
        free(ranked)
        free(chosen)
        raise MemoryError()
    try:
        for i in range(count):
            item = <tuple> given[i]  # a Finding, a tuple: its fields read without a method call
            ranked[i].start = item[0]
            ranked[i].end = item[1]
            ranked[i].priority = item[3]
            ranked[i].length = ranked[i].end - ranked[i].start
            ranked[i].index = i
        _sort(ranked, chosen, count)  # chosen serves as the merge's spare room until the choosing
        for i in range(count):
            f = ranked[i]
            if f.end <= f.start:
                continue
            low, high = 0, taken  # bisect_right on the chosen findings' starts
            while low < high:
                middle = (low + high) // 2
                if f.start < chosen[middle].start:
                    high = middle
                else:
                    low = middle + 1
            if (low == 0 or chosen[low - 1].end <= f.start) and (low == taken or f.end <= chosen[low].start):
                memmove(&chosen[low + 1], &chosen[low], (taken - low) * sizeof(Ranked))
                chosen[low] = f
                taken += 1
        for i in range(taken):
            kept.append(given[chosen[i].index])
    finally:
        free(ranked)
        free(chosen)
    return kept


TWINS = {reference.resolve_overlaps: resolve_overlaps}
