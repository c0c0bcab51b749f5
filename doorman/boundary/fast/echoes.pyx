# cython: language_level=3, wraparound=False
"""doorman.boundary.echoes, compiled: the same terms, and the same findings for them."""

from doorman.boundary import echoes as reference
from doorman.boundary.common_words import COMMON_WORDS
from doorman.boundary.findings import Finding
from doorman.boundary.name_data import given_names, surnames
from doorman.boundary.name_words import plain

from libc.string cimport memset

from cpython.unicode cimport Py_UCS1, Py_UCS2, PyUnicode_1BYTE_KIND, PyUnicode_2BYTE_KIND

from doorman.boundary.fast.chars cimport Text, address_starts, char_at, is_alnum, is_word, new_finding, text_of, unit
from doorman.boundary.fast.tokens cimport token_end

cdef object LOCAL_MATCH = reference._EMAIL_LOCAL.match
cdef object SPLIT_LOCAL = reference.LOCAL_PART_SEPARATORS.split


def echo_terms(str text, findings):
    cdef set terms = set()
    cdef Text whole = text_of(text), t
    cdef Py_ssize_t i, end
    for f in findings:
        if f[2] != "PERSON" or f[3] < 2:
            continue
        t = whole
        i, t.n = f[0], f[1]  # TOKEN_RE.findall(text[start:end]): nothing after the finding's end is seen
        while i < t.n:
            end = token_end(&t, i)
            if end == -1:
                i += 1
                continue
            if end - i >= 3 and char_at(&t, end - 1) != 46:
                word = text[i:end]
                if plain(word):
                    terms.add(word)
            i = end
    return terms


def email_name_terms(str text):
    cdef set terms = set()
    cdef Py_ssize_t end = 0
    cdef Text t = text_of(text)
    if "@" not in text:
        return terms
    given, family = given_names(), surnames()
    for start in address_starts(&t, text):
        if start < end:
            continue
        m = LOCAL_MATCH(text, start)
        if m is None:
            continue
        end = m.end() if m.end() > start else start + 1
        parts = [p for p in SPLIT_LOCAL(m.group(1)) if len(p) >= 3]
        if len(parts) < 2 or not any(p.lower() in given for p in parts):
            continue
        for p in parts:
            low = p.lower()
            if (low in given or low in family) and low not in COMMON_WORDS:
                terms.add(p.capitalize())
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


cdef bint _plain_lower(str name, dict seen):
    """plain(name) and not name.isupper(), remembered for the request's other occurrences of the name."""
    known = seen.get(name)
    if known is None:
        known = seen[name] = plain(name) and not name.isupper()
    return known


cdef object _finding(const Text *t, str text, Py_ssize_t pos, Py_ssize_t end, dict plain_words):
    """The reference's finding for a whole-word occurrence at text[pos:end], with the name-like words beside it."""
    cdef Py_ssize_t start = pos, stop = end, edge
    if pos > 0 and char_at(t, pos - 1) == 32:
        edge = _word_before(t, pos)
        if edge != -1 and _plain_lower(text[edge:pos - 1], plain_words):
            start = edge
    edge = _word_after(t, end)
    if edge != -1 and _plain_lower(text[end + 1:edge], plain_words):
        stop = edge
    return new_finding(Finding, start, stop, "PERSON", 1)


cdef bint _word_like(str word):
    """Alphanumeric characters and '-' only, the first alphanumeric, at most 63 characters."""
    cdef Py_UCS4 c
    if not 0 < len(word) < 64 or not is_alnum(word[0]):
        return False
    for c in word:
        if not (is_alnum(c) or c == 45):
            return False
    return True


cdef inline bint _inside_word(Py_UCS4 c) noexcept:
    """What a whole-word occurrence refuses after it: alphanumerics and _-@."""
    return is_word(c) or c == 45 or c == 64


cdef int _find_words(const unit *s, const Text *t, str text, set words, unsigned long long lengths,
                     const unsigned char *firsts, list found, dict plain_words) except -1:
    """Each run that starts after none of _inside_word or '.', looked up in `words` when its length and first
    character are one of theirs (`firsts`: 1 for each ASCII first character, at 128 for any other)."""
    cdef Py_ssize_t n = t.n, pos = 0, end
    cdef Py_UCS4 before = 0, c
    while pos < n:
        c = s[pos]
        if not is_alnum(c) or _inside_word(before) or before == 46:
            before = c
            pos += 1
            continue
        end = pos + 1
        while end < n and _inside_word(s[end]):
            end += 1
        if (end - pos < 64 and lengths >> (end - pos) & 1 and firsts[c if c < 128 else 128]
                and text[pos:end] in words):
            found.append(_finding(t, text, pos, end, plain_words))
        before = s[end - 1]
        pos = end
    return 0


def find_terms(str text, terms):
    """The same findings as the reference's, perhaps in another order (the reference's follows a set's).

    A word-like variant can only occur whole as a run of alphanumerics, '_', '-' and '@' between a free start and
    the first character outside that set, so one pass over the text looks each run up once (filtered by length);
    the rare variant holding an apostrophe or '%' is found as the reference finds it."""
    cdef list found = []
    cdef set variants = set(), words = set()
    cdef list others = []
    cdef dict plain_words = {}
    cdef Text t = text_of(text)
    cdef Py_ssize_t pos, end
    cdef unsigned long long lengths = 0
    cdef unsigned char firsts[129]
    cdef Py_UCS4 first
    memset(firsts, 0, sizeof(firsts))
    for term in terms:
        variants.add(term)
        variants.add(term.upper())
        variants.add(term.capitalize())
        if len(term) >= 4:
            variants.add(term.lower())
    for word in variants:
        if _word_like(word):
            words.add(word)
            lengths |= 1ULL << len(word)
            first = word[0]
            firsts[first if first < 128 else 128] = 1
        else:
            others.append(word)
    if words:
        if t.kind == PyUnicode_1BYTE_KIND:
            _find_words(<const Py_UCS1 *> t.data, &t, text, words, lengths, firsts, found, plain_words)
        elif t.kind == PyUnicode_2BYTE_KIND:
            _find_words(<const Py_UCS2 *> t.data, &t, text, words, lengths, firsts, found, plain_words)
        else:
            _find_words(<const Py_UCS4 *> t.data, &t, text, words, lengths, firsts, found, plain_words)
    for word in others:
        pos = text.find(word)
        while pos != -1:
            end = pos + len(word)
            if _free_before(&t, pos) and _free_after(&t, end):
                found.append(_finding(&t, text, pos, end, plain_words))
            pos = text.find(word, end)
    return found


TWINS = {
    reference.echo_terms: echo_terms,
    reference.email_name_terms: email_name_terms,
    reference.find_terms: find_terms,
}
