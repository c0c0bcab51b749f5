# cython: language_level=3, wraparound=False
"""doorman.boundary.vault's recogniser, compiled: the same findings in the same order.

The reference tries its one large alternation of every entry wherever an entry's first word starts, and `re`
spends tens of microseconds there on each try. Here a scan finds those places, and each entry made of ASCII
alone is matched in C as `re` would match it (IGNORECASE, `\\s+` between words, no word character on either
side); at an entry with other characters the reference's own pattern decides.
"""

cimport cython
from cpython.mem cimport PyMem_Calloc, PyMem_Free, PyMem_Malloc
from libc.string cimport memcpy
from cpython.unicode cimport Py_UCS1, Py_UCS2, Py_UNICODE_ISALNUM

import re

from doorman.boundary import vault
from doorman.boundary.findings import Finding

from doorman.boundary.fast.chars cimport (
    Text,
    ascii_alnum16,
    char_at,
    is_space,
    is_word,
    lower_char,
    lowest_bit,
    new_finding,
    same_letter,
    text_of,
    unit,
    unsafe_fold,
)
from doorman.boundary.fast.positions cimport Positions, positions_release, positions_start, push


cdef inline bint not_folded_alone(Py_UCS4 c) noexcept:
    """A character that lower_char cannot stand for: one of findings._UNSAFE_FOLD, for which findings.folded
    gives up on the whole text, or Σ, which str.lower() writes as ς at the end of a word."""
    return unsafe_fold(c) or c == 0x3A3


# the Latin-1 characters, lower-cased; ALLOWED[c]: no lower-cased alphanumeric nor '_', after which
# findings.word_starts takes a start
cdef unsigned char LATIN1_LOWER[256]
cdef unsigned char ALLOWED[256]
for _code in range(256):
    _lower = chr(_code).lower()
    assert len(_lower) == 1 and ord(_lower) < 256
    LATIN1_LOWER[_code] = ord(_lower)
    ALLOWED[_code] = not (_lower.isalnum() or _lower == "_")


# Where SSSE3 or AVX2 is there (checked at run time: Python's build assumes SSE2 alone), sixty-four characters at a
# time (reading s[0:65]): bit k of the marks says that s[k] follows no ASCII letter (carry: the character before
# s[0] is none) and that s[k] | 32, s[k + 1] | 32 may open an entry, by a pair of nibble tables per character that
# sort the opening pairs into eight groups (a superset of the starts: the scalar checks after it decide).
cdef extern from *:
    """
    #if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    #include <tmmintrin.h>
    __attribute__((target("ssse3")))
    static unsigned long long doorman_vault_marks64(const unsigned char *s, const unsigned char *tables,
                                                    unsigned int *carry) {
        const __m128i nibble = _mm_set1_epi8(0x0f);
        const __m128i first_low = _mm_loadu_si128((const __m128i *)tables);
        const __m128i first_high = _mm_loadu_si128((const __m128i *)(tables + 16));
        const __m128i second_low = _mm_loadu_si128((const __m128i *)(tables + 32));
        const __m128i second_high = _mm_loadu_si128((const __m128i *)(tables + 48));
        unsigned long long letters_at = 0, misses = 0;
        int k;
        for (k = 0; k < 64; k += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(s + k));
            __m128i y = _mm_loadu_si128((const __m128i *)(s + k + 1));
            __m128i folded = _mm_or_si128(x, _mm_set1_epi8(32));
            __m128i folded_next = _mm_or_si128(y, _mm_set1_epi8(32));
            __m128i a = _mm_and_si128(_mm_shuffle_epi8(first_low, _mm_and_si128(folded, nibble)),
                                      _mm_shuffle_epi8(first_high, _mm_and_si128(_mm_srli_epi16(folded, 4), nibble)));
            __m128i b = _mm_and_si128(_mm_shuffle_epi8(second_low, _mm_and_si128(folded_next, nibble)),
                                      _mm_shuffle_epi8(second_high, _mm_and_si128(_mm_srli_epi16(folded_next, 4), nibble)));
            __m128i letters = _mm_and_si128(_mm_cmpgt_epi8(folded, _mm_set1_epi8('a' - 1)),
                                            _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), folded));
            misses |= (unsigned long long)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(a, b), _mm_setzero_si128()))
                << k;
            letters_at |= (unsigned long long)_mm_movemask_epi8(letters) << k;
        }
        misses |= letters_at << 1 | (*carry ^ 1);
        *carry = (unsigned int)((~letters_at >> 63) & 1);
        return ~misses;
    }
    #include <immintrin.h>
    /* the same with AVX2, thirty-two characters a step */
    __attribute__((target("avx2")))
    static unsigned long long doorman_vault_marks64_avx2(const unsigned char *s, const unsigned char *tables,
                                                         unsigned int *carry) {
        const __m256i nibble = _mm256_set1_epi8(0x0f), case_bit = _mm256_set1_epi8(32);
        const __m256i first_low = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)tables));
        const __m256i first_high = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(tables + 16)));
        const __m256i second_low = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(tables + 32)));
        const __m256i second_high = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(tables + 48)));
        unsigned long long letters_at = 0, misses = 0;
        int k;
        for (k = 0; k < 64; k += 32) {
            __m256i folded = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(s + k)), case_bit);
            __m256i folded_next = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(s + k + 1)), case_bit);
            __m256i a = _mm256_and_si256(
                _mm256_shuffle_epi8(first_low, _mm256_and_si256(folded, nibble)),
                _mm256_shuffle_epi8(first_high, _mm256_and_si256(_mm256_srli_epi16(folded, 4), nibble)));
            __m256i b = _mm256_and_si256(
                _mm256_shuffle_epi8(second_low, _mm256_and_si256(folded_next, nibble)),
                _mm256_shuffle_epi8(second_high, _mm256_and_si256(_mm256_srli_epi16(folded_next, 4), nibble)));
            __m256i letters = _mm256_and_si256(_mm256_cmpgt_epi8(folded, _mm256_set1_epi8('a' - 1)),
                                               _mm256_cmpgt_epi8(_mm256_set1_epi8('z' + 1), folded));
            misses |= (unsigned long long)(unsigned int)_mm256_movemask_epi8(
                _mm256_cmpeq_epi8(_mm256_and_si256(a, b), _mm256_setzero_si256())) << k;
            letters_at |= (unsigned long long)(unsigned int)_mm256_movemask_epi8(letters) << k;
        }
        misses |= letters_at << 1 | (*carry ^ 1);
        *carry = (unsigned int)((~letters_at >> 63) & 1);
        return ~misses;
    }
    static int doorman_vault_has_ssse3(void) { return __builtin_cpu_supports("ssse3"); }
    static int doorman_vault_has_avx2(void) { return __builtin_cpu_supports("avx2"); }
    #else
    static unsigned long long doorman_vault_marks64_avx2(const unsigned char *s, const unsigned char *tables,
                                                         unsigned int *carry) { return 0; }
    static int doorman_vault_has_avx2(void) { return 0; }
    static unsigned long long doorman_vault_marks64(const unsigned char *s, const unsigned char *tables,
                                                    unsigned int *carry) { return 0; }
    static int doorman_vault_has_ssse3(void) { return 0; }
    #endif
    """
    unsigned long long vault_marks64 "doorman_vault_marks64"(
        const Py_UCS1 *s, const unsigned char *tables, unsigned int *carry) noexcept nogil
    unsigned long long vault_marks64_avx2 "doorman_vault_marks64_avx2"(
        const Py_UCS1 *s, const unsigned char *tables, unsigned int *carry) noexcept nogil
    int vault_has_ssse3 "doorman_vault_has_ssse3"() noexcept nogil
    int vault_has_avx2 "doorman_vault_has_avx2"() noexcept nogil

# Copies the UCS-2 units s[i:n] to out[i:n] while they are below 256, sixteen at a time where SSE2 is there; returns
# where it stopped (n, or the first unit past Latin-1).
cdef extern from *:
    """
    #if defined(__SSE2__)
    #include <emmintrin.h>
    #endif
    static Py_ssize_t doorman_vault_narrow(const Py_UCS2 *s, Py_ssize_t i, Py_ssize_t n, unsigned char *out) {
    #if defined(__SSE2__)
        const __m128i high = _mm_set1_epi16((short)0xFF00);
        for (; i + 16 <= n; i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(s + i));
            __m128i y = _mm_loadu_si128((const __m128i *)(s + i + 8));
            if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(_mm_or_si128(x, y), high), _mm_setzero_si128()))
                    != 0xFFFF)
                break;
            _mm_storeu_si128((__m128i *)(out + i), _mm_packus_epi16(x, y));
        }
    #endif
        for (; i < n && s[i] < 256; i++)
            out[i] = (unsigned char)s[i];
        return i;
    }
    """
    Py_ssize_t vault_narrow "doorman_vault_narrow"(const Py_UCS2 *s, Py_ssize_t i, Py_ssize_t n, Py_UCS1 *out) noexcept nogil

cdef bint HAS_SSSE3 = vault_has_ssse3()
cdef bint HAS_AVX2 = vault_has_avx2()


cdef inline unsigned int hash_of(unsigned int a, unsigned int b, unsigned int c) noexcept:
    """A hash of up to three code points (0 for the missing ones)."""
    return ((a * 0x9E3779B1u) ^ (b * 0x85EBCA77u) ^ (c * 0xC2B2AE3Du)) >> 20  # 12 bits


cdef inline bint has(const unsigned char *bits, unsigned int h) noexcept:
    return (bits[h >> 3] >> (h & 7)) & 1


@cython.final
cdef class Prefixes:
    """Does one of `words` (lower-case) start at a position of a text, lower-cased? Tables of their first
    three characters rule out most positions; `at` decides the rest exactly, comparing only the words that
    share the position's first three characters' hash.

    openings[a * 256 + b] numbers the (Latin-1) first two characters a, b of a word that begins so, once
    lower-cased, and triples[number * 256 + c] says whether one goes on with c (or ends after two). Where a
    word is shorter than two characters or begins with other characters, `in_tables` is False."""

    cdef tuple by_hash  # hash of the first min(3, len) characters (its index) -> those words, or None
    cdef unsigned char hashes[512]  # the keys of by_hash, as bits
    cdef unsigned char openings[256 * 256]
    cdef unsigned char *triples
    cdef unsigned char flags[256]  # per Latin-1 code: ALLOWED (bit 0), some word's first character (bit 1)
    cdef bint in_tables
    cdef bint pairs  # a word is two characters long
    cdef bint ascii_openings  # every word's first character, in any case, is an ASCII letter or digit
    cdef unsigned int pair_bits[32]  # bit b & 31 of pair_bits[a & 31]: a word may open with a, b (a ASCII)
    cdef unsigned char nibbles[64]  # vault_marks64's tables: first character's low, high nibble, second's
    cdef bytes latin1_words  # per opening number: its words of Latin-1 alone, each as its length and bytes, then 0
    cdef unsigned int word_offsets[256]  # per opening number: where its words start in latin1_words

    def __init__(self, words):
        cdef str word
        cdef unsigned int h
        cdef unsigned int c[3]
        cdef Py_ssize_t k
        by_hash = {}
        for word in words:
            c[0] = c[1] = c[2] = 0
            for k in range(min(3, len(word))):
                c[k] = word[k]  # already as str.lower() writes it
            h = hash_of(c[0], c[1], c[2])
            by_hash[h] = by_hash.get(h, ()) + (word,)
            self.hashes[h >> 3] |= 1 << (h & 7)
        self.by_hash = tuple([by_hash.get(h) for h in range(4096)])
        self.build_tables(words)

    def build_tables(self, words):
        latin1 = [chr(code) for code in range(256)]
        raw = {}  # a lower-case Latin-1 character -> the code points that lower to it
        for code in range(256):
            raw.setdefault(latin1[code].lower(), []).append(code)
        openings = {}  # (first, second) -> (its number, {third or None})
        self.in_tables = True
        for word in words:
            if len(word) < 2 or not all(ch in raw for ch in word[:3]):
                self.in_tables = False
                return
            self.pairs = self.pairs or len(word) == 2
            openings.setdefault(word[:2], (len(openings) + 1, set()))[1].add(word[2] if len(word) > 2 else None)
        if len(openings) > 255:
            self.in_tables = False
            return
        self.triples = <unsigned char *> PyMem_Calloc((len(openings) + 1) * 256, 1)
        if self.triples == NULL:
            raise MemoryError()
        for (first, second), (number, thirds) in openings.items():
            for a in raw[first]:
                for b in raw[second]:
                    self.openings[a * 256 + b] = number
            for third in thirds:
                for code in range(256) if third is None else raw[third]:
                    self.triples[number * 256 + code] = 1
        for a in range(256):
            self.flags[a] = ALLOWED[a] | (2 if any(self.openings[a * 256 + b] for b in range(256)) else 0)
        self.ascii_openings = all(
            chr(a).isascii() and chr(a).isalnum() for a in range(256) if self.flags[a] & 2
        )
        for a in range(128):
            for b in range(256):
                if self.openings[a * 256 + b]:
                    self.pair_bits[a & 31] |= 1u << (b & 31)
        self.group_openings(openings, raw)
        listed = bytearray()
        for (first, second), (number, thirds) in openings.items():
            self.word_offsets[number] = len(listed)
            for word in words:
                if word[:2] == first + second and len(word) < 256 and all(ord(ch) < 256 for ch in word):
                    listed.append(len(word))
                    listed.extend(word.encode("latin-1"))
            listed.append(0)
        self.latin1_words = bytes(listed)

    def group_openings(self, openings, raw):
        """vault_marks64's tables: each first character (case folded by | 32, as the scan reads it) joins the
        group of eight where the pairs it lets through, counted by nibbles, grow least."""
        seconds = {}  # folded first code -> folded second codes
        for first, second in openings:
            firsts = {a | 32 for a in raw[first]}
            for a in firsts:
                seconds.setdefault(a, set()).update(b | 32 for b in raw[second])
        groups = [(set(), set(), set(), set()) for _ in range(8)]  # nibbles: first low, high, second low, high

        def passed(g, a=None, bs=()):
            sets = [set(x) for x in g]
            if a is not None:
                sets[0].add(a & 15)
                sets[1].add(a >> 4)
                sets[2].update(b & 15 for b in bs)
                sets[3].update(b >> 4 for b in bs)
            return len(sets[0]) * len(sets[1]) * len(sets[2]) * len(sets[3])

        for a in sorted(seconds, key=lambda a: -len(seconds[a])):
            bs = seconds[a]
            best = min(range(8), key=lambda k: passed(groups[k], a, bs) - passed(groups[k]))
            g = groups[best]
            g[0].add(a & 15)
            g[1].add(a >> 4)
            g[2].update(b & 15 for b in bs)
            g[3].update(b >> 4 for b in bs)
            for b in bs:
                self.nibbles[32 + (b & 15)] |= 1 << best
                self.nibbles[48 + (b >> 4)] |= 1 << best
            self.nibbles[a & 15] |= 1 << best
            self.nibbles[16 + (a >> 4)] |= 1 << best

    def __dealloc__(self):
        PyMem_Free(self.triples)

    cdef int at(self, const Text *t, Py_ssize_t p) except -1:
        """Does one of the words start at p?"""
        cdef unsigned int a = lower_char(char_at(t, p)), b = lower_char(char_at(t, p + 1))
        cdef unsigned int c = lower_char(char_at(t, p + 2))
        return self.has_at(t, p, hash_of(a, b, c)) or self.has_at(t, p, hash_of(a, b, 0)) or self.has_at(
            t, p, hash_of(a, 0, 0)
        )

    cdef inline bint at_latin1(self, const Py_UCS1 *data, Py_ssize_t n, Py_ssize_t p, unsigned int number) noexcept:
        """`at` for a text of Latin-1 characters whose p, p + 1 open words numbered `number` (tables held)."""
        cdef const unsigned char *word = <const unsigned char *> self.latin1_words + self.word_offsets[number]
        cdef Py_ssize_t k, m = word[0]
        while m:
            if p + m <= n:
                for k in range(m):
                    if LATIN1_LOWER[data[p + k]] != word[1 + k]:
                        break
                else:
                    return True
            word += 1 + m
            m = word[0]
        return False

    cdef inline bint has_at(self, const Text *t, Py_ssize_t p, unsigned int h) except -1:
        return has(self.hashes, h) and self.starts_with(t, p, <tuple> self.by_hash[h])

    cdef bint starts_with(self, const Text *t, Py_ssize_t p, tuple words) except -1:
        cdef str word
        cdef Py_ssize_t k, m
        if words is None:
            return False
        cdef Text w
        for word in words:
            w = text_of(word)
            m = w.n
            if p + m > t.n:
                continue
            for k in range(m):
                if lower_char(char_at(t, p + k)) != <unsigned int> char_at(&w, k):
                    break
            else:
                return True
        return False


cdef int scan_latin1(const Py_UCS1 *data, const Text *t, Prefixes first_words, Positions *starts,
                     bint copied=False) except -1:
    """findings.word_starts(text.lower(), first_words) by the tables: ascending positions where a first word
    starts after no lower-cased alphanumeric nor '_'. `data` is the text of Latin-1 characters alone (none of
    which lower_char refuses) or `latin1_copy`'s copy of a wider one (`copied`: `at` then decides on its words).
    A start needs a character allowing it before (or none) and a word's first character, one small table
    telling both. Where every word opens with an ASCII letter or digit, only those after no ASCII letter or
    digit are looked at, sixty-four or sixteen characters at a time."""
    cdef Py_ssize_t p = 0, n = t.n, i = 0
    cdef unsigned int a, flag, before = 2  # bit 1: a start is allowed at p
    cdef unsigned int alnum, wanted, carry = 1  # carry: the character before the block is no ASCII alnum
    cdef const unsigned char *openings = first_words.openings
    cdef const unsigned char *triples = first_words.triples
    cdef const unsigned char *flags = first_words.flags
    cdef const unsigned int *pair_bits = first_words.pair_bits
    cdef unsigned long long marks
    cdef unsigned int number
    if first_words.ascii_openings and HAS_SSSE3:
        while i + 66 <= n:  # every p below is at most n - 3
            if HAS_AVX2:
                marks = vault_marks64_avx2(data + i, first_words.nibbles, &carry)
            else:
                marks = vault_marks64(data + i, first_words.nibbles, &carry)
            while marks:
                p = i + lowest_bit(marks)
                marks &= marks - 1
                if flags[data[p]] & 2 and (p == 0 or ALLOWED[data[p - 1]]):
                    number = openings[data[p] * 256 + data[p + 1]]
                    if triples[number * 256 + data[p + 2]] and (
                            first_words.at(t, p) if copied else first_words.at_latin1(data, n, p, number)):
                        push(starts, p)
            i += 64
    if first_words.ascii_openings:
        while i + 18 <= n:  # every p below is at most n - 3
            alnum = ascii_alnum16(data + i)
            wanted = alnum & ((~alnum << 1) | carry)
            carry = (~alnum >> 15) & 1
            while wanted:
                p = i + lowest_bit(wanted)
                wanted &= wanted - 1
                if ((pair_bits[data[p] & 31] >> (data[p + 1] & 31)) & 1  # a cheap first look
                        and flags[data[p]] & 2 and (p == 0 or ALLOWED[data[p - 1]])
                        and triples[openings[data[p] * 256 + data[p + 1]] * 256 + data[p + 2]]
                        and first_words.at(t, p)):
                    push(starts, p)
            i += 16
        if i > 0:
            before = ALLOWED[data[i - 1]] << 1
    for p in range(i, n - 2):
        a = data[p]
        flag = flags[a]
        if flag & before:
            if triples[openings[a * 256 + data[p + 1]] * 256 + data[p + 2]] and first_words.at(t, p):
                push(starts, p)
        before = (flag & 1) << 1
    # a two-character word at the text's end, which no third character follows
    if (first_words.pairs and n >= 2 and (n == 2 or ALLOWED[data[n - 3]])
            and openings[data[n - 2] * 256 + data[n - 1]] and first_words.at(t, n - 2)):
        push(starts, n - 2)
    return 0


cdef bint latin1_copy(const unit *data, Py_ssize_t n, Py_UCS1 *copy) noexcept:
    """Writes each character of a wider text as scan_latin1's tables judge it: its code below 256; past Latin-1
    its lower case there, else 0xC0 for an alphanumeric (a superset of the starts there: `at` decides) and a
    space for any other. False for a text holding a character that lower_char cannot stand for."""
    cdef Py_ssize_t i = 0
    cdef Py_UCS4 c
    cdef unsigned int code
    while i < n:
        if unit is Py_UCS2:
            i = vault_narrow(data, i, n, copy)
            if i == n:
                break
        c = data[i]
        if c < 256:
            copy[i] = <Py_UCS1> c
        else:
            if not_folded_alone(c):
                return False
            code = lower_char(c)
            if code >= 256:
                code = 0xC0 if Py_UNICODE_ISALNUM(code) else 32
            copy[i] = <Py_UCS1> code
        i += 1
    return True


cdef int entry_starts(const Text *t, Prefixes first_words, Positions *starts) except -1:
    """What scan_latin1 finds, where its tables do not hold the first words: each start after no lower-cased
    alphanumeric nor '_' is tried. 1 for a text holding a character that lower_char cannot stand for."""
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    cdef bint start = True  # can a word start at i?
    for i in range(t.n):
        c = char_at(t, i)
        if not_folded_alone(c):
            return 1
        if start and first_words.at(t, i):
            push(starts, i)
        c = lower_char(c)
        start = not (c == 95 or Py_UNICODE_ISALNUM(c))
    return 0


cdef Py_ssize_t words_end(const Text *t, Py_ssize_t p, tuple words) except -2:
    """Where `(?i)` words joined by `\\s+` match at p, their ASCII letters as `re` matches them and each other
    character of theirs standing for any one character, or -1. For an entry of ASCII words alone this is the
    match itself; for any other, a necessary condition of one."""
    cdef Py_ssize_t i = p, k, j
    cdef str word
    cdef unsigned int w
    cdef Text letters
    for j in range(len(words)):
        word = words[j]
        if j > 0:
            if not is_space(char_at(t, i)):
                return -1
            while is_space(char_at(t, i)):
                i += 1
        letters = text_of(word)
        if i + letters.n > t.n:
            return -1
        for k in range(letters.n):
            w = char_at(&letters, k)
            if w < 128:
                w = lower_char(w)
                if 97 <= w <= 122:
                    if not same_letter(char_at(t, i + k), w):
                        return -1
                elif <unsigned int> char_at(t, i + k) != w:
                    return -1
        i += letters.n
    return i


def _may_open(tuple words, Py_UCS4 c):
    """Can `re` match the first character of these words with c? (Any non-ASCII character may.)"""
    cdef Py_UCS4 first
    cdef unsigned int w
    if not words:
        return True
    first = words[0][0]
    w = first
    if w >= 128:
        return True
    w = lower_char(w)
    if 97 <= w <= 122:
        return same_letter(c, w)
    return <unsigned int> c == w


@cython.final
cdef class Matcher:
    """What VaultRecogniser.find does, its state in C fields (one attribute look-up per call)."""

    cdef object reference, pattern
    cdef dict labels
    cdef Prefixes starts
    cdef tuple entries
    cdef bint in_c
    cdef tuple by_first  # by ASCII code: the entries that can start with it

    def __init__(self, reference, Prefixes starts, tuple entries, bint in_c):
        self.reference = reference
        self.pattern = reference.pattern
        self.labels = reference.labels
        self.starts = starts
        self.entries = entries
        self.in_c = in_c
        self.by_first = tuple([self.entries_at(code) for code in range(128)])

    cdef tuple entries_at(self, Py_UCS4 c):
        """The entries whose first character `re` may match with c, in the pattern's order."""
        return tuple([e for e in self.entries if _may_open(e[0], c)])

    cdef object finding(self, m):
        key = " ".join(m.group().split()).lower()
        return new_finding(Finding, m.start(), m.end(), self.labels.get(key, "VAULT"), 20)

    cdef list find(self, str text):
        cdef list found = []
        cdef Text t = text_of(text)
        cdef Py_ssize_t k, start, end = 0, stop
        cdef Prefixes first_words = self.starts
        cdef tuple entries, words
        cdef Py_UCS4 c
        cdef Py_UCS1 *copy
        cdef bint refused = False
        cdef Positions starts
        if self.pattern is None:
            return found
        if not self.in_c:
            return list(self.reference.find(text))
        positions_start(&starts)
        try:
            if not first_words.in_tables:
                refused = entry_starts(&t, first_words, &starts)
            elif t.kind == 1:
                scan_latin1(<const Py_UCS1 *> t.data, &t, first_words, &starts)
            else:
                copy = <Py_UCS1 *> PyMem_Malloc(t.n + 1)
                if copy == NULL:
                    raise MemoryError()
                try:
                    if t.kind == 2:
                        refused = not latin1_copy(<const Py_UCS2 *> t.data, t.n, copy)
                    else:
                        refused = not latin1_copy(<const Py_UCS4 *> t.data, t.n, copy)
                    if not refused:
                        scan_latin1(copy, &t, first_words, &starts, True)
                finally:
                    PyMem_Free(copy)
            if refused:
                return list(self.reference.find(text))
            for k in range(starts.count):
                start = starts.at[k]
                if start < end or is_word(char_at(&t, start - 1)):
                    continue
                c = char_at(&t, start)
                if c < 128:
                    entries = <tuple> self.by_first[<Py_ssize_t> c]
                else:  # not kept: the key would be a character of the text
                    entries = self.entries_at(c)
                for words, ascii, label in entries:
                    stop = words_end(&t, start, words)
                    if stop < 0:
                        continue
                    if ascii:
                        if not is_word(char_at(&t, stop)):  # the pattern's (?![\w])
                            found.append(new_finding(Finding, start, stop, label, 20))
                            end = stop if stop > start else start + 1
                            break
                    else:
                        m = self.pattern.match(text, start)
                        if m is not None:
                            found.append(self.finding(m))
                            end = m.end() if m.end() > start else start + 1
                        break
        finally:
            positions_release(&starts)
        return found


cdef class VaultRecogniser:
    """Case-insensitive whole-word matches; a line break or run of spaces may stand for any space of a name."""

    cdef readonly object reference, pattern, labels, first_words
    cdef Matcher _matcher  # a C field: no attribute look-up per call

    def __init__(self, entries):
        self.reference = vault.VaultRecogniser(entries)
        self.pattern = self.reference.pattern
        self.labels = self.reference.labels
        self.first_words = self.reference.first_words
        # The pattern's alternatives in its order, each as (words, ASCII alone?, label when ASCII alone).
        values = sorted({e.value for e in entries}, key=len, reverse=True)
        entries_in_order = tuple(
            (tuple(v.split()), v.isascii(), self.labels.get(" ".join(v.split()).lower(), "VAULT")) for v in values
        )
        # Rebuilt the reference's way: matched in C only when its pattern is exactly these alternatives.
        rebuilt = r"(?<![\w])(?:" + "|".join(r"\s+".join(map(re.escape, v.split())) for v in values) + r")(?![\w])"
        in_c = self.pattern is not None and self.pattern.pattern == rebuilt
        self._matcher = Matcher(self.reference, Prefixes(self.first_words), entries_in_order, in_c)

    def find(self, str text):
        return self._matcher.find(text)


TWINS = {vault.VaultRecogniser: VaultRecogniser}
