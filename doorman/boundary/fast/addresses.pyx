# cython: language_level=3, wraparound=False
"""doorman.boundary.addresses' recognisers, compiled: the same findings in the same order.

Typed loops find the few places a postcode or street address can start and reject the rest; postcodes are
decided here, street addresses and the five-digit postcodes' cues are confirmed by the reference's own
patterns, tried only where they can match.
"""

import re

from cpython.unicode cimport Py_UCS1, Py_UCS2
from libc.stdint cimport uint64_t
from libc.string cimport memchr, memcpy, memset

cdef extern from "<string.h>" nogil:
    const void *memrchr(const void *s, int c, size_t n)

from doorman.boundary import addresses as reference
from doorman.boundary.findings import Finding, folded, mentions

from doorman.boundary.fast.chars cimport (
    HIGHS, LITTLE_ENDIAN, ONES, Text, changed_patterns, is_digit, is_space, is_word, lower_char, lowest_bit,
    new_finding, text_of, twins_where_unchanged,
    unit, unit_at, unsafe_fold,
)


cdef object ZIP_CUE_MATCH = reference.ZIP_CUE.match
cdef object STREET_BEFORE_MATCH = reference.STREET_BEFORE.match
cdef object TOWN_AFTER_MATCH = reference.TOWN_AFTER.match
cdef object ROMANCE_NUM_FIRST_MATCH = reference.STREET_ROMANCE_NUM_FIRST.match
cdef object ROMANCE_TYPE_FIRST_MATCH = reference.STREET_ROMANCE_TYPE_FIRST.match
cdef object GERMAN_MATCH = reference.STREET_GERMAN.match


def _alternatives(str alternation):
    """Every string a regex alternation of literals matches; it may hold only `\\x`, `[xy]`, `(?:...)` and `?`."""

    def parse(str source, Py_ssize_t i):
        options, sequence = [], [""]
        while i < len(source) and source[i] != ")":
            c = source[i]
            if c == "|":
                options += sequence
                sequence = [""]
                i += 1
                continue
            if c == "(":
                if source[i:i + 3] != "(?:":
                    raise ValueError(f"unexpected group at {i} in {source!r}")
                piece, i = parse(source, i + 3)
                i += 1  # the ')'
            elif c == "[":
                close = source.index("]", i)
                piece = list(source[i + 1:close])
                if "-" in piece or "^" in piece or "\\" in piece:
                    raise ValueError(f"unexpected class at {i} in {source!r}")
                i = close + 1
            elif c == "\\":
                piece = [source[i + 1]]
                i += 2
            elif c in ".*+{}^$":
                raise ValueError(f"unexpected {c!r} at {i} in {source!r}")
            else:
                piece = [c]
                i += 1
            if i < len(source) and source[i] == "?":
                piece = piece + [""]
                i += 1
            sequence = [s + p for s in sequence for p in piece]
        return options + sequence, i

    found, end = parse(alternation, 0)
    whole = re.compile(f"(?:{alternation})")
    if end != len(alternation) or not all(whole.fullmatch(s) for s in found):
        raise ValueError(f"cannot list what {alternation!r} matches")
    return found


# The word lists the scans look words up in, read from the reference by the loaders below (which say what no
# longer fits, instead of raising: the twin is then left out and the reference runs).
# STREET_US and STREET_BEFORE name one of SUFFIXES: capitalised ASCII words, so the suffix is the whole \w run.
cdef frozenset SUFFIXES = frozenset()
cdef Py_ssize_t SUFFIX_MIN = 0, SUFFIX_MAX = 0
# The Romance patterns need a street type then a space: the type's first word, lower-cased, is one of TYPE_TOKENS.
cdef frozenset TYPE_TOKENS = frozenset()
cdef tuple ROMANCE_WORDS = ()
cdef Py_ssize_t TOKEN_MAX = 0
# For each first three characters of a type token (a two-letter token and its space), the token lengths it has.
cdef unsigned int TYPE_PREFIXES[28 * 28 * 28]
cdef Py_UCS4 TOKEN_CHARS[64][32]  # TYPE_TOKENS as C arrays, TOKEN_LENGTHS long
cdef Py_ssize_t TOKEN_LENGTHS[64]
cdef Py_ssize_t TOKEN_COUNT = 0
# the tokens opening with letter a (0-25) are TOKEN_CHARS[TOKENS_FROM[a]:TOKENS_FROM[a + 1]]
cdef Py_ssize_t TOKENS_FROM[27]
# STREET_GERMAN's gate: one of these endings (with its space), lower-cased, before a house number
cdef tuple GERMAN_ENDINGS = ()
cdef unsigned char GERMAN_LAST[256]  # the endings' last two characters, before their space: 1 last, 2 before it
cdef unsigned char GERMAN_CHARS[32][32]  # GERMAN_ENDINGS as C arrays, GERMAN_LENGTHS long
cdef Py_ssize_t GERMAN_LENGTHS[32]
cdef Py_ssize_t GERMAN_COUNT = 0
# The endings (bit e: GERMAN_ENDINGS[e]) whose last character before their space is c, and whose one before is c
cdef unsigned int GERMAN_BY_LAST[256]
cdef unsigned int GERMAN_BY_BEFORE[256]
# STREET_UNIT_FIRST opens with one of these words (the reference's gate names them)
cdef tuple UNIT_FIRST_WORDS = ("Flat", "Studio", "Apartment")


cdef inline int tri_index(Py_UCS4 c) noexcept:
    """A street-type character's place in the prefix table: a-z, '.', ' ' (after a two-letter type), else -1."""
    if 97 <= c <= 122:
        return <int> c - 97
    if c == 46:
        return 26
    if c == 32:
        return 27
    return -1


def _load_suffixes():
    """Fill SUFFIXES: None, or what in addresses._SUFFIXES the street scan cannot look up."""
    global SUFFIXES, SUFFIX_MIN, SUFFIX_MAX
    try:
        suffixes = frozenset(_alternatives(reference._SUFFIXES))
    except Exception as exc:
        return f"addresses._SUFFIXES: {exc}"
    if not suffixes or not all(s.isascii() and s.isalpha() and s[0].isupper() for s in suffixes):
        return "addresses._SUFFIXES holds a suffix the compiled street scan cannot look up"
    if len(suffixes) > 256 or max(map(len, suffixes)) > 16:
        return "addresses._SUFFIXES no longer fits the compiled suffix table"
    SUFFIXES = suffixes
    SUFFIX_MIN, SUFFIX_MAX = min(map(len, suffixes)), max(map(len, suffixes))
    ordered = sorted(suffixes)
    for e, suffix in enumerate(ordered):
        SUFFIX_LENGTHS[e] = len(suffix)
        for k, letter in enumerate(suffix):
            SUFFIX_CHARS[e][k] = ord(letter)
    for a in range(27):
        SUFFIXES_FROM[a] = sum(1 for suffix in ordered if ord(suffix[0]) - 65 < a)
    return None


cdef unsigned char SUFFIX_CHARS[256][16]  # SUFFIXES sorted, as C arrays SUFFIX_LENGTHS long
cdef Py_ssize_t SUFFIX_LENGTHS[256]
cdef Py_ssize_t SUFFIXES_FROM[27]  # those opening with capital a (0-25): SUFFIXES_FROM[a] to SUFFIXES_FROM[a + 1]


cdef bint suffix_listed(const unit *s, Py_ssize_t n, Py_ssize_t q, Py_ssize_t length) noexcept:
    """text[q:q + length] in SUFFIXES"""
    cdef Py_ssize_t e, k
    cdef Py_UCS4 first = unit_at(s, n, q)
    if not 65 <= first <= 90 or q + length > n:
        return False
    for e in range(SUFFIXES_FROM[<int> first - 65], SUFFIXES_FROM[<int> first - 64]):
        if SUFFIX_LENGTHS[e] != length:
            continue
        for k in range(1, length):
            if s[q + k] != SUFFIX_CHARS[e][k]:
                break
        else:
            return True
    return False


def _load_street_words():
    """Fill the street-type, German-ending and unit-word tables: None, or what in the reference no longer fits."""
    global TYPE_TOKENS, ROMANCE_WORDS, TOKEN_MAX, GERMAN_ENDINGS, GERMAN_COUNT, TOKEN_COUNT
    cdef int a, b, c
    try:
        tokens = frozenset(t.split(" ")[0] for t in _alternatives(reference._ROMANCE_TYPES))
        romance, endings = tuple(reference._ROMANCE_WORDS), tuple(reference._GERMAN_ENDINGS)
        units_open = all(reference.STREET_UNIT_FIRST.match(f"{w} 1, 2 Main") for w in UNIT_FIRST_WORDS)
    except Exception as exc:
        return f"addresses' street words: {exc}"
    if not tokens or not romance or max(map(len, tokens)) > 31 or len(tokens) > 64:
        return "addresses._ROMANCE_TYPES holds a type the compiled prefix table cannot hold"
    for token in tokens:
        padded = token + " "
        a, b, c = tri_index(ord(padded[0])), tri_index(ord(padded[1])), tri_index(ord(padded[2]))
        if len(token) < 2 or a < 0 or a > 25 or b < 0 or b > 25 or c < 0:
            return f"street type {token!r} does not fit the compiled prefix table"
    for ending in endings:
        if len(ending) < 3 or not ending.endswith(" ") or max(map(ord, ending)) > 255:
            return f"German street ending {ending!r} does not fit the compiled gate"
    if len(endings) > 32 or max(map(len, endings)) > 32:
        return "addresses._GERMAN_ENDINGS no longer fits the compiled gate"
    if not units_open:
        return "STREET_UNIT_FIRST no longer opens with the words the compiled scan looks for"
    for token in tokens:
        padded = token + " "
        a, b, c = tri_index(ord(padded[0])), tri_index(ord(padded[1])), tri_index(ord(padded[2]))
        TYPE_PREFIXES[(a * 28 + b) * 28 + c] |= (<unsigned int> 1) << len(token)
    for e, token in enumerate(sorted(tokens)):
        TOKEN_LENGTHS[e] = len(token)
        for k, letter in enumerate(token):
            TOKEN_CHARS[e][k] = ord(letter)
    TOKEN_COUNT = len(tokens)
    for a in range(27):
        TOKENS_FROM[a] = sum(1 for token in tokens if ord(token[0]) - 97 < a)
    for e, ending in enumerate(endings):
        GERMAN_LENGTHS[e] = len(ending)
        for k, letter in enumerate(ending):
            GERMAN_CHARS[e][k] = ord(letter)
    GERMAN_COUNT = len(endings)
    for e, ending in enumerate(endings):
        GERMAN_LAST[ord(ending[len(ending) - 2])] |= 1
        GERMAN_LAST[ord(ending[len(ending) - 3])] |= 2
        GERMAN_BY_LAST[ord(ending[len(ending) - 2])] |= (<unsigned int> 1) << e
        GERMAN_BY_BEFORE[ord(ending[len(ending) - 3])] |= (<unsigned int> 1) << e
    TYPE_TOKENS, ROMANCE_WORDS, GERMAN_ENDINGS = tokens, romance, endings
    TOKEN_MAX = max(map(len, tokens))
    return None


_SUFFIXES_UNFIT = _load_suffixes()
_STREET_WORDS_UNFIT = _load_street_words()


cdef unsigned int letters(str chosen):
    cdef unsigned int mask = 0
    for c in chosen:
        mask |= (<unsigned int> 1) << (ord(c) - 65)
    return mask


# The postcode patterns' capital-letter classes
cdef unsigned int UK_AREA = letters("ABCDEFGHIJKLMNOPRSTUWYZ")  # [A-PR-UWYZ]
cdef unsigned int UK_AFTER_DIGIT = letters("ABCDEFGHJKPSTUW")  # [A-HJKPSTUW]
cdef unsigned int UK_SECOND = letters("ABCDEFGHKLMNOPQRSTUVWXY")  # [A-HK-Y]
cdef unsigned int UK_THIRD = letters("ABEHMNPRVWXY")  # [ABEHMNPRVWXY]
cdef unsigned int UK_INWARD = letters("ABDEFGHJLNPQRSTUWXYZ")  # [ABD-HJLNP-UW-Z]
cdef unsigned int CA_FIRST = letters("ABCEGHJKLMNPRSTVXY")  # [ABCEGHJ-NPRSTVXY]
cdef unsigned int CA_LETTER = letters("ABCEGHJKLMNPRSTVWXYZ")  # [ABCEGHJ-NPRSTV-Z]


# ---- reading code points


# Lower-casing is character by character (only a Greek capital sigma looks at its neighbours), so a Latin-1 text
# is lower-cased as it is read (lower_char), not copied, when no Latin-1 character changes length, folds unsafely
# (findings.folded), or changes class for word_starts as it folds; else only an ASCII text is.
_latin1 = "".join(map(chr, range(256)))
_latin1_lower = folded(_latin1)
cdef bint LATIN1_FOLDS_IN_PLACE = _latin1_lower is not None and len(_latin1_lower) == 256 and all(
    chr(_c).lower() == _latin1_lower[_c] and _latin1_lower[_c].lower() == _latin1_lower[_c]
    and (chr(_c).isalnum() or chr(_c) in "_-") == (_latin1_lower[_c].isalnum() or _latin1_lower[_c] in "_-")
    and (_c < 128) == _latin1_lower[_c].isascii() and ord(_latin1_lower[_c]) == lower_char(_c)
    for _c in range(256)
)


def _folds_in_place(Py_UCS4 c):
    """What LATIN1_FOLDS_IN_PLACE says of each Latin-1 character, for one above Latin-1 (the capital sigma,
    whose lower case depends on its neighbours, and findings._UNSAFE_FOLD's characters never)."""
    ch = chr(c)
    low = ch.lower()
    return (len(low) == 1 and low.lower() == low and ord(low) == lower_char(c) and c != 0x3A3
            and not unsafe_fold(c) and ch.isascii() == low.isascii()
            and (ch.isalnum() or ch in "_-") == (low.isalnum() or low in "_-"))


cdef unsigned char WIDE_FOLDS[65536]  # _folds_in_place of a two-byte character: 0 not asked yet, 1 yes, 2 no


cdef bint wide_folds_in_place(const Py_UCS2 *s, Py_ssize_t n) except -1:
    """A two-byte text lowered character by character (lower_char) is its str.lower(), as a Latin-1 one is."""
    cdef Py_ssize_t i
    cdef Py_UCS2 c
    if not LATIN1_FOLDS_IN_PLACE:
        return False
    i = 0
    while i < n:
        if i + 8 <= n and (s[i] | s[i + 1] | s[i + 2] | s[i + 3] | s[i + 4] | s[i + 5] | s[i + 6] | s[i + 7]) < 256:
            i += 8  # eight Latin-1 characters: each folds in place
            continue
        c = s[i]
        i += 1
        if c >= 256:
            if WIDE_FOLDS[c] == 0:
                WIDE_FOLDS[c] = 1 if _folds_in_place(c) else 2
            if WIDE_FOLDS[c] != 1:
                return False
    return True


cdef inline bint letter_in(Py_UCS4 c, unsigned int mask) noexcept:
    return 65 <= c <= 90 and (mask >> (<int> c - 65)) & 1


# What each ASCII character is, as bits: the classes tested once per character are looked up, not compared.
cdef enum:
    WORD = 1  # \w
    DIGIT = 2  # \d
    SPACE = 4  # \s
    DASH = 8  # -
    UPPER = 16  # [A-Z]
    UNIT_FIRST = 32  # what UNIT_FIRST_WORDS open with
    TYPE_OPEN = 64  # a letter a Romance street type opens with, in either case

cdef unsigned char ASCII_CLASS[128]
for _c in range(128):
    ASCII_CLASS[_c] = ((WORD if re.fullmatch(r"\w", chr(_c)) else 0) | (DIGIT if re.fullmatch(r"\d", chr(_c)) else 0)
                       | (SPACE if re.fullmatch(r"\s", chr(_c)) else 0) | (DASH if _c == 45 else 0)
                       | (UPPER if 65 <= _c <= 90 else 0)
                       | (UNIT_FIRST if any(w.startswith(chr(_c)) for w in UNIT_FIRST_WORDS) else 0)
                       | (TYPE_OPEN if any(t.startswith(chr(_c).lower()) for t in TYPE_TOKENS) else 0))


cdef inline unsigned char class_of(Py_UCS4 c) noexcept:
    """The ASCII_CLASS bits of any character (above ASCII, only WORD and DIGIT can be set)."""
    if c < 128:
        return ASCII_CLASS[c]
    return (WORD if is_word(c) else 0) | (DIGIT if is_digit(c) else 0)


cdef enum:
    CHUNK = 256  # word starts found per pass of next_starts


cdef Py_ssize_t next_starts(const unit *s, Py_ssize_t n, Py_ssize_t *position, unsigned char wanted,
                            Py_ssize_t *found) noexcept:
    """Fills `found` with the next word starts (characters after no [\\w-]) from *position on whose class
    has a bit of `wanted`, at most CHUNK; moves *position past what it read and says how many it found.
    Every pattern here opens after no [\\w-], so only these places need a closer look."""
    cdef Py_ssize_t i = position[0], count = 0
    cdef unsigned char here, before = class_of(s[i - 1]) if i > 0 else 0
    while i < n and count < CHUNK:
        here = class_of(s[i])
        found[count] = i
        count += ((here & wanted) != 0) & ((before & (WORD | DASH)) == 0)
        before = here
        i += 1
    position[0] = i
    return count


# `\d` in a one-byte text is an ASCII digit (checked here: else the sixty-at-a-time postcode search is not used)
cdef bint LATIN1_DIGITS_ASCII = all(chr(c).isdecimal() == (48 <= c <= 57) for c in range(256))

# Latin-1 characters' ASCII_CLASS bits (WORD and DIGIT above ASCII), for a one-byte text's scans
cdef unsigned char LATIN1_CLASS[256]
for _c in range(256):
    LATIN1_CLASS[_c] = class_of(_c)

# A one-byte text's word starts worth a closer look, by the character there and the next: bit (next & 31) of
# STREET_PAIRS[character] (a digit: any next; a unit word's or a street type's first two letters, a letter's
# either case standing for both). A superset: the candidate loop checks each in full.
cdef unsigned int STREET_PAIRS[256]
for _c in range(48, 58):
    STREET_PAIRS[_c] = 0xFFFFFFFF
for _w in UNIT_FIRST_WORDS:
    STREET_PAIRS[ord(_w[0])] |= 1 << (ord(_w[1]) & 31)
for _w in TYPE_TOKENS:
    for _first in {_w[0], _w[0].upper()}:
        STREET_PAIRS[ord(_first)] |= 1 << (ord(_w[1]) & 31)


# STREET_PAIRS with, above its 32 bits, whether the character is a [\\w-]: one look-up per character
cdef uint64_t STREET_LOOKUP[256]
for _c in range(256):
    STREET_LOOKUP[_c] = STREET_PAIRS[_c] | ((<uint64_t> 1 << 32) if LATIN1_CLASS[_c] & (WORD | DASH) else 0)


# GERMAN_LAST by a one-byte text's own characters, in either case (a text lower-cased in place)
cdef unsigned char GERMAN_LAST_EITHER[256]
for _c in range(256):
    GERMAN_LAST_EITHER[_c] = GERMAN_LAST[lower_char(_c)] if lower_char(_c) < 256 else 0


cdef inline unsigned char german_last_either(Py_UCS4 c) noexcept:
    """GERMAN_LAST of c lower-cased (lower_char)"""
    cdef unsigned int low
    if c < 256:
        return GERMAN_LAST_EITHER[c]
    low = lower_char(c)
    return GERMAN_LAST[low] if low < 256 else 0


cdef Py_ssize_t next_street_starts(const Py_UCS1 *s, Py_ssize_t n, Py_ssize_t *position, Py_ssize_t *found) noexcept:
    """next_starts for a one-byte text's street scan: the word starts STREET_PAIRS keeps."""
    cdef Py_ssize_t i = position[0], count = 0, last = n - 1
    cdef uint64_t before = STREET_LOOKUP[s[i - 1]] if i > 0 else 0, here
    while i < last and count < CHUNK:
        here = STREET_LOOKUP[s[i]]
        found[count] = i
        count += (here >> (s[i + 1] & 31)) & 1 & ~(before >> 32)
        before = here
        i += 1
    if i == last and count < CHUNK:  # the last character: nothing after it
        found[count] = i
        count += STREET_LOOKUP[s[i]] & 1 & ~(before >> 32)
        i += 1
    position[0] = i
    return count


cdef inline uint64_t bytes_between(uint64_t x, uint64_t low, uint64_t high) noexcept:
    """The high bit of each byte of x that is ASCII and strictly between low and high (0 <= low < high <= 128):
    no byte's sums reach into the next, so each byte is judged on its own."""
    return ((ONES * (127 + high) - (x & (ONES * 127))) & ~x & ((x & (ONES * 127)) + ONES * (127 - low))) & HIGHS


cdef extern from *:
    """
    /* Sixteen characters of a one-byte text classed at once: bit k for the character at k. */
    #if defined(__SSE2__)
    #include <emmintrin.h>
    static inline __m128i addresses_between16(__m128i x, char low, char high) {
        /* bytes strictly between low and high (ASCII bounds; a byte above ASCII compares as negative) */
        return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(low)), _mm_cmplt_epi8(x, _mm_set1_epi8(high)));
    }
    static inline void addresses_classes16(const unsigned char *s, unsigned int *digits, unsigned int *capitals,
                                           unsigned int *alnum) {
        __m128i x = _mm_loadu_si128((const __m128i *)s);
        __m128i d = addresses_between16(x, '0' - 1, '9' + 1);
        __m128i c = addresses_between16(x, 'A' - 1, 'Z' + 1);
        __m128i l = addresses_between16(x, 'a' - 1, 'z' + 1);
        *digits = (unsigned int)_mm_movemask_epi8(d);
        *capitals = (unsigned int)_mm_movemask_epi8(c);
        *alnum = (unsigned int)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(d, c), l));
    }
    static inline unsigned int addresses_packed16(const Py_UCS2 *s, unsigned char *packed) {
        /* sixteen two-byte characters packed to bytes: one above 0x7FFF saturates to 0, one above 0xFF to 0xFF (no
           class); gives the bits of those above ASCII */
        __m128i a = _mm_loadu_si128((const __m128i *)s), b = _mm_loadu_si128((const __m128i *)(s + 8));
        __m128i ascii = _mm_set1_epi16(0x7F), zero = _mm_setzero_si128();
        __m128i wide_a = _mm_or_si128(_mm_cmpgt_epi16(a, ascii), _mm_cmplt_epi16(a, zero));
        __m128i wide_b = _mm_or_si128(_mm_cmpgt_epi16(b, ascii), _mm_cmplt_epi16(b, zero));
        _mm_storeu_si128((__m128i *)packed, _mm_packus_epi16(a, b));
        return (unsigned int)_mm_movemask_epi8(_mm_packs_epi16(wide_a, wide_b));
    }
    static inline void addresses_classes16_wide(const Py_UCS2 *s, unsigned int *digits, unsigned int *capitals,
                                                unsigned int *alnum) {
        /* any character above ASCII is counted among the digits too (a superset: \\d holds other digits) */
        unsigned char packed[16];
        unsigned int wide = addresses_packed16(s, packed);
        addresses_classes16(packed, digits, capitals, alnum);
        *digits |= wide;
    }
    static inline void addresses_street16(const unsigned char *s, unsigned int *alnum, unsigned int *wordish,
                                          unsigned int *high) {
        __m128i x = _mm_loadu_si128((const __m128i *)s);
        __m128i a = _mm_or_si128(addresses_between16(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a' - 1, 'z' + 1),
                                 addresses_between16(x, '0' - 1, '9' + 1));
        __m128i w = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('_')), _mm_cmpeq_epi8(x, _mm_set1_epi8('-')));
        *alnum = (unsigned int)_mm_movemask_epi8(a);
        *wordish = (unsigned int)_mm_movemask_epi8(_mm_or_si128(a, w));
        *high = (unsigned int)_mm_movemask_epi8(x);
    }
    static inline void addresses_street16_wide(const Py_UCS2 *s, unsigned int *alnum, unsigned int *wordish,
                                               unsigned int *high) {
        /* any character above ASCII is among the high ones */
        unsigned char packed[16];
        unsigned int wide = addresses_packed16(s, packed);
        addresses_street16(packed, alnum, wordish, high);
        *high |= wide;
    }
    #else
    static inline void addresses_classes16_wide(const Py_UCS2 *s, unsigned int *digits, unsigned int *capitals,
                                                unsigned int *alnum) {
        unsigned int d = 0, c = 0, l = 0;
        int k;
        for (k = 0; k < 16; k++) {
            if ((s[k] >= '0' && s[k] <= '9') || s[k] > 0x7F) d |= 1u << k;
            if (s[k] >= 'A' && s[k] <= 'Z') c |= 1u << k;
            if (s[k] >= 'a' && s[k] <= 'z') l |= 1u << k;
        }
        *digits = d;
        *capitals = c;
        *alnum = d | c | l;
    }
    static inline void addresses_street16(const unsigned char *s, unsigned int *alnum, unsigned int *wordish,
                                          unsigned int *high) {
        unsigned int a = 0, w = 0, h = 0;
        int k;
        for (k = 0; k < 16; k++) {
            if ((s[k] >= '0' && s[k] <= '9') || (s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= 'a' && s[k] <= 'z'))
                a |= 1u << k;
            if (s[k] == '_' || s[k] == '-') w |= 1u << k;
            if (s[k] >= 0x80) h |= 1u << k;
        }
        *alnum = a;
        *wordish = a | w;
        *high = h;
    }
    static inline void addresses_street16_wide(const Py_UCS2 *s, unsigned int *alnum, unsigned int *wordish,
                                               unsigned int *high) {
        unsigned char packed[16];  /* one above 0xFF as 0xFF: above ASCII, in no class */
        int k;
        for (k = 0; k < 16; k++)
            packed[k] = s[k] > 0xFF ? 0xFF : (unsigned char)s[k];
        addresses_street16(packed, alnum, wordish, high);
    }
    static inline void addresses_classes16(const unsigned char *s, unsigned int *digits, unsigned int *capitals,
                                           unsigned int *alnum) {
        unsigned int d = 0, c = 0, l = 0;
        int k;
        for (k = 0; k < 16; k++) {
            if (s[k] >= '0' && s[k] <= '9') d |= 1u << k;
            if (s[k] >= 'A' && s[k] <= 'Z') c |= 1u << k;
            if (s[k] >= 'a' && s[k] <= 'z') l |= 1u << k;
        }
        *digits = d;
        *capitals = c;
        *alnum = d | c | l;
    }
    #endif
    """
    # the [0-9], [A-Z] and [A-Za-z0-9] characters among the sixteen at s, as bit masks (bit k: s[k]); of two-byte
    # characters, any above ASCII is among the digits too
    void classes16 "addresses_classes16"(const Py_UCS1 *s, unsigned int *digits, unsigned int *capitals,
                                         unsigned int *alnum) noexcept nogil
    # the [A-Za-z0-9], [A-Za-z0-9_\-] and non-ASCII characters among the sixteen at s, as bit masks
    void street16 "addresses_street16"(const Py_UCS1 *s, unsigned int *alnum, unsigned int *wordish,
                                       unsigned int *high) noexcept nogil
    void street16_wide "addresses_street16_wide"(const Py_UCS2 *s, unsigned int *alnum, unsigned int *wordish,
                                                 unsigned int *high) noexcept nogil
    void classes16_wide "addresses_classes16_wide"(const Py_UCS2 *s, unsigned int *digits, unsigned int *capitals,
                                                   unsigned int *alnum) noexcept nogil


ctypedef fused narrow:
    # the storage kinds the sixteen-at-a-time scans read
    Py_UCS1
    Py_UCS2


cdef inline uint64_t read8(const Py_UCS1 *s) noexcept:
    cdef uint64_t x
    memcpy(&x, s, 8)
    return x


cdef inline Py_ssize_t postcode_block(const narrow *s, Py_ssize_t i, unsigned int digits, unsigned int capitals,
                                      unsigned int not_after, unsigned int next_digits, unsigned int next_capitals,
                                      Py_ssize_t *found) noexcept:
    """next_postcode_starts' starts among the sixteen characters at i (into `found`, how many), given their
    classes16 masks, the next sixteen's, and the characters after which none starts in any case (a mask)."""
    cdef Py_ssize_t count = 0, p
    # each character's bit: a capital before [A-Z0-9], or a digit four before a digit ...
    cdef unsigned int wanted = ((capitals & (((digits | capitals) >> 1) | ((next_digits | next_capitals) << 15)))
                                | (digits & ((digits >> 4) | (next_digits << 12)))) & 0xFFFF & ~not_after
    while wanted:  # ... after no [\\w-]
        p = i + lowest_bit(wanted)
        wanted &= wanted - 1
        if p == 0 or not ((LATIN1_CLASS[s[p - 1]] if narrow is Py_UCS1 else class_of(s[p - 1])) & (WORD | DASH)):
            found[count] = p
            count += 1
    return count


cdef Py_ssize_t next_postcode_starts(const narrow *s, Py_ssize_t n, Py_ssize_t *position,
                                     Py_ssize_t *found) noexcept:
    """next_starts(..., UPPER | DIGIT, ...) for a one- or two-byte text, sixteen characters at a time (the last
    few copied with NULs after them), less what cannot open a postcode: a capital needs a capital or a digit next,
    a digit a digit four on (ZIP_PLUS4 and FIVE_DIGITS open with five). A byte above ASCII is taken for a
    non-word, then checked."""
    cdef Py_ssize_t i = position[0], count = 0, rest
    cdef unsigned int digits = 0, capitals = 0, alnum, next_digits, next_capitals
    cdef narrow tail[48]
    if i + 16 <= n:
        if narrow is Py_UCS1:
            classes16(s + i, &digits, &capitals, &alnum)
        else:
            classes16_wide(s + i, &digits, &capitals, &alnum)
    while i + 32 <= n and count <= CHUNK - 16:
        if narrow is Py_UCS1:  # the next sixteen: classed once
            classes16(s + i + 16, &next_digits, &next_capitals, &alnum)
        else:
            classes16_wide(s + i + 16, &next_digits, &next_capitals, &alnum)
        if digits | capitals:
            count += postcode_block(s, i, digits, capitals, 0, next_digits, next_capitals, found + count)
        digits, capitals = next_digits, next_capitals
        i += 16
    if i + 32 > n and count <= CHUNK - 32:  # the last few (under 32): copied, with NULs (no class) after them
        rest = n - i
        memset(tail, 0, sizeof(tail))
        memcpy(tail, s + i, rest * sizeof(narrow))
        if narrow is Py_UCS1:
            classes16(tail, &digits, &capitals, &alnum)
            classes16(tail + 16, &next_digits, &next_capitals, &alnum)
        else:
            classes16_wide(tail, &digits, &capitals, &alnum)
            classes16_wide(tail + 16, &next_digits, &next_capitals, &alnum)
        count += postcode_block(s, i, digits, capitals, 0, next_digits, next_capitals, found + count)
        if rest > 16:
            if narrow is Py_UCS1:
                classes16(tail + 32, &digits, &capitals, &alnum)
            else:
                classes16_wide(tail + 32, &digits, &capitals, &alnum)
            count += postcode_block(s, i + 16, next_digits, next_capitals, 0, digits, capitals, found + count)
        i = n
    position[0] = i
    return count


cdef extern from *:
    """
    /* bit k (k < 60): the byte at k can open a postcode, as far as the sixty-four at s tell: a capital before a
       digit, a capital and a digit, or three capitals and a digit ("GIR 0AA"); or five digits not a sixth
       (what comes before it is checked by the caller) */
    static inline unsigned long long addresses_postcodes64(const unsigned char *s) {
        unsigned long long d = doorman_within64(s, '0', '9'), c;
        if (!d)
            return 0;
        c = doorman_within64(s, 'A', 'Z');
        return (c & ((d >> 1) | ((c >> 1) & ((d >> 2) | ((c >> 2) & ((d >> 3) | (d >> 4)))))))
            | (d & (d >> 1) & (d >> 2) & (d >> 3) & (d >> 4) & ~(d >> 5));
    }
    """
    unsigned long long postcodes64 "addresses_postcodes64"(const Py_UCS1 *s) noexcept nogil


cdef Py_ssize_t next_postcode_starts64(const Py_UCS1 *s, Py_ssize_t n, Py_ssize_t *position,
                                       Py_ssize_t *found) noexcept:
    """next_postcode_starts for a one-byte text, sixty bytes at a time (the last few copied, with NULs after
    them), less what cannot open a postcode: a capital needs a digit one, two or (GIR) three or four on, a digit
    five digits from it."""
    cdef Py_ssize_t i = position[0], count = 0, p, step
    cdef unsigned long long marks
    cdef Py_UCS1 tail[64]
    while i < n and count <= CHUNK - 64:
        if i + 64 <= n:
            marks = postcodes64(s + i) & ((<unsigned long long> 1 << 60) - 1)
            step = 60
        else:  # a NUL is in no class: nothing is marked past the text's end
            memset(tail, 0, sizeof(tail))
            memcpy(tail, s + i, <size_t> (n - i))
            marks = postcodes64(tail)
            step = n - i
        while marks:
            p = i + lowest_bit(marks)
            marks &= marks - 1
            if p == 0 or not (LATIN1_CLASS[s[p - 1]] & (WORD | DASH)):
                found[count] = p
                count += 1
        i += step
    position[0] = i
    return count


cdef Py_ssize_t next_street_starts_wide(const narrow *s, Py_ssize_t n, Py_ssize_t *position,
                                        Py_ssize_t *found) noexcept:
    """next_street_starts, sixteen characters at a time: only an ASCII letter or digit after no ASCII letter or
    digit (a superset of the word starts STREET_PAIRS can keep: a character above ASCII is taken for a non-word),
    and in a two-byte text any character above ASCII (a digit there can open STREET_US), is looked up."""
    cdef Py_ssize_t i = position[0], count = 0, p
    cdef unsigned int alnum, wordish, high, wanted, after_high
    cdef unsigned int carry = 0, carry_high = 0  # the character before i: a [\\w-] or above ASCII; above ASCII
    cdef Py_UCS4 c, before
    if i > 0:  # the character before i, as the sixteen-at-a-time masks carry it
        carry_high = s[i - 1] >= 128
        carry = 1 if carry_high else (STREET_LOOKUP[s[i - 1]] >> 32) & 1
    while i + 17 <= n and count <= CHUNK - 16:
        # a start after an ASCII character is decided here; after one above ASCII (and, in a two-byte text, one
        # above ASCII itself: a digit there can open STREET_US) in the loop below
        if narrow is Py_UCS1:
            street16(s + i, &alnum, &wordish, &high)
            after_high = alnum & ((high << 1) | carry_high)
        else:
            street16_wide(s + i, &alnum, &wordish, &high)
            after_high = (alnum & ((high << 1) | carry_high)) | high
        wanted = alnum & ~(((wordish | high) << 1) | carry)
        carry = ((wordish | high) >> 15) & 1
        carry_high = (high >> 15) & 1
        if not after_high:
            while wanted:
                p = i + lowest_bit(wanted)
                wanted &= wanted - 1
                found[count] = p
                count += (STREET_LOOKUP[s[p]] >> (s[p + 1] & 31)) & 1
            i += 16
            continue
        wanted |= after_high
        while wanted:
            p = i + lowest_bit(wanted)
            wanted &= wanted - 1
            found[count] = p
            if narrow is Py_UCS1:
                count += ((STREET_LOOKUP[s[p]] >> (s[p + 1] & 31)) & 1
                          & ~((STREET_LOOKUP[s[p - 1]] >> 32) if p > 0 else 0))
            else:
                c = s[p]
                before = s[p - 1] if p > 0 else 0
                if (is_word(before) if before >= 256 else (STREET_LOOKUP[before] >> 32) & 1):
                    continue
                if c < 256:
                    count += (STREET_LOOKUP[c] >> (s[p + 1] & 31)) & 1
                else:
                    count += is_digit(c)
        i += 16
    position[0] = i
    if i + 17 > n and count <= CHUNK - 17:  # the last few, one by one
        if narrow is Py_UCS1:
            count += next_street_starts(s, n, position, found + count)
        else:
            count += next_starts(s, n, position, DIGIT | UNIT_FIRST | TYPE_OPEN, found + count)
    return count


cdef inline bint word_or_dash(Py_UCS4 c) noexcept:
    """`[\\w\\-]`"""
    if c < 128:
        return ASCII_CLASS[c] & (WORD | DASH)
    return is_word(c)


cdef inline bint word_piece(Py_UCS4 c) noexcept:
    """`[\\w'’.\\-]`: what follows a street word's capital"""
    return c == 45 or c == 46 or c == 39 or c == 0x2019 or is_word(c)


cdef inline bint street_capital(Py_UCS4 c) noexcept:
    """`[A-ZÀ-Þ]`"""
    return 65 <= c <= 90 or 0xC0 <= c <= 0xDE


cdef inline object postcode(Py_ssize_t start, Py_ssize_t end):
    return new_finding(Finding, start, end, "POSTCODE", 4)


cdef inline object address(Py_ssize_t start, Py_ssize_t end):
    return new_finding(Finding, start, end, "ADDRESS", 5)  # above a postcode-looking house number


# ---- postcodes


cdef inline Py_ssize_t uk_inward_end(const unit *s, Py_ssize_t n, Py_ssize_t p) noexcept:
    """`\\d[ABD-HJLNP-UW-Z]{2}(?![\\w\\-])` at p: where it ends, or -1."""
    if (is_digit(unit_at(s, n, p)) and letter_in(unit_at(s, n, p + 1), UK_INWARD)
            and letter_in(unit_at(s, n, p + 2), UK_INWARD)
            and not word_or_dash(unit_at(s, n, p + 3))):
        return p + 3
    return -1


cdef inline Py_ssize_t uk_rest_end(const unit *s, Py_ssize_t n, Py_ssize_t p) noexcept:
    """` ?` then the inward code at p, the space taken first."""
    cdef Py_ssize_t end
    if unit_at(s, n, p) == 32:
        end = uk_inward_end(s, n, p + 1)
        if end >= 0:
            return end
    return uk_inward_end(s, n, p)


cdef Py_ssize_t uk_end(const unit *s, Py_ssize_t n, Py_ssize_t i) noexcept:
    """Where UK_POSTCODE's match at i ends (its first letter and look-behind already hold), or -1."""
    cdef Py_UCS4 c1 = unit_at(s, n, i + 1), c2
    cdef Py_ssize_t p, end
    if s[i] == 71 and c1 == 73 and unit_at(s, n, i + 2) == 82:  # GIR ?0AA
        p = i + 3
        if unit_at(s, n, p) == 32:
            p += 1  # giving the space back leaves "0AA" to match a space
        if (unit_at(s, n, p) == 48 and unit_at(s, n, p + 1) == 65 and unit_at(s, n, p + 2) == 65
                and not word_or_dash(unit_at(s, n, p + 3))):
            return p + 3
    if is_digit(c1):  # \d[A-HJKPSTUW\d]?
        c2 = unit_at(s, n, i + 2)
        if is_digit(c2) or letter_in(c2, UK_AFTER_DIGIT):
            end = uk_rest_end(s, n, i + 3)
            if end >= 0:
                return end
        return uk_rest_end(s, n, i + 2)
    if letter_in(c1, UK_SECOND) and is_digit(unit_at(s, n, i + 2)):  # [A-HK-Y]\d[ABEHMNPRVWXY\d]?
        c2 = unit_at(s, n, i + 3)
        if is_digit(c2) or letter_in(c2, UK_THIRD):
            end = uk_rest_end(s, n, i + 4)
            if end >= 0:
                return end
        return uk_rest_end(s, n, i + 3)
    return -1


cdef Py_ssize_t ca_end(const unit *s, Py_ssize_t n, Py_ssize_t i) noexcept:
    """Where CA_POSTCODE's match at i ends (its first letter and look-behind already hold), or -1."""
    cdef Py_ssize_t p = i + 3
    if not (is_digit(unit_at(s, n, i + 1)) and letter_in(unit_at(s, n, i + 2), CA_LETTER)):
        return -1
    if unit_at(s, n, p) == 32 or unit_at(s, n, p) == 45:
        p += 1  # giving the separator back leaves a digit to match it
    if (is_digit(unit_at(s, n, p)) and letter_in(unit_at(s, n, p + 1), CA_LETTER) and is_digit(unit_at(s, n, p + 2))
            and not word_or_dash(unit_at(s, n, p + 3))):
        return p + 3
    return -1


cdef Py_ssize_t window_start(const unit *s, Py_ssize_t n, Py_ssize_t start, Py_ssize_t width) noexcept:
    """Where findings.context_before's window opens before `start`: `width` back, not before the line's start."""
    cdef Py_ssize_t k = start - 1, low = start - width
    cdef const void *newline
    if low < 0:
        low = 0
    if k >= n:  # (start is at most n: not expected)
        return window_start_slow(s, n, start, low)
    if unit is Py_UCS1:  # the last newline in s[low:start]
        if k >= low:
            newline = memrchr(s + low, 10, <size_t> (k + 1 - low))
            if newline != NULL:
                return <const Py_UCS1 *> newline - s + 1
    else:
        while k >= low:  # k within the text
            if s[k] == 10:
                return k + 1
            k -= 1
    return low


cdef Py_ssize_t window_start_slow(const unit *s, Py_ssize_t n, Py_ssize_t start, Py_ssize_t low) noexcept:
    cdef Py_ssize_t k = start - 1
    while k >= low:
        if unit_at(s, n, k) == 10:
            return k + 1
        k -= 1
    return low


# The last \w run of each ZIP_CUE branch, lower-cased: a state, or the last word of a cue (of "c. p.", "p"), in
# ASCII (a run with other letters is left to the pattern).
# ZIP_CUE's checksum below guards this list.
cdef frozenset CUE_LAST_WORDS = frozenset(
    [state.lower() for state in reference.US_STATES.split("|")]
    + ["zip", "code", "postal", "postcode", "plz", "cp", "postleitzahl", "zipcode", "zip_code", "postalcode", "postal_code",
       "p"]
)
cdef Py_ssize_t CUE_LAST_MAX = max(map(len, CUE_LAST_WORDS))
# bit m of CUE_LAST_OPENING[c]: a word of CUE_LAST_WORDS m long opens with c (lower case)
cdef unsigned int CUE_LAST_OPENING[128]
for _word in CUE_LAST_WORDS:
    if _word.isascii() and len(_word) < 32:
        CUE_LAST_OPENING[ord(_word[0])] |= (<unsigned int> 1) << len(_word)
    else:
        CUE_LAST_OPENING[:] = [0xFFFFFFFF] * 128  # a word the filter cannot hold: every run goes on to the set
cdef Py_ssize_t CUE_PHRASE_MAX = 13  # "código postal", the longest ZIP_CUE branch before its tail


# ZIP_CUE's states, by their two capitals (ZIP_CUE's checksum guards US_STATES too)
cdef unsigned char US_STATE_PAIRS[26 * 26]
for _state in reference.US_STATES.split("|"):
    US_STATE_PAIRS[(ord(_state[0]) - 65) * 26 + ord(_state[1]) - 65] = 1


cdef bint state_cue_at(const unit *s, Py_ssize_t n, Py_ssize_t w, Py_ssize_t start) noexcept:
    """ZIP_CUE's state branch `\\b(?:{US_STATES}),?\\s{1,3}$` matches at w, up to `start` (its endpos): the state
    w's \\w run, after no \\w; `$` holds at `start` or before a newline just before it."""
    cdef Py_UCS4 a = unit_at(s, n, w), b = unit_at(s, n, w + 1)
    cdef Py_ssize_t q = w + 2, j
    if not (65 <= a <= 90 and 65 <= b <= 90 and US_STATE_PAIRS[(<int> a - 65) * 26 + <int> b - 65]):
        return False
    if is_word(unit_at(s, n, w - 1)):
        return False
    if q < start and s[q] == 44:
        q += 1
    for j in range(1, 4):
        if q + j > start or not is_space(s[q + j - 1]):
            return False
        if q + j == start or (q + j == start - 1 and s[start - 1] == 10):
            return True
    return False


cdef inline bint cue_tail(Py_UCS4 c) noexcept:
    """What may follow a ZIP_CUE state or cue word up to the digits: spaces, quotes, ',' and [:=.#]."""
    return is_space(c) or c == 34 or c == 39 or c == 58 or c == 61 or c == 46 or c == 35 or c == 44


cdef inline bint ascii_run(const unit *s, Py_ssize_t n, Py_ssize_t w, Py_ssize_t k) noexcept:
    cdef Py_ssize_t p
    for p in range(w, k):
        if unit_at(s, n, p) >= 128:
            return False
    return True


cdef bint zip_cue_before(str text, const unit *s, Py_ssize_t n, Py_ssize_t start) except -1:
    """context_before(text, start, ZIP_CUE, 24). Each branch opens with \\b and a letter and ends at `start`
    after a state or cue word that ends with an ASCII letter (one no other letter matches, even under (?i)):
    the pattern is tried only at the word starts before that letter."""
    cdef Py_ssize_t low = window_start(s, n, start, 24), k = start, p, w
    cdef Py_UCS4 c
    while k > low and cue_tail(unit_at(s, n, k - 1)):
        k -= 1
    c = unit_at(s, n, k - 1)
    if k == low or not (65 <= c <= 90 or 97 <= c <= 122):
        return False
    # the state or cue word (or "c. p."'s "p") ends there: the \w run it closes is one of CUE_LAST_WORDS
    w = k - 1
    while w > low and is_word(unit_at(s, n, w - 1)):
        w -= 1
    if k - w > CUE_LAST_MAX:
        return False
    if k - w == 2 and state_cue_at(s, n, w, start):
        return True
    # an ASCII run is looked up in C first: by its first letter, in lower case, and its length
    if k - w < 32 and (65 <= unit_at(s, n, w) <= 90 or 97 <= unit_at(s, n, w) <= 122):
        c = <Py_UCS4> ((<unsigned int> unit_at(s, n, w)) | 32)
        if not (CUE_LAST_OPENING[<unsigned int> c] >> (k - w)) & 1 and ascii_run(s, n, w, k):
            return False
    run = text[w:k]
    if run.isascii() and run.lower() not in CUE_LAST_WORDS:  # (?i) lets a few others match ASCII letters
        return False
    # the cue or state the match opens with ends at k, and none is longer than CUE_PHRASE_MAX
    # and opens with a state (two capitals, ending at k) or with a cue word's c, p or z in either case
    for p in range(k - 1, max(low, k - CUE_PHRASE_MAX) - 1, -1):
        c = unit_at(s, n, p)
        if not (c == 99 or c == 112 or c == 122 or c == 67 or c == 80 or c == 90 or (p == k - 2 and 65 <= c <= 90)):
            continue
        if not is_word(unit_at(s, n, p - 1)) and ZIP_CUE_MATCH(text, p, start) is not None:
            return True
    return False


cdef bint street_before(str text, const unit *s, Py_ssize_t n, Py_ssize_t start) except -1:
    """context_before(text, start, STREET_BEFORE, 64). The pattern ends with a space, and opens with a suffix
    (a whole \\w run, after \\b) then `\\.?,`: it is tried only at suffixes before a comma."""
    cdef Py_ssize_t low = window_start(s, n, start, 64), comma, end, p
    cdef const void *found
    if start - 1 < low or unit_at(s, n, start - 1) != 32:
        return False
    comma = low
    while True:
        if unit is Py_UCS1:  # the next comma, at most start - 2
            comma += 1
            if comma >= start - 1:
                break
            found = memchr(s + comma, 44, <size_t> (start - 1 - comma))
            if found == NULL:
                break
            comma = <const Py_UCS1 *> found - s
        else:
            comma += 1
            if comma >= start - 1:
                break
            if unit_at(s, n, comma) != 44:
                continue
        end = comma - 1 if unit_at(s, n, comma - 1) == 46 else comma
        p = end
        while p > low and is_word(unit_at(s, n, p - 1)):
            p -= 1
        if p < end and not is_word(unit_at(s, n, p - 1)) and suffix_listed(s, n, p, end - p):
            if STREET_BEFORE_MATCH(text, p, start) is not None:
                return True
    return False


cdef bint at_line_start(const unit *s, Py_ssize_t n, Py_ssize_t start) noexcept:
    """addresses._line_start: only whitespace between the line's start and `start`."""
    cdef Py_ssize_t k = start - 1
    cdef Py_UCS4 c
    while k >= 0:
        c = unit_at(s, n, k)
        if c == 10:
            return True
        if not is_space(c):
            return False
        k -= 1
    return True


cdef bint field_start_before(const unit *s, Py_ssize_t n, Py_ssize_t start) noexcept:
    """context_before(text, start, FIELD_START, 4): `(?:[,;\\t]|\\bD-|\\bDE-)\\s*$`."""
    cdef Py_ssize_t low = window_start(s, n, start, 4), k = start, p
    cdef Py_UCS4 c
    while k > low and is_space(unit_at(s, n, k - 1)):
        k -= 1
    for p in range(k, start):
        if unit_at(s, n, p) == 9:
            return True
    if k - 1 < low:
        return False
    c = unit_at(s, n, k - 1)
    if c == 44 or c == 59:
        return True
    if c == 45 and k - 2 >= low:
        if unit_at(s, n, k - 2) == 68 and not is_word(unit_at(s, n, k - 3)):
            return True
        if (k - 3 >= low and unit_at(s, n, k - 2) == 69 and unit_at(s, n, k - 3) == 68
                and not is_word(unit_at(s, n, k - 4))):
            return True
    return False


cdef inline bint town_capital(Py_UCS4 c) noexcept:
    """`[A-ZÄÖÜÉ]`"""
    return 65 <= c <= 90 or c == 0xC4 or c == 0xD6 or c == 0xDC or c == 0xC9


cdef inline bint town_piece(Py_UCS4 c) noexcept:
    """`[\\w\\-.]`"""
    return c == 45 or c == 46 or is_word(c)


cdef bint town_after(const unit *s, Py_ssize_t n, Py_ssize_t end) noexcept:
    """TOWN_AFTER.match(text, end) is not None. Its words hold no space, so each is its whole [\\w\\-.] run, or
    ends early only before a '.' that the pattern's `\\.(?:\\s|$)` ending then takes; the ending after a whole
    run is `\\s*$` (whitespace up to a newline or the text's end), ',' or a newline."""
    cdef Py_ssize_t p = end, r, k, words = 0
    cdef Py_UCS4 c
    while words < 4:
        if unit_at(s, n, p) != 32:
            return False
        c = unit_at(s, n, p + 1)
        if not (town_capital(c) or (words > 0 and (97 <= c <= 122 or c == 0xE4 or c == 0xF6 or c == 0xFC))):
            return False
        p += 1
        r = p + 1
        while r < n and town_piece(s[r]):
            if s[r] == 46 and r >= p + 2 and (r + 1 == n or is_space(s[r + 1])):
                return True  # the word ends before this '.', which ends the match
            r += 1
        if r < p + 2:
            return False
        if r == n:
            return True
        c = s[r]
        if c == 44 or c == 10:
            return True
        k = r
        while k < n and is_space(s[k]):
            if s[k] == 10:
                return True
            k += 1
        if k == n:
            return True
        p = r
        words += 1
    return False


cdef bint five_digits_are_postcode(str text, const unit *s, Py_ssize_t n, Py_ssize_t start,
                                   Py_ssize_t end) except -1:
    """PostalCodeRecogniser's test of a FIVE_DIGITS match: a cue or a street before, or a town after at a
    line's or field's start."""
    if zip_cue_before(text, s, n, start) or street_before(text, s, n, start):
        return True
    if at_line_start(s, n, start) or field_start_before(s, n, start):
        return town_after(s, n, end)
    return False


cdef inline list appended(list found, object item):
    """`found` with `item` added: a new list for None (most texts need none)."""
    if found is None:
        return [item]
    found.append(item)
    return found


cdef list find_postcodes(str text, const unit *s, Py_ssize_t n):
    cdef list uk = None, ca = None, plus4 = None, five = None  # made at their first finding: most texts have none
    cdef list found, more
    cdef Py_ssize_t starts[CHUNK]
    cdef Py_ssize_t position = 0, count, k, i, j, end, uk_to = 0, ca_to = 0, plus4_to = 0, five_to = 0
    cdef Py_UCS4 c, after, prev
    while position < n:
        if unit is Py_UCS1 and LATIN1_DIGITS_ASCII:
            count = next_postcode_starts64(s, n, &position, starts)
        elif unit is Py_UCS1 or unit is Py_UCS2:
            count = next_postcode_starts(s, n, &position, starts)
        else:
            count = next_starts(s, n, &position, UPPER | DIGIT, starts)
        for k in range(count):
            i = starts[k]
            c = s[i]
            prev = unit_at(s, n, i - 1)
            if 65 <= c <= 90:
                after = unit_at(s, n, i + 1)
                if not (is_digit(after) or 65 <= after <= 90):
                    continue
                if i >= uk_to and letter_in(c, UK_AREA):
                    end = uk_end(s, n, i)
                    if end >= 0:
                        uk = appended(uk, postcode(i, end))
                        uk_to = end
                if i >= ca_to and letter_in(c, CA_FIRST):
                    end = ca_end(s, n, i)
                    if end >= 0:
                        ca = appended(ca, postcode(i, end))
                        ca_to = end
                continue
            if prev == 46:  # a number starts after no [\w\-.]
                continue
            if unit is not Py_UCS1 and not is_digit(c):  # next_postcode_starts' superset of a two-byte text's digits
                continue
            j = i + 1
            while j - i < 6 and is_digit(unit_at(s, n, j)):
                j += 1
            if j - i != 5:  # ZIP_PLUS4 and FIVE_DIGITS open with exactly five digits
                continue
            after = unit_at(s, n, j)
            if after == 45:  # ZIP_PLUS4
                if (i >= plus4_to and is_digit(unit_at(s, n, j + 1)) and is_digit(unit_at(s, n, j + 2))
                        and is_digit(unit_at(s, n, j + 3)) and is_digit(unit_at(s, n, j + 4))):
                    after = unit_at(s, n, j + 5)
                    if not word_or_dash(after) and not (after == 46 and is_digit(unit_at(s, n, j + 6))):
                        plus4 = appended(plus4, postcode(i, j + 5))
                        plus4_to = j + 5
            elif (i >= five_to and prev != 44 and prev != 36 and prev != 0x20AC and prev != 0xA3
                    and not is_word(after) and not ((after == 46 or after == 44) and is_digit(unit_at(s, n, j + 1)))):
                five_to = j
                if five_digits_are_postcode(text, s, n, i, j):
                    five = appended(five, postcode(i, j))
    found = uk
    if ca is not None:
        found = joined(found, ca)
    if plus4 is not None:
        found = joined(found, plus4)
    if five is not None:
        found = joined(found, five)
    return [] if found is None else found


cdef inline list joined(list found, list more):
    """found then more: more itself when found is None"""
    if found is None:
        return more
    found.extend(more)
    return found


class PostalCodeRecogniser:
    def find(self, str text):
        cdef Text t = text_of(text)  # read as its kind stores it
        if t.kind == 1:
            return find_postcodes(text, <const Py_UCS1 *> t.data, t.n)
        if t.kind == 2:
            return find_postcodes(text, <const Py_UCS2 *> t.data, t.n)
        if t.kind == 4:
            return find_postcodes(text, <const Py_UCS4 *> t.data, t.n)
        raise ValueError(f"unexpected str storage kind {t.kind}")


# ---- street addresses


cdef bint suffix_at(str text, const unit *s, Py_ssize_t n, Py_ssize_t q) except -1:
    """`(?:{_SUFFIXES})\\b` at q: the \\w run there is one of the suffixes."""
    cdef Py_ssize_t r = q + 1
    if not 65 <= unit_at(s, n, q) <= 90:
        return False
    while is_word(unit_at(s, n, r)):
        r += 1
        if r - q > SUFFIX_MAX:
            return False
    return r - q >= SUFFIX_MIN and suffix_listed(s, n, q, r - q)


# STREET_US's street words may not be one of REFUSED_WORDS (_WORD's look-ahead: the whole \\w run), and its
# unit (_UNIT) opens with one of UNIT_WORDS, each list in the order the pattern tries it (read from the reference).
cdef tuple REFUSED_WORDS = ()
cdef unsigned char REFUSED_CHARS[32][32]  # REFUSED_WORDS as C arrays, REFUSED_LENGTHS long
cdef Py_ssize_t REFUSED_LENGTHS[32]
cdef Py_ssize_t REFUSED_COUNT = 0
cdef unsigned int REFUSED_RUNS = 0  # bit m: some refused word is m long
cdef tuple UNIT_WORDS = ()


def _load_street_us():
    """Fill REFUSED_WORDS and UNIT_WORDS: None, or what in STREET_US the compiled match no longer follows."""
    global REFUSED_WORDS, UNIT_WORDS, REFUSED_COUNT, REFUSED_RUNS
    try:
        word = re.fullmatch(r"\(\?!\(\?:(.*)\)\\b\)\[A-ZÀ-Þ\]\[\\w'’\.\\-\]\*", reference._WORD)
        unit_ = re.fullmatch(r"\(\?:,\? \(\?:(.*)\) \?\[\\w\\-\]\{1,6\}\)", reference._UNIT)
        whole = (rf"(?<![\w\-.,])\d{{1,6}}[A-Z]?(?: {reference._WORD}){{1,4}} (?:{reference._SUFFIXES})\b\.?"
                 rf"{reference._UNIT}?")
        if word is None or unit_ is None or reference.STREET_US.pattern != whole:
            return "addresses.STREET_US no longer has the shape the compiled match follows"
        refused, units = tuple(_alternatives(word.group(1))), tuple(_alternatives(unit_.group(1)))
    except Exception as exc:
        return f"addresses.STREET_US: {exc}"
    if reference.STREET_US.flags != re.UNICODE or not all(w.isascii() and w.isalpha() for w in refused):
        return "addresses._WORD refuses a word the compiled match cannot compare"
    if not units or not all(u and u.isascii() for u in units):
        return "addresses._UNIT holds a unit word the compiled match cannot compare"
    if len(refused) > 32 or max(map(len, refused), default=0) > 31:
        return "addresses._WORD refuses more words than the compiled match holds"
    REFUSED_WORDS, UNIT_WORDS = refused, units
    for e, w in enumerate(refused):
        REFUSED_LENGTHS[e] = len(w)
        REFUSED_RUNS |= (<unsigned int> 1) << len(w)
        for k, letter in enumerate(w):
            REFUSED_CHARS[e][k] = ord(letter)
    REFUSED_COUNT = len(refused)
    return None


_STREET_US_UNFIT = _load_street_us()


cdef inline bint written_here(const unit *s, Py_ssize_t n, Py_ssize_t p, str word) noexcept:
    """text.startswith(word, p)"""
    cdef Py_ssize_t k
    for k in range(len(word)):
        if unit_at(s, n, p + k) != word[k]:
            return False
    return True


cdef bint refused_word(const unit *s, Py_ssize_t n, Py_ssize_t p, Py_ssize_t run) noexcept:
    """_WORD's look-ahead at p, whose \\w run is `run` long: the run is one of REFUSED_WORDS."""
    cdef Py_ssize_t e, k
    if run > 31 or not (REFUSED_RUNS >> run) & 1:
        return False
    for e in range(REFUSED_COUNT):
        if REFUSED_LENGTHS[e] != run:
            continue
        for k in range(run):
            if unit_at(s, n, p + k) != REFUSED_CHARS[e][k]:
                break
        else:
            return True
    return False


cdef Py_ssize_t unit_end(const unit *s, Py_ssize_t n, Py_ssize_t p) noexcept:
    """`_UNIT?` at p: where it ends (p for none). The first unit word (in the pattern's order) that a unit
    number follows is the one taken; ` ?` takes the space only when a [\\w\\-] follows it."""
    cdef Py_ssize_t q = p, a, r, k
    cdef str w
    if unit_at(s, n, q) == 44:
        q += 1
    if unit_at(s, n, q) != 32:
        return p
    q += 1
    for w in UNIT_WORDS:
        if not written_here(s, n, q, w):
            continue
        a = q + len(w)
        if unit_at(s, n, a) == 32 and word_or_dash(unit_at(s, n, a + 1)):
            r = a + 1
        elif word_or_dash(unit_at(s, n, a)):
            r = a
        else:
            continue
        k = r + 1
        while k - r < 6 and word_or_dash(unit_at(s, n, k)):
            k += 1
        return k
    return p


cdef inline bint digit_at(const unit *s, Py_ssize_t n, Py_ssize_t i) noexcept:
    """`\\d` at i, False outside the text (Latin-1 holds no decimal digit above ASCII)"""
    if unit is Py_UCS1:
        return 0 <= i < n and 48 <= s[i] <= 57
    else:
        return is_digit(unit_at(s, n, i))


cdef inline Py_ssize_t street_us_end(str text, const unit *s, Py_ssize_t n, Py_ssize_t i) except -2:
    """Where STREET_US's match at the digit i ends (its look-behind already holds), or -1: `\\d{1,6}[A-Z]? `,
    then as many street words as follow (at most four; a word, holding no space, is the whole run up to the
    next space), given back one by one until a space and a suffix follow, then `\\.?` and a unit."""
    cdef Py_ssize_t j = i + 1, words = 0, e, r, k
    cdef Py_ssize_t ends[4]
    while digit_at(s, n, j):
        j += 1
        if j - i > 6:
            return -1
    if 65 <= unit_at(s, n, j) <= 90:
        j += 1
    if unit_at(s, n, j) != 32:
        return -1
    while words < 4 and unit_at(s, n, j) == 32:  # j: the space before a word
        if not street_capital(unit_at(s, n, j + 1)):
            break
        r = j + 1
        while is_word(unit_at(s, n, r)):
            r += 1
        if refused_word(s, n, j + 1, r - j - 1):
            break
        e = j + 2
        while word_piece(unit_at(s, n, e)):
            e += 1
        ends[words] = e
        words += 1
        j = e
    for k in range(words - 1, -1, -1):
        e = ends[k]
        if unit_at(s, n, e) == 32 and suffix_at(text, s, n, e + 1):
            r = e + 2
            while is_word(unit_at(s, n, r)):
                r += 1
            if unit_at(s, n, r) == 46:
                r += 1
            return unit_end(s, n, r)
    return -1


cdef bint unit_first_word_at(const unit *s, Py_ssize_t n, Py_ssize_t i) except -1:
    """One of STREET_UNIT_FIRST's opening words, then a space, at i."""
    cdef str w
    cdef Py_ssize_t k, m
    for w in UNIT_FIRST_WORDS:
        m = len(w)
        if unit_at(s, n, i + m) == 32:
            for k in range(m):
                if unit_at(s, n, i + k) != w[k]:
                    break
            else:
                return True
    return False


cdef Py_ssize_t street_words_end(const unit *s, Py_ssize_t n, Py_ssize_t p, Py_ssize_t most) noexcept:
    """`{_WORD}(?: {_WORD}){0,most}` at p: where it ends, or -1. A word holds no space, so each is its whole run."""
    cdef Py_ssize_t r, e, words = 0
    while True:
        if not street_capital(unit_at(s, n, p)):
            break
        r = p
        while is_word(unit_at(s, n, r)):
            r += 1
        if refused_word(s, n, p, r - p):
            break
        e = p + 1
        while word_piece(unit_at(s, n, e)):
            e += 1
        words += 1
        if words > most or unit_at(s, n, e) != 32:
            return e
        p = e + 1
    return p - 1 if words else -1


cdef Py_ssize_t unit_first_rest_end(const unit *s, Py_ssize_t n, Py_ssize_t p) noexcept:
    """`(?:\\d{1,5}[A-Z]? )?{_WORD}(?: {_WORD}){0,3}` at p: where it ends, or -1."""
    cdef Py_ssize_t e = p, end
    cdef Py_UCS4 c
    while e - p < 6 and is_digit(unit_at(s, n, e)):
        e += 1
    if e > p:
        if e - p > 5:
            return -1
        c = unit_at(s, n, e)
        if 65 <= c <= 90 and unit_at(s, n, e + 1) == 32:
            end = street_words_end(s, n, e + 2, 3)
            if end >= 0:
                return end
        if c == 32:
            return street_words_end(s, n, e + 1, 3)
        return -1
    return street_words_end(s, n, p, 3)


cdef Py_ssize_t unit_first_end(const unit *s, Py_ssize_t n, Py_ssize_t i) noexcept:
    """Where STREET_UNIT_FIRST's match at i ends, or -1: after no [\\w-], `(?:Flat|Studio|Apartment) `, a whole
    [\\w-] run of one to five, a separator (`, ?`, `,?\\n` or a backslash and n, in the pattern's order), then
    unit_first_rest_end."""
    cdef Py_ssize_t q, r, end
    cdef Py_UCS4 c
    if word_or_dash(unit_at(s, n, i - 1)):
        return -1
    c = unit_at(s, n, i)
    if c == 70:
        q = i + 4
    elif c == 83:
        q = i + 6
    elif c == 65:
        q = i + 9
    else:
        return -1
    if not unit_first_word_at(s, n, i) or unit_at(s, n, q) != 32:
        return -1
    r = q + 1
    while word_or_dash(unit_at(s, n, r)):
        r += 1
        if r - q > 6:
            return -1
    if r == q + 1:
        return -1
    c = unit_at(s, n, r)
    if c == 44:
        if unit_at(s, n, r + 1) == 32:
            end = unit_first_rest_end(s, n, r + 2)
            if end >= 0:
                return end
        end = unit_first_rest_end(s, n, r + 1)
        if end >= 0:
            return end
        if unit_at(s, n, r + 1) == 10:
            return unit_first_rest_end(s, n, r + 2)
        return -1
    if c == 10:
        return unit_first_rest_end(s, n, r + 1)
    if c == 92 and unit_at(s, n, r + 1) == 110:
        return unit_first_rest_end(s, n, r + 2)
    return -1


cdef bint german_ending_before(const unit *h, Py_ssize_t n, Py_ssize_t q) except -1:
    """The lower-cased text up to and with the space at q ends with one of _GERMAN_ENDINGS."""
    cdef Py_UCS4 last = lower_char(unit_at(h, n, q - 1)), before = lower_char(unit_at(h, n, q - 2))
    cdef Py_ssize_t e, k, m
    cdef unsigned int endings
    if last > 255 or before > 255 or unit_at(h, n, q) != 32:
        return False
    endings = GERMAN_BY_LAST[last] & GERMAN_BY_BEFORE[before]  # the endings whose last two characters are these
    while endings:
        e = lowest_bit(endings)
        endings &= endings - 1
        m = GERMAN_LENGTHS[e]
        if q + 1 - m < 0:
            continue
        for k in range(m - 3):
            if lower_char(unit_at(h, n, q + 1 - m + k)) != GERMAN_CHARS[e][k]:
                break
        else:
            return True
    return False


cdef signed char TRI_LOWER[256]  # tri_index(lower_char(c)) of each Latin-1 character
for _c in range(256):
    TRI_LOWER[_c] = tri_index(lower_char(_c))


cdef inline unsigned int type_lengths(const unit *h, Py_ssize_t n, Py_ssize_t p) noexcept:
    """The lengths of the street-type tokens that open like the lower-cased text at p; 0 for none."""
    cdef int a, b, t
    if unit is Py_UCS1:
        if p < 0 or p + 2 >= n:  # a type and its space: three characters at least
            return 0
        a = TRI_LOWER[h[p]]
        b = TRI_LOWER[h[p + 1]]
        t = TRI_LOWER[h[p + 2]]
        if a < 0 or a > 25 or b < 0 or b > 25 or t < 0:
            return 0
        return TYPE_PREFIXES[(a * 28 + b) * 28 + t]
    else:
        return type_lengths_slow(h, n, p)


cdef inline unsigned int type_lengths_slow(const unit *h, Py_ssize_t n, Py_ssize_t p) noexcept:
    cdef int a = tri_index(lower_char(unit_at(h, n, p))), b, t
    if a < 0 or a > 25:
        return 0
    b = tri_index(lower_char(unit_at(h, n, p + 1)))
    if b < 0 or b > 25:
        return 0
    t = tri_index(lower_char(unit_at(h, n, p + 2)))
    if t < 0:
        return 0
    return TYPE_PREFIXES[(a * 28 + b) * 28 + t]


cdef bint type_token_at(const unit *h, Py_ssize_t n, Py_ssize_t p, Py_ssize_t length, bint in_place) noexcept:
    """The `length` characters at p, lower-cased when `in_place`, are one of TYPE_TOKENS."""
    cdef Py_ssize_t e, k
    cdef Py_UCS4 c = unit_at(h, n, p)
    cdef int a = <int> (lower_char(c) if in_place else c) - 97
    if a < 0 or a > 25:
        return False
    for e in range(TOKENS_FROM[a], TOKENS_FROM[a + 1]):  # the tokens sorted: those opening with this letter
        if TOKEN_LENGTHS[e] != length:
            continue
        for k in range(1, length):
            c = unit_at(h, n, p + k)
            if (lower_char(c) if in_place else c) != TOKEN_CHARS[e][k]:
                break
        else:
            return True
    return False


cdef inline Py_ssize_t type_length_at(const unit *h, Py_ssize_t n, Py_ssize_t p, unsigned int lengths,
                                      bint in_place) noexcept:
    """The length of the street type (then a space) at p, lower-cased when `in_place`, or 0. `lengths`: those of
    the types that open like the text at p; a type holds no space, so its space is the first one after p."""
    cdef Py_ssize_t length
    while lengths:
        length = lowest_bit(lengths)
        lengths &= lengths - 1
        if unit_at(h, n, p + length) == 32:
            return length if type_token_at(h, n, p, length, in_place) else 0
    return 0


cdef bint romance_word_at(const unit *h, Py_ssize_t n, Py_ssize_t p, bint in_place) noexcept:
    """At a street type (one of TYPE_TOKENS and its space, found by type_length_at) at the word start p of the
    lower-cased text (`h` lower-cased when `in_place`): one of _ROMANCE_WORDS starts there, as word_starts finds,
    as both Romance patterns need."""
    cdef str word
    cdef Py_ssize_t k, m
    cdef Py_UCS4 first = unit_at(h, n, p)
    if in_place:
        first = lower_char(first)
    for word in ROMANCE_WORDS:
        m = len(word)
        if m == 0 or word[0] != first or p + m > n:
            continue
        for k in range(1, m):
            if (lower_char(h[p + k]) if in_place else h[p + k]) != word[k]:
                break
        else:
            return True
    return False


cdef int scan_lower(str text, str hay, bint in_place, const unit *h, Py_ssize_t n, list spaced_numbers,
                    list anchors, list types) except -1:
    """Over the lower-cased text: the German street endings before house numbers and the Romance street types
    (those of a text lower-cased in place were found with the rest)."""
    cdef Py_ssize_t starts[CHUNK]
    cdef Py_ssize_t position = 0, count, k, i, q, length
    cdef unsigned int lengths
    for q in spaced_numbers:
        if german_ending_before(h, n, q):
            anchors.append(q)
    if in_place:
        return 0
    while position < n:
        count = next_starts(h, n, &position, TYPE_OPEN, starts)
        for k in range(count):
            i = starts[k]
            lengths = type_lengths(h, n, i)
            if lengths:
                length = type_length_at(h, n, i, lengths, False)
                if length and romance_word_at(h, n, i, False):
                    types.append(i)
    return 0


cdef list numbers_before(const unit *s, Py_ssize_t n, list types):
    """addresses._numbers_before"""
    cdef list starts = []
    cdef Py_ssize_t spot, end, start
    for spot in types:
        end = spot - 1
        if end < 1 or unit_at(s, n, end) != 32:
            continue
        if unit_at(s, n, end - 1) == 44:
            end -= 1
        start = end
        while start > 0 and end - start < 7 and is_digit(unit_at(s, n, start - 1)):
            start -= 1
        if start < end:
            starts.append(start)
    return starts


cdef list german_starts(const unit *s, Py_ssize_t n, list anchors):
    """Where STREET_GERMAN can start, ascending, given the space before each house number a street name ends
    at: the name's first character (after no [\\w-]), or the capital of a _WORD before it."""
    cdef list starts = []
    cdef Py_ssize_t q, name_end, name, run, w, last = -1
    for q in anchors:
        name_end = q - 1 if unit_at(s, n, q - 1) == 46 else q  # "str." ends with a '.', outside [\w-]
        name = name_end
        while name > 0 and word_or_dash(unit_at(s, n, name - 1)):
            name -= 1
        if name >= 2 and unit_at(s, n, name - 1) == 32:
            run = name - 1
            while run > 0 and word_piece(unit_at(s, n, run - 1)):
                run -= 1
            for w in range(run - 1 if run > 0 else 0, name - 1):
                if w > last and street_capital(unit_at(s, n, w)) and not word_or_dash(unit_at(s, n, w - 1)):
                    starts.append(w)
                    last = w
        if name < name_end and name > last:
            starts.append(name)
            last = name
    return starts


cdef inline bint number_opens(Py_UCS4 c) noexcept:
    """What STREET_ROMANCE_TYPE_FIRST's house number part opens with: `No`, `Nº`, `#`, `n°` or a digit."""
    return c == 78 or c == 110 or c == 35 or is_digit(c)


cdef list type_first_starts(const unit *s, Py_ssize_t n, list types):
    """The Romance street types at which STREET_ROMANCE_TYPE_FIRST can match: its match up to the house number
    holds only [\\w'’.\\-] and spaces (the type, particles, words), then `,? ` and the number part, so a space
    before what opens that part lies in the run of those characters from the type, or a comma and a space end it."""
    cdef list starts = None
    cdef Py_ssize_t spot, q
    cdef Py_UCS4 c
    for spot in types:
        q = spot
        while q < n:
            c = s[q]
            if c == 32:
                if number_opens(unit_at(s, n, q + 1)):
                    break
            elif not word_piece(c):
                if not (c == 44 and unit_at(s, n, q + 1) == 32 and number_opens(unit_at(s, n, q + 2))):
                    q = n
                break
            q += 1
        if q < n:
            starts = appended(starts, spot)
    return starts


cdef int add_matches(list found, object match, str text, list starts) except -1:
    """findings.match_at, each match an address."""
    cdef Py_ssize_t start, end = 0, m_start, m_end
    for start in starts:
        if start >= end:
            m = match(text, start)
            if m is not None:
                m_start, m_end = m.span()
                end = m_end if m_end > start else start + 1
                found.append(address(m_start, m_end))
    return 0


cdef int add_all_matches(list found, object pattern, str text) except -1:
    for m in pattern.finditer(text):
        found.append(address(m.start(), m.end()))
    return 0


cdef bint has_unsafe_fold(const unit *s, Py_ssize_t n) noexcept:
    """findings._UNSAFE_FOLD.search(text) is not None"""
    cdef Py_ssize_t i
    for i in range(n):
        if s[i] >= 0x130 and unsafe_fold(s[i]):
            return True
    return False


cdef list find_addresses(str text, const unit *s, Py_ssize_t n):
    cdef list found = []
    cdef list units = None, spaced_numbers = None, anchors = None, types = None  # made when first needed
    # the lower-cased text: an ASCII or (where that holds) Latin-1 text is lower-cased in place, as it is read
    cdef bint in_place, foldable = True
    cdef str hay = text
    cdef Text lowered
    cdef Py_ssize_t starts[CHUNK]
    cdef Py_ssize_t position = 0, count, k, i, end, us_to = 0, length, unit_to
    cdef Py_UCS4 c, prev
    cdef unsigned int lengths
    if unit is Py_UCS1:
        in_place = LATIN1_FOLDS_IN_PLACE or text.isascii()
    elif unit is Py_UCS2:
        in_place = wide_folds_in_place(s, n)
    else:
        in_place = False
    if not in_place:  # findings.folded, without its regex search
        foldable = not has_unsafe_fold(s, n)
        if foldable:
            hay = text.lower()
            foldable = len(hay) == n
            if not foldable:
                hay = text
        spaced_numbers, anchors, types = [], [], []
    # One pass over the text: STREET_US's matches (into `found`), where STREET_UNIT_FIRST can start, the spaces
    # before house numbers (for STREET_GERMAN's gate) and, in a text lower-cased in place, the Romance street types
    # and the German endings before house numbers (into `anchors`, as scan_lower finds them in other texts).
    while position < n:
        if unit is Py_UCS1 or unit is Py_UCS2:
            count = next_street_starts_wide(s, n, &position, starts)
        else:
            count = next_starts(s, n, &position, DIGIT | UNIT_FIRST | TYPE_OPEN if in_place else DIGIT | UNIT_FIRST,
                                starts)
        for k in range(count):
            i = starts[k]
            c = s[i]
            prev = s[i - 1] if i > 0 else 0
            if (48 <= c <= 57) if unit is Py_UCS1 else is_digit(c):
                if prev != 46 and prev != 44 and i >= us_to:
                    end = street_us_end(text, s, n, i)
                    if end >= 0:
                        found.append(address(i, end))
                        us_to = end
                if prev == 32 and foldable:
                    if not in_place:
                        spaced_numbers.append(i - 1)
                    elif (german_last_either(unit_at(s, n, i - 2)) & 1
                            and german_last_either(unit_at(s, n, i - 3)) & 2
                            and german_ending_before(s, n, i - 1)):  # the text is its own lower-cased text
                        anchors = appended(anchors, i - 1)
                continue
            if (c == 70 or c == 83 or c == 65) and unit_first_word_at(s, n, i):
                units = appended(units, i)
            if in_place:
                lengths = type_lengths(s, n, i)
                if lengths:
                    length = type_length_at(s, n, i, lengths, True)
                    if length and romance_word_at(s, n, i, True):
                        types = appended(types, i)
    if foldable and not in_place:
        lowered = text_of(hay)
        if lowered.kind == 1:
            scan_lower(text, hay, in_place, <const Py_UCS1 *> lowered.data, n, spaced_numbers, anchors, types)
        elif lowered.kind == 2:
            scan_lower(text, hay, in_place, <const Py_UCS2 *> lowered.data, n, spaced_numbers, anchors, types)
        else:
            scan_lower(text, hay, in_place, <const Py_UCS4 *> lowered.data, n, spaced_numbers, anchors, types)
    if units is not None:  # findings.match_at with STREET_UNIT_FIRST, decided here
        end = 0
        for i in units:
            if i >= end:
                unit_to = unit_first_end(s, n, i)
                if unit_to >= 0:
                    found.append(address(i, unit_to))
                    end = unit_to if unit_to > i else i + 1
    if foldable:
        if types:
            add_matches(found, ROMANCE_NUM_FIRST_MATCH, text, numbers_before(s, n, types))
            types = type_first_starts(s, n, types)
            if types is not None:
                add_matches(found, ROMANCE_TYPE_FIRST_MATCH, text, types)
        if anchors:
            add_matches(found, GERMAN_MATCH, text, german_starts(s, n, anchors))
    else:
        if mentions(text, ROMANCE_WORDS):
            add_all_matches(found, reference.STREET_ROMANCE_NUM_FIRST, text)
            add_all_matches(found, reference.STREET_ROMANCE_TYPE_FIRST, text)
        add_all_matches(found, reference.STREET_GERMAN, text)
    return found


class StreetAddressRecogniser:
    def find(self, str text):
        cdef Text t = text_of(text)  # read as its kind stores it
        if t.kind == 1:
            return find_addresses(text, <const Py_UCS1 *> t.data, t.n)
        if t.kind == 2:
            return find_addresses(text, <const Py_UCS2 *> t.data, t.n)
        if t.kind == 4:
            return find_addresses(text, <const Py_UCS4 *> t.data, t.n)
        raise ValueError(f"unexpected str storage kind {t.kind}")


def _flags_changed(str name, flags):
    try:
        return None if getattr(reference, name).flags == flags else f"addresses.{name}'s flags changed"
    except Exception:
        return f"addresses.{name} changed"


def _shape(str name):
    return getattr(reference, name).pattern.replace(reference._SUFFIXES, "").replace(reference._ROMANCE_TYPES, "")


# The patterns each twin ports or relies on the shape of (their suffix and street-type lists aside, which are
# read from the reference), as they were ported: a change there leaves that recogniser to the reference.
TWINS = twins_where_unchanged({
    reference.PostalCodeRecogniser: (PostalCodeRecogniser, _SUFFIXES_UNFIT or changed_patterns(reference, {
        "UK_POSTCODE": 3564217791, "CA_POSTCODE": 3109686537, "ZIP_PLUS4": 2338437411, "FIVE_DIGITS": 3833462332,
        "ZIP_CUE": 761296465, "STREET_BEFORE": 1901818942, "FIELD_START": 514783650,
        "TOWN_AFTER": 4149209971,
    }, _shape) or _flags_changed("TOWN_AFTER", re.UNICODE | re.MULTILINE)),
    reference.StreetAddressRecogniser: (StreetAddressRecogniser, _SUFFIXES_UNFIT or _STREET_WORDS_UNFIT or _STREET_US_UNFIT
                                         or changed_patterns(
        reference, {
        "STREET_US": 2586382325, "STREET_UNIT_FIRST": 948915908, "STREET_ROMANCE_NUM_FIRST": 510902282,
        "STREET_ROMANCE_TYPE_FIRST": 1305342099, "STREET_GERMAN": 1034552013,
    }, _shape)),
})
