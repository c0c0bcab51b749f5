# cython: language_level=3
# name_words' look-ups with their exact meaning and no Python call per word, for the twins that weigh names.
# The lists come in as arguments (name_data's frozensets, common_words), so nothing here holds state.

cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object)


cdef inline str fold_word(str word, fold):
    """name_words.fold (`fold` itself, called only beyond ASCII)"""
    cdef str low = word.lower()
    if PyUnicode_IS_ASCII(low):
        return low
    return fold(word)


cdef inline bint all_parts_in(str word, frozenset names, fold) except -1:
    """name_words.in_given, with names = given_names(): every '-' part of the word, folded, is listed"""
    if "-" not in word:
        return fold_word(word, fold) in names
    for part in word.split("-"):
        if fold_word(part, fold) not in names:
            return False
    return True


cdef inline bint is_surname(str word, frozenset surnames, fold) except -1:
    """name_words.is_surname"""
    return fold_word(word, fold) in surnames or ("-" in word and all_parts_in(word, surnames, fold))


cdef inline bint plain(str word, frozenset common) except -1:
    """name_words.plain (the trailing dots stripped by hand: a method call with an argument costs several times more)"""
    cdef str low = word.lower()
    cdef Py_ssize_t end = len(low)
    while end > 0 and low[end - 1] == 46:
        end -= 1
    return (low if end == len(low) else low[:end]) not in common
