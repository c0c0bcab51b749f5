# cython: language_level=3
from doorman.boundary.fast.chars cimport Text, changed_patterns, char_at

# name_words.TOKEN, one code point at a time: the capitalised word (O'Neil, McDonald, Jean-Baptiste) or initial
# ("A.") that names are made of.

cdef inline bint is_up(Py_UCS4 c) noexcept:
    """`[{UP}]`"""
    # UP within Latin Extended-A (U+0100-U+017F): '1' for each upper-case letter it lists
    cdef const char *latin_a = b"10101010101010101010101010101010101010101010101010001010010101010101010100101010101010101010101010101010101010101010101011010100"
    cdef unsigned int u = c
    if u < 0x100:
        return 65 <= u <= 90 or 0xC0 <= u <= 0xD6 or 0xD8 <= u <= 0xDE
    return u < 0x180 and latin_a[u - 0x100] == 49


cdef inline bint is_low(Py_UCS4 c) noexcept:
    """`[{LOW}]`"""
    cdef unsigned int u = c
    if u < 0x100:
        return 97 <= u <= 122 or 0xDF <= u <= 0xF6 or 0xF8 <= u <= 0xFF
    return 0x101 <= u <= 0x17F


cdef inline Py_ssize_t lows_end(const Text *t, Py_ssize_t i) noexcept:
    while is_low(char_at(t, i)):
        i += 1
    return i


cdef inline Py_ssize_t token_end(const Text *t, Py_ssize_t i, Py_ssize_t *before_hyphen=NULL) noexcept:
    """Where the longest TOKEN match at i ends, or -1 when none starts there.

    `re` tries the longest first. A shorter one ends before a letter or '-' of the same word, which the patterns
    built on TOKEN refuse after it, so the longest is the only one that counts; the one exception, the match
    without its `-[UP][LOW]+` part, ends at `before_hyphen` when given (left alone when there is none)."""
    cdef Py_UCS4 c
    if not is_up(char_at(t, i)):
        return -1
    i += 1
    c = char_at(t, i)
    if is_low(c):
        i = lows_end(t, i + 1)
    elif (c == 39 or c == 0x2019) and is_up(char_at(t, i + 1)) and is_low(char_at(t, i + 2)):
        i = lows_end(t, i + 3)
    elif c == 46:
        return i + 1
    else:
        return -1
    if is_up(char_at(t, i)) and is_low(char_at(t, i + 1)):
        i = lows_end(t, i + 2)
    if char_at(t, i) == 45 and is_up(char_at(t, i + 1)) and is_low(char_at(t, i + 2)):
        if before_hyphen != NULL:
            before_hyphen[0] = i
        i = lows_end(t, i + 3)
    return i


cdef inline str token_grammar_changed():
    """None while name_words' UP, LOW and TOKEN are still what is_up, is_low and token_end were written from
    (by their checksums), else what changed: a twin built on them must then leave itself out."""
    from doorman.boundary import name_words

    return changed_patterns(
        name_words, {"UP": 2369398472, "LOW": 2208362981, "TOKEN": 358164290}, vars(name_words).__getitem__
    )
