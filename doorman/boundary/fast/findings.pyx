# cython: language_level=3, wraparound=False
"""doorman.boundary.findings' overlap resolution, compiled: the same findings kept, in the same order."""

from libc.stdlib cimport free, malloc, qsort
from libc.string cimport memmove

from doorman.boundary import findings as reference


cdef struct Ranked:
    Py_ssize_t priority, length, start, end, index


cdef int _by_rank(const void *a, const void *b) noexcept nogil:
    """reference.resolve_overlaps' order: higher priority, then longer, then earlier; sorted() is stable."""
    cdef const Ranked *x = <const Ranked *> a
    cdef const Ranked *y = <const Ranked *> b
    if x.priority != y.priority:
        return -1 if x.priority > y.priority else 1
    if x.length != y.length:
        return -1 if x.length > y.length else 1
    if x.start != y.start:
        return -1 if x.start < y.start else 1
    return -1 if x.index < y.index else (1 if x.index > y.index else 0)


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
        qsort(ranked, count, sizeof(Ranked), _by_rank)
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
