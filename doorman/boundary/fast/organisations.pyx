# cython: language_level=3, wraparound=False
"""doorman.boundary.organisations' recogniser, compiled: the same findings in the same order.

One pass in C, word by word, finds the anchors the reference's windows come from (a legal-form or company word
after a space or comma, a connector between capitalised words, a type word) and the cue words, and (in a
Latin-1 text, else in a second pass) the hyphens between names. Within the (rare) windows, ORG_PARTNERS and
ORG_NAME are matched in C, and ORG_SUFFIXED's name too (its paths in the regex's order), the reference's own patterns confirming its suffixes
(and reading any text cut at a window's end). name_words' look-ups (plain, is_surname, in_given) read a C hash table of
the word lists for words of a Latin-1 text (or of ASCII), the Python sets for the rest.
"""

import re
import warnings

from cpython.object cimport PyObject
from cpython.ref cimport Py_DECREF, Py_INCREF, Py_XDECREF
from cpython.unicode cimport PyUnicode_FindChar

from doorman.boundary import organisations as org
from doorman.boundary.findings import Finding

from doorman.boundary.common_words import COMMON_WORDS
from doorman.boundary.name_data import given_names, surnames
from doorman.boundary.name_words import fold

from doorman.boundary.fast.chars cimport (
    LITTLE_ENDIAN, Text, char_at, eq64, is_alnum, is_space, lower_char, lowest_bit, new_finding, text_of, written_at,
)
from doorman.boundary.fast.chars cimport is_word as chars_is_word
from doorman.boundary.fast.name_words cimport all_parts_in, is_surname, plain
from doorman.boundary.fast.positions cimport Positions, positions_release, positions_start, push
from doorman.boundary.fast.tokens cimport is_low as tokens_is_low, is_up as tokens_is_up, token_end, token_grammar_changed

from libc.stdint cimport uint64_t
from libc.string cimport memchr, memcmp, memcpy, memset
from cpython.mem cimport PyMem_Free, PyMem_Malloc


cdef extern from *:
    """
    /* The index of x's highest set bit (x not 0). */
    static inline int org_highest_bit(unsigned int x) { return 31 - __builtin_clz(x); }
    #if defined(__SSE2__)
    #include <emmintrin.h>
    #define ORG_SIXTEEN_AT_ONCE 1
    /* Bits 0-15: the bytes of s[0:16] that are ASCII letters; bits 16-31: those that are '&'. */
    static inline unsigned int org_letters_and_ampersands16(const unsigned char *s) {
        __m128i block = _mm_loadu_si128((const __m128i *) s);
        /* a letter's lower case, moved to the bottom of the signed range: [a, z] to [-128, -103] */
        __m128i shifted = _mm_add_epi8(_mm_or_si128(block, _mm_set1_epi8(0x20)), _mm_set1_epi8(31));
        unsigned int letters = (unsigned int) _mm_movemask_epi8(_mm_cmpgt_epi8(_mm_set1_epi8(-102), shifted));
        unsigned int ampersands = (unsigned int) _mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8(38)));
        return letters | (ampersands << 16);
    }
    /* The bytes of s[0:16] that are spaces. */
    static inline unsigned int org_spaces16(const unsigned char *s) {
        __m128i block = _mm_loadu_si128((const __m128i *) s);
        return (unsigned int) _mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8(32)));
    }
    /* The bytes of s[0:16] that are ASCII capitals or from 0x80 on. */
    static inline unsigned int org_capitals16(const unsigned char *s) {
        __m128i block = _mm_loadu_si128((const __m128i *) s);
        /* [A, Z] moved to [-128, -103] */
        __m128i shifted = _mm_add_epi8(block, _mm_set1_epi8(63));
        return (unsigned int) _mm_movemask_epi8(_mm_or_si128(_mm_cmpgt_epi8(_mm_set1_epi8(-102), shifted), block));
    }
    /* For s[0:16], two-byte code units: bits 0-15 the ASCII letters, bits 16-31 the '&'s (as
       org_letters_and_ampersands16 reads bytes); *wide: the units from 256 on. */
    static inline unsigned int org_ucs2_letters_and_ampersands16(const unsigned short *s, unsigned int *wide) {
        __m128i low = _mm_loadu_si128((const __m128i *) s);
        __m128i high = _mm_loadu_si128((const __m128i *) (s + 8));
        /* units from 256 on pack to 0 or 255: neither a letter nor '&' */
        __m128i block = _mm_packus_epi16(low, high);
        __m128i tops = _mm_packus_epi16(_mm_srli_epi16(low, 8), _mm_srli_epi16(high, 8));
        __m128i shifted = _mm_add_epi8(_mm_or_si128(block, _mm_set1_epi8(0x20)), _mm_set1_epi8(31));
        unsigned int letters = (unsigned int) _mm_movemask_epi8(_mm_cmpgt_epi8(_mm_set1_epi8(-102), shifted));
        unsigned int ampersands = (unsigned int) _mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8(38)));
        *wide = 0xFFFFu & ~(unsigned int) _mm_movemask_epi8(_mm_cmpeq_epi8(tops, _mm_setzero_si128()));
        return letters | (ampersands << 16);
    }
    /* The bytes of s[0:64] that are ASCII letters. */
    static inline unsigned long long org_letters64(const unsigned char *s) {
        unsigned long long letters = 0;
        int k;
        for (k = 0; k < 64; k += 16) {
            __m128i block = _mm_loadu_si128((const __m128i *) (s + k));
            __m128i shifted = _mm_add_epi8(_mm_or_si128(block, _mm_set1_epi8(0x20)), _mm_set1_epi8(31));
            letters |= (unsigned long long) (unsigned int) _mm_movemask_epi8(_mm_cmpgt_epi8(_mm_set1_epi8(-102), shifted)) << k;
        }
        return letters;
    }
    #else
    static inline unsigned long long org_letters64(const unsigned char *s) { return 0; }
    static inline unsigned int org_ucs2_letters_and_ampersands16(const unsigned short *s, unsigned int *wide) {
        *wide = 0; return 0;
    }
    static inline unsigned int org_capitals16(const unsigned char *s) { return 0; }
    static inline unsigned int org_spaces16(const unsigned char *s) { return 0; }
    #define ORG_SIXTEEN_AT_ONCE 0
    static inline unsigned int org_letters_and_ampersands16(const unsigned char *s) { return 0; }
    #endif
    """
    const bint SIXTEEN_AT_ONCE "ORG_SIXTEEN_AT_ONCE"
    unsigned int letters_and_ampersands16 "org_letters_and_ampersands16"(const unsigned char *s) noexcept nogil
    unsigned int capitals16 "org_capitals16"(const unsigned char *s) noexcept nogil
    unsigned int spaces16 "org_spaces16"(const unsigned char *s) noexcept nogil
    int highest_bit "org_highest_bit"(unsigned int x) noexcept nogil
    unsigned long long letters64 "org_letters64"(const unsigned char *s) noexcept nogil
    unsigned int ucs2_letters_and_ampersands16 "org_ucs2_letters_and_ampersands16"(
        const unsigned short *s, unsigned int *wide) noexcept nogil


# ---- character classes: the shared tests, read from a table for Latin-1 ----

cdef enum:
    UP_CLASS = 1  # `[{UP}]`
    LOW_CLASS = 2  # `[{LOW}]`
    WORD_CLASS = 4  # `\w`
    NAME_PART = 8  # UP, LOW, or one of ' ’ . - (what a TOKEN holds)
    NAME_SPAN = 16  # NAME_PART, ',' or '&'

cdef unsigned char CHAR_CLASS[256]
for _c in range(256):
    CHAR_CLASS[_c] = (
        (UP_CLASS if tokens_is_up(_c) else 0) | (LOW_CLASS if tokens_is_low(_c) else 0)
        | (WORD_CLASS if chars_is_word(_c) else 0)
        | (NAME_PART | NAME_SPAN if tokens_is_up(_c) or tokens_is_low(_c) or _c in (39, 46, 45) else 0)
        | (NAME_SPAN if _c in (44, 38) else 0)
    )


cdef inline bint is_up(Py_UCS4 c) noexcept:
    return CHAR_CLASS[c] & UP_CLASS if c < 256 else tokens_is_up(c)


cdef inline bint is_low(Py_UCS4 c) noexcept:
    return CHAR_CLASS[c] & LOW_CLASS if c < 256 else tokens_is_low(c)


cdef inline bint is_word(Py_UCS4 c) noexcept:
    return CHAR_CLASS[c] & WORD_CLASS if c < 256 else chars_is_word(c)


cdef inline bint is_name_part(Py_UCS4 c) noexcept:
    """UP, LOW, ' ’ . or -"""
    return CHAR_CLASS[c] & NAME_PART if c < 256 else tokens_is_up(c) or tokens_is_low(c) or c == 0x2019


cdef inline bint is_name_span(Py_UCS4 c) noexcept:
    """UP, LOW, ' ’ . - , or &"""
    return CHAR_CLASS[c] & NAME_SPAN if c < 256 else tokens_is_up(c) or tokens_is_low(c) or c == 0x2019


cdef inline Py_ssize_t next_up(const Text *t, Py_ssize_t i, Py_ssize_t end) noexcept:
    """The first position from i, before end (at most the text's length), whose character is UP, else end."""
    cdef const unsigned char *latin1
    cdef unsigned int bits
    if t.kind != 1:
        while i < end and not is_up(char_at(t, i)):
            i += 1
        return i
    latin1 = <const unsigned char *>t.data
    while SIXTEEN_AT_ONCE and i + 16 <= end:
        bits = capitals16(latin1 + i)
        while bits:
            if CHAR_CLASS[latin1[i + lowest_bit(bits)]] & UP_CLASS:
                return i + lowest_bit(bits)
            bits &= bits - 1
        i += 16
    while i < end and not CHAR_CLASS[latin1[i]] & UP_CLASS:
        i += 1
    return i


cdef object SUFFIX_ANCHOR_MATCH = org.SUFFIX_ANCHOR.match
cdef object ORG_SUFFIXED_MATCH = org.ORG_SUFFIXED.match
cdef object ORG_PREFIXED_MATCH = org.ORG_PREFIXED.match
cdef object ORG_PARTNERS_MATCH = org.ORG_PARTNERS.match
cdef object ORG_NAME_MATCH = org.ORG_NAME.match
cdef frozenset GIVEN = given_names()
cdef frozenset SURNAMES = surnames()
cdef frozenset COMMON = COMMON_WORDS


# ---- the ASCII words of surnames(), COMMON_WORDS and given_names() in one C hash table ----
# name_words' look-ups (plain, is_surname, in_given) read it for an ASCII word, whose fold is its lower case;
# a word with any other character goes to the Python sets.

cdef enum:
    SURNAME_WORD = 1
    COMMON_WORD = 2
    GIVEN_WORD = 4
    LISTED_ROOM = 64  # the longest listed word must be shorter

cdef struct ListedSlot:  # twelve bytes: the table's 35K words take 1.5 MB
    unsigned int hash  # the low half of listed_hash
    unsigned int at  # its characters in LISTED_CHARS
    unsigned char length  # 0: an empty slot
    unsigned char flags

cdef ListedSlot *LISTED = NULL
cdef unsigned char *LISTED_CHARS = NULL
cdef Py_ssize_t LISTED_MASK = 0, LISTED_LONGEST = 0


cdef inline unsigned long long listed_hash(const unsigned char *word, Py_ssize_t length) noexcept:
    cdef unsigned long long h = 14695981039346656037ULL ^ <unsigned long long>length
    cdef Py_ssize_t k
    for k in range(length):
        h = (h ^ word[k]) * 1099511628211ULL
    return h ^ (h >> 31)


cdef inline int listed_flags(const unsigned char *word, Py_ssize_t length) noexcept:
    """The lists (SURNAME_WORD, COMMON_WORD, GIVEN_WORD) holding the lower-case ASCII word[:length]."""
    if length > LISTED_LONGEST or LISTED == NULL:
        return 0
    return hashed_flags(word, length, listed_hash(word, length))


cdef int hashed_flags(const unsigned char *word, Py_ssize_t length, unsigned long long h) noexcept:
    """listed_flags, given the word's listed_hash (length at most LISTED_LONGEST)."""
    cdef Py_ssize_t slot
    slot = <Py_ssize_t>(h & <unsigned long long>LISTED_MASK)
    while LISTED[slot].length != 0:
        if LISTED[slot].hash == <unsigned int> h and LISTED[slot].length == length and memcmp(
                LISTED_CHARS + LISTED[slot].at, word, length) == 0:
            return LISTED[slot].flags
        slot = (slot + 1) & LISTED_MASK
    return 0


def _fill_listed():
    global LISTED, LISTED_CHARS, LISTED_MASK, LISTED_LONGEST
    cdef dict flags_of = {}
    cdef Py_ssize_t size = 16, slot, used = 0, k
    cdef unsigned long long h
    cdef bytes raw
    if "" in SURNAMES or "" in COMMON or "" in GIVEN:
        raise Drift("a word list holds the empty word")
    for words, flag in ((SURNAMES, SURNAME_WORD), (COMMON, COMMON_WORD), (GIVEN, GIVEN_WORD)):
        for word in words:
            if word.isascii() and word:
                if len(word) >= LISTED_ROOM:
                    raise Drift("a listed word is too long for this twin's table")
                flags_of[word] = flags_of.get(word, 0) | flag
    while size < len(flags_of) * 2:
        size *= 2
    slots = <ListedSlot *>PyMem_Malloc(size * sizeof(ListedSlot))
    chars = <unsigned char *>PyMem_Malloc(sum(len(w) for w in flags_of) + 1)
    if slots == NULL or chars == NULL:
        raise MemoryError()
    for slot in range(size):
        slots[slot].length = 0
    for word, flags in flags_of.items():
        raw = (<str>word).encode("ascii")
        h = listed_hash(<const unsigned char *>raw, len(raw))
        slot = <Py_ssize_t>(h & <unsigned long long>(size - 1))
        while slots[slot].length != 0:
            slot = (slot + 1) & (size - 1)
        slots[slot].hash = <unsigned int> h
        slots[slot].at = used
        slots[slot].length = len(raw)
        slots[slot].flags = flags
        memcpy(chars + used, <const unsigned char *>raw, len(raw))
        used += len(raw)
        LISTED_LONGEST = max(LISTED_LONGEST, len(raw))
    LISTED_MASK = size - 1
    LISTED_CHARS = chars
    LISTED = slots


cdef int lowered_flags(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """The lists holding text[start:end] lower-cased (its fold), when it is all ASCII; -1 when it is not."""
    cdef unsigned char word[LISTED_ROOM]
    cdef Py_ssize_t k, length = end - start
    cdef Py_UCS4 c
    cdef unsigned int code, seen = 0
    cdef bint fits = length <= LISTED_LONGEST
    cdef const unsigned char *latin1
    cdef unsigned long long h
    if t.kind == 1 and 0 <= start and end <= t.n and fits and LISTED != NULL:
        # lowered and hashed in one pass (listed_hash's steps)
        latin1 = <const unsigned char *>t.data + start
        h = 14695981039346656037ULL ^ <unsigned long long>length
        for k in range(length):
            code = latin1[k]
            seen |= code
            code = code | 32 if 65 <= code <= 90 else code
            word[k] = <unsigned char>code
            h = (h ^ code) * 1099511628211ULL
        if seen >= 128:
            return -1
        if length == 0:
            return 0
        return hashed_flags(word, length, h ^ (h >> 31))
    for k in range(length):
        c = char_at(t, start + k)
        if c >= 128:
            return -1
        if fits:
            code = <unsigned int>c
            word[k] = <unsigned char>(code | 32 if 65 <= code <= 90 else code)
    if not fits:
        return 0
    if length == 0:
        return 0  # no listed word is empty
    return listed_flags(word, length)


# name_words.fold for each Latin-1 character: the ASCII it folds to (fold reads a word one character at a time:
# it lowers each, decomposes each, and drops what is not ASCII)
cdef unsigned char FOLD_LENGTH[256]
cdef unsigned char FOLD_CHARS[256][4]


def _prepare_folds():
    for c in range(256):
        folded = fold(chr(c))
        if len(folded) > 4 or not folded.isascii():
            raise Drift("a Latin-1 character folds to more than this twin's table holds")
        FOLD_LENGTH[c] = len(folded)
        for j, ch in enumerate(folded):
            FOLD_CHARS[c][j] = ord(ch)
    if fold("Ab\u00e9\u00df-\u00bd") != "abe-12":
        raise Drift("name_words.fold does not fold a word one character at a time")


cdef int folded_flags(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """The lists holding name_words.fold(text[start:end]); -1 when unknown here (a word beyond ASCII in a text
    beyond Latin-1)."""
    cdef unsigned char word[LISTED_ROOM + 4]
    cdef const unsigned char *latin1
    cdef Py_ssize_t k, m = 0, j
    cdef unsigned char c
    if t.kind != 1 or start < 0 or end > t.n:
        return lowered_flags(t, start, end)
    latin1 = <const unsigned char *>t.data
    for k in range(start, end):
        c = latin1[k]
        if c < 128:
            word[m] = c | 32 if 65 <= c <= 90 else c
            m += 1
        else:
            for j in range(FOLD_LENGTH[c]):
                word[m] = FOLD_CHARS[c][j]
                m += 1
        if m > LISTED_LONGEST:  # longer than every listed word, and folding more only adds
            return 0
    return listed_flags(word, m) if m else 0


cdef bint plain_at(str text, const Text *t, Py_ssize_t start, Py_ssize_t end) except -1:
    """name_words.plain(text[start:end])"""
    cdef Py_ssize_t stripped = end
    cdef int flags
    while stripped > start and char_at(t, stripped - 1) == 46:
        stripped -= 1
    flags = lowered_flags(t, start, stripped)
    if flags == -1:
        return plain(text[start:end], COMMON)
    return not flags & COMMON_WORD


cdef bint surname_at(str text, const Text *t, Py_ssize_t start, Py_ssize_t end) except -1:
    """name_words.is_surname(text[start:end])"""
    cdef int flags = folded_flags(t, start, end)
    cdef Py_ssize_t part_start, k
    if flags == -1:
        return is_surname(text[start:end], SURNAMES, fold)
    if flags & SURNAME_WORD:
        return True
    part_start = start
    for k in range(start, end):
        if char_at(t, k) == 45:
            break
    else:
        return False  # no '-'
    for k in range(start, end + 1):
        if k == end or char_at(t, k) == 45:
            if not folded_flags(t, part_start, k) & SURNAME_WORD:
                return False
            part_start = k + 1
    return True

# The reference's windows: characters before and after each anchor match.
cdef Py_ssize_t SUFFIX_BEFORE = 160, SUFFIX_AFTER = 60, HYPHEN_SIDE = 41
# The most spaces from an ORG_SUFFIXED match's start to the space before its suffix: five tokens joined by four
# separators of at most three spaces (" de la "), then that space.
cdef Py_ssize_t NAME_SPACES = 13


class Drift(Exception):
    """The reference's patterns or words changed in a way this twin's tables do not follow."""


cdef inline object org_finding(Py_ssize_t start, Py_ssize_t end, long priority):
    return new_finding(Finding, start, end, "ORG", priority)


cdef bint hyphen_pair_named(str text, const Text *t, Py_ssize_t a, Py_ssize_t a_end, Py_ssize_t b,
                            Py_ssize_t b_end) except -1:
    """The reference's test of an ORG_HYPHEN match, first = text[a:a_end], second = text[b:b_end]."""
    return (surname_at(text, t, a, a_end) and surname_at(text, t, b, b_end)
            and (plain_at(text, t, a, a_end) or plain_at(text, t, b, b_end))) or (
        a_end - a > 2 and b_end - b > 2 and plain_at(text, t, a, a_end) and plain_at(text, t, b, b_end)
        and (surname_at(text, t, a, a_end) or surname_at(text, t, b, b_end) or given_at(text, t, a, a_end))
    )


cdef bint given_at(str text, const Text *t, Py_ssize_t start, Py_ssize_t end) except -1:
    """name_words.in_given(text[start:end])"""
    cdef int flags = folded_flags(t, start, end)
    cdef Py_ssize_t k
    for k in range(start, end):
        if char_at(t, k) == 45:
            flags = -1
    if flags == -1:
        return all_parts_in(text[start:end], GIVEN, fold)
    return flags & GIVEN_WORD != 0


cdef Py_ssize_t skip_leading_common(str text, const Text *t, Py_ssize_t start, Py_ssize_t end) except -2:
    """organisations._skip_leading_common for the name text[start:end]: where its first word that is not an
    ordinary word starts (split at each space, trailing commas stripped), or -1 for None."""
    cdef Py_ssize_t word_start = start, i, word_end
    for i in range(start, end + 1):
        if i == end or char_at(t, i) == 32:
            word_end = i
            while word_end > word_start and char_at(t, word_end - 1) == 44:
                word_end -= 1
            if plain_at(text, t, word_start, word_end):
                return word_start
            word_start = i + 1
    return -1


cdef inline bint name_refused_before(const Text *t, Py_ssize_t i) noexcept:
    """`(?<![\\w\\-])` fails at i."""
    cdef Py_UCS4 c = char_at(t, i - 1)
    return is_word(c) or c == 45


# ---- word lists as C tables: each word's code points, grouped by its (ASCII) first character ----

cdef enum:
    MAX_WORDS = 160
    MAX_LENGTH = 40

cdef struct Words:
    Py_ssize_t count
    Py_ssize_t length[MAX_WORDS]
    Py_ssize_t order[MAX_WORDS]  # the word's index in the list it was made from
    Py_UCS4 chars[MAX_WORDS][MAX_LENGTH]
    Py_ssize_t first_start[129]  # the words opening with c are [first_start[c], first_start[c + 1])
    unsigned long long lengths[128]  # bit k: a word opening with c is k long


cdef int fill_words(Words *table, list words) except -1:
    cdef Py_ssize_t k, j, c, index = 0
    if len(words) > MAX_WORDS or any(not w or len(w) >= MAX_LENGTH or not w[0].isascii() for w in words):
        raise Drift("a word list does not fit this twin's tables")
    table.count = len(words)
    for c in range(128):
        table.first_start[c] = index
        table.lengths[c] = 0
        for k, word in enumerate(words):
            if ord(word[0]) == c:
                table.length[index] = len(word)
                table.order[index] = k
                for j in range(len(word)):
                    table.chars[index][j] = ord(word[j])
                table.lengths[c] |= 1ULL << len(word)
                index += 1
    table.first_start[128] = index
    return 0


cdef inline bint word_at(const Words *table, Py_ssize_t k, const Text *t, Py_ssize_t i, bint fold) noexcept:
    """Is table word k at i (its first character known to be)? With fold, the text compares lower-cased, one
    character at a time (as str.lower does for a text where no character lowers to two)."""
    cdef Py_ssize_t j, m = table.length[k]
    cdef Py_UCS4 c
    if i + m > t.n:
        return False
    for j in range(1, m):
        c = char_at(t, i + j)
        if fold:
            c = lower_char(c)
        if c != table.chars[k][j]:
            return False
    return True


# ---- the words a suffix can open with ----

def _alternatives(str pattern):
    """The top-level alternatives of a regex."""
    parts, depth, current, i = [], 0, [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            current.append(pattern[i:i + 2])
            i += 2
            continue
        depth += ch == "("
        depth -= ch == ")"
        if ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    return parts + ["".join(current)]


def _group_end(str pattern, Py_ssize_t start):
    """The index of the ')' closing the group opened at start."""
    depth, i = 0, start
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        depth += pattern[i] == "("
        depth -= pattern[i] == ")"
        if depth == 0:
            return i
        i += 1
    raise Drift("unbalanced group in organisations' suffix pattern")


def _is_word_char(str ch):
    return ch.isalnum() or ch == "_"


def _word_prefixes(str rest):
    """What text matching `rest` must open with, as a tuple of alternatives, when `rest` is a run of spaces and
    word characters then a group of alternatives opening with words (" (?:Sons|Fils|Co\.?)"); else None."""
    i = 0
    while i < len(rest) and (rest[i] == " " or _is_word_char(rest[i])):
        i += 1
    lead, group = rest[:i], rest[i:]
    if not group.startswith("(?:") or _group_end(group, 0) != len(group) - 1:
        return None
    prefixes = []
    for alternative in _alternatives(group[3:len(group) - 1]):
        k = 0
        while k < len(alternative) and _is_word_char(alternative[k]):
            k += 1
        if alternative[k:k + 1] == "?":
            k -= 1
        if k <= 0:
            return None
        prefixes.append(lead + alternative[:k])
    return tuple(prefixes)


def _opening_runs(str pattern, dict runs, set marks, str rest=""):
    """Add to `runs` the word-character run each alternative of `pattern` opens with (the whole \\w run a match
    starts with, since every alternative is followed by a non-word character), each with what text must follow
    it (a tuple of openings, or None when anything may), and to `marks` the non-word characters an alternative
    may open with. Raises Drift on a construct this reading does not know."""
    for alternative in _alternatives(pattern):
        if alternative.startswith("(?:"):
            close = _group_end(alternative, 0)
            after_group = alternative[close + 1:]
            if after_group[:1] in ("?", "*", "+", "{") or (after_group and _is_word_char(after_group[0])):
                raise Drift("organisations' suffix pattern opens with a group this twin cannot read")
            _opening_runs(alternative[3:close], runs, marks, after_group + rest)
            continue
        i = 0
        while i < len(alternative) and _is_word_char(alternative[i]):
            i += 1
        after = alternative[i:i + 1]
        if i == 0:
            if not after or after in "\\()[]?*+{.|^$":
                raise Drift("organisations' suffix pattern opens with a construct this twin cannot read")
            marks.add(after)
            continue
        if after == "?":
            if i < 2:
                raise Drift("organisations' suffix pattern has an optional first letter")
            _add_run(runs, alternative[:i - 1], None)
        elif after == "\\":
            if _is_word_char(alternative[i + 1]) and alternative[i + 1] != "s":
                raise Drift("organisations' suffix pattern holds an escape this twin cannot read")
        elif after == "(":
            close = _group_end(alternative, i)
            if not all(a[:1] == " " for a in _alternatives(alternative[i + 3:close])) or not alternative.startswith(
                "(?:", i
            ):
                raise Drift("organisations' suffix pattern holds a group this twin cannot read")
        elif after and (_is_word_char(after) or after in "[*+{.|^$"):
            raise Drift("organisations' suffix pattern holds a construct this twin cannot read")
        # a whole alternative inside a group: what follows the group must follow the run
        _add_run(runs, alternative[:i], _word_prefixes(rest) if i == len(alternative) and rest else None)


def _add_run(dict runs, str run, follows):
    if run in runs and (runs[run] is None or follows is None):
        runs[run] = None
    else:
        runs[run] = tuple(sorted(set(runs.get(run, ())) | set(follows))) if follows is not None else None


# ---- a cheap refusal before open_anchors: the first three characters a word must open with ----

# Bit (key & 4095) is set for the key of each word that can open an anchor of that kind: a cue word lower-cased,
# a type word, a suffix's opening \w run (its first three characters, shorter runs padded with NUL). A word whose
# key's bit is clear opens no anchor of that kind; a set bit proves nothing.
cdef unsigned long long CUE_KEYS[64]
cdef unsigned long long TYPE_KEYS[64]
cdef unsigned long long RUN_KEYS[64]


cdef inline unsigned int key_bit(unsigned int a, unsigned int b, unsigned int c) noexcept:
    return ((a * 0x9E3779B1u) ^ (b * 0x85EBCA77u) ^ (c * 0xC2B2AE3Du)) >> 20


cdef inline bint key_set(const unsigned long long *keys, unsigned int a, unsigned int b, unsigned int c) noexcept:
    cdef unsigned int bit = key_bit(a, b, c) & 4095
    return (keys[bit >> 6] >> (bit & 63)) & 1


cdef void set_key(unsigned long long *keys, str word):
    cdef unsigned int bit
    padded = [ord(ch) for ch in word[:3]] + [0, 0, 0]
    bit = key_bit(padded[0], padded[1], padded[2]) & 4095
    keys[bit >> 6] |= 1ULL << (bit & 63)


def _prepare_keys(list runs):
    for k in range(64):
        CUE_KEYS[k] = TYPE_KEYS[k] = RUN_KEYS[k] = 0
    for word in CUE_WORDS:
        if len(word) < 3:
            raise Drift("a cue word is shorter than three characters")
        set_key(CUE_KEYS, word)
    for word in org._TYPE_WORDS:
        if len(word) < 3:
            raise Drift("a type word is shorter than three characters")
        set_key(TYPE_KEYS, word)
    for run in runs:
        set_key(RUN_KEYS, run)


cdef Words RUNS
cdef list RUN_FOLLOWS = []  # for RUNS.order k: the tuple of openings text after the run must have, or None
# For RUNS.order k whose openings all are a space then an ASCII character: FOLLOW_SPACED[k], and those characters
cdef bint FOLLOW_SPACED[MAX_WORDS]
cdef uint64_t FOLLOW_SECOND[MAX_WORDS][2]
cdef bint OPENING_MARK[128]


def _prepare_suffixes():
    runs, marks = {}, set()
    _opening_runs(org._ORG_SUFFIX, runs, marks)
    if any(not run.isascii() or len(run) > 60 for run in runs) or any(not mark.isascii() for mark in marks):
        raise Drift("organisations' suffixes open with characters this twin does not index")
    ordered = sorted(runs)
    fill_words(&RUNS, ordered)
    RUN_FOLLOWS[:] = [runs[run] for run in ordered]
    for k, follows in enumerate(RUN_FOLLOWS):
        FOLLOW_SECOND[k][0] = FOLLOW_SECOND[k][1] = 0
        FOLLOW_SPACED[k] = follows is not None and all(
            len(opening) >= 2 and opening[0] == " " and opening[1].isascii() for opening in follows)
        if FOLLOW_SPACED[k]:
            for opening in follows:
                FOLLOW_SECOND[k][ord(opening[1]) >> 6] |= 1ULL << (ord(opening[1]) & 63)
    for c in range(128):
        OPENING_MARK[c] = chr(c) in marks
    return ordered


cdef inline bint suffix_opens(const Text *t, Py_ssize_t i) except -1:
    """Can one of organisations._ORG_SUFFIX's alternatives match at i?"""
    return suffix_run(t, i) != -1


cdef Py_ssize_t suffix_run(const Text *t, Py_ssize_t i) except -3:
    """Can one of organisations._ORG_SUFFIX's alternatives match at i? The \\w run starting there must be one an
    alternative opens with (or, when empty, the character one opens with), followed by what that needs. -1 when
    not, -2 when a mark opens one, else the run's index in the sorted runs."""
    cdef Py_UCS4 c = char_at(t, i), c2, c3
    cdef Py_ssize_t end, k, length
    cdef object follows
    if c >= 128 or c == 0:
        return -1
    if not is_word(c):
        return -2 if OPENING_MARK[c] else -1
    if RUNS.lengths[c] == 0:
        return -1
    c2 = char_at(t, i + 1)
    c3 = char_at(t, i + 2)
    if not is_word(c2):
        c2 = c3 = 0
    elif not is_word(c3):
        c3 = 0
    if not key_set(RUN_KEYS, c, c2, c3):  # the run's first three characters open no suffix run
        return -1
    end = i + 1
    if t.kind == 1:
        while end < t.n and end - i < 62 and CHAR_CLASS[(<const unsigned char *>t.data)[end]] & WORD_CLASS:
            end += 1
    else:
        while end - i < 62 and is_word(char_at(t, end)):
            end += 1
    length = end - i
    if length >= 62 or not (RUNS.lengths[c] >> length) & 1:
        return -1
    for k in range(RUNS.first_start[c], RUNS.first_start[<Py_ssize_t>c + 1]):
        if RUNS.length[k] == length and word_at(&RUNS, k, t, i, False):
            follows = RUN_FOLLOWS[RUNS.order[k]]
            if follows is None:
                return RUNS.order[k]
            c2 = char_at(t, end + 1)
            if FOLLOW_SPACED[RUNS.order[k]] and not (
                    char_at(t, end) == 32 and c2 < 128 and (FOLLOW_SECOND[RUNS.order[k]][<unsigned int>c2 >> 6] >> (<unsigned int>c2 & 63)) & 1):
                return -1  # each opening is a space then an ASCII character, and the text's are not one of those
            for opening in <tuple>follows:
                if written_at(t, end, <str>opening):
                    return RUNS.order[k]
            return -1
    return -1


# ---- type words and cue words ----

cdef Words TYPE_WORDS


cdef inline bint type_word_at(const Text *t, Py_ssize_t i, Py_UCS4 c) noexcept:
    """Does one of organisations._TYPE_WORDS occur at i (c = its character there, ASCII)?"""
    cdef Py_ssize_t k
    for k in range(TYPE_WORDS.first_start[c], TYPE_WORDS.first_start[<Py_ssize_t>c + 1]):
        if word_at(&TYPE_WORDS, k, t, i, False):
            return True
    return False


cdef tuple CUE_WORDS = tuple(org._CUE_WORDS)
cdef Words CUES
cdef Py_ssize_t CUE_RUN[MAX_WORDS]  # for CUES word k: how long its first alphanumeric run is


def _prepare_cue_runs():
    cdef Py_ssize_t k, run
    for k in range(CUES.count):
        word = CUE_WORDS[CUES.order[k]]
        run = 0
        while run < len(word) and word[run].isalnum():
            run += 1
        if run < len(word) and word[run] != " ":
            raise Drift("a cue word holds a character other than a space between its words")
        CUE_RUN[k] = run


def _has_border(str word):
    return any(word[:k] == word[-k:] for k in range(1, len(word)))


cdef list NOTHING = []  # read only: what a scratch list never made holds


cdef inline list grown(PyObject **slot):
    """The list at slot (a new reference held there), made when first needed."""
    cdef list made
    if slot[0] == NULL:
        made = []
        Py_INCREF(made)
        slot[0] = <PyObject *>made
    return <list>slot[0]


cdef inline list taken(PyObject **slot):
    """The list at slot, its reference handed to the caller (NOTHING when none was made)."""
    cdef list owned
    if slot[0] == NULL:
        return NOTHING
    owned = <list>slot[0]
    Py_DECREF(owned)
    slot[0] = NULL
    return owned


cdef inline void released(PyObject **slot) noexcept:
    """Drop the reference slot holds, if any (after an error)."""
    Py_XDECREF(slot[0])
    slot[0] = NULL


cdef inline void add_cue_hits(PyObject **hits, const Text *t, Py_ssize_t i, Py_UCS4 first, bint fold):
    """Append (cue index, i) for each cue word at i (an alphanumeric run's start) that ends a run."""
    cdef Py_ssize_t k, run = -1
    for k in range(CUES.first_start[first], CUES.first_start[<Py_ssize_t>first + 1]):
        # a character lowering to an alphanumeric one (or to a space) is one too: the text's alphanumeric run
        # from i is as long as the cue word's first
        if run == -1:
            run = alnum_end(t, i) - i
        if CUE_RUN[k] != run:
            continue
        if word_at(&CUES, k, t, i, fold) and not is_alnum(char_at(t, i + CUES.length[k])):
            grown(hits).append((CUES.order[k], i))


cdef list cue_hits(str lower):
    """(cue index, position) of each whole-word cue in the lower-cased text, in the reference's order: by cue
    word, then position."""
    cdef PyObject *made = NULL
    cdef list hits
    cdef Text t = text_of(lower)
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    cdef bint after_alnum = False, alnum
    for i in range(t.n):
        c = char_at(&t, i)
        alnum = is_alnum(c)
        if alnum and not after_alnum and c < 128 and CUES.first_start[c] != CUES.first_start[<Py_ssize_t>c + 1]:
            add_cue_hits(&made, &t, i, c, False)
        after_alnum = alnum
    hits = taken(&made)
    if len(hits) > 1:
        hits.sort()
    return hits


# ---- what each character can open ----

cdef enum:
    ALNUM = 1
    SUFFIX_OPENING = 4  # after a space or comma
    CONNECTOR_OPENING = 8  # after a space
    TYPE_OPENING = 16
    CUE_OPENING = 32  # in either case
    OPENING = SUFFIX_OPENING | CONNECTOR_OPENING | TYPE_OPENING | CUE_OPENING

# ALNUM for the Latin-1 range (str.isalnum), the openings for ASCII
cdef unsigned char CHAR_KIND[256]
# What a word opening with c, its next character c2, can be (column 128: any non-ASCII c2): a narrower
# CHAR_KIND[c] (a word of a list opening with c has c2 second, a one-letter suffix run a non-word character).
cdef unsigned char PAIR_KIND[128][129]
# For a Latin-1 text: PAIR_KIND for any two characters (0 for a non-ASCII first), and 0 after an alphanumeric
# character, 0xFF after any other (only a word's start, or a '&', opens an anchor).
cdef unsigned char LATIN1_OPENS[65536]  # indexed c2 << 8 | c: a little-endian two-byte read of c, c2
cdef unsigned char OPENS_AFTER[256]
# Only an ASCII letter or '&' opens an anchor (what the sixteen-at-once scans jump between)
cdef bint LETTERS_OPEN = False


def _prepare_kinds(list runs):
    cdef Py_ssize_t c, c2
    for c in range(256):
        CHAR_KIND[c] = ALNUM if chr(c).isalnum() else 0
    for c in range(128):
        lowered = ord(chr(c).lower())
        CHAR_KIND[c] |= (
            (SUFFIX_OPENING if RUNS.lengths[c] or OPENING_MARK[c] else 0)
            | (CONNECTOR_OPENING if chr(c) in "ayeu&" else 0)
            | (TYPE_OPENING if TYPE_WORDS.first_start[c] != TYPE_WORDS.first_start[c + 1] else 0)
            | (CUE_OPENING if CUES.first_start[lowered] != CUES.first_start[lowered + 1] else 0)
        )
    for c in range(128):
        for c2 in range(128):
            PAIR_KIND[c][c2] = 0
        PAIR_KIND[c][128] = 0xFF
        if OPENING_MARK[c]:
            for c2 in range(128):
                PAIR_KIND[c][c2] |= SUFFIX_OPENING
    for bit, words in ((SUFFIX_OPENING, runs), (TYPE_OPENING, list(org._TYPE_WORDS)),
                       (CONNECTOR_OPENING, ["and ", "y ", "et ", "und ", "& "])):
        for word in words:
            if len(word) == 1:  # a one-letter run: the word ends there
                for c2 in range(128):
                    if not (chr(c2).isalnum() or c2 == 95):
                        PAIR_KIND[ord(word)][c2] |= bit
            elif ord(word[1]) < 128:
                PAIR_KIND[ord(word[0])][ord(word[1])] |= bit
    for word in CUE_WORDS:
        for first in {word[0], word[0].upper()}:
            for second in {word[1], word[1].upper()}:
                if ord(first) < 128 and ord(second) < 128 and second.lower() == word[1]:
                    PAIR_KIND[ord(first)][ord(second)] |= CUE_OPENING
    for c in range(256):
        OPENS_AFTER[c] = 0 if CHAR_KIND[c] & ALNUM else 0xFF
        for c2 in range(256):
            LATIN1_OPENS[c2 << 8 | c] = CHAR_KIND[c] & OPENING & PAIR_KIND[c][c2 if c2 < 128 else 128] if c < 128 else 0
        if c >= 128 and chr(c).isalnum() and chr(c).lower().isascii():
            raise Drift("a Latin-1 letter lowers to ASCII")  # its word could open a cue
    global LETTERS_OPEN
    LETTERS_OPEN = all(chr(c).isalpha() or c == 38 for c in range(128) if CHAR_KIND[c] & OPENING)


cdef inline unsigned char narrowed(const Text *t, Py_ssize_t i, Py_UCS4 c, unsigned char opens) noexcept:
    """`opens` for the word at i (c its ASCII first character, or a '&'), less what its first three characters
    (or, for a suffix or connector, the character before it) rule out."""
    return narrowed_by(char_at(t, i - 1), c, char_at(t, i + 1), char_at(t, i + 2), opens)


cdef inline unsigned char narrowed_by(Py_UCS4 before, Py_UCS4 c, Py_UCS4 c2, Py_UCS4 c3, unsigned char opens) noexcept:
    """narrowed, given the characters before and at the word's start (NUL outside the text)."""
    if opens & CUE_OPENING and not key_set(CUE_KEYS, lower_char(c), lower_char(c2), lower_char(c3)):
        opens &= ~CUE_OPENING
    if opens & TYPE_OPENING and not key_set(TYPE_KEYS, c, c2, c3):
        opens &= ~TYPE_OPENING
    if opens & CONNECTOR_OPENING and before != 32:
        opens &= ~CONNECTOR_OPENING
    if opens & SUFFIX_OPENING:
        if before != 32 and before != 44:
            opens &= ~SUFFIX_OPENING
        elif is_word(c):
            if not is_word(c2):
                c2 = c3 = 0
            elif not is_word(c3):
                c3 = 0
            if not key_set(RUN_KEYS, c, c2, c3):
                opens &= ~SUFFIX_OPENING
    return opens


cdef bint READY = False
try:
    _grammar = token_grammar_changed()
    if _grammar:
        raise Drift(_grammar)
    fill_words(&TYPE_WORDS, list(org._TYPE_WORDS))
    # Each cue word is looked for at the start of an alphanumeric run: that finds every occurrence the
    # reference's str.find loop accepts only when no occurrence can overlap the one before (no cue word has a
    # border).
    if any(not w[:1].isalnum() or _has_border(w) or w != w.lower() for w in CUE_WORDS):
        raise Drift("organisations' cue words are not all lower-case words without borders")
    fill_words(&CUES, list(CUE_WORDS))
    _prepare_cue_runs()
    _runs = _prepare_suffixes()
    _prepare_kinds(_runs)
    _prepare_keys(_runs)
    _fill_listed()
    _prepare_folds()
    READY = True
except Drift as drift:
    warnings.warn(f"doorman.boundary.organisations changed ({drift}): OrganisationRecogniser runs uncompiled",
                  stacklevel=1)


# ---- windows ----

cdef inline int add_window(Positions *spans, Py_ssize_t n, Py_ssize_t match_start, Py_ssize_t match_end,
                           Py_ssize_t before, Py_ssize_t after) except -1:
    """findings.windows, one anchor match at a time: spans holds start, end, start, end, ..."""
    cdef Py_ssize_t start = match_start - before if match_start > before else 0
    cdef Py_ssize_t end = match_end + after if match_end + after < n else n
    if spans.count and start <= spans.at[spans.count - 1]:
        spans.at[spans.count - 1] = end
    else:
        push(spans, start)
        push(spans, end)
    return 0


cdef Py_ssize_t connector_end(const Text *t, Py_ssize_t i) noexcept:
    """organisations.CONNECTOR_ANCHOR at the space at i: ` (?:and|y|et|und|&) (?=TOKEN)`; its end, or -1."""
    cdef Py_ssize_t j = i + 1
    cdef Py_UCS4 c = char_at(t, j)
    if c == 97 and char_at(t, j + 1) == 110 and char_at(t, j + 2) == 100:  # and
        j += 3
    elif c == 121:  # y
        j += 1
    elif c == 101 and char_at(t, j + 1) == 116:  # et
        j += 2
    elif c == 117 and char_at(t, j + 1) == 110 and char_at(t, j + 2) == 100:  # und
        j += 3
    elif c == 38:  # &
        j += 1
    else:
        return -1
    if char_at(t, j) == 32 and token_end(t, j + 1) != -1:
        return j + 1
    return -1


cdef inline int latin1_hyphen_at(Positions *spans, const Text *t, const unsigned char *latin1,
                                 Py_ssize_t i) except -1:
    """The window around a '-' at i (0 < i < t.n - 1) of a Latin-1 text, when HYPHEN_ANCHOR matches there."""
    if CHAR_CLASS[latin1[i - 1]] & LOW_CLASS and CHAR_CLASS[latin1[i + 1]] & UP_CLASS:
        add_window(spans, t.n, i, i + 1, HYPHEN_SIDE, HYPHEN_SIDE)
    return 0


cdef int hyphen_windows(Positions *spans, str text, const Text *t, Py_ssize_t i) except -1:
    """The windows around organisations.HYPHEN_ANCHOR's matches, `[LOW]-[UP]`, found from each '-' from i."""
    cdef const unsigned char *latin1
    cdef const void *hit
    if t.kind == 1:  # memchr, without PyUnicode_FindChar's checks at each hyphen
        latin1 = <const unsigned char *>t.data
        while i < t.n:
            hit = memchr(latin1 + i, 45, t.n - i)
            if hit == NULL:
                break
            i = <const unsigned char *>hit - latin1
            if is_low(char_at(t, i - 1)) and is_up(char_at(t, i + 1)):
                add_window(spans, t.n, i, i + 1, HYPHEN_SIDE, HYPHEN_SIDE)
            i += 1
        return 0
    i = PyUnicode_FindChar(text, 45, i, t.n, 1)
    while i >= 0:
        if is_low(char_at(t, i - 1)) and is_up(char_at(t, i + 1)):
            add_window(spans, t.n, i, i + 1, HYPHEN_SIDE, HYPHEN_SIDE)
        i = PyUnicode_FindChar(text, 45, i + 1, t.n, 1)
    return 0


# ---- the recogniser ----

cdef int suffixed_starts(Positions *starts, const Text *t, Py_ssize_t window_start,
                         Py_ssize_t window_end) except -1:
    """Into starts (emptied first), descending: the positions in the window where organisations.ORG_SUFFIXED can
    match: a capital (or the 'd'/'v' of de/van/von) after no word character or '-', followed, through name
    characters and at most NAME_SPACES spaces, by a space before a suffix's opening."""
    cdef Py_ssize_t pos = window_end - 1, spaces = 0
    cdef unsigned int bits
    cdef bint reaches = False
    cdef Py_UCS4 c
    cdef const unsigned char *latin1 = <const unsigned char *>t.data if t.kind == 1 and window_end <= t.n else NULL
    if window_start < 0:
        window_start = 0
    cdef Py_UCS4 opening
    starts.count = 0
    while pos >= window_start:
        if latin1 != NULL and not reaches:  # only a space before a suffix's opening starts a reach: go to the next
            while SIXTEEN_AT_ONCE and pos - 15 >= window_start:  # sixteen bytes back at a time
                bits = spaces16(latin1 + pos - 15)
                if bits:
                    pos -= 15 - highest_bit(bits)
                    break
                pos -= 16
            while pos >= window_start and latin1[pos] != 32:
                pos -= 1
            if pos < window_start:
                break
        c = latin1[pos] if latin1 != NULL else char_at(t, pos)  # the window lies inside the text
        if c == 32:
            spaces += 1
            opening = char_at(t, pos + 1)
            # (a Latin-1 text: what the suffix's first two characters let it open, as the anchor scan reads them)
            if opening < 128 and (CHAR_KIND[opening] & SUFFIX_OPENING if latin1 == NULL else LATIN1_OPENS[
                    (<unsigned int>char_at(t, pos + 2) << 8) | <unsigned int>opening] & SUFFIX_OPENING) and suffix_opens(t, pos + 1):
                reaches, spaces = True, 1
        elif not is_name_span(c):
            reaches = False
        if reaches and spaces > NAME_SPACES:
            reaches = False
        if reaches and (is_up(c) or c == 100 or c == 118) and not name_refused_before(t, pos):
            push(starts, pos)
        pos -= 1
    return 0


cdef inline bint name_joiner(const Text *t, Py_ssize_t i, Py_ssize_t j) noexcept:
    """text[i:j] is a word _ORG_NAME's separators hold, or that opens its `(?:de la|de|del|van|von) TOKEN` form."""
    cdef Py_ssize_t length = j - i
    cdef Py_UCS4 a = char_at(t, i), b = char_at(t, i + 1), c = char_at(t, i + 2)
    if length == 1:
        return a == 38 or a == 121  # & y
    if length == 2:
        return ((a == 101 and b == 116) or (a == 100 and (b == 101 or b == 117))  # et de du
                or (a == 108 and (b == 97 or b == 101)))  # la le
    if length == 3:
        return ((a == 97 and b == 110 and c == 100) or (a == 117 and b == 110 and c == 100)  # and und
                or (a == 100 and b == 101 and (c == 108 or c == 114))  # del der
                or (a == 118 and ((b == 97 and c == 110) or (b == 111 and c == 110))))  # van von
    return False


cdef bint suffixed_can_match(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """A necessary condition for organisations.ORG_SUFFIXED to match at start, before end: split at single
    spaces, the text from start is words that open with a capital (a TOKEN, perhaps more and a comma) or that
    _ORG_NAME's separators hold, up to a space before a suffix's opening."""
    cdef Py_ssize_t i = start, j
    while i < end:
        j = i
        while j < end and char_at(t, j) != 32:
            j += 1
        if j == i or j >= end or not (is_up(char_at(t, i)) or name_joiner(t, i, j)):
            return False
        if suffix_opens(t, j + 1):
            return True
        i = j + 1
    return False


# ---- ORG_SUFFIXED: its name's paths in C, in the regex's order, the rest of it by regex ----

# What follows the name (group 1) in ORG_SUFFIXED
cdef object SUFFIX_REST_MATCH = re.compile(rf",? {org._SUFFIX_CHAIN}(?![\w])").match
cdef list RUN_ANCHOR_MATCH, RUN_REST_MATCH
# Per suffix run: 1 when its only alternative is the run itself, 2 when it is the run and an optional '.', else 0
cdef unsigned char RUN_SHAPE[MAX_WORDS]
cdef Py_ssize_t RUN_LENGTH[MAX_WORDS]


cdef inline Py_ssize_t simple_suffix_end(const Text *t, Py_ssize_t i, Py_ssize_t run) noexcept:
    """Where the run's only alternative (RUN_SHAPE 1 or 2), matched at i, ends, (?![\w]) holding after it: the
    '.' is taken when no word character follows it."""
    cdef Py_ssize_t end = i + RUN_LENGTH[run]
    if RUN_SHAPE[run] == 2 and char_at(t, end) == 46 and not is_word(char_at(t, end + 1)):
        end += 1
    return end




def _run_matches(list runs):
    """Per suffix run (sorted): SUFFIX_ANCHOR's and SUFFIX_REST_MATCH's match with their first suffix narrowed to
    the alternatives that can open with that run (an alternative whose \\w run differs from the text's cannot
    match, so the first alternative that matches, and the match, stay the same), or the whole patterns' where
    those are not as this reading expects."""
    plain_flags = re.compile("").flags
    anchor_known = org.SUFFIX_ANCHOR.flags == plain_flags and (
        org.SUFFIX_ANCHOR.pattern == rf"[ ,](?=[{org.SUFFIX_FIRST_CHARS}])(?:{org._ORG_SUFFIX})(?![\w])")
    chain_known = org._SUFFIX_CHAIN == rf"(?:{org._ORG_SUFFIX})(?:(?: & Co\.?)? (?:{org._ORG_SUFFIX}))*"
    alternatives = _alternatives(org._ORG_SUFFIX)
    opened = []
    for alternative in alternatives:
        alternative_runs = {}
        _opening_runs(alternative, alternative_runs, set())
        opened.append(alternative_runs)
    anchors, rests = [], []
    for k, run in enumerate(runs):
        chosen = [a for a, a_runs in zip(alternatives, opened) if run in a_runs]
        subset = "|".join(chosen)
        RUN_SHAPE[k] = 0
        RUN_LENGTH[k] = len(run)
        if anchor_known and chain_known and len(chosen) == 1 and run[0] in org.SUFFIX_FIRST_CHARS and k < MAX_WORDS:
            RUN_SHAPE[k] = 1 if chosen[0] == run else 2 if chosen[0] == run + r"\.?" else 0
        anchors.append(re.compile(rf"[ ,](?=[{org.SUFFIX_FIRST_CHARS}])(?:{subset})(?![\w])").match
                       if anchor_known else SUFFIX_ANCHOR_MATCH)
        rests.append(re.compile(rf",? (?:{subset})(?:(?: & Co\.?)? (?:{org._ORG_SUFFIX}))*(?![\w])").match
                     if chain_known else SUFFIX_REST_MATCH)
    return anchors, rests


RUN_ANCHOR_MATCH, RUN_REST_MATCH = _run_matches(_runs) if READY else ([], [])


# The name's separators after `,? ` (handled apart), in _ORG_NAME's order
cdef tuple NAME_SEPARATORS = (" & ", " and ", " y ", " et ", " und ", "-", " de la ", " de ", " del ", " van ", " von ",
                              " der ", " du ", " le ", " la ")
cdef tuple NAME_PREFIXES = ("de la ", "de ", "del ", "van ", "von ")  # the name's second form opens with one

cdef struct Literal:
    Py_ssize_t length
    Py_UCS4 chars[MAX_LENGTH]

cdef Literal SEPARATOR_LITERALS[16]
cdef Literal PREFIX_LITERALS[8]


cdef int fill_literals(Literal *literals, tuple words, Py_ssize_t room) except -1:
    cdef Py_ssize_t k, j
    if len(words) > room or any(not w or len(w) >= MAX_LENGTH for w in words):
        raise Drift("organisations' name separators do not fit this twin's tables")
    for k, word in enumerate(words):
        literals[k].length = len(word)
        for j in range(len(word)):
            literals[k].chars[j] = ord(word[j])
    return 0


try:
    fill_literals(SEPARATOR_LITERALS, NAME_SEPARATORS, 16)
    fill_literals(PREFIX_LITERALS, NAME_PREFIXES, 8)
except Drift as drift:
    READY = False
    warnings.warn(f"doorman.boundary.organisations ({drift}): OrganisationRecogniser runs uncompiled", stacklevel=1)
cdef Py_ssize_t SEPARATOR_COUNT = len(NAME_SEPARATORS), PREFIX_COUNT = len(NAME_PREFIXES)
# The separators' openings: SEPARATOR_ONE[c] for a one-character separator c, SEPARATOR_TWO[c][c2] for the first
# two characters of a longer one (all ASCII: checked)
cdef bint SEPARATOR_ONE[128]
cdef bint SEPARATOR_TWO[128][128]


def _prepare_separator_openings():
    for c in range(128):
        SEPARATOR_ONE[c] = False
        for c2 in range(128):
            SEPARATOR_TWO[c][c2] = False
    for separator in NAME_SEPARATORS:
        if not separator.isascii() or "\0" in separator:
            raise Drift("organisations' name separators are not all ASCII")
        if len(separator) == 1:
            SEPARATOR_ONE[ord(separator)] = True
        else:
            SEPARATOR_TWO[ord(separator[0])][ord(separator[1])] = True


try:
    _prepare_separator_openings()
except Drift as drift:
    READY = False
    warnings.warn(f"doorman.boundary.organisations ({drift}): OrganisationRecogniser runs uncompiled", stacklevel=1)


cdef inline bint separator_may_open(const Text *t, Py_ssize_t e, Py_ssize_t end) noexcept:
    """Can a NAME_SEPARATORS literal match at e, in the text cut at end? (Its first one or two characters.)"""
    cdef Py_UCS4 c = char_at(t, e) if e < end else 0
    cdef Py_UCS4 c2 = char_at(t, e + 1) if e + 1 < end else 0
    return c < 128 and (SEPARATOR_ONE[c] or (c2 < 128 and SEPARATOR_TWO[c][c2]))


# ---- the suffix alternative `(?:&|and|...) (?:Sons|...|Co\.?)`, matched in C ----

cdef enum:
    PAIR_SHAPE = 3  # RUN_SHAPE of a run that opens only that alternative

cdef Literal PAIR_SECONDS[24]
cdef bint PAIR_SECOND_DOTTED[24]  # the word takes an optional '.'
cdef Py_ssize_t PAIR_SECOND_COUNT = 0
cdef bint AMPERSAND_PAIR = False  # a '&' opens only that alternative


def _prepare_pairs(list runs):
    """RUN_SHAPE PAIR_SHAPE for the runs (and AMPERSAND_PAIR for the '&') that open only _ORG_SUFFIX's alternative
    `(?:FIRST|...) (?:SECOND|...)` (firsts: words or '&'; seconds: words, the last perhaps with `\\.?`), and its
    seconds in order; nothing where the suffixes are not as this reading expects (the regex then confirms)."""
    global PAIR_SECOND_COUNT, AMPERSAND_PAIR
    alternatives = _alternatives(org._ORG_SUFFIX)
    grouped = [a for a in alternatives if a.startswith("(")]
    if len(grouped) != 1 or not runs or (
            RUN_ANCHOR_MATCH[0] is SUFFIX_ANCHOR_MATCH or RUN_REST_MATCH[0] is SUFFIX_REST_MATCH):
        return
    pair = grouped[0]
    close = _group_end(pair, 0)
    rest = pair[close + 1:]
    if not (pair.startswith("(?:") and rest.startswith(" (?:") and _group_end(rest, 1) == len(rest) - 1):
        return
    firsts, seconds = _alternatives(pair[3:close]), _alternatives(rest[4:len(rest) - 1])
    if len(seconds) > 24 or not all(f == "&" or (f and all(_is_word_char(ch) for ch in f)) for f in firsts):
        return
    words, dotted = [], []
    for second in seconds:
        word = second[:len(second) - 3] if second.endswith(r"\.?") else second
        if not word or not all(_is_word_char(ch) for ch in word) or len(word) >= MAX_LENGTH:
            return
        words.append(word)
        dotted.append(word != second)
    # only the firsts no other alternative opens with
    shared = set()
    for alternative in alternatives:
        if alternative is not pair:
            other_runs, other_marks = {}, set()
            _opening_runs(alternative, other_runs, other_marks)
            shared |= set(other_runs) | other_marks
    firsts = [f for f in firsts if f not in shared and f[0] in org.SUFFIX_FIRST_CHARS]
    fill_literals(PAIR_SECONDS, tuple(words), 24)
    for k in range(len(words)):
        PAIR_SECOND_DOTTED[k] = dotted[k]
    PAIR_SECOND_COUNT = len(words)
    for k, run in enumerate(runs):
        if run in firsts and k < MAX_WORDS:
            RUN_SHAPE[k] = PAIR_SHAPE
    AMPERSAND_PAIR = "&" in firsts


if READY:
    try:
        _prepare_pairs(_runs)
    except Drift:
        pass  # nothing set: the regexes confirm that alternative


cdef Py_ssize_t pair_suffix_end(const Text *t, Py_ssize_t i, Py_ssize_t first_length) noexcept:
    """The pair alternative at i, its first word (or '&') first_length long and known to be there, followed by no
    word character: its end, where (?![\\w]) holds, or -1. A second word must be the whole \\w run (else
    (?![\\w]) fails), and the first that is, in order, is the regex's choice; `Co\\.?` takes the '.' when no
    word character follows it."""
    cdef Py_ssize_t j = i + first_length, run_end, k, m, end
    if char_at(t, j) != 32:
        return -1
    j += 1
    run_end = j
    while is_word(char_at(t, run_end)):
        run_end += 1
    for k in range(PAIR_SECOND_COUNT):
        if PAIR_SECONDS[k].length == run_end - j:
            m = 0
            while m < PAIR_SECONDS[k].length and char_at(t, j + m) == PAIR_SECONDS[k].chars[m]:
                m += 1
            if m == PAIR_SECONDS[k].length:
                end = run_end
                if PAIR_SECOND_DOTTED[k] and char_at(t, end) == 46 and not is_word(char_at(t, end + 1)):
                    end += 1
                return end
    return -1


cdef inline Py_ssize_t shaped_suffix_end(const Text *t, Py_ssize_t i, Py_ssize_t run) noexcept:
    """Where the run's suffix (RUN_SHAPE set) matched at i ends, (?![\\w]) holding after it, or -1."""
    if RUN_SHAPE[run] == PAIR_SHAPE:
        return pair_suffix_end(t, i, RUN_LENGTH[run])
    return simple_suffix_end(t, i, run)


cdef inline bint literal_before(const Text *t, Py_ssize_t i, Py_ssize_t end, const Literal *word) noexcept:
    """word at i, in the text cut at end"""
    cdef Py_ssize_t k
    if i + word.length > end:
        return False
    for k in range(word.length):
        if char_at(t, i + k) != word.chars[k]:
            return False
    return True


cdef Py_ssize_t token_ends(const Text *t, Py_ssize_t i, Py_ssize_t end, Py_ssize_t *before_hyphen) noexcept:
    """The longest TOKEN at i in the text cut at end: its end, -1 when none, -2 when it reaches end. Of TOKEN's
    shorter matches only the one without its `-[UP][LOW]+` part (its end in before_hyphen, else -1) can be
    followed by a separator (a '-'): any other leaves a letter next."""
    before_hyphen[0] = -1
    if i >= end:
        return -1
    i = token_end(t, i, before_hyphen)
    if i == -1:
        return -1
    return i if i < end else -2


cdef Py_ssize_t suffix_rest(const Text *t, str text, Py_ssize_t e, Py_ssize_t end, Py_ssize_t *name_end) except -3:
    """ORG_SUFFIXED's `,? SUFFIX_CHAIN(?![\w])` at e, the name's end: the match's end, or -1. Asks the regex
    only where the chain's first suffix is not matched in C or the chain may go on. The text is read cut at end,
    as the regex reads it (no pattern piece matches the NUL char_at gives past the cut)."""
    cdef Text cut = t[0]
    cdef Py_UCS4 c = char_at(t, e) if e < end else 0
    cdef Py_ssize_t q, p, run
    if end < cut.n:
        cut.n = end
    if c == 44:
        if not (e + 1 < end and char_at(t, e + 1) == 32):
            return -1
        q = e + 2
    elif c == 32:
        q = e + 1
    else:
        return -1
    run = suffix_run(&cut, q)
    if run == -1:
        return -1
    if run == -2 and AMPERSAND_PAIR and char_at(&cut, q) == 38:
        p = pair_suffix_end(&cut, q, 1)
        if p == -1:
            return -1
        if not (char_at(&cut, p) == 32 and suffix_run(&cut, p + 1) != -1):
            name_end[0] = e
            return p
    elif run >= 0 and RUN_SHAPE[run]:
        p = shaped_suffix_end(&cut, q, run)
        if p == -1:
            return -1
        # the chain goes on only with ` & Co` or ` SUFFIX`: else the regex would end here too
        if not (char_at(&cut, p) == 32 and suffix_run(&cut, p + 1) != -1):
            name_end[0] = e
            return p
    m = SUFFIX_REST_MATCH(text, e, end) if run < 0 else RUN_REST_MATCH[run](text, e, end)
    if m is None:
        return -1
    name_end[0] = e
    return m.end()


cdef Py_ssize_t after_name_token(const Text *t, str text, Py_ssize_t i, Py_ssize_t end, int count,
                                 Py_ssize_t *name_end) except -3:
    """_ORG_NAME's TOKEN at i, its count-th `(?:SEP TOKEN)` (0 for the first), then the rest of ORG_SUFFIXED, each
    of TOKEN's usable ends in the regex's order: the match's end, -1 when none, -2 when unsure (a cut token)."""
    cdef Py_ssize_t before_hyphen, e = token_ends(t, i, end, &before_hyphen), found
    if e < 0:
        return e
    found = after_name(t, text, e, end, count, name_end)
    if found != -1 or before_hyphen == -1:
        return found
    return after_name(t, text, before_hyphen, end, count, name_end)


cdef Py_ssize_t after_name(const Text *t, str text, Py_ssize_t e, Py_ssize_t end, int count,
                           Py_ssize_t *name_end) except -3:
    """After the name's count-th token, ending at e: `(?:SEP TOKEN){0,4}` greedy (each separator in order), then
    the rest of ORG_SUFFIXED."""
    cdef Py_ssize_t found, k
    if count < 4:
        if e + 1 < end and char_at(t, e) == 44 and char_at(t, e + 1) == 32:  # `,? `: the comma taken first
            found = after_name_token(t, text, e + 2, end, count + 1, name_end)
            if found != -1:
                return found
        elif e < end and char_at(t, e) == 32:
            found = after_name_token(t, text, e + 1, end, count + 1, name_end)
            if found != -1:
                return found
        for k in range(SEPARATOR_COUNT if separator_may_open(t, e, end) else 0):
            if literal_before(t, e, end, &SEPARATOR_LITERALS[k]):
                found = after_name_token(t, text, e + SEPARATOR_LITERALS[k].length, end, count + 1, name_end)
                if found != -1:
                    return found
    return suffix_rest(t, text, e, end, name_end)


cdef Py_ssize_t suffixed_match(const Text *t, str text, Py_ssize_t start, Py_ssize_t end,
                               Py_ssize_t *name_end) except -3:
    """organisations.ORG_SUFFIXED.match(text, start, end) where its look-behind holds: the match's end (group 1
    ends at name_end), -1 when none, -2 when a token reaches the cut (the caller asks the regex)."""
    cdef Py_ssize_t found = after_name_token(t, text, start, end, 0, name_end), before_hyphen, e, k
    if found != -1:
        return found
    for k in range(PREFIX_COUNT):  # `(?:de la|de|del|van|von) TOKEN`
        if literal_before(t, start, end, &PREFIX_LITERALS[k]):
            e = token_ends(t, start + PREFIX_LITERALS[k].length, end, &before_hyphen)
            if e < 0:
                found = e
            else:
                found = suffix_rest(t, text, e, end, name_end)
                if found == -1 and before_hyphen != -1:
                    found = suffix_rest(t, text, before_hyphen, end, name_end)
            if found != -1:
                return found
    return -1


cdef Py_ssize_t name_run_end(const Text *t, Py_ssize_t i, Py_ssize_t end) noexcept:
    """organisations.ORG_NAME.match(text, i, end): its end, -1 when none, -2 when a token reaches the cut. Nothing
    follows the name, so the regex's first try at each step stands: the first separator a TOKEN follows, and the
    longest TOKEN."""
    cdef Py_ssize_t before_hyphen, e = token_ends(t, i, end, &before_hyphen), k, count, s
    if e < 0:
        return e
    for count in range(4):
        k = -1
        if e + 1 < end and char_at(t, e) == 44 and char_at(t, e + 1) == 32:  # `,? `: the comma taken first
            k = token_ends(t, e + 2, end, &before_hyphen)
        elif e < end and char_at(t, e) == 32:
            k = token_ends(t, e + 1, end, &before_hyphen)
        if k == -1:
            for s in range(SEPARATOR_COUNT if separator_may_open(t, e, end) else 0):
                if literal_before(t, e, end, &SEPARATOR_LITERALS[s]):
                    k = token_ends(t, e + SEPARATOR_LITERALS[s].length, end, &before_hyphen)
                    if k != -1:
                        break
        if k == -2:
            return -2
        if k == -1:
            return e
        e = k
    return e


cdef bint connector_word_at(const Text *t, Py_ssize_t end, Py_ssize_t j) noexcept:
    """`(?:and|y|et|und|&) ` matches at j, before end."""
    cdef Py_UCS4 c
    if j >= end:
        return False
    c = char_at(t, j)
    if c == 97 or c == 117:  # and, und
        return j + 3 < end and char_at(t, j + 1) == 110 and char_at(t, j + 2) == 100 and char_at(t, j + 3) == 32
    if c == 121 or c == 38:  # y, &
        return j + 1 < end and char_at(t, j + 1) == 32
    if c == 101:  # et
        return j + 2 < end and char_at(t, j + 1) == 116 and char_at(t, j + 2) == 32
    return False


cdef bint partners_can_start(const Text *t, Py_ssize_t i, Py_ssize_t end) noexcept:
    """organisations.ORG_PARTNERS can match at i: capitalised words joined by ", " up to a connector."""
    cdef Py_UCS4 c
    while True:
        if i >= end or not is_up(char_at(t, i)):
            return False
        i += 1
        while i < end:
            c = char_at(t, i)
            if not is_name_part(c):
                break
            i += 1
        if i + 1 < end and char_at(t, i) == 44 and char_at(t, i + 1) == 32:
            i += 2
            if connector_word_at(t, end, i):
                return True
        elif i < end and char_at(t, i) == 32:
            return connector_word_at(t, end, i + 1)
        else:
            return False


cdef inline Py_ssize_t cut_token_end(const Text *t, Py_ssize_t i, Py_ssize_t end) noexcept:
    """token_end in the text cut at end: -1 when no TOKEN starts at i, -2 when the longest reaches past end (a
    shorter one may match the cut text)."""
    cdef Py_ssize_t e
    if i >= end:
        return -1
    e = token_end(t, i)
    return -2 if e > end else e


cdef Py_ssize_t partners_end(const Text *t, Py_ssize_t i, Py_ssize_t end) noexcept:
    """organisations.ORG_PARTNERS.match(text, i, end) where its look-behind holds: `TOKEN(?:, TOKEN)*,?
    (?:and|y|et|und|&) TOKEN(?![\w\-])`: its end, -1 when none, -2 when a token reaches past end. The regex's
    backtracking never pays: a shorter TOKEN leaves a letter or '-' where ',', ' ' or the look-ahead's refusal
    must follow, and fewer `, TOKEN` repetitions leave a capital where a connector must open."""
    cdef Py_ssize_t j = cut_token_end(t, i, end), k
    cdef Py_UCS4 c
    if j < 0:
        return j
    while j + 1 < end and char_at(t, j) == 44 and char_at(t, j + 1) == 32:
        k = cut_token_end(t, j + 2, end)
        if k == -2:
            return -2
        if k == -1:
            break
        j = k
    if j + 1 < end and char_at(t, j) == 44 and char_at(t, j + 1) == 32:
        j += 2
    elif j < end and char_at(t, j) == 32:
        j += 1
    else:
        return -1
    if not connector_word_at(t, end, j):
        return -1
    c = char_at(t, j)
    j += 4 if c == 97 or c == 117 else 3 if c == 101 else 2
    k = cut_token_end(t, j, end)
    if k < 0 or k == end:
        return k
    c = char_at(t, k)
    return -1 if is_word(c) or c == 45 else k


cdef bint partners_named(str text, const Text *t, Py_ssize_t start, Py_ssize_t end) except -1:
    """For an ORG_PARTNERS group text[start:end], with parts = re.split(r",? (?:and|y|et|und|&) |, ", group) (its
    capitalised tokens: no token holds a space or comma, and no connector opens with a capital): `len(parts) >= 2
    and all(is_surname(p) ...) or len(parts) >= 3 and all(plain(p) ...)`."""
    cdef Py_ssize_t count = 0, i, word_start
    cdef bint surnames_only = True, plain_only = True
    cdef Py_UCS4 c
    cdef int step
    for step in range(3):  # count, then surnames, then plain
        if step == 1 and count < 2 or step == 2 and count < 3:
            continue
        i = start
        while i < end:
            word_start = i
            while i < end:
                c = char_at(t, i)
                if c == 32 or c == 44:
                    break
                i += 1
            if i > word_start and is_up(char_at(t, word_start)):
                if step == 0:
                    count += 1
                elif step == 1 and not surname_at(text, t, word_start, i):
                    surnames_only = False
                    break
                elif step == 2 and not plain_at(text, t, word_start, i):
                    plain_only = False
                    break
            i += 1
        if step == 1 and surnames_only:
            return True
    return count >= 3 and plain_only


cdef Py_ssize_t after_cue(const Text *t, Py_ssize_t i) noexcept:
    """organisations.AFTER_CUE.match at i, `\\s?[:\\-]?\\s?(?=TOKEN)`: its end, or -1. Only the greedy try can
    match: giving a character back leaves a space, ':' or '-' where TOKEN must open with a capital."""
    cdef Py_UCS4 c
    if is_space(char_at(t, i)):
        i += 1
    c = char_at(t, i)
    if c == 58 or c == 45:
        i += 1
    if is_space(char_at(t, i)):
        i += 1
    return i if token_end(t, i) != -1 else -1


if READY and org.AFTER_CUE.pattern != rf"\s?[:\-]?\s?(?={org.TOKEN})":
    READY = False
    warnings.warn("doorman.boundary.organisations' AFTER_CUE changed: OrganisationRecogniser runs uncompiled",
                  stacklevel=1)


# suffixed_can_match, suffixed_match and name_run_end read ORG_NAME and the name ORG_SUFFIXED opens with: these
# separators, before `,? ` and its suffixes
_SUFFIXED_NAME = (
    rf"{org.TOKEN}(?:(?:,? | & | and | y | et | und |-| (?:de la|de|del|van|von|der|du|le|la) ){org.TOKEN}){{0,4}}"
)
if READY and not (org._ORG_NAME == _SUFFIXED_NAME == org.ORG_NAME.pattern and org.ORG_SUFFIXED.pattern == (
        rf"(?<![\w\-])({_SUFFIXED_NAME}|(?:de la|de|del|van|von) {org.TOKEN}),? {org._SUFFIX_CHAIN}(?![\w])")):
    READY = False
    warnings.warn("doorman.boundary.organisations' ORG_SUFFIXED changed: OrganisationRecogniser runs uncompiled",
                  stacklevel=1)


cdef inline Py_ssize_t alnum_end(const Text *t, Py_ssize_t i) noexcept:
    """Where the run of str.isalnum characters from i ends."""
    cdef const unsigned char *latin1
    cdef Py_UCS4 c
    if t.kind == 1:
        latin1 = <const unsigned char *>t.data
        while i < t.n and CHAR_KIND[latin1[i]] & ALNUM:
            i += 1
        return i
    while True:
        c = char_at(t, i)
        if not ((CHAR_KIND[c] & ALNUM) != 0 if c < 256 else is_alnum(c)):
            return i
        i += 1


cdef struct Anchors:
    # the anchor pass's findings so far: lists of window spans and positions, and where each anchor pattern's
    # last match ended (finditer's next match starts there or after)
    Positions suffix_spans
    Positions connector_spans
    Positions type_starts
    PyObject *hits
    Positions hyphen_spans
    Py_ssize_t suffix_resume
    Py_ssize_t connector_resume
    bint fold_cues
    bint hyphens_found  # the scan found the hyphen windows too


cdef int open_anchors(str text, const Text *t, Py_ssize_t i, Py_UCS4 c, unsigned char opens,
                      Anchors *state) except -1:
    """The anchors at i, where an ASCII c opens a word (or is a '&') that can be what `opens` says."""
    cdef Py_UCS4 before = char_at(t, i - 1)
    cdef Py_ssize_t end
    cdef Py_ssize_t run = -1
    if opens & SUFFIX_OPENING and (before == 32 or before == 44) and i > state.suffix_resume:
        run = suffix_run(t, i)
    if run == -2 and AMPERSAND_PAIR and c == 38:
        end = pair_suffix_end(t, i, 1)
        if end != -1:
            state.suffix_resume = end
            add_window(&state.suffix_spans, t.n, i - 1, end, SUFFIX_BEFORE, SUFFIX_AFTER)
    elif run >= 0 and RUN_SHAPE[run]:
        end = shaped_suffix_end(t, i, run)
        if end != -1:
            state.suffix_resume = end
            add_window(&state.suffix_spans, t.n, i - 1, end, SUFFIX_BEFORE, SUFFIX_AFTER)
    elif run != -1:
        m = SUFFIX_ANCHOR_MATCH(text, i - 1) if run < 0 else RUN_ANCHOR_MATCH[run](text, i - 1)
        if m is not None:
            state.suffix_resume = m.end()
            add_window(&state.suffix_spans, t.n, i - 1, state.suffix_resume, SUFFIX_BEFORE, SUFFIX_AFTER)
    if opens & CONNECTOR_OPENING and before == 32 and i > state.connector_resume:
        end = connector_end(t, i - 1)
        if end != -1:
            state.connector_resume = end
            add_window(&state.connector_spans, t.n, i - 1, end, SUFFIX_BEFORE, SUFFIX_AFTER)
    if opens & TYPE_OPENING and not name_refused_before(t, i) and type_word_at(t, i, c):
        push(&state.type_starts, i)
    if opens & CUE_OPENING and state.fold_cues:
        add_cue_hits(&state.hits, t, i, lower_char(c), True)
    return 0


cdef inline uint64_t not_letter_bytes(uint64_t block) noexcept:
    """0x80 in each byte of the (little-endian) block that is not an ASCII letter, else 0."""
    cdef uint64_t below_a = ~((block | 0x8080808080808080ULL) - 0x4141414141414141ULL)  # low seven bits under 'A'
    cdef uint64_t low5 = block & 0x1F1F1F1F1F1F1F1FULL  # from '@' on, a letter's low five bits are 1..26
    return (below_a | (low5 + 0x6565656565656565ULL) | ~(low5 + 0x7F7F7F7F7F7F7F7FULL) | block) & 0x8080808080808080ULL


cdef inline uint64_t ampersand_bytes(uint64_t block) noexcept:
    """0x80 in each byte of the block that is a '&', else 0."""
    cdef uint64_t other = block ^ 0x2626262626262626ULL
    return ~(((other & 0x7F7F7F7F7F7F7F7FULL) + 0x7F7F7F7F7F7F7F7FULL) | other) & 0x8080808080808080ULL


cdef inline int open_latin1_at(str text, const Text *t, const unsigned char *latin1, Py_ssize_t i,
                               unsigned char after, Anchors *state) except -1:
    """open_anchors at i of a Latin-1 text, after = OPENS_AFTER of the character before."""
    cdef unsigned char c = latin1[i]
    cdef unsigned char opens = LATIN1_OPENS[(<unsigned int>latin1[i + 1] << 8 if i + 1 < t.n else 0) | c] & after
    if opens:
        opens = narrowed_by(latin1[i - 1] if i > 0 else 0, c, latin1[i + 1] if i + 1 < t.n else 0,
                            latin1[i + 2] if i + 2 < t.n else 0, opens)
        if opens:
            open_anchors(text, t, i, c, opens, state)
    return 0


cdef inline int open_latin1_opening(str text, const Text *t, const unsigned char *latin1, Py_ssize_t i,
                                    unsigned char opens, Anchors *state) except -1:
    """open_latin1_at, given what the table lets i open (not 0)."""
    opens = narrowed_by(latin1[i - 1] if i > 0 else 0, latin1[i], latin1[i + 1] if i + 1 < t.n else 0,
                        latin1[i + 2] if i + 2 < t.n else 0, opens)
    if opens:
        open_anchors(text, t, i, latin1[i], opens, state)
    return 0


cdef inline bint alnum_char(Py_UCS4 c) noexcept:
    """str.isalnum"""
    return (CHAR_KIND[c] & ALNUM) != 0 if c < 256 else is_alnum(c)


cdef inline int open_ucs2_at(str text, const Text *t, const unsigned short *units, Py_ssize_t i,
                             Anchors *state) except -1:
    """At i of a two-byte text, what the character-by-character scan does there: the anchors an ASCII
    character can open (at an alphanumeric run's start, or a character not alphanumeric), and the cue words a
    character from 256 on can open (at a run's start) by lowering to ASCII."""
    cdef Py_UCS4 c = units[i]
    cdef Py_UCS4 before = units[i - 1] if i > 0 else 0
    cdef Py_UCS4 c2, c3
    cdef unsigned char kind, opens
    cdef unsigned int lowered
    if c < 128:
        kind = CHAR_KIND[c]
        if not kind & OPENING:
            return 0
        c2 = units[i + 1] if i + 1 < t.n else 0
        opens = kind & PAIR_KIND[c][<Py_ssize_t>c2 if c2 < 128 else 128]
        if opens and not (kind & ALNUM and alnum_char(before)):
            c3 = units[i + 2] if i + 2 < t.n else 0
            opens = narrowed_by(before, c, c2, c3, opens)
            if opens:
                open_anchors(text, t, i, c, opens, state)
    elif (c >= 256 and state.fold_cues and is_alnum(c)
            and not alnum_char(before)):
        lowered = lower_char(c)
        if lowered < 128 and CHAR_KIND[lowered] & CUE_OPENING:
            add_cue_hits(&state.hits, t, i, lowered, True)
    return 0


cdef int scan_ucs2(str text, const Text *t, Anchors *state) except -1:
    """The anchor pass over a two-byte text: as for Latin-1, sixteen units at a time, the letters and '&'s that
    open a run (or follow no letter), and every unit from 256 on (a run's start there may lower to a cue's
    opening)."""
    cdef Py_ssize_t n = t.n, base, i
    cdef unsigned int bits16, letters16, starts16, last_letter, wide16
    cdef const unsigned short *units
    units = <const unsigned short *>t.data
    base = 0
    last_letter = 0
    while base + 16 <= n:
        bits16 = ucs2_letters_and_ampersands16(units + base, &wide16)
        letters16 = bits16 & 0xFFFF
        starts16 = ((letters16 | bits16 >> 16) & ~((letters16 << 1) | last_letter)) | wide16
        last_letter = letters16 >> 15
        while starts16:
            open_ucs2_at(text, t, units, base + lowest_bit(starts16), state)
            starts16 &= starts16 - 1
        base += 16
    for i in range(base, n):
        open_ucs2_at(text, t, units, i, state)
    return 0


cdef int scan_latin1(str text, const Text *t, Anchors *state) except -1:
    """The anchor pass over a Latin-1 text (with SSE2, its hyphens' windows too): at each word start, a table
    of what two characters can open."""
    cdef Py_ssize_t n = t.n, base, i
    cdef const unsigned char *latin1
    cdef unsigned char after
    cdef uint64_t block, marks, block_marks, starts, letters, hyphens, last_letter
    cdef unsigned char opens
    cdef unsigned short pair
    cdef const unsigned char *block64
    cdef unsigned char padded[80]
    latin1 = <const unsigned char *>t.data
    if LITTLE_ENDIAN:
        # only an ASCII letter or '&' after a character that is not an ASCII letter can open: jump between
        # those, found sixty-four (else eight) bytes at a time; the hyphens' windows too
        base = 0
        marks = 0x8000000000000000ULL  # the text's start: as after a mark
        if SIXTEEN_AT_ONCE:
            last_letter = 0
            while base < n:
                if base + 64 < n:  # a start's next character lies inside the text
                    block64 = latin1 + base
                else:  # the last block, read from a copy padded with NULs (none of which opens or follows)
                    memset(padded, 0, 80)
                    memcpy(padded, latin1 + base, n - base)
                    block64 = padded
                letters = letters64(block64)
                starts = (letters | eq64(block64, 38)) & ~((letters << 1) | last_letter)
                hyphens = eq64(block64, 45)
                last_letter = letters >> 63
                while starts:
                    i = lowest_bit(starts)
                    starts &= starts - 1
                    # what the two characters can open first (most words open nothing), then the one before
                    memcpy(&pair, block64 + i, 2)
                    opens = LATIN1_OPENS[pair]
                    i += base
                    if opens:
                        opens &= OPENS_AFTER[latin1[i - 1]] if i else 0xFF
                        if opens:
                            open_latin1_opening(text, t, latin1, i, opens, state)
                while hyphens:
                    i = base + lowest_bit(hyphens)
                    hyphens &= hyphens - 1
                    if i and i + 1 < n:
                        latin1_hyphen_at(&state.hyphen_spans, t, latin1, i)
                base += 64
            state.hyphens_found = True
            return 0
        while base + 8 <= n:
            memcpy(&block, latin1 + base, 8)
            block_marks = not_letter_bytes(block)
            starts = ((block_marks << 8) | marks >> 56) & ((~block_marks & 0x8080808080808080ULL)
                                                         | ampersand_bytes(block))
            marks = block_marks
            while starts:
                i = base + (lowest_bit(starts) >> 3)
                open_latin1_at(text, t, latin1, i, OPENS_AFTER[latin1[i - 1]] if i else 0xFF, state)
                starts &= starts - 1
            base += 8
        for i in range(base, n):
            open_latin1_at(text, t, latin1, i, OPENS_AFTER[latin1[i - 1]] if i else 0xFF, state)
    else:
        after = 0xFF
        for i in range(n):
            open_latin1_at(text, t, latin1, i, after, state)
            after = OPENS_AFTER[latin1[i]]
    return 0


cdef int scan_any(str text, const Text *t, Anchors *state) except -1:
    """The anchor pass, word by word."""
    cdef Py_ssize_t n = t.n, i = 0
    cdef Py_UCS4 c, next_char
    cdef unsigned int lowered
    cdef unsigned char kind, opens
    while i < n:
        c = char_at(t, i)
        kind = CHAR_KIND[c] if c < 256 else (ALNUM if is_alnum(c) else 0)
        if kind & OPENING:  # ASCII: what the next character lets this word open
            next_char = char_at(t, i + 1)
            opens = kind & PAIR_KIND[c][<Py_ssize_t>next_char if next_char < 128 else 128]
            if opens:
                opens = narrowed(t, i, c, opens)
                if opens:
                    open_anchors(text, t, i, c, opens, state)
        elif kind & ALNUM and c >= 128 and state.fold_cues:
            lowered = lower_char(c)
            if lowered < 128 and CHAR_KIND[lowered] & CUE_OPENING:
                add_cue_hits(&state.hits, t, i, lowered, True)
        i = alnum_end(t, i + 1) if kind & ALNUM else i + 1
    return 0


ctypedef int (*Scan)(str, const Text *, Anchors *) except -1
# Called through pointers: each scan keeps its own registers (the compiler does not fold it into find)
cdef Scan SCAN_LATIN1 = scan_latin1, SCAN_UCS2 = scan_ucs2


class OrganisationRecogniser:
    def find(self, str text):
        cdef Text t = text_of(text)
        cdef list found = []
        cdef list hits
        cdef Py_ssize_t n = t.n, i = 0, k, j, end
        cdef Py_ssize_t window_start, window_end, last_end, start, first_end, second_end, name_start, name_end
        cdef Py_ssize_t first_start, match_end, run_end
        # İ lowers to two characters: the reference's offsets into text.lower() shift, and that text is searched
        cdef bint fold_cues = n == 0 or t.kind == 1 or PyUnicode_FindChar(text, 0x130, 0, n, 1) == -1
        cdef Anchors state
        cdef Positions starts
        positions_start(&state.suffix_spans)
        positions_start(&state.connector_spans)
        positions_start(&state.type_starts)
        positions_start(&state.hyphen_spans)
        positions_start(&starts)
        state.hits = NULL
        state.suffix_resume = state.connector_resume = 0
        state.fold_cues = fold_cues
        state.hyphens_found = False

        # the hits list is made when first needed (held by state until taken); the positions live until the end
        try:
            try:
                # Every anchor but the hyphen's opens a word, or is a '&' after a space or comma
                if t.kind == 2 and SIXTEEN_AT_ONCE and LETTERS_OPEN:
                    SCAN_UCS2(text, &t, &state)
                elif t.kind == 1 and n > 0 and LETTERS_OPEN:
                    SCAN_LATIN1(text, &t, &state)
                else:
                    scan_any(text, &t, &state)
                if not state.hyphens_found:
                    hyphen_windows(&state.hyphen_spans, text, &t, 0)
                hits = taken(&state.hits)
            finally:
                released(&state.hits)
            if not fold_cues:
                hits = cue_hits(text.lower())
            elif len(hits) > 1:
                hits.sort()

            for k in range(0, state.suffix_spans.count, 2):
                window_start, window_end = state.suffix_spans.at[k], state.suffix_spans.at[k + 1]
                last_end = 0
                suffixed_starts(&starts, &t, window_start, window_end)
                for j in range(starts.count - 1, -1, -1):
                    start = starts.at[j]
                    if start < last_end or not suffixed_can_match(&t, start, window_end):
                        continue
                    match_end = suffixed_match(&t, text, start, window_end, &name_end)
                    if match_end == -2:  # a token reaches the window's end: the regex reads the cut text
                        m = ORG_SUFFIXED_MATCH(text, start, window_end)
                        if m is None:
                            continue
                        match_end, name_end = m.end(), m.end(1)
                    if match_end == -1:
                        continue
                    last_end = match_end
                    if last_end < window_end or window_end == n:
                        name_start = start
                        first_start = skip_leading_common(text, &t, name_start, name_end)
                        if first_start == -1:  # "Key Group", "May PLC": ordinary words, but the suffix says company
                            first_start = text.rfind(" ", name_start, name_end) + 1
                            if first_start == 0:
                                first_start = name_start
                        found.append(org_finding(first_start, last_end, 2))

            # ORG_PREFIXED opens with a type word: it runs when one is found, and only there can match
            if state.type_starts.count:
                last_end = 0
                for j in range(state.type_starts.count):
                    start = state.type_starts.at[j]
                    if start >= last_end:
                        m = ORG_PREFIXED_MATCH(text, start)
                        if m is not None:
                            last_end = m.end()
                            found.append(org_finding(start, last_end, 2))

            for k in range(0, state.connector_spans.count, 2):
                window_start, window_end = state.connector_spans.at[k], state.connector_spans.at[k + 1]
                last_end = 0
                start = window_start - 1
                while True:
                    start = next_up(&t, start + 1, window_end)  # the window lies inside the text
                    if start >= window_end:
                        break
                    if start < last_end or name_refused_before(&t, start):
                        continue
                    if not partners_can_start(&t, start, window_end):
                        continue
                    name_end = partners_end(&t, start, window_end)
                    if name_end == -2:  # a token reaches past the window: the regex reads the cut text
                        m = ORG_PARTNERS_MATCH(text, start, window_end)
                        name_end = -1 if m is None else m.end()
                    if name_end == -1:
                        continue
                    last_end = name_end
                    if last_end < window_end or window_end == n:
                        name_start = start
                        if partners_named(text, &t, name_start, name_end):
                            found.append(org_finding(name_start, name_end, 2))

            for k in range(0, state.hyphen_spans.count, 2):
                window_start, window_end = state.hyphen_spans.at[k], state.hyphen_spans.at[k + 1]
                start = window_start
                while start < window_end:
                    # ORG_HYPHEN: (?<![\w\-])([UP][LOW]+)-([UP][LOW]+)(?![\w\-]), the text cut at the window's end
                    start = next_up(&t, start, window_end)  # the window lies inside the text
                    if start >= window_end:
                        break
                    if name_refused_before(&t, start):
                        start += 1
                        continue
                    first_end = start + 1
                    while first_end < window_end and is_low(char_at(&t, first_end)):
                        first_end += 1
                    if not (first_end > start + 1 and first_end + 1 < window_end
                            and char_at(&t, first_end) == 45 and is_up(char_at(&t, first_end + 1))):
                        start += 1
                        continue
                    second_end = first_end + 2
                    while second_end < window_end and is_low(char_at(&t, second_end)):
                        second_end += 1
                    if second_end == first_end + 2 or (
                        second_end < window_end and (is_word(char_at(&t, second_end)) or char_at(&t, second_end) == 45)
                    ):
                        start += 1
                        continue
                    if second_end < window_end or window_end == n:
                        if hyphen_pair_named(text, &t, start, first_end, first_end + 1, second_end):
                            found.append(org_finding(start, second_end, 2))
                    start = second_end

            for k, i in hits:
                end = after_cue(&t, i + len(<str>CUE_WORDS[k]))
                if end != -1:
                    run_end = name_run_end(&t, end, end + 80 if end + 80 < n else n)
                    if run_end == -2:  # a token reaches the cut: the regex reads the cut text
                        run = ORG_NAME_MATCH(text, end, end + 80)
                        run_end = -1 if run is None else run.end()
                    if run_end != -1:
                        first_end = text.find(" ", end, run_end)
                        if plain_at(text, &t, end, first_end if first_end != -1 else run_end):
                            found.append(org_finding(end, run_end, 1))
            return found
        finally:
            positions_release(&state.suffix_spans)
            positions_release(&state.connector_spans)
            positions_release(&state.type_starts)
            positions_release(&state.hyphen_spans)
            positions_release(&starts)


TWINS = {org.OrganisationRecogniser: OrganisationRecogniser} if READY else {}
