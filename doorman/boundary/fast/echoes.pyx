# cython: language_level=3, wraparound=False
"""doorman.boundary.echoes, compiled: the same terms, and the same findings for them."""

from doorman.boundary import echoes as reference
from doorman.boundary.common_words import COMMON_WORDS
from doorman.boundary.findings import Finding
from doorman.boundary.name_data import given_names, surnames


from libc.stdlib cimport calloc, free, malloc
from libc.string cimport memchr, memcmp, memcpy, memset

from cpython.set cimport PySet_Contains
from cpython.unicode cimport (
    Py_UCS1, Py_UCS2, PyUnicode_1BYTE_KIND, PyUnicode_2BYTE_KIND, PyUnicode_DATA, PyUnicode_KIND,
)

cdef extern from "Python.h":
    ctypedef struct PyObject
    ctypedef Py_ssize_t Py_hash_t
    bint _PySet_NextEntry(object, Py_ssize_t *, PyObject **, Py_hash_t *)
    bint PyUnicode_IS_ASCII(object)
    str PyUnicode_DecodeASCII(const char *, Py_ssize_t, const char *)
    str PyUnicode_New(Py_ssize_t, Py_UCS4)

from doorman.boundary.fast.chars cimport (
    HIGHS, LITTLE_ENDIAN, ONES, Text, lowest_bit, address_starts, changed_patterns, char_at, is_alnum, is_ascii_alnum,
    is_ascii_lower, is_ascii_upper, is_word, new_finding, text_of, twins_where_unchanged, unit,
)
from doorman.boundary.fast.name_words cimport plain
from doorman.boundary.fast.tokens cimport is_up, token_end

cdef frozenset COMMON = COMMON_WORDS


# COMMON_WORDS' ASCII words packed in an open-addressed table, so that plain() is decided on a run of the text
# without a lower-cased copy or a hash of one: a word beyond ASCII can lower to ASCII ('K' the Kelvin sign), so
# only an ASCII run is decided here.
cdef enum:
    COMMON_SLOTS = 2048  # a power of two, over three times the list
    COMMON_LONGEST = 16


cdef struct Packed:
    unsigned long long low, high
    Py_ssize_t n  # 0: an empty slot


cdef Packed COMMON_TABLE[COMMON_SLOTS]


cdef inline unsigned long long _packed_hash(const Packed *p) noexcept:
    return (p.low * 0x9E3779B97F4A7C15ULL) ^ (p.high * 0xC2B2AE3D27D4EB4FULL) ^ <unsigned long long> p.n


cdef inline unsigned int _common_slot(const Packed *p) noexcept:
    return <unsigned int> (_packed_hash(p) >> 53)


cdef inline bint _same(const Packed *a, const Packed *b) noexcept:
    return a.n == b.n and a.low == b.low and a.high == b.high


cdef inline unsigned long long _first_bytes(Py_ssize_t k) noexcept:
    """A mask of a little-endian word's first k bytes (k at most 8)."""
    return 0xFFFFFFFFFFFFFFFFULL if k >= 8 else (1ULL << (k << 3)) - 1


cdef inline unsigned long long _bytes_in(unsigned long long x, unsigned long long low,
                                         unsigned long long high) noexcept:
    """The high bit of each byte of x (ASCII bytes only) that lies in [low, high]."""
    return (x + (0x80 - low) * ONES) & ~(x + (0x7F - high) * ONES) & HIGHS


cdef inline int _pack_lower(const Text *t, Py_ssize_t start, Py_ssize_t end, Packed *p, int *cases) noexcept:
    """text[start:end].lower().rstrip("."), packed: 1, or 0 when it is longer than COMMON_LONGEST (so in no
    slot), or -1 when a character is beyond ASCII. `cases` (when given): bit 0 set when the whole of
    text[start:end] holds an upper-case letter, bit 1 when a lower-case one, for an ASCII run."""
    cdef unsigned char chars[COMMON_LONGEST]
    cdef unsigned long long words[2]
    cdef unsigned long long c, upper, lower
    cdef Py_ssize_t k, n = end - start
    cdef const Py_UCS1 *s
    cdef int seen = 0
    if start < 0 or end > t.n:
        return -1
    if LITTLE_ENDIAN and t.kind == PyUnicode_1BYTE_KIND and n <= COMMON_LONGEST:
        # sixteen characters as two words: their ASCII test, case and lowering a word at a time
        s = <const Py_UCS1 *> t.data
        if start + COMMON_LONGEST <= t.n:
            memcpy(words, s + start, COMMON_LONGEST)
        else:
            words[0] = words[1] = 0
            memcpy(words, s + start, n)
        words[0] &= _first_bytes(n)
        words[1] &= _first_bytes(n - 8) if n > 8 else 0
        if (words[0] | words[1]) & HIGHS:
            return -1
        upper = _bytes_in(words[0], 65, 90) | _bytes_in(words[1], 65, 90) << 1
        lower = _bytes_in(words[0], 97, 122) | _bytes_in(words[1], 97, 122) << 1
        if cases != NULL:
            cases[0] = (upper != 0) | (lower != 0) << 1
        while n > 0 and s[start + n - 1] == 46:
            n -= 1
        p.low = (words[0] | _bytes_in(words[0], 65, 90) >> 2) & _first_bytes(n)
        p.high = (words[1] | _bytes_in(words[1], 65, 90) >> 2) & (_first_bytes(n - 8) if n > 8 else 0)
        p.n = n
        return 1
    memset(chars, 0, COMMON_LONGEST)
    for k in range(start, end):
        c = char_at(t, k)
        if c >= 128:
            return -1
        seen |= CASE_OF[c]
        if k - start < COMMON_LONGEST:
            chars[k - start] = LOWER_OF[c]
    while end > start and char_at(t, end - 1) == 46:
        end -= 1
    if cases != NULL:
        cases[0] = seen
    if end - start > COMMON_LONGEST:
        return 0
    memset(chars + (end - start), 0, COMMON_LONGEST - (end - start))  # the dots stripped off the end
    memcpy(&p.low, chars, 8)
    memcpy(&p.high, chars + 8, 8)
    p.n = end - start
    return 1


cdef unsigned char LOWER_OF[128]  # str.lower of an ASCII character
cdef unsigned char CASE_OF[128]  # 1: an ASCII upper-case letter, 2: a lower-case one


cdef int _fill_ascii() except -1:
    cdef unsigned int c
    for c in range(128):
        LOWER_OF[c] = c + 32 if 65 <= c <= 90 else c
        CASE_OF[c] = 1 if 65 <= c <= 90 else (2 if 97 <= c <= 122 else 0)
    return 0


_fill_ascii()


cdef bint _build_common(frozenset words) except -1:
    """COMMON_TABLE from the list: False (nothing decided in C) when an ASCII word is too long or not lower-case."""
    cdef Text t
    cdef Packed p
    cdef unsigned int slot
    for word in words:
        if not PyUnicode_IS_ASCII(word):
            continue
        t = text_of(word)
        if word != word.lower() or word.endswith(".") or _pack_lower(&t, 0, t.n, &p, NULL) != 1 or p.n == 0:
            return False
        slot = _common_slot(&p)
        while COMMON_TABLE[slot].n and not _same(&COMMON_TABLE[slot], &p):
            slot = (slot + 1) & (COMMON_SLOTS - 1)
        COMMON_TABLE[slot] = p
    return True


cdef bint COMMON_IN_C = _build_common(COMMON)


cdef inline bint _in_common(const Packed *p) noexcept:
    """A packed word in COMMON_TABLE."""
    cdef unsigned int slot = _common_slot(p)
    while COMMON_TABLE[slot].n:
        if _same(&COMMON_TABLE[slot], p):
            return True
        slot = (slot + 1) & (COMMON_SLOTS - 1)
    return False


cdef inline int _common_at(const Text *t, Py_ssize_t start, Py_ssize_t end, int *cases) noexcept:
    """not plain(text[start:end]): 1 or 0, or -1 when only the reference can tell."""
    cdef Packed p
    cdef unsigned int slot
    cdef int packed
    if not COMMON_IN_C:
        return -1
    packed = _pack_lower(t, start, end, &p, cases)
    if packed != 1:
        return packed
    slot = _common_slot(&p)
    while COMMON_TABLE[slot].n:
        if _same(&COMMON_TABLE[slot], &p):
            return 1
        slot = (slot + 1) & (COMMON_SLOTS - 1)
    return 0


cdef enum:
    SEEN_MOST = 64  # the words echo_terms remembers deciding in one call


def echo_terms(str text, findings):
    cdef set terms = set()
    cdef Text whole = text_of(text), t
    cdef Py_ssize_t i, end, k, seen = 0
    cdef Py_ssize_t seen_at[SEEN_MOST]
    cdef Py_ssize_t seen_n[SEEN_MOST]
    cdef unsigned int key
    cdef unsigned int seen_key[SEEN_MOST]  # a word's first three characters and last
    cdef const Py_UCS1 *s = <const Py_UCS1 *> whole.data
    cdef bint one_byte = whole.kind == PyUnicode_1BYTE_KIND
    cdef int common
    cdef tuple f
    for item in findings:
        f = <tuple> item  # a Finding, read as the tuple it is
        label = f[2]
        if (label is not PERSON and label != "PERSON") or <long> f[3] < 2:
            continue
        t = whole
        i, t.n = f[0], f[1]  # TOKEN_RE.findall(text[start:end]): nothing after the finding's end is seen
        if t.n > whole.n:  # as a slice ends
            t.n = whole.n
        while i < t.n:
            if not is_up(char_at(&t, i)):  # where no token starts
                i += 1
                continue
            end = token_end(&t, i)
            if end == -1:
                i += 1
                continue
            if end - i >= 3 and char_at(&t, end - 1) != 46:
                if one_byte:  # a word this call has decided already (a name repeats) is decided again the same
                    key = (s[i] | <unsigned int> s[i + 1] << 8 | <unsigned int> s[i + 2] << 16
                           | <unsigned int> s[end - 1] << 24)
                    for k in range(seen):
                        if (seen_key[k] == key and seen_n[k] == end - i
                                and memcmp(s + seen_at[k], s + i, end - i) == 0):
                            break
                    else:
                        if seen < SEEN_MOST:
                            seen_at[seen], seen_n[seen], seen_key[seen] = i, end - i, key
                            seen += 1
                        k = -1
                    if k != -1:
                        i = end
                        continue
                common = _common_at(&t, i, end, NULL)
                if common == 0:  # ASCII, and plain
                    terms.add(_ascii_slice(&t, text, i, end))
                elif common == -1:
                    word = text[i:end]
                    if plain(word, COMMON):
                        terms.add(word)
            i = end
    return terms


cdef str PERSON = "PERSON"


cdef inline str _ascii_slice(const Text *t, str text, Py_ssize_t start, Py_ssize_t end):
    """text[start:end], known to be ASCII: copied without a test of its characters."""
    cdef str word
    if t.kind != PyUnicode_1BYTE_KIND or not 0 <= start <= end <= t.n:
        return text[start:end]
    word = PyUnicode_New(end - start, 127)
    memcpy(PyUnicode_DATA(word), <const Py_UCS1 *> t.data + start, end - start)
    return word


cdef inline bint _ascii_letter(Py_UCS4 c) noexcept:
    return is_ascii_upper(c) or is_ascii_lower(c)


cdef inline bint _local_char(Py_UCS4 c) noexcept:
    """`[A-Za-z0-9._%+-]`"""
    return is_ascii_alnum(c) or c == 46 or c == 95 or c == 37 or c == 43 or c == 45


cdef Py_ssize_t _local_match(const Text *t, Py_ssize_t start, Py_ssize_t *at) noexcept:
    """reference._EMAIL_LOCAL.match(text, start): its end, with the '@' that ends group 1 at *at, or -1.

    Each piece matches one way: the local part is the run of its characters up to '@' (none of them is '@'),
    and the domain is the greedy `[A-Za-z0-9.-]+` given back to its last '.' that two letters follow."""
    cdef Py_UCS4 c = char_at(t, start - 1)
    cdef Py_ssize_t i = start + 1, end, k, letters
    if is_word(c) or c == 46 or c == 37 or c == 43 or c == 45 or not _ascii_letter(char_at(t, start)):
        return -1
    while i < t.n and _local_char(char_at(t, i)):
        i += 1
    if i - start > 64 or char_at(t, i) != 64:
        return -1
    at[0] = i
    end = i + 1
    while end < t.n and (is_ascii_alnum(char_at(t, end)) or char_at(t, end) == 46 or char_at(t, end) == 45):
        end += 1
    for k in range(end - 1, i + 1, -1):  # the '.' leaves one domain character before it
        if char_at(t, k) != 46:
            continue
        letters = 0
        while _ascii_letter(char_at(t, k + 1 + letters)):
            letters += 1
        if letters >= 2:
            return k + 1 + letters
    return -1


cdef inline str _ascii_cased(const Text *t, Py_ssize_t start, Py_ssize_t end, bint capital):
    """text[start:end] (ASCII letters and '%') lower-cased, or capitalised: written into a new string."""
    cdef str word = PyUnicode_New(end - start, 127)
    cdef Py_UCS1 *out = <Py_UCS1 *> PyUnicode_DATA(word)
    cdef Py_ssize_t k
    cdef unsigned int c
    for k in range(end - start):
        c = char_at(t, start + k)
        out[k] = c + 32 if 65 <= c <= 90 else c
    if capital and end > start and 97 <= out[0] <= 122:
        out[0] = out[0] - 32
    return word


cdef inline Py_ssize_t _next_at(const Text *t, Py_ssize_t pos) noexcept:
    """Where the first '@' from pos stands, or -1."""
    cdef const char *found
    cdef Py_ssize_t k
    if pos >= t.n:
        return -1
    if t.kind == PyUnicode_1BYTE_KIND:
        found = <const char *> memchr(<const Py_UCS1 *> t.data + pos, 64, t.n - pos)
        return -1 if found == NULL else found - <const char *> t.data
    for k in range(pos, t.n):
        if char_at(t, k) == 64:
            return k
    return -1


# given_names() and surnames() packed as COMMON_TABLE is (they are ASCII and lower-case), each with a bit for
# the lists it is in: built on the first use from the two sets as they are, again should either ever differ.
cdef struct Named:
    Packed word
    int lists  # 1: given_names(), 2: surnames()


cdef Named *NAMES = NULL
cdef int NAMES_BITS = 0
cdef tuple NAMES_FROM = None  # (given, family) NAMES holds


cdef inline size_t _name_slot(const Packed *p) noexcept:
    return <size_t> ((_packed_hash(p) * 0x9E3779B97F4A7C15ULL) >> (64 - NAMES_BITS))


cdef bint _names_ready(frozenset given, frozenset family) except -1:
    """NAMES for these two sets: False when some word in them is not a str, so only the sets can tell."""
    global NAMES, NAMES_BITS, NAMES_FROM
    cdef Named *table
    cdef Text t
    cdef Packed p
    cdef int bits = 4, old_bits = NAMES_BITS, lists
    cdef size_t slot
    if NAMES_FROM is not None and NAMES_FROM[0] is given and NAMES_FROM[1] is family:
        return NAMES != NULL
    while (1 << bits) < 2 * (len(given) + len(family)):
        bits += 1
    table = <Named *> calloc(<size_t> 1 << bits, sizeof(Named))
    if table == NULL:
        raise MemoryError()
    NAMES_BITS = bits  # for _name_slot
    try:
        for lists, words in ((1, given), (2, family)):
            for word in words:
                if type(word) is not str:
                    free(table)
                    table = NULL
                    NAMES_FROM = (given, family)
                    free(NAMES)
                    NAMES = NULL
                    return False
                # a word no ASCII lower-case run without '.' can equal is left out
                if not PyUnicode_IS_ASCII(word) or _has_upper(word) or "." in word:
                    continue
                t = text_of(word)
                if _pack_lower(&t, 0, t.n, &p, NULL) != 1 or p.n == 0:
                    continue
                slot = _name_slot(&p)
                while table[slot].word.n and not _same(&table[slot].word, &p):
                    slot = (slot + 1) & ((<size_t> 1 << bits) - 1)
                table[slot].word = p
                table[slot].lists |= lists
    except BaseException:
        free(table)
        NAMES_BITS = old_bits
        raise
    free(NAMES)
    NAMES, NAMES_FROM = table, (given, family)
    return True


cdef inline bint _has_upper(str ascii_word) noexcept:
    cdef const Py_UCS1 *chars = <const Py_UCS1 *> PyUnicode_DATA(ascii_word)
    cdef Py_ssize_t i
    for i in range(len(ascii_word)):
        if 65 <= chars[i] <= 90:
            return True
    return False


# Packed at import, as names.pyx reads the lists at import: a request never pays for it.
_names_ready(given_names(), surnames())


cdef inline int _name_lists(const Packed *p) noexcept:
    """The lists bits of a packed word in NAMES: 0 when in neither."""
    cdef size_t slot = _name_slot(p), mask = (<size_t> 1 << NAMES_BITS) - 1
    while NAMES[slot].word.n:
        if _same(&NAMES[slot].word, p):
            return NAMES[slot].lists
        slot = (slot + 1) & mask
    return 0


cdef unsigned char ADDRESS_CHAR[256]  # \w and .%+-: what address_starts walks back over, and the look-behind refuses
cdef unsigned char LOCAL_CHAR[256]  # [A-Za-z0-9._%+-]
cdef unsigned char DOMAIN_CHAR[256]  # [A-Za-z0-9.-]
cdef unsigned char LETTER[256]  # [A-Za-z]


cdef int _fill_address() except -1:
    cdef unsigned int c
    for c in range(256):
        ADDRESS_CHAR[c] = is_word(c) or c == 46 or c == 37 or c == 43 or c == 45
        LOCAL_CHAR[c] = _local_char(c)
        DOMAIN_CHAR[c] = is_ascii_alnum(c) or c == 46 or c == 45
        LETTER[c] = _ascii_letter(c)
    return 0


_fill_address()


cdef Py_ssize_t _local_match_latin(const Py_UCS1 *s, Py_ssize_t n, Py_ssize_t start, Py_ssize_t *at) noexcept:
    """_local_match on a 1-byte text (0 <= start < n), read from the tables."""
    cdef Py_ssize_t i = start + 1, end, k, letters
    if (start > 0 and ADDRESS_CHAR[s[start - 1]]) or not LETTER[s[start]]:
        return -1
    while i < n and LOCAL_CHAR[s[i]]:
        i += 1
    if i - start > 64 or i >= n or s[i] != 64:
        return -1
    at[0] = i
    end = i + 1
    while end < n and DOMAIN_CHAR[s[end]]:
        end += 1
    for k in range(end - 1, i + 1, -1):  # the '.' leaves one domain character before it
        if s[k] != 46:
            continue
        letters = 0
        while k + 1 + letters < end and LETTER[s[k + 1 + letters]]:
            letters += 1
        if letters >= 2:
            return k + 1 + letters
    return -1


def email_name_terms(str text):
    """Each local part's runs of letters ('%' too: the separators are `[._\-+0-9]`) of three or more, read in C."""
    cdef set terms = set()
    cdef Py_ssize_t end = 0, stop, at, i, run, count, k, start
    cdef Py_ssize_t starts[32]
    cdef Py_ssize_t ends[32]
    cdef Text t = text_of(text)
    cdef Py_UCS4 c
    cdef bint named
    cdef frozenset given = None, family = None
    cdef bint in_c = False
    cdef int lists[32]
    cdef Packed p
    cdef Py_ssize_t sign = _next_at(&t, 0)
    cdef const Py_UCS1 *s = <const Py_UCS1 *> t.data
    cdef bint one_byte = t.kind == PyUnicode_1BYTE_KIND
    while sign != -1:  # contact.address_starts, each start read as it comes
        start = sign
        if one_byte:
            while start > 0 and sign - start < 70 and ADDRESS_CHAR[s[start - 1]]:
                start -= 1
        else:
            while start > 0 and sign - start < 70:
                c = char_at(&t, start - 1)
                if not (is_word(c) or c == 46 or c == 37 or c == 43 or c == 45):
                    break
                start -= 1
        sign = _next_at(&t, sign + 1)
        if start < end:
            continue
        stop = _local_match_latin(s, t.n, start, &at) if one_byte else _local_match(&t, start, &at)
        if stop == -1:
            continue
        end = stop
        count, run = 0, start
        for i in range(start, at + 1):
            c = s[i] if one_byte else char_at(&t, i)
            if i < at and (_ascii_letter(c) or c == 37):
                continue
            if i - run >= 3:
                starts[count], ends[count] = run, i
                count += 1
            run = i + 1
        if count < 2:
            continue
        if given is None:
            given, family = given_names(), surnames()
            in_c = COMMON_IN_C and _names_ready(given, family)
        if in_c:  # each part's lists read from its characters (only a part too long for a table is left over)
            named = False
            for k in range(count):
                if _pack_lower(&t, starts[k], ends[k], &p, NULL) != 1:
                    break
                lists[k] = _name_lists(&p) | (4 if _in_common(&p) else 0)
                named = named or lists[k] & 1
            else:
                if named:
                    for k in range(count):
                        if lists[k] & 3 and not lists[k] & 4:
                            terms.add(_ascii_cased(&t, starts[k], ends[k], True))
                continue
        lows = [_ascii_cased(&t, starts[k], ends[k], False) for k in range(count)]
        named = False
        for low in lows:
            if PySet_Contains(given, low):
                named = True
                break
        if not named:
            continue
        for k in range(count):
            low = lows[k]
            if (PySet_Contains(given, low) or PySet_Contains(family, low)) and not PySet_Contains(COMMON, low):
                terms.add(_ascii_cased(&t, starts[k], ends[k], True))
    return terms


cdef inline bint _free_before(const Text *t, Py_ssize_t pos) noexcept:
    """The text's start, or a character before pos that is neither alphanumeric nor one of _-@."""
    cdef Py_UCS4 c = char_at(t, pos - 1)
    return not (is_word(c) or c == 45 or c == 64 or c == 46)


cdef inline bint _free_after(const Text *t, Py_ssize_t end) noexcept:
    """The text's end, or a character at end that is neither alphanumeric nor one of _-@."""
    cdef Py_UCS4 c = char_at(t, end)
    return not (is_word(c) or c == 45 or c == 64)


cdef inline Py_ssize_t _word_before(const Text *t, Py_ssize_t start) noexcept:
    """Where reference.word_before's word starts (it ends at the space at start - 1), or -1."""
    cdef Py_ssize_t low = max(0, start - 40), p, count = 0
    cdef Py_ssize_t free_at[40]  # from the right: each p past low whose character before is none of \w-@.
    cdef Py_UCS4 c
    cdef const Py_UCS1 *s = <const Py_UCS1 *> t.data
    cdef Text before = t[0]
    before.n = start - 1  # the search ends there
    if start - 1 > t.n or start - 1 - low > 40:
        return -1
    for p in range(start - 2, low - 1, -1):  # after the last space or line break
        c = s[p] if t.kind == PyUnicode_1BYTE_KIND else char_at(t, p)
        if c < 256:
            if HELD[c]:
                continue
        elif is_word(c) or c == 45 or c == 64 or c == 46:
            continue
        if c == 32 or c == 10:
            low = p + 1
            break
        if p + 1 < start - 1:
            free_at[count] = p + 1
            count += 1
    if low < start - 1:  # the leftmost first
        c = char_at(t, low - 1)
        if not (is_word(c) or c == 45 or c == 64 or c == 46) and token_end(&before, low) == start - 1:
            return low
    while count:
        count -= 1
        if token_end(&before, free_at[count]) == start - 1:
            return free_at[count]
    return -1


cdef inline Py_ssize_t _word_after(const Text *t, Py_ssize_t end) noexcept:
    """Where reference._WORD_AFTER's word ends (it starts after the space at end), or -1."""
    cdef Py_ssize_t stop
    cdef Py_UCS4 c
    if char_at(t, end) != 32:
        return -1
    stop = token_end(t, end + 1)
    if stop == -1:
        return -1
    c = char_at(t, stop)
    if is_word(c) or c == 45 or c == 64:
        return -1
    return stop


cdef inline bint _plain_lower(const Text *t, str text, Py_ssize_t start, Py_ssize_t end) except -1:
    """plain(name) and not name.isupper(), name being text[start:end]"""
    cdef int common = -1, cases = 0
    if COMMON_IN_C:
        common = _common_at(t, start, end, &cases)
    if common == -1:
        name = text[start:end]
        return plain(name, COMMON) and not name.isupper()
    # ASCII: isupper() is an upper-case letter and no lower-case one
    return not common and (cases & 2 or not cases & 1)


cdef inline object _finding(const Text *t, str text, Py_ssize_t pos, Py_ssize_t end):
    """The reference's finding for a whole-word occurrence at text[pos:end], with the name-like words beside it."""
    cdef Py_ssize_t start = pos, stop = end, edge
    if pos > 0 and char_at(t, pos - 1) == 32:
        edge = _word_before(t, pos)
        if edge != -1 and _plain_lower(t, text, edge, pos - 1):
            start = edge
    edge = _word_after(t, end)
    if edge != -1 and _plain_lower(t, text, end + 1, edge):
        stop = edge
    return new_finding(Finding, start, stop, "PERSON", 1)


cdef inline bint _inside_word(Py_UCS4 c) noexcept:
    """What a whole-word occurrence refuses after it: alphanumerics and _-@."""
    return is_word(c) or c == 45 or c == 64


# The variants of the request's terms that are ASCII and word-like, held in C: the scan compares a run's
# characters with those of the variants that open with its first character, and makes a string only for a finding.
cdef enum:
    MOST = 63
    LOCAL_VARIANTS = 64

cdef struct Variant:
    Py_ssize_t n
    Py_ssize_t next  # 1 + the index of the next variant with the same first character, or 0
    unsigned char chars[MOST]


cdef struct Variants:
    Variant *items
    Py_ssize_t count, capacity
    Py_ssize_t first_of[256]  # 1 + the index of the latest variant opening with the byte, or 0
    unsigned char first_list[256]  # the bytes first_of marks, in the order they came
    int first_count


cdef inline bint _latin_word_like(str word) noexcept:
    """A word of one-byte characters that is word-like: ASCII letters and digits, '-' after the first, and
    alphanumerics beyond ASCII. Every one of them is _inside_word, so an occurrence is whole exactly where a run
    of the text equals it."""
    cdef Py_ssize_t n = len(word), k
    cdef const Py_UCS1 *chars
    cdef unsigned int c
    if PyUnicode_KIND(word) != PyUnicode_1BYTE_KIND or not 0 < n <= MOST:
        return False
    chars = <const Py_UCS1 *> PyUnicode_DATA(word)
    for k in range(n):
        c = chars[k]
        if not (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or (c == 45 and k > 0)
                or (c >= 128 and is_word(c))):
            return False
    return True


cdef inline int _add(Variants *v, const unsigned char *chars, Py_ssize_t n) except -1:
    """One variant, unless the same characters are there already (the reference's variants are a set)."""
    cdef Py_ssize_t i = v.first_of[chars[0]]
    cdef Variant *other
    while i:
        other = &v.items[i - 1]
        if other.n == n and memcmp(other.chars, chars, n) == 0:
            return 0
        i = other.next
    if v.count == v.capacity:
        raise MemoryError()  # capacity is four per term, all a term can add
    other = &v.items[v.count]
    other.n, other.next = n, v.first_of[chars[0]]
    memcpy(other.chars, chars, n)
    v.count += 1
    if not other.next:
        v.first_list[v.first_count] = chars[0]
        v.first_count += 1
    v.first_of[chars[0]] = v.count
    return 0


cdef inline int _add_word(Variants *v, str word) except -1:
    """One variant given as a str (word-like, one-byte characters)."""
    return _add(v, <const unsigned char *> PyUnicode_DATA(word), len(word))


cdef int _add_ascii_term(Variants *v, str term) except -1:
    """term, term.upper(), term.capitalize() and (four characters or more) term.lower(), for an ASCII term: each
    one the term's earlier ones do not already spell. 0, or 1 (nothing added) when the term is not word-like."""
    cdef Py_ssize_t n = len(term), k
    cdef const Py_UCS1 *given = <const Py_UCS1 *> PyUnicode_DATA(term)
    cdef unsigned char upper[MOST]
    cdef unsigned char lower[MOST]
    cdef unsigned int c, u, l
    cdef bint any_lower = False, any_upper = False, later_upper = False, later_letter = False
    if not 0 < n <= MOST:
        return 1
    for k in range(n):
        c = given[k]
        if 97 <= c <= 122:
            u, l = c - 32, c
            any_lower = True
            later_letter = later_letter or k > 0
        elif 65 <= c <= 90:
            u, l = c, c + 32
            any_upper = True
            later_upper = later_upper or k > 0
            later_letter = later_letter or k > 0
        elif 48 <= c <= 57 or (c == 45 and k > 0):
            u = l = c
        else:
            return 1
        upper[k], lower[k] = u, l
    _add(v, given, n)
    if any_lower:  # term.upper() differs
        _add(v, upper, n)
    # term.capitalize(): upper[0] then lower[1:]; it differs from the term when its first is lower-case or a later
    # one upper-case, and from term.upper() when a later character is a letter
    if (97 <= given[0] <= 122 or later_upper) and later_letter:
        c = lower[0]
        lower[0] = upper[0]
        _add(v, lower, n)
        lower[0] = c
    if n >= 4 and any_upper:  # term.lower() differs; any other repeat, _add drops
        _add(v, lower, n)
    return 0


cdef inline Py_ssize_t _word_at(const unit *s, const Text *t, str text, const Variants *v, Py_ssize_t pos,
                         list found, bint free=False) except -1:
    """The finding for the run at pos (a variant's first character, below 256) when it starts after none of
    _inside_word or '.' (known when free) and equals one of the variants. Every variant is a run of _inside
    characters, so the run equals one exactly where the text spells it and no _inside character follows; the
    variants differ, so at most one does. Returns 0."""
    cdef Py_ssize_t n = t.n, i = v.first_of[<Py_UCS1> s[pos]], k, m
    cdef Py_UCS4 before
    cdef const Variant *other
    if pos > 0 and not free:
        before = s[pos - 1]
        if _inside_word(before) or before == 46:
            return 0
    while i:
        other = &v.items[i - 1]
        m = other.n
        if pos + m <= n and (pos + m == n or not _inside(s[pos + m])):
            for k in range(1, m):
                if s[pos + k] != other.chars[k]:
                    break
            else:
                found.append(_finding(t, text, pos, pos + m))
                return 0
        i = other.next
    return 0


cdef int _find_words(const unit *s, const Text *t, str text, const Variants *v, list found) except -1:
    """_word_at each of the variants' first characters."""
    cdef Py_ssize_t pos
    cdef Py_UCS4 c
    for pos in range(t.n):
        c = s[pos]
        if c < 256 and v.first_of[c]:
            _word_at(s, t, text, v, pos, found)
    return 0


cdef int _find_words_latin(const Py_UCS1 *s, const Text *t, str text, const Variants *v, list found) except -1:
    """_find_words for a 1-byte text, where a run can start: at a character HELD after one that is not, tested
    only there (the findings come in text order: any order is the reference's). Sixteen characters at a time
    where HELD16_OK, then one at a time."""
    cdef Py_ssize_t pos = 0, n = t.n
    cdef unsigned int held, high, starts, k, before = 0  # before: bit 0 set when s[pos - 1] is HELD
    cdef Py_UCS1 c
    if HELD16_OK:
        while pos + 16 <= n:
            held = held16(s + pos, &high)
            while high:  # a byte from 0x80: the table tells
                k = lowest_bit(high)
                high &= high - 1
                if HELD[s[pos + k]]:
                    held |= 1u << k
            starts = held & ~((held << 1) | before)
            before = held >> 15 & 1
            while starts:
                k = lowest_bit(starts)
                starts &= starts - 1
                if v.first_of[s[pos + k]]:
                    _word_at(s, t, text, v, pos + k, found, True)
            pos += 16
    while pos < n:
        c = s[pos]
        if HELD[c] and not before and v.first_of[c]:
            _word_at(s, t, text, v, pos, found, True)
        before = HELD[c]
        pos += 1
    return 0


cdef enum:
    FIRSTS_MOST = 12  # beyond as many first characters, the run starts are read instead


cdef int _find_words_firsts(const Py_UCS1 *s, const Text *t, str text, const Variants *v,
                            list found) except -1:
    """_find_words_latin for a few first characters: sixty-four characters at a time, jumping to each of the
    variants' first characters (a run starts there when the character before is not HELD)."""
    cdef Py_ssize_t pos = 0, n = t.n, at
    cdef unsigned long long marks
    cdef unsigned char tail[64]
    while pos < n:
        if pos + 64 <= n:
            marks = firsts64(s + pos, v.first_list, v.first_count)
        else:  # the last block, from a zero-padded copy (no first character is NUL)
            memset(tail, 0, 64)
            memcpy(tail, s + pos, n - pos)
            marks = firsts64(tail, v.first_list, v.first_count)
        while marks:
            at = pos + lowest_bit(marks)
            marks &= marks - 1
            if at == 0 or not HELD[s[at - 1]]:  # HELD is _inside_word or '.' below 256
                _word_at(s, t, text, v, at, found, True)
        pos += 64
    return 0


cdef extern from *:
    """
    #if defined(__SSE2__)
    #include <emmintrin.h>
    static inline unsigned long long echoes_firsts64(const unsigned char *s, const unsigned char *firsts, int count) {
        __m128i a = _mm_loadu_si128((const __m128i *) s), b = _mm_loadu_si128((const __m128i *) (s + 16));
        __m128i c = _mm_loadu_si128((const __m128i *) (s + 32)), d = _mm_loadu_si128((const __m128i *) (s + 48));
        __m128i ma = _mm_setzero_si128(), mb = ma, mc = ma, md = ma, f;
        int k;
        for (k = 0; k < count; k++) {
            f = _mm_set1_epi8((char) firsts[k]);
            ma = _mm_or_si128(ma, _mm_cmpeq_epi8(a, f));
            mb = _mm_or_si128(mb, _mm_cmpeq_epi8(b, f));
            mc = _mm_or_si128(mc, _mm_cmpeq_epi8(c, f));
            md = _mm_or_si128(md, _mm_cmpeq_epi8(d, f));
        }
        return (unsigned long long) (unsigned int) _mm_movemask_epi8(ma)
            | (unsigned long long) (unsigned int) _mm_movemask_epi8(mb) << 16
            | (unsigned long long) (unsigned int) _mm_movemask_epi8(mc) << 32
            | (unsigned long long) (unsigned int) _mm_movemask_epi8(md) << 48;
    }
    #else
    static inline unsigned long long echoes_firsts64(const unsigned char *s, const unsigned char *firsts, int count) {
        return 0;
    }
    #endif
    """
    unsigned long long firsts64 "echoes_firsts64"(const Py_UCS1 *s, const unsigned char *firsts, int count) noexcept nogil


cdef inline bint _inside(Py_UCS4 c) noexcept:
    """_inside_word, from the table below 256."""
    if c < 256:
        return INSIDE[c]
    return _inside_word(c)


cdef unsigned char INSIDE[256]  # _inside_word of each 1-byte character
cdef unsigned char HELD[256]  # 1-byte characters a run holds, and '.': no run starts after one


cdef int _fill_held() except -1:
    cdef unsigned int c
    for c in range(256):
        INSIDE[c] = _inside_word(c)
        HELD[c] = _inside_word(c) or c == 46
    return 0


_fill_held()


# HELD for sixteen 1-byte characters at once where the compiler offers SSE2: a bit per ASCII character HELD (its
# letters, digits and _-@.), and in *high a bit per byte from 0x80 (which HELD16_OK leaves to the table).
cdef extern from *:
    """
    #if defined(__SSE2__)
    #include <emmintrin.h>
    #define ECHOES_SSE2 1
    static inline unsigned int echoes_held16(const unsigned char *s, unsigned int *high) {
        __m128i x = _mm_loadu_si128((const __m128i *) s);
        __m128i marks = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('_')), _mm_cmpeq_epi8(x, _mm_set1_epi8('-'))),
            _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('@')), _mm_cmpeq_epi8(x, _mm_set1_epi8('.'))));
        *high = (unsigned int) _mm_movemask_epi8(x);
        return doorman_ascii_alnum16(s) | (unsigned int) _mm_movemask_epi8(marks);
    }
    #else
    #define ECHOES_SSE2 0
    static inline unsigned int echoes_held16(const unsigned char *s, unsigned int *high) { *high = 0xFFFF; return 0; }
    #endif
    """
    const bint SSE2 "ECHOES_SSE2"
    unsigned int held16 "echoes_held16"(const Py_UCS1 *s, unsigned int *high) noexcept nogil


cdef bint _held16_agrees() noexcept:
    """held16 gives HELD for each ASCII byte, wherever it stands in the sixteen: else only the table is read."""
    cdef unsigned char block[16]
    cdef unsigned int c, k, held, high
    if not SSE2:
        return False
    for c in range(256):
        for k in range(16):
            memset(block, 32 if c != 32 else 33, 16)
            block[k] = c
            held = held16(block, &high)
            if (high >> k & 1) != (c >= 128) or (c < 128 and (held >> k & 1) != HELD[c]):
                return False
            if (held | high) & ~(1u << k):  # the filler: neither HELD nor high
                return False
    return True


cdef bint HELD16_OK = _held16_agrees()


def find_terms(str text, terms):
    """The same findings as the reference's, perhaps in another order (the reference's follows a set's).

    A word-like variant can only occur whole as a run of alphanumerics, '_', '-' and '@' between a free start and
    the first character outside that set, so one pass over the text compares the runs that open with one of the
    ASCII variants' first characters (with the variants that open with it); a variant beyond ASCII, or holding an
    apostrophe or '%', is found as the reference finds it."""
    cdef list found = [], others = None  # others and other_words: made for the first word the scan cannot take
    cdef set other_words = None
    cdef Text t = text_of(text)
    cdef Py_ssize_t pos, end, at = 0
    cdef Variants v
    cdef PyObject *key = NULL
    cdef Py_hash_t hashed
    cdef bint a_set = type(terms) is set or type(terms) is frozenset
    cdef Variant local[LOCAL_VARIANTS]  # the variants of up to sixteen terms, without a malloc
    given = terms if a_set else list(terms)  # read once, unchanged
    memset(&v, 0, sizeof(v))
    v.capacity = 4 * len(given)
    if v.capacity <= LOCAL_VARIANTS:
        v.items = &local[0]
    else:
        v.items = <Variant *> malloc(v.capacity * sizeof(Variant))
    if v.items == NULL:
        raise MemoryError()
    try:
        while True:  # each term of the set or list, without an iterator object for a set
            if a_set:
                if not _PySet_NextEntry(given, &at, &key, &hashed):
                    break
                term = <object> key
            elif at < len(<list> given):
                term = (<list> given)[at]
                at += 1
            else:
                break
            if PyUnicode_IS_ASCII(term) and _add_ascii_term(&v, term) == 0:
                continue
            for word in (term, term.upper(), term.capitalize(), term.lower() if len(term) >= 4 else term):
                if _latin_word_like(word):
                    _add_word(&v, word)
                    continue
                if others is None:
                    others, other_words = [], set()
                if word not in other_words:
                    other_words.add(word)
                    others.append(word)
        if v.count:
            if t.kind == PyUnicode_1BYTE_KIND and SSE2 and v.first_count <= FIRSTS_MOST:
                _find_words_firsts(<const Py_UCS1 *> t.data, &t, text, &v, found)
            elif t.kind == PyUnicode_1BYTE_KIND:
                _find_words_latin(<const Py_UCS1 *> t.data, &t, text, &v, found)
            elif t.kind == PyUnicode_2BYTE_KIND:
                _find_words(<const Py_UCS2 *> t.data, &t, text, &v, found)
            else:
                _find_words(<const Py_UCS4 *> t.data, &t, text, &v, found)
    finally:
        if v.items != &local[0]:
            free(v.items)
    for word in others or ():
        pos = text.find(word)
        while pos != -1:
            end = pos + len(word)
            if _free_before(&t, pos) and _free_after(&t, end):
                found.append(_finding(&t, text, pos, end))
            pos = text.find(word, end)
    return found


# The e-mail patterns email_name_terms reads in C, as it ported them: a change leaves it to the reference.
_LOCAL_CHANGE = changed_patterns(reference, {"_EMAIL_LOCAL": 3570877692, "LOCAL_PART_SEPARATORS": 1988482635})

TWINS = {
    reference.echo_terms: echo_terms,
    reference.find_terms: find_terms,
    **twins_where_unchanged({reference.email_name_terms: (email_name_terms, _LOCAL_CHANGE)}),
}
