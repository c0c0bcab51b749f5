# cython: language_level=3, wraparound=False
"""doorman.boundary.dry_run's answer loop, compiled: the same answer lines, without the Python frames and result
objects each line cost (as much as a large recogniser)."""

from cpython.bytearray cimport PyByteArray_AS_STRING, PyByteArray_GET_SIZE
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.dict cimport PyDict_Next
from cpython.object cimport PyObject

cdef extern from "Python.h":
    dict _PyDict_NewPresized(Py_ssize_t)

import orjson

from doorman.boundary import dry_run as reference
from doorman.boundary.fast import sanitiser as compiled
from doorman.boundary.fast.sanitiser cimport request_run
from doorman.boundary.findings import PER_TEXT_CLEARS

cdef object LOADS = orjson.loads, DUMPS = orjson.dumps, APPEND_NEWLINE = orjson.OPT_APPEND_NEWLINE
cdef object BAD_JSON = orjson.JSONDecodeError
cdef object PARSE_LINE = reference.parse_line
cdef list CLEARS = PER_TEXT_CLEARS  # the list itself: it holds the caches of modules imported later too


def answer_lines(sanitiser, lines, Py_ssize_t number, write):
    if sanitiser._sanitise_texts is not compiled.sanitise_texts:
        return reference.answer_lines(sanitiser, lines, number, write)
    cdef list finds = sanitiser._finds
    steps = sanitiser._steps
    cdef dict record, answer
    for line in lines:
        number += 1
        if _blank(line):
            continue
        try:
            parsed = LOADS(line)
        except BAD_JSON:
            parsed = None
        text = parsed.get("text") if type(parsed) is dict else None
        if type(text) is not str or "id" not in parsed:
            parsed = PARSE_LINE(line, number)  # raises the reference's error (or reads what it allows)
            text = parsed["text"]
        record = <dict> parsed
        try:
            run = request_run([text], finds, steps)
        finally:  # findings.forget_texts, without its Python frame
            for clear in CLEARS:
                clear()
        answer = _PyDict_NewPresized(3)
        answer["id"] = record["id"]
        answer["sanitised"] = (<list> run[0])[0]
        answer["mapping"] = _inverted(<dict> run[4]) if run[2] is None else run[2].as_dict()
        write(DUMPS(answer, None, APPEND_NEWLINE))
    return number


cdef bint _blank(line) except -1:
    """not line.strip(): only ASCII whitespace, as bytes.strip removes"""
    cdef const unsigned char *s
    cdef Py_ssize_t i, n
    if type(line) is bytearray:
        s, n = <const unsigned char *> PyByteArray_AS_STRING(line), PyByteArray_GET_SIZE(line)
    elif type(line) is bytes:
        s, n = <const unsigned char *> PyBytes_AS_STRING(line), PyBytes_GET_SIZE(line)
    else:
        return not line.strip()
    for i in range(n):
        if not (s[i] == 32 or 9 <= s[i] <= 13):
            return False
    return True


cdef dict _inverted(dict by_value):
    """PlaceholderMap.as_dict: {placeholder: value}, in the order the values were met"""
    cdef dict placeholders = _PyDict_NewPresized(len(by_value))
    cdef Py_ssize_t pos = 0
    cdef PyObject *value
    cdef PyObject *placeholder
    while PyDict_Next(by_value, &pos, &value, &placeholder):
        placeholders[<object> placeholder] = <object> value
    return placeholders


TWINS = {reference.answer_lines: answer_lines}
