# Positions one find call collects, held in C (no int objects, no list) and freed before the call returns.

from libc.string cimport memcpy

from cpython.mem cimport PyMem_Free, PyMem_Malloc


cdef enum:
    HELD_POSITIONS = 32


cdef struct Positions:
    # in `held` until it outgrows it, then in a PyMem block; never copied (`at` may point into the struct)
    Py_ssize_t *at
    Py_ssize_t count
    Py_ssize_t room
    Py_ssize_t held[HELD_POSITIONS]


cdef inline void positions_start(Positions *p) noexcept:
    p.at = p.held
    p.count = 0
    p.room = HELD_POSITIONS


cdef inline void positions_release(Positions *p) noexcept:
    if p.at != p.held:
        PyMem_Free(p.at)
    positions_start(p)


cdef inline int positions_grow(Positions *p) except -1:
    cdef Py_ssize_t *grown = <Py_ssize_t *> PyMem_Malloc(2 * p.room * sizeof(Py_ssize_t))
    if grown == NULL:
        raise MemoryError()
    memcpy(grown, p.at, p.count * sizeof(Py_ssize_t))
    if p.at != p.held:
        PyMem_Free(p.at)
    p.at = grown
    p.room *= 2
    return 0


cdef inline int push(Positions *p, Py_ssize_t value) except -1:
    if p.count == p.room:
        positions_grow(p)
    p.at[p.count] = value
    p.count += 1
    return 0
