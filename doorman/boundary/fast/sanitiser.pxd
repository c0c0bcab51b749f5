cdef tuple request_run(list texts, list finds, steps)
