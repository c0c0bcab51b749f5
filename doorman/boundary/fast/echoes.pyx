# cython: language_level=3, wraparound=False
"""doorman.boundary.echoes, compiled: the same terms, and the same findings for them."""

from doorman.boundary import echoes as reference
from doorman.boundary.common_words import COMMON_WORDS
from doorman.boundary.findings import Finding
from doorman.boundary.name_data import given_names, surnames


from libc.stdlib cimport free, malloc
from libc.string cimport memchr, memcmp, memcpy, memset

from cpython.unicode cimport Py_UCS1, Py_UCS2, PyUnicode_1BYTE_KIND, PyUnicode_2BYTE_KIND, PyUnicode_DATA

cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object)
    str PyUnicode_DecodeASCII(const char *, Py_ssize_t, const char *)

from doorman.boundary.fast.chars cimport (
    Text, address_starts, changed_patterns, char_at, is_alnum, is_ascii_alnum, is_ascii_lower, is_ascii_upper, is_word,
    new_finding, text_of, twins_where_unchanged, unit,
)
from doorman.boundary.fast.name_words cimport plain
from doorman.boundary.fast.tokens cimport token_end

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


cdef inline unsigned int _common_slot(const Packed *p) noexcept:
    return <unsigned int> (((p.low * 0x9E3779B97F4A7C15ULL) ^ (p.high * 0xC2B2AE3D27D4EB4FULL) ^ <unsigned long long> p.n)
                           >> 53)


cdef inline bint _same(const Packed *a, const Packed *b) noexcept:
    return a.n == b.n and a.low == b.low and a.high == b.high


cdef int _pack_lower(const Text *t, Py_ssize_t start, Py_ssize_t end, Packed *p) noexcept:
    """text[start:end].lower().rstrip("."), packed: 1, or 0 when it is longer than COMMON_LONGEST (so in no
    slot), or -1 when a character is beyond ASCII."""
    cdef unsigned char chars[COMMON_LONGEST]
    cdef Py_ssize_t k
    cdef unsigned int c
    for k in range(start, end):
        if char_at(t, k) >= 128:
            return -1
    while end > start and char_at(t, end - 1) == 46:
        end -= 1
    if end - start > COMMON_LONGEST:
        return 0
    memset(chars, 0, COMMON_LONGEST)
    for k in range(end - start):
        c = char_at(t, start + k)
        chars[k] = c + 32 if is_ascii_upper(c) else c
    memcpy(&p.low, chars, 8)
    memcpy(&p.high, chars + 8, 8)
    p.n = end - start
    return 1


cdef bint _build_common(frozenset words) except -1:
    """COMMON_TABLE from the list: False (nothing decided in C) when an ASCII word is too long or not lower-case."""
    cdef Text t
    cdef Packed p
    cdef unsigned int slot
    for word in words:
        if not PyUnicode_IS_ASCII(word):
            continue
        t = text_of(word)
        if word != word.lower() or word.endswith(".") or _pack_lower(&t, 0, t.n, &p) != 1 or p.n == 0:
            return False
        slot = _common_slot(&p)
        while COMMON_TABLE[slot].n and not _same(&COMMON_TABLE[slot], &p):
            slot = (slot + 1) & (COMMON_SLOTS - 1)
        COMMON_TABLE[slot] = p
    return True


cdef bint COMMON_IN_C = _build_common(COMMON)


cdef int _common_at(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """not plain(text[start:end]): 1 or 0, or -1 when only the reference can tell."""
    cdef Packed p
    cdef unsigned int slot
    cdef int packed
    if not COMMON_IN_C:
        return -1
    packed = _pack_lower(t, start, end, &p)
    if packed != 1:
        return packed
    slot = _common_slot(&p)
    while COMMON_TABLE[slot].n:
        if _same(&COMMON_TABLE[slot], &p):
            return 1
        slot = (slot + 1) & (COMMON_SLOTS - 1)
    return 0


cdef bint _plain_at(const Text *t, str text, Py_ssize_t start, Py_ssize_t end) except -1:
    """plain(text[start:end])"""
    cdef int common = _common_at(t, start, end)
    if common == -1:
        return plain(text[start:end], COMMON)
    return not common


def echo_terms(str text, findings):
    cdef set terms = set()
    cdef Text whole = text_of(text), t
    cdef Py_ssize_t i, end
    cdef tuple f
    for item in findings:
        f = <tuple> item  # a Finding, read as the tuple it is
        if f[2] != "PERSON" or <long> f[3] < 2:
            continue
        t = whole
        i, t.n = f[0], f[1]  # TOKEN_RE.findall(text[start:end]): nothing after the finding's end is seen
        while i < t.n:
            end = token_end(&t, i)
            if end == -1:
                i += 1
                continue
            if end - i >= 3 and char_at(&t, end - 1) != 46 and _plain_at(&t, text, i, end):
                terms.add(text[i:end])
            i = end
    return terms


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


cdef str _ascii_cased(const Text *t, Py_ssize_t start, Py_ssize_t end, bint capital):
    """text[start:end] (ASCII letters and '%') lower-cased, or capitalised."""
    cdef char out[64]
    cdef Py_ssize_t k
    cdef unsigned int c
    for k in range(end - start):
        c = char_at(t, start + k)
        out[k] = c + 32 if 65 <= c <= 90 else c
    if capital and 97 <= <unsigned char> out[0] <= 122:
        out[0] = out[0] - 32
    return PyUnicode_DecodeASCII(out, end - start, NULL)


def email_name_terms(str text):
    """Each local part's runs of letters ('%' too: the separators are `[._\-+0-9]`) of three or more, read in C."""
    cdef set terms = set()
    cdef Py_ssize_t end = 0, stop, at, i, run, count, k
    cdef Py_ssize_t starts[32]
    cdef Py_ssize_t ends[32]
    cdef Text t = text_of(text)
    cdef Py_UCS4 c
    cdef bint named
    if "@" not in text:
        return terms
    given, family = given_names(), surnames()
    for start in address_starts(&t, text):
        if start < end:
            continue
        stop = _local_match(&t, start, &at)
        if stop == -1:
            continue
        end = stop
        count, run = 0, start
        for i in range(start, at + 1):
            c = char_at(&t, i)
            if i < at and (_ascii_letter(c) or c == 37):
                continue
            if i - run >= 3:
                starts[count], ends[count] = run, i
                count += 1
            run = i + 1
        if count < 2:
            continue
        lows = [_ascii_cased(&t, starts[k], ends[k], False) for k in range(count)]
        named = False
        for low in lows:
            if low in given:
                named = True
                break
        if not named:
            continue
        for k in range(count):
            low = lows[k]
            if (low in given or low in family) and low not in COMMON_WORDS:
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


cdef Py_ssize_t _word_before(const Text *t, Py_ssize_t start) noexcept:
    """Where reference.word_before's word starts (it ends at the space at start - 1), or -1."""
    cdef Py_ssize_t low = max(0, start - 40), p
    cdef Py_UCS4 c
    cdef Text before = t[0]
    before.n = start - 1  # the search ends there
    for p in range(start - 2, low - 1, -1):  # after the last space or line break
        c = char_at(t, p)
        if c == 32 or c == 10:
            low = p + 1
            break
    for p in range(low, start - 1):
        c = char_at(t, p - 1)
        if is_word(c) or c == 45 or c == 64 or c == 46:
            continue
        if token_end(&before, p) == start - 1:
            return p
    return -1


cdef Py_ssize_t _word_after(const Text *t, Py_ssize_t end) noexcept:
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


cdef bint _plain_lower(const Text *t, str text, Py_ssize_t start, Py_ssize_t end) except -1:
    """plain(name) and not name.isupper(), name being text[start:end]"""
    cdef bint upper = False, lower = False
    cdef Py_ssize_t k
    cdef Py_UCS4 c
    cdef int common = _common_at(t, start, end)
    if common == -1:
        name = text[start:end]
        return plain(name, COMMON) and not name.isupper()
    if common:
        return False
    for k in range(start, end):  # ASCII: isupper() is an upper-case letter and no lower-case one
        c = char_at(t, k)
        upper = upper or is_ascii_upper(c)
        lower = lower or is_ascii_lower(c)
    return lower or not upper


cdef object _finding(const Text *t, str text, Py_ssize_t pos, Py_ssize_t end):
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


cdef inline unsigned long long _mix(unsigned long long h, Py_UCS4 c) noexcept:
    return h * 31 + <unsigned int> c


cdef inline unsigned int _slot(unsigned long long h) noexcept:
    """A bit of the 4,096-bit filter of the variants' hashes."""
    return <unsigned int> ((h * 0x9E3779B97F4A7C15ULL) >> 52)


# The variants of the request's terms that are ASCII and word-like, held in C: the scan compares a run's
# characters with them and makes a string only for a finding.
cdef enum:
    MOST = 63

cdef struct Variant:
    Py_ssize_t n
    unsigned long long hash
    unsigned char chars[MOST]


cdef struct Variants:
    Variant *items
    Py_ssize_t count, capacity
    unsigned long long lengths  # bit n: some variant is n characters long
    unsigned long long filter[64]  # bit _slot(hash): some variant hashes there
    unsigned char firsts[256]  # only ASCII ones are set
    unsigned char seconds[128]  # a variant's second character (all of them when one is a single character)


cdef inline bint _ascii_word_like(str word) noexcept:
    """_word_like, in ASCII only."""
    cdef Py_ssize_t n = len(word), k
    cdef unsigned int c
    if not 0 < n <= MOST:
        return False
    for k in range(n):
        c = word[k]
        if not (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or (c == 45 and k > 0)):
            return False
    return True


cdef int _add(Variants *v, const unsigned char *chars, Py_ssize_t n) except -1:
    """One variant, unless the same characters are there already (the reference's variants are a set)."""
    cdef unsigned long long h = 0
    cdef Py_ssize_t k, i
    cdef unsigned int slot
    cdef Variant *other
    for k in range(n):
        h = _mix(h, chars[k])
    slot = _slot(h)
    if v.filter[slot >> 6] >> (slot & 63) & 1:  # else surely new
        for i in range(v.count):
            other = &v.items[i]
            if other.n == n and other.hash == h and memcmp(other.chars, chars, n) == 0:
                return 0
    if v.count == v.capacity:
        raise MemoryError()  # capacity is four per term, all a term can add
    other = &v.items[v.count]
    other.n, other.hash = n, h
    memcpy(other.chars, chars, n)
    v.count += 1
    v.lengths |= 1ULL << n
    v.filter[slot >> 6] |= 1ULL << (slot & 63)
    v.firsts[chars[0]] = 1
    if n == 1:
        memset(v.seconds, 1, sizeof(v.seconds))
    else:
        v.seconds[chars[1]] = 1
    return 0


cdef int _add_ascii_term(Variants *v, str term) except -1:
    """term, term.upper(), term.capitalize() and (four characters or more) term.lower(), for an ASCII term."""
    cdef Py_ssize_t n = len(term), k
    cdef unsigned char given[MOST]
    cdef unsigned char changed[MOST]
    cdef unsigned int c
    for k in range(n):
        given[k] = <unsigned char> term[k]
    _add(v, given, n)
    for k in range(n):
        c = given[k]
        changed[k] = c - 32 if 97 <= c <= 122 else c
    _add(v, changed, n)
    for k in range(1, n):
        c = given[k]
        changed[k] = c + 32 if 65 <= c <= 90 else c
    _add(v, changed, n)
    if n >= 4:
        c = given[0]
        changed[0] = c + 32 if 65 <= c <= 90 else c
        _add(v, changed, n)
    return 0


cdef bint _is_variant(const unit *s, Py_ssize_t pos, Py_ssize_t n, unsigned long long h,
                      const Variants *v) noexcept:
    cdef Py_ssize_t i, k
    cdef const Variant *other
    for i in range(v.count):
        other = &v.items[i]
        if other.n != n or other.hash != h:
            continue
        for k in range(n):
            if s[pos + k] != other.chars[k]:
                break
        else:
            return True
    return False


cdef int _word_at(const unit *s, const Text *t, str text, const Variants *v, Py_ssize_t pos, list found) except -1:
    """The finding for the run at pos (a variant's first character) when it starts after none of _inside_word or
    '.' and equals one of the variants: only one of a variant's length and hash is compared."""
    cdef Py_ssize_t n = t.n, end = pos + 1
    cdef Py_UCS4 before
    cdef unsigned long long h = _mix(0, s[pos])
    cdef unsigned int slot
    if pos > 0:
        before = s[pos - 1]
        if _inside_word(before) or before == 46:
            return 0
    if end < n and (s[end] >= 128 or not v.seconds[s[end]]) and _inside_word(s[end]):
        return 0  # the run goes on with a character no variant has second
    while end < n and _inside_word(s[end]):
        h = _mix(h, s[end])
        end += 1
    slot = _slot(h)
    if (end - pos <= MOST and v.lengths >> (end - pos) & 1 and v.filter[slot >> 6] >> (slot & 63) & 1
            and _is_variant(s, pos, end - pos, h, v)):
        found.append(_finding(t, text, pos, end))
    return 0


cdef int _find_words(const unit *s, const Text *t, str text, const Variants *v, list found) except -1:
    """_word_at each of the variants' first characters."""
    cdef Py_ssize_t pos
    cdef Py_UCS4 c
    for pos in range(t.n):
        c = s[pos]
        if c < 128 and v.firsts[c]:
            _word_at(s, t, text, v, pos, found)
    return 0


cdef int _find_words_latin(const Py_UCS1 *s, const Text *t, str text, const Variants *v, list found) except -1:
    """_find_words for a 1-byte text, where a run can start: one pass, testing a first character only after a
    character that no run holds (the findings come in text order: any order is the reference's)."""
    cdef Py_ssize_t pos
    cdef Py_UCS1 c
    cdef unsigned char held = 0
    for pos in range(t.n):
        c = s[pos]
        if v.firsts[c] > held:
            _word_at(s, t, text, v, pos, found)
        held = HELD[c]
    return 0


cdef unsigned char HELD[256]  # 1-byte characters a run holds, and '.': no run starts after one


cdef int _fill_held() except -1:
    cdef unsigned int c
    for c in range(256):
        HELD[c] = _inside_word(c) or c == 46
    return 0


_fill_held()


def find_terms(str text, terms):
    """The same findings as the reference's, perhaps in another order (the reference's follows a set's).

    A word-like variant can only occur whole as a run of alphanumerics, '_', '-' and '@' between a free start and
    the first character outside that set, so one pass over the text compares the runs that open with one of the
    ASCII variants' first characters (filtered by length and hash); a variant beyond ASCII, or holding an
    apostrophe or '%', is found as the reference finds it."""
    cdef list found = [], others = []
    cdef set other_words = set()
    cdef Text t = text_of(text)
    cdef Py_ssize_t pos, end
    cdef Variants v
    cdef list given = list(terms)
    memset(&v, 0, sizeof(v))
    v.capacity = 4 * len(given)
    v.items = <Variant *> malloc(v.capacity * sizeof(Variant)) if v.capacity else NULL
    if v.capacity and v.items == NULL:
        raise MemoryError()
    try:
        for term in given:
            if PyUnicode_IS_ASCII(term) and _ascii_word_like(term):
                _add_ascii_term(&v, term)
                continue
            for word in (term, term.upper(), term.capitalize(), term.lower() if len(term) >= 4 else term):
                if PyUnicode_IS_ASCII(word) and _ascii_word_like(word):
                    _add(&v, <const unsigned char *> PyUnicode_DATA(word), len(word))
                elif word not in other_words:
                    other_words.add(word)
                    others.append(word)
        if v.count:
            if t.kind == PyUnicode_1BYTE_KIND:
                _find_words_latin(<const Py_UCS1 *> t.data, &t, text, &v, found)
            elif t.kind == PyUnicode_2BYTE_KIND:
                _find_words(<const Py_UCS2 *> t.data, &t, text, &v, found)
            else:
                _find_words(<const Py_UCS4 *> t.data, &t, text, &v, found)
    finally:
        free(v.items)
    for word in others:
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
