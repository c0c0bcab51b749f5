# cython: language_level=3, wraparound=False
"""doorman.boundary.findings' overlap resolution, compiled: the same findings kept, in the same order."""

from libc.stdlib cimport free, malloc, qsort
from libc.string cimport memcpy

from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE, PyList_New, PyList_SET_ITEM
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


cdef int _ranked_order(const void *x, const void *y) noexcept nogil:
    """qsort's comparison in _before's order (a total order: the indices differ), for the rare findings whose
    order does not fit packed keys"""
    if _before(<const Ranked *> x, <const Ranked *> y):
        return -1
    return 1 if _before(<const Ranked *> y, <const Ranked *> x) else 0


cdef enum:
    ON_STACK = 64  # findings resolved in stack arrays, their order kept in packed keys; more go to the heap


cdef extern from *:
    """
    /* The start, end and priority of a finding given as a tuple whose fields 0, 1 and 3 are exact ints of one
       digit (below 2**30 in size): read in place, without a reference or a call. 0 where that does not hold. */
    static inline int doorman_small_fields(PyObject *item, Py_ssize_t *start, Py_ssize_t *end, Py_ssize_t *priority) {
        PyObject *field[3];
        Py_ssize_t value[3];
        int k;
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) < 4)
            return 0;
        field[0] = PyTuple_GET_ITEM(item, 0);
        field[1] = PyTuple_GET_ITEM(item, 1);
        field[2] = PyTuple_GET_ITEM(item, 3);
        for (k = 0; k < 3; k++) {
            if (!PyLong_CheckExact(field[k]))
                return 0;
    #if PY_VERSION_HEX >= 0x030C0000
            if (!PyUnstable_Long_IsCompact((PyLongObject *) field[k]))
                return 0;
            value[k] = PyUnstable_Long_CompactValue((PyLongObject *) field[k]);
    #else
            {
                Py_ssize_t size = Py_SIZE(field[k]);
                if (size < -1 || size > 1)
                    return 0;
                value[k] = size * (Py_ssize_t) ((PyLongObject *) field[k])->ob_digit[0];
            }
    #endif
        }
        *start = value[0];
        *end = value[1];
        *priority = value[2];
        return 1;
    }
    """
    bint small_fields "doorman_small_fields"(object item, Py_ssize_t *start, Py_ssize_t *end,
                                             Py_ssize_t *priority) noexcept


cdef enum:
    PACKED_MOST = 4096  # findings whose order fits packed keys (12 bits of index)


cdef inline bint _pack(const Ranked *r, Py_ssize_t i, unsigned long long *keys) noexcept nogil:
    """The finding's place in _before's order as one number, (255 - priority, 2**20 - 1 - length, start, index)
    in 8, 20, 24 and 12 bits, where it fits. A finding of no length is passed over by the choosing, so its place
    does not matter."""
    cdef Py_ssize_t length = r.length if r.length > 0 else 0
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


cdef void _merge_keys(unsigned long long *keys, unsigned long long *spare, Py_ssize_t count) noexcept nogil:
    """keys ascending: runs of 16 by insertion, then merged pairwise (no call per comparison, as qsort makes)."""
    cdef Py_ssize_t low, width, middle, high, a, b, w
    cdef unsigned long long *source = keys
    cdef unsigned long long *target = spare
    low = 0
    while low < count:
        _sort_keys(keys + low, min(16, count - low))
        low += 16
    width = 16
    while width < count:
        low = 0
        while low < count:
            middle, high = min(low + width, count), min(low + 2 * width, count)
            a, b, w = low, middle, low
            while a < middle and b < high:
                if source[b] < source[a]:
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
    if source != keys:
        memcpy(keys, source, count * sizeof(unsigned long long))


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
    cdef Py_ssize_t chosen_here[ON_STACK]
    cdef unsigned long long keys_here[ON_STACK]
    cdef Ranked *ranked = ranked_here
    cdef Py_ssize_t *chosen = chosen_here
    cdef unsigned long long *keys = keys_here
    cdef unsigned long long *spare_keys = NULL
    cdef Ranked *r
    cdef object item, start, end, priority
    cdef bint packed
    count = len(given)
    if count == 0:
        return []
    packed = count <= PACKED_MOST
    if count > ON_STACK:
        ranked = <Ranked *> malloc(count * sizeof(Ranked))
        chosen = <Py_ssize_t *> malloc(count * sizeof(Py_ssize_t))
        keys = <unsigned long long *> malloc(2 * count * sizeof(unsigned long long))
        if ranked == NULL or chosen == NULL or keys == NULL:
            free(ranked)
            free(chosen)
            free(keys)
            raise MemoryError()
        spare_keys = keys + count
    try:
        for i in range(count):
            r = &ranked[i]
            if not (i < PyList_GET_SIZE(given)
                    and small_fields(<object> PyList_GET_ITEM(given, i), &r.start, &r.end, &r.priority)):
                item = given[i]  # a Finding, a tuple
                start, end, priority = item[0], item[1], item[3]
                if given is findings and not (type(start) is int and type(end) is int and type(priority) is int):
                    given = list(findings)
                    item = given[i]
                    start, end, priority = item[0], item[1], item[3]
                r.start = start
                r.end = end
                r.priority = priority
            r.length = r.end - r.start
            r.index = i
            if packed:
                packed = _pack(r, i, keys)
        if packed:
            if count <= ON_STACK:
                _sort_keys(keys, count)
            else:
                _merge_keys(keys, spare_keys, count)
            for i in range(count):
                taken = _choose(chosen, taken, ranked, keys[i] & 4095)
        else:
            qsort(ranked, count, sizeof(Ranked), _ranked_order)
            for i in range(count):
                taken = _choose(chosen, taken, ranked, i)
        kept = PyList_New(taken)
        for i in range(taken):
            item = given[ranked[chosen[i]].index]
            Py_INCREF(item)
            PyList_SET_ITEM(kept, i, item)
    finally:
        if ranked != ranked_here:
            free(ranked)
            free(chosen)
            free(keys)
    return kept


TWINS = {reference.resolve_overlaps: resolve_overlaps}
