# cython: language_level=3
# Reading a str in place, and what the `re` module's classes mean for a str pattern (Unicode, no ASCII flag),
# one code point at a time: shared by every compiled twin, so that each decides exactly what its Python
# reference's patterns decide.
#
# Cython note: arithmetic on a Py_UCS4 (c + 32) is str concatenation; cast to unsigned int first.
from cpython.unicode cimport (
    Py_UCS1,
    Py_UCS2,
    PyUnicode_DATA,
    PyUnicode_KIND,
    PyUnicode_READ,
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISALPHA,
    Py_UNICODE_ISDECIMAL,
    Py_UNICODE_ISSPACE,
    Py_UNICODE_TOLOWER,
)


cdef struct Text:
    # a str's code points, read in place
    int kind
    const void *data
    Py_ssize_t n


cdef inline Text text_of(str text) noexcept:
    cdef Text t
    t.kind = PyUnicode_KIND(text)
    t.data = PyUnicode_DATA(text)
    t.n = len(text)
    return t


cdef inline Py_UCS4 char_at(const Text *t, Py_ssize_t i) noexcept:
    """The code point at i, or NUL outside the text: no pattern piece here matches NUL, and look-arounds take
    it as they take the text's ends. Reads go through here, checked, so none can fall outside the string."""
    if 0 <= i < t.n:
        return PyUnicode_READ(t.kind, t.data, i)
    return 0


cdef inline bint is_alnum(Py_UCS4 c) noexcept:
    """str.isalnum, with ASCII decided without CPython's four look-ups"""
    cdef unsigned int u = c
    if u < 128:
        return 48 <= u <= 57 or 65 <= u <= 90 or 97 <= u <= 122
    return Py_UNICODE_ISALNUM(c)


cdef inline bint is_alpha(Py_UCS4 c) noexcept:
    """str.isalpha"""
    cdef unsigned int u = c
    if u < 128:
        return 65 <= u <= 90 or 97 <= u <= 122
    return Py_UNICODE_ISALPHA(c)


cdef inline bint is_word(Py_UCS4 c) noexcept:
    """`\\w`"""
    return c == 95 or is_alnum(c)


cdef inline bint is_digit(Py_UCS4 c) noexcept:
    """`\\d` (any decimal digit, as str.isdecimal)"""
    cdef unsigned int u = c
    if u < 128:
        return 48 <= u <= 57
    return Py_UNICODE_ISDECIMAL(c)


cdef inline bint is_space(Py_UCS4 c) noexcept:
    """`\\s`"""
    return Py_UNICODE_ISSPACE(c)


cdef inline bint is_ascii_upper(Py_UCS4 c) noexcept:
    """`[A-Z]`"""
    return 65 <= <unsigned int> c <= 90


cdef inline bint is_ascii_lower(Py_UCS4 c) noexcept:
    """`[a-z]`"""
    return 97 <= <unsigned int> c <= 122


cdef inline bint is_ascii_alnum(Py_UCS4 c) noexcept:
    """`[A-Za-z0-9]`"""
    cdef unsigned int u = c
    return 48 <= u <= 57 or 65 <= u <= 90 or 97 <= u <= 122


cdef inline unsigned int lower_char(Py_UCS4 c) noexcept:
    """c as str.lower() writes it, in a text that findings.folded does not refuse (one code point for one)."""
    cdef unsigned int u = c
    if u < 128:
        return u + 32 if 65 <= u <= 90 else u
    return Py_UNICODE_TOLOWER(c)


cdef inline bint unsafe_fold(Py_UCS4 c) noexcept:
    """findings._UNSAFE_FOLD: a text holding one is refused by findings.folded (İ is also the only character
    whose lower case is longer), and the reference then scans the whole text."""
    cdef unsigned int u = c
    return u == 0x17F or u == 0x212A or u == 0x212B or u == 0x130 or u == 0x131 or u == 0x1E9E


cdef inline bint same_letter(Py_UCS4 c, unsigned int lower) noexcept:
    """`(?i)` lower-case ASCII letter `lower` matches c: either case, and İ, ı (i), the Kelvin sign (k), ſ (s)."""
    cdef unsigned int u = c
    if u < 128:
        return u == lower or u + 32 == lower
    return (lower == 105 and (u == 0x130 or u == 0x131)) or (lower == 107 and u == 0x212A) or (lower == 115 and u == 0x17F)


cdef inline unsigned int ascii_fold(Py_UCS4 c) noexcept:
    """The lower-case ASCII letter a `(?i)` pattern equates with c (same_letter's equivalence), or 0 for none."""
    cdef unsigned int code = c
    if 65 <= code <= 90:
        return code + 32
    if 97 <= code <= 122:
        return code
    if code == 0x130 or code == 0x131:
        return 105
    if code == 0x212A:
        return 107
    if code == 0x17F:
        return 115
    return 0


cdef inline bint matches_ci(const Text *t, Py_ssize_t i, str word) noexcept:
    """`(?i)word` at i, `word` lower-case ASCII: letters match as same_letter says, others only themselves."""
    cdef Py_ssize_t k, m = len(word)
    cdef unsigned int w
    if i < 0 or i + m > t.n:
        return False
    for k in range(m):
        w = word[k]
        if 97 <= w <= 122:
            if not same_letter(char_at(t, i + k), w):
                return False
        elif <unsigned int> char_at(t, i + k) != w:
            return False
    return True


cdef inline bint ci_at(const Text *t, Py_ssize_t i, str word) noexcept:
    """matches_ci, read in place in a one-byte text (where only an ASCII letter's two cases match it)."""
    cdef Py_ssize_t k, m
    cdef const Py_UCS1 *s
    cdef const Py_UCS1 *w
    cdef unsigned int c, x
    if t.kind != 1:
        return matches_ci(t, i, word)
    m = len(word)
    if i < 0 or i + m > t.n:
        return False
    s = <const Py_UCS1 *> t.data + i
    w = <const Py_UCS1 *> PyUnicode_DATA(word)  # lower-case ASCII
    for k in range(m):
        x = w[k]
        c = s[k]
        if c != x and not (97 <= x <= 122 and c + 32 == x):
            return False
    return True


cdef inline bint lowered_at(const Text *t, Py_ssize_t i, str word) noexcept:
    """text.lower() holds `word` at i (in a text with no unsafe_fold character)."""
    cdef Py_ssize_t k, m = len(word)
    if i < 0 or i + m > t.n:
        return False
    for k in range(m):
        if lower_char(char_at(t, i + k)) != <unsigned int> word[k]:
            return False
    return True


cdef inline bint lowered_any(const Text *t, Py_ssize_t i, tuple words) noexcept:
    """lowered_at for one of `words`."""
    cdef str word
    for word in words:
        if lowered_at(t, i, word):
            return True
    return False


cdef inline bint is_number_class(Py_UCS4 c) noexcept:
    """`[\\d\\s\\-.()/+]`: what follows a number's first character while it could still be a number."""
    cdef unsigned int u = c
    return is_digit(c) or is_space(c) or u == 45 or u == 46 or u == 40 or u == 41 or u == 47 or u == 43


cdef inline list address_starts(const Text *t, str text):
    """contact.address_starts: where each e-mail address can start, the local-part run before each '@'."""
    cdef list starts = []
    cdef Py_ssize_t at = text.find("@"), start
    cdef Py_UCS4 c
    while at != -1:
        start = at
        while start > 0 and at - start < 70:
            c = char_at(t, start - 1)
            if not (is_word(c) or c == 46 or c == 37 or c == 43 or c == 45):
                break
            start -= 1
        starts.append(start)
        at = text.find("@", at + 1)
    return starts


cdef inline Py_ssize_t digits_from(const Text *t, Py_ssize_t p, Py_ssize_t most) noexcept:
    """How many `\\d` (at most `most`) follow from p."""
    cdef Py_ssize_t k = 0
    while k < most and is_digit(char_at(t, p + k)):
        k += 1
    return k


# ---- reading one storage kind

ctypedef fused unit:
    # a str's code point as its kind stores it: a hot loop written for `const unit *` is compiled once per kind,
    # reading without char_at's test of the kind at every character (dispatch on Text.kind once, outside it)
    Py_UCS1
    Py_UCS2
    Py_UCS4


cdef inline Py_UCS4 unit_at(const unit *s, Py_ssize_t n, Py_ssize_t i) noexcept:
    """char_at for a text read as `unit`s (its data, n code points): NUL outside the text."""
    if 0 <= i < n:
        return s[i]
    return 0


cdef inline bint written_at(const Text *t, Py_ssize_t i, str word) noexcept:
    """text.startswith(word, i)"""
    cdef Py_ssize_t k, m = len(word)
    if i < 0 or i + m > t.n:
        return False
    for k in range(m):
        if char_at(t, i + k) != word[k]:
            return False
    return True


# ---- eight characters of a one-byte text at once (read in memory order: the first is the lowest byte only on a
# little-endian machine; elsewhere the scans read one character at a time)

cdef extern from *:
    """
    static inline int doorman_lowest_bit(unsigned long long x) { return __builtin_ctzll(x); }
    #define DOORMAN_ONES 0x0101010101010101ULL
    #define DOORMAN_HIGHS 0x8080808080808080ULL
    #define DOORMAN_LITTLE_ENDIAN (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
    """
    int lowest_bit "doorman_lowest_bit"(unsigned long long x) noexcept nogil  # the lowest set bit's index
    const unsigned long long ONES "DOORMAN_ONES"  # a 1 in each byte
    const unsigned long long HIGHS "DOORMAN_HIGHS"  # each byte's high bit
    const bint LITTLE_ENDIAN "DOORMAN_LITTLE_ENDIAN"


# ---- drift guards: a twin ports its reference's patterns as they were; when they change, the reference runs

cdef inline str changed_patterns(module, dict checksums, shape=None):
    """Which of `module`'s patterns (name: CRC32 of its pattern text, or of `shape(name)` when given) are not as
    they were ported, in words, or None when all are. Never raises: a pattern that is gone has changed too."""
    from zlib import crc32

    changed = []
    for name, checksum in checksums.items():
        try:
            source = shape(name) if shape is not None else getattr(module, name).pattern
            if crc32(source.encode()) != checksum:
                changed.append(name)
        except Exception:
            changed.append(name)
    return f"{module.__name__}'s {', '.join(changed)} changed" if changed else None


cdef inline dict twins_where_unchanged(dict ported):
    """A module's TWINS from {reference class: (compiled twin, what no longer fits it (a str) or None)}: a twin
    whose reference changed under it is left out with a warning, never an error (an exception at import would
    stop the whole sanitiser), and its reference runs instead."""
    import warnings

    cdef dict twins = {}
    for reference, (twin, change) in ported.items():
        if change is None:
            twins[reference] = twin
        else:
            warnings.warn(f"{reference.__qualname__} runs uncompiled: {change}", RuntimeWarning, stacklevel=2)
    return twins


cdef extern from *:
    """
    /* A tuple subclass's instance of four items, made as tuple.__new__ makes one (tuple_subtype_new). The
       positions by PyLong_FromLong where they fit: its path is shorter than PyLong_FromSsize_t's on CPython 3.11
       (the same int objects). */
    static PyObject *doorman_new_finding(PyObject *type, Py_ssize_t start, Py_ssize_t end, PyObject *label,
                                         long priority) {
        PyObject *found, *items[4];
        int k;
        items[0] = (start == (long)start) ? PyLong_FromLong((long)start) : PyLong_FromSsize_t(start);
        items[1] = (end == (long)end) ? PyLong_FromLong((long)end) : PyLong_FromSsize_t(end);
        items[2] = label;
        Py_INCREF(label);
        items[3] = PyLong_FromLong(priority);
        found = (items[0] && items[1] && items[3]) ? ((PyTypeObject *)type)->tp_alloc((PyTypeObject *)type, 4) : NULL;
        for (k = 0; k < 4; k++) {
            if (found) PyTuple_SET_ITEM(found, k, items[k]);
            else Py_XDECREF(items[k]);
        }
        return found;
    }
    """
    # Finding(start, end, label, priority) for the findings.Finding class `kind` (a named tuple), without the
    # Python-level __new__ a call runs: the same object, made in C
    object new_finding "doorman_new_finding"(object kind, Py_ssize_t start, Py_ssize_t end, object label, long priority)


# Sixteen one-byte characters at once where the compiler offers SSE2 (else SIXTEEN_AT_ONCE is false and callers
# keep their eight-at-a-time loops): `folded_in16` gives a bit per byte of s[0:16] whose value with bit 0x20 set
# (an ASCII letter's lower case) lies in [low, high], both lower-case ASCII letters.
cdef extern from *:
    """
    #if defined(__SSE2__)
    #include <emmintrin.h>
    #define DOORMAN_SIXTEEN_AT_ONCE 1
    static inline unsigned int doorman_folded_in16(const unsigned char *s, char low, char high) {
        __m128i folded = _mm_or_si128(_mm_loadu_si128((const __m128i *) s), _mm_set1_epi8(0x20));
        /* signed compares: a byte from 0x80 up is negative, below any letter */
        return (unsigned int) _mm_movemask_epi8(_mm_and_si128(
            _mm_cmpgt_epi8(folded, _mm_set1_epi8(low - 1)), _mm_cmpgt_epi8(_mm_set1_epi8(high + 1), folded)));
    }
    #else
    #define DOORMAN_SIXTEEN_AT_ONCE 0
    static inline unsigned int doorman_folded_in16(const unsigned char *s, char low, char high) { return 0; }
    #endif
    """
    const bint SIXTEEN_AT_ONCE "DOORMAN_SIXTEEN_AT_ONCE"
    unsigned int folded_in16 "doorman_folded_in16"(const Py_UCS1 *s, char low, char high) noexcept nogil


# A bit per byte of s[0:16] that is an ASCII letter or digit: with SSE2 where the compiler offers it, else by byte.
cdef extern from *:
    """
    static inline unsigned int doorman_ascii_alnum16(const unsigned char *s) {
    #if defined(__SSE2__)
        __m128i x = _mm_loadu_si128((const __m128i *)s);
        __m128i folded = _mm_or_si128(x, _mm_set1_epi8(32));
        /* signed compares: a byte from 0x80 up is negative, below any letter or digit */
        __m128i letters = _mm_and_si128(_mm_cmpgt_epi8(folded, _mm_set1_epi8('a' - 1)),
                                        _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), folded));
        __m128i digits = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
                                       _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), x));
        return (unsigned int)_mm_movemask_epi8(_mm_or_si128(letters, digits));
    #else
        unsigned int mask = 0, k, c;
        for (k = 0; k < 16; k++) {
            c = s[k];
            if ((c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z')) mask |= 1u << k;
        }
        return mask;
    #endif
    }
    """
    unsigned int ascii_alnum16 "doorman_ascii_alnum16"(const Py_UCS1 *s) noexcept nogil


# Sixty-four one-byte characters at once, as a bit per byte (SSE2 where the compiler offers it, else by byte):
# `eq64` the bytes equal to c, `within64` those in [low, high]; `first_marked` the first position from i where
# `marks` (one of those, combined) sets a bit among the `valid` lowest of a sixty-four-byte block, or n. Blocks
# move on by `valid`; the last is read from a zero-padded copy, so `marks` must never mark where it reads a NUL.
cdef extern from *:
    """
    #include <string.h>
    static inline unsigned int doorman_eq16(const unsigned char *s, unsigned char c) {
    #if defined(__SSE2__)
        return (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)s), _mm_set1_epi8((char)c)));
    #else
        unsigned int mask = 0, k;
        for (k = 0; k < 16; k++) {
            if (s[k] == c) mask |= 1u << k;
        }
        return mask;
    #endif
    }
    static inline unsigned int doorman_within16(const unsigned char *s, unsigned char low, unsigned char high) {
    #if defined(__SSE2__)
        /* x + 128 - low wraps low..high to the lowest signed bytes */
        __m128i x = _mm_add_epi8(_mm_loadu_si128((const __m128i *)s), _mm_set1_epi8((char)(128 - low)));
        return (unsigned int)_mm_movemask_epi8(_mm_cmpgt_epi8(_mm_set1_epi8((char)(high - low - 127)), x));
    #else
        unsigned int mask = 0, k;
        for (k = 0; k < 16; k++) {
            if (s[k] >= low && s[k] <= high) mask |= 1u << k;
        }
        return mask;
    #endif
    }
    static inline unsigned long long doorman_eq64(const unsigned char *s, unsigned char c) {
        return (unsigned long long)doorman_eq16(s, c) | (unsigned long long)doorman_eq16(s + 16, c) << 16
            | (unsigned long long)doorman_eq16(s + 32, c) << 32 | (unsigned long long)doorman_eq16(s + 48, c) << 48;
    }
    static inline unsigned long long doorman_within64(const unsigned char *s, unsigned char low, unsigned char high) {
        return (unsigned long long)doorman_within16(s, low, high)
            | (unsigned long long)doorman_within16(s + 16, low, high) << 16
            | (unsigned long long)doorman_within16(s + 32, low, high) << 32
            | (unsigned long long)doorman_within16(s + 48, low, high) << 48;
    }
    static inline __attribute__((always_inline)) Py_ssize_t doorman_first_marked(
            const unsigned char *s, Py_ssize_t i, Py_ssize_t n, unsigned long long (*marks)(const unsigned char *),
            int valid) {
        unsigned long long m, keep = (1ULL << valid) - 1;
        unsigned char tail[64];
        while (i + 64 <= n) {
            m = marks(s + i) & keep;
            if (m)
                return i + __builtin_ctzll(m);
            i += valid;
        }
        if (i >= n)
            return n;
        memset(tail, 0, 64);
        memcpy(tail, s + i, (size_t)(n - i));
        m = marks(tail);
        return m ? i + __builtin_ctzll(m) : n;
    }
    """
    unsigned long long eq64 "doorman_eq64"(const Py_UCS1 *s, unsigned char c) noexcept nogil
    unsigned long long within64 "doorman_within64"(const Py_UCS1 *s, unsigned char low, unsigned char high) noexcept nogil
