# cython: language_level=3, wraparound=False
"""doorman.boundary.names's PersonRecogniser, compiled: the same findings in the same order.

One pass over the text finds the places a name or a cue can be (runs of capitalised words, greeting and
title words, line starts, ':' and '=', ", ", bracketed addresses, the verbs said of people); the cues (greetings and
titles, sign-offs, lists, "my name is") are matched in C, read from the reference's patterns, and its other
patterns confirm the rare candidates; its logic runs on those few. Words are looked up in the name lists
in place, through a C table of the lists, without making a str of each.
"""

import re
from re import _constants as _sre, _parser as _sre_parser

from doorman.boundary import name_words, names
from doorman.boundary.common_words import COMMON_WORDS
from doorman.boundary.findings import Finding, mentions
from doorman.boundary.name_data import given_names, surnames
from doorman.boundary.name_words import fold

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.string cimport memchr, memcpy, memset
from cpython.unicode cimport (
    Py_UCS1,
    Py_UCS2,
    Py_UNICODE_ISDIGIT,
    Py_UNICODE_ISLOWER,
    Py_UNICODE_ISTITLE,
    Py_UNICODE_ISUPPER,
)

from doorman.boundary.fast.chars cimport (
    LITTLE_ENDIAN,
    Text,
    ascii_fold,
    changed_patterns,
    char_at,
    is_space,
    is_word,
    lower_char,
    new_finding,
    same_letter,
    text_of,
    twins_where_unchanged,
    unit,
    unit_at,
    unsafe_fold,
)
from doorman.boundary.fast.name_words cimport all_parts_in, fold_word, is_surname
from doorman.boundary.fast.tokens cimport is_low, is_up, token_end, token_grammar_changed


class _Drift(Exception):
    """The reference's patterns are no longer shaped as this twin reads them."""


# CRC32 of the patterns this twin ports by hand (the others it calls, or reads its tables from): when one
# changes, the reference runs instead
_PORTED = {
    "_INITIAL_END": 4034155436,
    "RUN": 3809441854,
    "MULTI_RUN": 2548659728,
    "HONORIFIC_PREFIX": 2649258507,
    "FIELD_MARK": 1613281264,
    "LABEL_BEFORE": 1768630964,
    "SURNAME_COMMA_GIVEN": 1053195127,
    "SPEAKER": 3620177971,
    "NAME_BEFORE_EMAIL": 3399318116,
}

cdef frozenset GIVEN = given_names()
cdef frozenset SURNAMES = surnames()
cdef object COMMON = COMMON_WORDS

cdef object TITLE_GATE_SEARCH = names._TITLE_GATE.search
cdef object SIGN_OFF_MATCH = names.SIGN_OFF.match
cdef object SELF_MATCH = names.SELF_CUE.match
cdef object LIST_MATCH = names.LIST_CUE.match
cdef object VERB_SEARCH = names.NAME_BEFORE_VERB.search
cdef tuple SELF_WORDS = names._SELF_WORDS
cdef tuple VERB_WORDS = names._VERB_WORDS
cdef tuple LIST_WORDS = names._LIST_WORDS


# `\\w` for the code points below 256, as is_word says
cdef unsigned char WORD_LATIN1[256]
for _cp in range(256):
    WORD_LATIN1[_cp] = is_word(_cp)


cdef inline bint is_word_fast(Py_UCS4 c) noexcept:
    """is_word, below 256 looked up"""
    if c < 256:
        return WORD_LATIN1[c] != 0
    return is_word(c)


cdef inline Py_ssize_t word_end(const Text *t, Py_ssize_t i) noexcept:
    """Where the run of `\\w` from i ends."""
    cdef const Py_UCS1 *latin1
    cdef Py_ssize_t n = t.n
    if t.kind == 1:
        latin1 = <const Py_UCS1 *> t.data
        while i < n and WORD_LATIN1[latin1[i]]:
            i += 1
        return i
    while i < n and is_word(char_at(t, i)):
        i += 1
    return i


cdef inline bint is_name_char(Py_UCS4 c) noexcept:
    """`[UP LOW'\\-]`: SURNAME_COMMA_GIVEN's word characters."""
    return is_up(c) or is_low(c) or c == 39 or c == 45


cdef inline bint is_token_char(Py_UCS4 c) noexcept:
    """Any character a TOKEN holds."""
    return is_up(c) or is_low(c) or c == 39 or c == 0x2019 or c == 45 or c == 46


cdef Py_ssize_t run_end(const Text *t, Py_ssize_t i, Py_ssize_t *count, Py_ssize_t *starts=NULL,
                       Py_ssize_t *ends=NULL, Py_ssize_t room=0) noexcept:
    """`TOKEN(?: TOKEN)*(?![\\w@\\-])` at i: its end (or -1) and its number of words. When the look-ahead refuses
    the longest run, the run one word shorter (followed by a space) is the match. The bounds of its first `room`
    words are written to starts and ends (one space between each and the next: a TOKEN holds none)."""
    cdef Py_ssize_t end = token_end(t, i), before = -1, nxt, words = 1
    cdef Py_UCS4 c
    count[0] = 0
    if end < 0:
        return -1
    if room > 0:
        starts[0] = i
        ends[0] = end
    while char_at(t, end) == 32 and is_up(char_at(t, end + 1)):
        nxt = token_end(t, end + 1)
        if nxt < 0:
            break
        if words < room:
            starts[words] = end + 1
            ends[words] = nxt
        before = end
        end = nxt
        words += 1
    c = char_at(t, end)
    if is_word(c) or c == 64 or c == 45:
        if words == 1:
            return -1
        end = before
        words -= 1
    count[0] = words
    return end


cdef Py_ssize_t run_at(const Text *t, Py_ssize_t pos) noexcept:
    """RUN.match(text, pos).end(), or -1."""
    cdef Py_ssize_t words
    cdef Py_UCS4 c = char_at(t, pos - 1)
    if is_word(c) or c == 64 or c == 46 or c == 45:
        return -1
    return run_end(t, pos, &words)


# ---- words looked up in place: one open-addressing table of every list's words (code points), each with
# the bits of the lists that hold it ----

DEF GIVEN_KEY = 1
DEF SURNAME_KEY = 2
DEF COMMON_KEY = 4
DEF TITLE_KEY = 8  # a TITLE_CUE first word, as written
DEF OPENER_KEY = 16  # a greeting's first word when the greeting has more
DEF HONORIFIC_KEY = 32
DEF LABEL_WORD_KEY = 64  # the last word of a field label
DEF LABEL_KEY = 128  # a whole field label

DEF AS_WRITTEN = 0
DEF LOWERED = 1
DEF LABEL_FORM = 2  # lowered, '_' read as ' '

cdef struct Slot:
    unsigned long long head  # the key's first HEAD_ROOM code points, the first in the lowest byte, zero-padded
    int at  # where its code points past the first HEAD_ROOM start in its table's chars
    unsigned short check  # the key's hash, its top bits
    unsigned char length  # 0 when the slot is empty
    unsigned char flags

DEF HEAD_ROOM = 8

cdef struct WordTable:
    Slot *slots
    Py_UCS1 *chars  # the keys' code points past the first HEAD_ROOM (every listed word is Latin-1: checked)
    Py_ssize_t mask
    Py_ssize_t longest
    int empty_flags  # the empty word's

# The census and common words (GIVEN_KEY, SURNAME_KEY, COMMON_KEY), a large table; the cue words (the other keys)
# in a small one, read at many more places and kept apart so that it stays in cache
cdef WordTable NAME_TABLE
cdef WordTable CUE_TABLE


cdef inline unsigned long long hash_step(unsigned long long h, unsigned int c) noexcept:
    return (h ^ c) * 1099511628211ULL


cdef inline unsigned long long word_hash(unsigned long long head, const Py_UCS1 *word, Py_ssize_t length) noexcept:
    """A word's hash from its head (its first HEAD_ROOM code points, as Slot.head holds them), mixed whole, and its
    code points past the head one at a time."""
    cdef unsigned long long h = (head ^ (<unsigned long long> length << 56)) * 0x9E3779B97F4A7C15ULL
    cdef Py_ssize_t k
    h ^= h >> 32
    h *= 0xD6E8FEB86659FD93ULL
    h ^= h >> 32
    for k in range(HEAD_ROOM, length):
        h = hash_step(h, word[k])
    return h


cdef inline Py_UCS4 key_char(const Text *t, Py_ssize_t k, int form) noexcept:
    cdef Py_UCS4 c = char_at(t, k)
    if form != AS_WRITTEN:
        c = lower_char(c)
        if form == LABEL_FORM and c == 95:
            c = 32
    return c


cdef int word_flags(const Text *t, Py_ssize_t s, Py_ssize_t e, int form) noexcept:
    """The cue lists holding text[s:e] (lowered, for LOWERED and LABEL_FORM: only where lower_char is str.lower)."""
    cdef Py_ssize_t k, length = e - s
    cdef Py_UCS1 word[256]
    cdef Py_UCS4 c
    if length <= 0:
        return CUE_TABLE.empty_flags
    if length > CUE_TABLE.longest:
        return 0
    for k in range(length):
        c = key_char(t, s + k, form)
        if c > 255:
            return 0
        word[k] = <Py_UCS1> c
    return lookup(&CUE_TABLE, word, length)


cdef inline int lookup(const WordTable *table, const Py_UCS1 *word, Py_ssize_t length) noexcept:
    """The lists holding the Latin-1 word word[:length]."""
    cdef unsigned long long head = 0
    cdef Py_ssize_t k
    for k in range(length if length < HEAD_ROOM else HEAD_ROOM):
        head |= (<unsigned long long> word[k]) << (8 * k)
    return lookup_head(table, word, length, head)


cdef inline int lookup_head(const WordTable *table, const Py_UCS1 *word, Py_ssize_t length,
                            unsigned long long head) noexcept:
    """lookup, the word's head (its first HEAD_ROOM code points, as Slot.head holds them) given: one slot read for
    most (a word of HEAD_ROOM letters at most is all in its slot)."""
    cdef unsigned long long h
    cdef Py_ssize_t k, slot
    cdef unsigned short check
    cdef const Slot *found
    cdef const Py_UCS1 *rest
    if length <= 0:
        return table.empty_flags
    if length > table.longest:
        return 0
    h = word_hash(head, word, length)
    slot = <Py_ssize_t> (h & <unsigned long long> table.mask)
    check = <unsigned short> (h >> 48)
    found = &table.slots[slot]
    while found.length != 0:
        if found.head == head and found.check == check and found.length == length:
            if length <= HEAD_ROOM:
                return found.flags
            rest = &table.chars[found.at]
            for k in range(HEAD_ROOM, length):
                if rest[k - HEAD_ROOM] != word[k]:
                    break
            else:
                return found.flags
        slot = (slot + 1) & table.mask
        found = &table.slots[slot]
    return 0


cdef int _fill_word_table(WordTable *table, dict flags_of) except -1:
    cdef Py_ssize_t size = 16, slot, used = 0, k
    cdef unsigned long long h
    cdef str key
    cdef bytes raw
    cdef unsigned long long head
    cdef Py_UCS4 ch
    table.empty_flags = flags_of.pop("", 0)
    if any(len(w) > 255 or max(map(ord, w)) > 255 for w in flags_of):
        raise _Drift("a listed word is too long, or beyond Latin-1, for the compiled table")
    while size < len(flags_of) * 3:  # a third full at most: a word that is not there is told in one or two reads
        size *= 2
    table.slots = <Slot *> PyMem_Malloc(size * sizeof(Slot))
    table.chars = <Py_UCS1 *> PyMem_Malloc(sum(len(w) for w in flags_of) + 1)
    if table.slots == NULL or table.chars == NULL:
        raise MemoryError()
    table.mask = size - 1
    table.longest = 0
    for slot in range(size):
        table.slots[slot].length = 0
    for key, flags in flags_of.items():
        head = 0
        for k, ch in enumerate(key[:HEAD_ROOM]):
            head |= (<unsigned long long> ord(ch)) << (8 * k)
        raw = key.encode("latin-1")
        h = word_hash(head, <const Py_UCS1 *> raw, len(raw))
        slot = <Py_ssize_t> (h & <unsigned long long> table.mask)
        while table.slots[slot].length != 0:
            slot = (slot + 1) & table.mask
        table.slots[slot].head = head
        table.slots[slot].at = used
        table.slots[slot].check = <unsigned short> (h >> 48)
        table.slots[slot].length = len(key)
        table.slots[slot].flags = flags
        for ch in key[HEAD_ROOM:]:
            table.chars[used] = ord(ch)
            used += 1
        table.longest = max(table.longest, len(key))
    return 0


# What name_words says of a word, as bits
DEF IN_GIVEN = 1
DEF COMMON_LOWER = 2
DEF PLAIN = 4
DEF SURNAME = 8
DEF UPPER = 16


cdef int str_facts(str word) except -1:
    """What name_words says of a word, as bits, through its own look-ups: for the rare word facts cannot read by its
    tables (found afresh, never kept)."""
    cdef str low = word.lower(), folded
    cdef int found = 0
    if "-" in word:
        if all_parts_in(word, GIVEN, fold):
            found |= IN_GIVEN
        if is_surname(word, SURNAMES, fold):
            found |= SURNAME
    else:
        folded = fold_word(word, fold)
        if folded in GIVEN:
            found |= IN_GIVEN
        if folded in SURNAMES:
            found |= SURNAME
    if low in COMMON:
        found |= COMMON_LOWER
    if (low.rstrip(".") if low.endswith(".") else low) not in COMMON:
        found |= PLAIN
    if word.isupper():
        found |= UPPER
    return found


# What facts needs of each code point below LETTERS_END (every letter TOKEN holds): str.lower() of it (0 when that
# is not one code point), name_words.fold of it (FOLD_ROOM ASCII characters at most, none '-' but '-' itself;
# FOLD_LENGTH NO_FOLD when not), and its case as str.isupper reads it. A word's lower case and fold are its code
# points' own, one after the other (str.lower maps each on its own but for a final sigma, beyond these; NFKD only
# reorders combining marks, which the ASCII encoding drops).
DEF LETTERS_END = 0x180
DEF FOLD_ROOM = 3
DEF NO_FOLD = 255
DEF CASE_UPPER = 1
DEF CASE_LOWER = 2  # lower or title case: the word is not upper-case
DEF RIGHT_QUOTE = 0x2019  # TOKEN's other apostrophe: its own lower case, folded to nothing, no case
cdef Py_UCS4 LOWER_OF[LETTERS_END]
cdef unsigned char FOLD_LENGTH[LETTERS_END]
cdef Py_UCS1 FOLD_OF[LETTERS_END][FOLD_ROOM]
cdef unsigned char CASE_OF[LETTERS_END]


def _fill_letter_tables():
    cdef Py_UCS4 c
    cdef int k
    for c in range(LETTERS_END):
        lowered = chr(c).lower()
        LOWER_OF[c] = ord(lowered) if len(lowered) == 1 else 0
        folded_c = fold(chr(c))
        if len(folded_c) <= FOLD_ROOM and folded_c.isascii() and ("-" not in folded_c or c == 45):
            FOLD_LENGTH[c] = len(folded_c)
            for k in range(len(folded_c)):
                FOLD_OF[c][k] = ord(folded_c[k])
        else:
            FOLD_LENGTH[c] = NO_FOLD
        if Py_UNICODE_ISLOWER(c) or Py_UNICODE_ISTITLE(c):
            CASE_OF[c] = CASE_LOWER
        elif Py_UNICODE_ISUPPER(c):
            CASE_OF[c] = CASE_UPPER
        else:
            CASE_OF[c] = 0
    if chr(RIGHT_QUOTE).lower() != chr(RIGHT_QUOTE) or fold(chr(RIGHT_QUOTE)) != "" or chr(RIGHT_QUOTE).isupper() \
            or chr(RIGHT_QUOTE).islower():
        raise _Drift("the right quote is not what the compiled twin takes it for")
    # fold's meaning, checked on the listed words beyond ASCII in each case: one code point at a time
    for word in (w for w in (*GIVEN, *SURNAMES, *COMMON) if not w.isascii()):
        for form in (word, word.upper(), word.title()):
            if all(ord(ch) < LETTERS_END and FOLD_LENGTH[ord(ch)] != NO_FOLD for ch in form) and fold(form) != "".join(
                    fold(ch) for ch in form):
                raise _Drift("name_words.fold is not the compiled twin's, one code point at a time")


cdef inline bint parts_in(const Py_UCS1 *word, Py_ssize_t length, int key) noexcept:
    """Every '-'-separated part of word[:length] is in the list `key`."""
    cdef Py_ssize_t k, part = 0
    for k in range(length + 1):
        if k == length or word[k] == 45:
            if not (lookup(&NAME_TABLE, word + part, k - part) & key):
                return False
            part = k + 1
    return True


# facts' reading of an ASCII character: its lower case, and what it tells (as the loop in facts sets them)
DEF MARK_CASED = 1
DEF MARK_LOWER = 2
DEF MARK_HYPHEN = 4
cdef Py_UCS1 ASCII_LOWER[128]
cdef unsigned char ASCII_MARKS[128]
for _cp in range(128):
    ASCII_LOWER[_cp] = _cp + 32 if 65 <= _cp <= 90 else _cp
    ASCII_MARKS[_cp] = (MARK_CASED if 65 <= _cp <= 90 else MARK_LOWER if 97 <= _cp <= 122
                        else MARK_HYPHEN if _cp == 45 else 0)


# facts kept for the words of the text being read (runs, cues and speakers read the same words again): an entry
# counts only for the text whose data it names, within the call that wrote it (FACTS_CALL, one more each call)
DEF FACTS_SLOTS = 512
cdef struct FactsEntry:
    const void *data
    unsigned long long call
    Py_ssize_t start
    Py_ssize_t end
    int bits
cdef FactsEntry FACTS_SEEN[FACTS_SLOTS]
cdef unsigned long long FACTS_CALL = 0


cdef inline int facts(const Text *t, str text, Py_ssize_t s, Py_ssize_t e) except -1:
    """facts_of, kept for the call's text"""
    cdef FactsEntry *seen = &FACTS_SEEN[s & (FACTS_SLOTS - 1)]
    cdef int bits
    if seen.start == s and seen.end == e and seen.data == t.data and seen.call == FACTS_CALL:
        return seen.bits
    bits = facts_of(t, text, s, e)
    seen.data = t.data
    seen.call = FACTS_CALL
    seen.start = s
    seen.end = e
    seen.bits = bits
    return bits


cdef int facts_of(const Text *t, str text, Py_ssize_t s, Py_ssize_t e) except -1:
    """What name_words says of the word text[s:e], in C for a word of the letters TOKEN holds (by the tables
    above), through str_facts beyond."""
    cdef Py_UCS1 lowered[256]
    cdef Py_UCS1 folded[FOLD_ROOM * 256]
    cdef Py_ssize_t k, j, length = e - s, folded_length = 0, stripped
    cdef Py_UCS4 c, low
    cdef unsigned int fold_length
    cdef bint ascii = True, hyphen = False, lowered_latin1 = True, cased = False, lower_case = False
    cdef int whole, low_flags, found = 0
    cdef const Py_UCS1 *latin1
    cdef unsigned char marks = 0
    cdef bint read = False
    cdef unsigned long long head
    if not (0 <= s <= e <= t.n and length < 256):
        return str_facts(text[s:e])
    memset(folded, 0, HEAD_ROOM)
    if t.kind == 1:
        # an ASCII word of a 1-byte text, the common case: read in place, lowered and marked by table
        latin1 = (<const Py_UCS1 *> t.data) + s
        for k in range(length):
            c = latin1[k]
            if c >= 128:
                break
            marks |= ASCII_MARKS[c]
            folded[k] = lowered[k] = ASCII_LOWER[c]
        else:
            read = True
            folded_length = length
            cased = (marks & MARK_CASED) != 0
            lower_case = (marks & MARK_LOWER) != 0
            hyphen = (marks & MARK_HYPHEN) != 0
    for k in range(0 if read else length):
        c = char_at(t, s + k)
        if c < 128:
            if 65 <= c <= 90:
                low = <unsigned int> c + 32
                cased = True
            else:
                low = c
                if 97 <= c <= 122:
                    lower_case = True
                elif c == 45:
                    hyphen = True
            folded[folded_length] = <Py_UCS1> low
            folded_length += 1
        elif c < LETTERS_END:
            ascii = False
            low = LOWER_OF[c]
            fold_length = FOLD_LENGTH[c]
            if low == 0 or fold_length == NO_FOLD:
                return str_facts(text[s:e])
            for j in range(fold_length):
                folded[folded_length] = FOLD_OF[c][j]
                folded_length += 1
            if CASE_OF[c] == CASE_LOWER:
                lower_case = True
            elif CASE_OF[c] == CASE_UPPER:
                cased = True
        elif c == RIGHT_QUOTE:
            ascii = False
            low = c
        else:
            return str_facts(text[s:e])
        if low > 255:
            lowered_latin1 = False
        else:
            lowered[k] = <Py_UCS1> low
    if LITTLE_ENDIAN:
        # folded's first HEAD_ROOM bytes were zeroed and it was written from its start, so they are its head
        memcpy(&head, folded, HEAD_ROOM)
        whole = lookup_head(&NAME_TABLE, folded, folded_length, head)
    else:
        whole = lookup(&NAME_TABLE, folded, folded_length)
    if hyphen:
        if parts_in(folded, folded_length, GIVEN_KEY):
            found |= IN_GIVEN
        if whole & SURNAME_KEY or parts_in(folded, folded_length, SURNAME_KEY):
            found |= SURNAME
    else:
        if whole & GIVEN_KEY:
            found |= IN_GIVEN
        if whole & SURNAME_KEY:
            found |= SURNAME
    if ascii:
        low_flags = whole
    else:
        low_flags = lookup(&NAME_TABLE, lowered, length) if lowered_latin1 else 0
    if low_flags & COMMON_KEY:
        found |= COMMON_LOWER
    stripped = length
    while stripped > 0 and char_at(t, s + stripped - 1) == 46:
        stripped -= 1
    if stripped != length and lowered_latin1:
        low_flags = lookup(&NAME_TABLE, lowered, stripped)
    if not (low_flags & COMMON_KEY):
        found |= PLAIN
    if cased and not lower_case:
        found |= UPPER
    return found


cdef inline bint given_bits(int f) noexcept:
    """name_words.is_given"""
    return (f & (IN_GIVEN | COMMON_LOWER)) == IN_GIVEN


cdef inline bint known_bits(int f) noexcept:
    """name_words.known"""
    return (f & (IN_GIVEN | SURNAME)) != 0


cdef inline object person(Py_ssize_t start, Py_ssize_t end, int priority):
    return new_finding(Finding, start, end, "PERSON", priority)


cdef int leading_name(list found, const Text *t, str text, Py_ssize_t start, Py_ssize_t end,
                      bint strong) except -1:
    """names._leading_name for the run text[start:end]"""
    cdef Py_ssize_t taken = 0, s = start, e, last_end = start
    cdef int f, first = 0
    cdef bint listed
    while taken < 3 and s < end:
        e = s
        while e < end and char_at(t, e) != 32:
            e += 1
        f = facts(t, text, s, e)
        if taken == 0:
            first = f
        listed = known_bits(f) if taken == 0 else (f & SURNAME) != 0
        if not ((f & PLAIN) or (listed and (strong or taken))):
            break
        taken += 1
        last_end = e
        s = e + 1
    if not taken:
        return 0
    if taken == 1 and not strong and not (given_bits(first) or (first & SURNAME)):
        return 0
    found.append(person(start, last_end, 2))
    return 0


DEF RUN_ROOM = 16


cdef int in_run(list found, const Text *t, str text, Py_ssize_t start, Py_ssize_t end) except -1:
    """PersonRecogniser._in_run for the run text[start:end]"""
    cdef Py_ssize_t room[2 * RUN_ROOM]
    cdef Py_ssize_t *bounds = room
    cdef Py_ssize_t *ends = room + RUN_ROOM
    cdef Py_ssize_t count
    count = word_bounds(t, start, end, bounds, ends, RUN_ROOM)
    if count <= RUN_ROOM:
        return run_names(found, t, text, bounds, ends, count)
    bounds = <Py_ssize_t *> PyMem_Malloc(2 * count * sizeof(Py_ssize_t))
    if bounds == NULL:
        raise MemoryError()
    try:
        ends = bounds + count
        word_bounds(t, start, end, bounds, ends, count)
        run_names(found, t, text, bounds, ends, count)
    finally:
        PyMem_Free(bounds)
    return 0


cdef int run_names(list found, const Text *t, str text, Py_ssize_t *bounds, Py_ssize_t *ends,
                   Py_ssize_t count) except -1:
    """in_run for a run of `count` words, their bounds given"""
    cdef Py_ssize_t room[RUN_ROOM]
    cdef Py_ssize_t *bits = room
    cdef Py_ssize_t i, j
    if count > RUN_ROOM:
        bits = <Py_ssize_t *> PyMem_Malloc(count * sizeof(Py_ssize_t))
        if bits == NULL:
            raise MemoryError()
    try:
        for i in range(count):
            bits[i] = -1
        i = 0
        while i < count:
            if i + 1 < count:
                if (word_bits(t, text, bounds, ends, bits, i) & (IN_GIVEN | COMMON_LOWER)) == IN_GIVEN or (
                    (bits[i] & PLAIN) and ends[i] - bounds[i] > 2 and not (bits[i] & UPPER)
                    and (word_bits(t, text, bounds, ends, bits, i + 1) & (SURNAME | UPPER)) == SURNAME
                    and not sentence_start(t, bounds[i])
                ):
                    j = i + 1
                    while j < count and j - i < 4 and (word_bits(t, text, bounds, ends, bits, j) & (PLAIN | SURNAME)):
                        j += 1
                    if j > i + 1 and char_at(t, ends[j - 1] - 1) != 46:
                        found.append(person(bounds[i], ends[j - 1], 2))
                        i = j
                        continue
            i += 1
    finally:
        if bits != room:
            PyMem_Free(bits)
    return 0


cdef Py_ssize_t word_bounds(const Text *t, Py_ssize_t start, Py_ssize_t end, Py_ssize_t *starts, Py_ssize_t *ends,
                            Py_ssize_t room) noexcept:
    """The number of space-separated words of text[start:end]; the first `room` of them (at least one) have their
    bounds written to starts and ends."""
    cdef Py_ssize_t count = 0, k
    cdef const Py_UCS1 *latin1
    starts[0] = start
    if t.kind == 1 and 0 <= start <= end <= t.n:
        latin1 = <const Py_UCS1 *> t.data
        for k in range(start, end):
            if latin1[k] == 32:
                if count < room:
                    ends[count] = k
                count += 1
                if count < room:
                    starts[count] = k + 1
    else:
        for k in range(start, end):
            if char_at(t, k) == 32:
                if count < room:
                    ends[count] = k
                count += 1
                if count < room:
                    starts[count] = k + 1
    if count < room:
        ends[count] = end
    return count + 1


cdef inline Py_ssize_t word_bits(const Text *t, str text, Py_ssize_t *starts, Py_ssize_t *ends,
                                 Py_ssize_t *bits, Py_ssize_t i) except -1:
    if bits[i] < 0:
        bits[i] = facts(t, text, starts[i], ends[i])
    return bits[i]


# ---- the cues' first words and phrases, taken from the reference's patterns ----

cdef Py_ssize_t TITLE_LONGEST = 0
cdef Py_ssize_t HONORIFIC_LONGEST = 0
cdef Py_ssize_t VERB_LONGEST = 0
cdef unsigned char TITLE_LETTER[128]
# For each ASCII first letter, bit L set when a title word of that letter has L letters: most capitalised words
# are refused without a table look-up
cdef unsigned int TITLE_LENGTHS[128]
# Greeting words that open a longer greeting ("Thank you"): what follows them is left to the regex
cdef unsigned char TITLE_OPENER_LETTER[128]


def _word_lists():
    """Every list's words with their bits, for the word tables (the names', the cues'); checks the title words as
    the loop reads them."""
    names_of = {}
    cues_of = {}

    def add(words, bit):
        flags_of = names_of if bit in (GIVEN_KEY, SURNAME_KEY, COMMON_KEY) else cues_of
        for w in words:
            flags_of[w] = flags_of.get(w, 0) | bit

    title_words = {w.split(" ")[0] for w in (names._GREETINGS + "|" + names._HONORIFICS).split("|")}
    honorifics = names._HONORIFICS.split("|")
    openers = {w.split(" ")[0] for w in names._GREETINGS.split("|") if " " in w}
    if not all(re.fullmatch(r"\S+ \w+", w) for w in names._GREETINGS.split("|") if " " in w):
        raise _Drift("a greeting of more than one word is not two words, the second one all `\\w`")
    if not all(w.isalpha() and "A" <= w[0] <= "Z" for w in title_words | set(honorifics)):
        raise _Drift("a greeting or title word holds more than letters, or opens with no ASCII capital")
    add(GIVEN, GIVEN_KEY)
    add(SURNAMES, SURNAME_KEY)
    add(COMMON, COMMON_KEY)
    add(title_words, TITLE_KEY)
    add(openers, OPENER_KEY)
    add(honorifics, HONORIFIC_KEY)
    add({label.rsplit(" ", 1).pop() for label in names.FIELD_LABELS}, LABEL_WORD_KEY)
    add(names.FIELD_LABELS, LABEL_KEY)
    return names_of, cues_of, title_words, honorifics, openers


def _class_source(items):
    parts = []
    for kind, value in items:
        if kind is _sre.LITERAL:
            parts.append(re.escape(chr(value)))
        elif kind is _sre.RANGE:
            parts.append(re.escape(chr(value[0])) + "-" + re.escape(chr(value[1])))
        elif kind is _sre.CATEGORY and value is _sre.CATEGORY_SPACE:
            parts.append(r"\s")
        else:
            return None
    return "[" + "".join(parts) + "]"


def _nonblank_firsts(items):
    """Pattern pieces for the characters a match of the parsed `items` can hold first after its leading spaces and
    tabs, and whether it can be blank or empty throughout; (None, False) when any character can."""
    classes = []
    for op, av in items:
        if op is _sre.AT or op is _sre.ASSERT or op is _sre.ASSERT_NOT:
            continue
        if op is _sre.LITERAL:
            if chr(av) in " \t":
                continue
            classes.append(re.escape(chr(av)))
            return classes, False
        if op is _sre.IN:
            source = _class_source(av)
            if source is None:
                return None, False
            classes.append(source)
            if re.match(source, " ") or re.match(source, "\t"):
                continue
            return classes, False
        if op is _sre.MAX_REPEAT or op is _sre.MIN_REPEAT:
            inner, passes = _nonblank_firsts(av[2])
            if inner is None:
                return None, False
            classes += inner
            if av[0] == 0 or passes:
                continue
            return classes, False
        if op is _sre.SUBPATTERN:
            if av[1] or av[2]:
                return None, False
            inner, passes = _nonblank_firsts(av[3])
            if inner is None:
                return None, False
            classes += inner
            if passes:
                continue
            return classes, False
        if op is _sre.BRANCH:
            any_passes = False
            for alternative in av[1]:
                inner, passes = _nonblank_firsts(alternative)
                if inner is None:
                    return None, False
                classes += inner
                any_passes = any_passes or passes
            if any_passes:
                continue
            return classes, False
        return None, False
    return classes, True


_BLANKS = repr(_sre_parser.parse("[ \\t]*").data[0])


# SIGN_OFF's and LIST_CUE's openings (what follows a line's blanks), spelled out from their parsed patterns:
# each a plain string, SPACE_MARK standing for `\s`.
DEF SPACE_MARK = 0
_SPACE_CLASS = [(_sre.CATEGORY, _sre.CATEGORY_SPACE)]


def _spelled(items):
    """Every string the parsed `items` match (SPACE_MARK for `\s`), in the order the regex prefers them, or None
    when they are not that simple."""
    spelled = [""]
    for op, av in items:
        if op is _sre.LITERAL and av != SPACE_MARK:
            options = [chr(av)]
        elif op is _sre.IN and list(av) == _SPACE_CLASS:
            options = [chr(SPACE_MARK)]
        elif op is _sre.SUBPATTERN and not av[1] and not av[2]:
            options = _spelled(av[3])
        elif op is _sre.BRANCH:
            options = []
            for alternative in av[1]:
                inner = _spelled(alternative)
                if inner is None:
                    return None
                options += inner
        elif (op is _sre.MAX_REPEAT or op is _sre.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
            options = _spelled(av[2])
            if options is None:
                return None
            # greedy: the piece before its absence; lazy: its absence first
            options = options + [""] if op is _sre.MAX_REPEAT else [""] + options
        else:
            return None
        if options is None:
            return None
        spelled = [a + b for a in spelled for b in options]
        if len(spelled) > 200:
            return None
    return spelled


def _line_openings(pattern, tag_first):
    """The strings `pattern` (shaped `^[ \t]*` [an optional tag opening with '<'] WORDS ...) can hold right after
    its leading blanks, WORDS spelled out."""
    data = list(_sre_parser.parse(pattern.pattern, pattern.flags).data)
    at = 2
    if len(data) < 3 or repr(data[1]) != _BLANKS:
        raise _Drift(f"{pattern.pattern[:40]!r} is not shaped as the compiled twin reads it")
    if tag_first:
        if _nonblank_firsts(data[2:3]) != (["<"], True):
            raise _Drift("SIGN_OFF's tag is not where the compiled twin reads it")
        at = 3
    words = _spelled(data[at:at + 1]) if len(data) > at else None
    if not words or "" in words:
        raise _Drift(f"{pattern.pattern[:40]!r}'s words are not spelled out plainly")
    return tuple(words)


# The phrases, verbs and openings in C: their characters in PHRASE_CHARS, grouped, and within a group sorted by
# bucket (a lower-case ASCII first letter is its bucket, 0 to 25; any other first character is bucket 26):
# group g's phrases in bucket b are [BUCKET[g][b], BUCKET[g][b + 1]). PAIR[g][b][code] says whether a phrase
# of bucket b < 26 can have a second character of that code (pair_code), so most words are refused at once.
DEF SELF_GROUP = 0
DEF VERB_GROUP = 1
DEF SIGN_OFF_GROUP = 2
DEF LIST_GROUP = 3
# findings.mentions' words, lower-case, as the gates read them
DEF SELF_WORDS_GROUP = 4
DEF VERB_WORDS_GROUP = 5
DEF LIST_WORDS_GROUP = 6
DEF GROUPS = 7
DEF PHRASE_ROOM = 4096
DEF GROUP_ROOM = 256
DEF OTHER_CODE = 128
cdef Py_UCS4 PHRASE_CHARS[PHRASE_ROOM]
cdef Py_ssize_t PHRASE_AT[GROUPS][GROUP_ROOM]
cdef Py_ssize_t PHRASE_LENGTH[GROUPS][GROUP_ROOM]
cdef int BUCKET[GROUPS][28]
cdef unsigned char PAIR[GROUPS][26][OTHER_CODE + 1]
cdef unsigned char THIRD[GROUPS][26][OTHER_CODE + 1]  # as PAIR, for the third character
# For each ASCII character: whether a phrase of bucket 26 can match where it stands (as phrase_at tries them)
cdef unsigned char OTHER_FIRST[GROUPS][128]
cdef Py_ssize_t _used = 0


def _bucket(word):
    return ord(word[0]) - 97 if "a" <= word[0] <= "z" else 26


cdef void _store(int group, tuple words) except *:
    global _used
    cdef int k = 0, bucket, code
    cdef str word
    if len(words) > GROUP_ROOM or any(w != w.lower() for w in words):
        raise _Drift("phrases the compiled twin cannot hold")
    for bucket in range(28):
        BUCKET[group][bucket] = k
        for word in sorted(w for w in words if _bucket(w) == bucket):
            if _used + len(word) > PHRASE_ROOM:
                raise _Drift("too many phrases for the compiled twin")
            PHRASE_AT[group][k] = _used
            PHRASE_LENGTH[group][k] = len(word)
            for ch in word:
                PHRASE_CHARS[_used] = ord(ch)
                _used += 1
            k += 1
            if bucket == 26:
                _allow_other_first(group, word)
            if bucket < 26:
                if len(word) > 1 and 0 < ord(word[1]) < 128:
                    PAIR[group][bucket][ord(word[1])] = 1
                else:  # any second character: left to spelled_at
                    for code in range(OTHER_CODE + 1):
                        PAIR[group][bucket][code] = 1
                if len(word) > 2 and 0 < ord(word[2]) < 128:
                    THIRD[group][bucket][ord(word[2])] = 1
                else:
                    for code in range(OTHER_CODE + 1):
                        THIRD[group][bucket][code] = 1


cdef void _allow_other_first(int group, str word) except *:
    """Marks in OTHER_FIRST the ASCII characters spelled_at can take first for `word` (of bucket 26), and when it
    opens with SPACE_MARK, for the rest of it too; every ASCII character where that is not plain."""
    cdef int code
    firsts = [word[0]]
    if ord(word[0]) == SPACE_MARK:
        for code in range(128):
            if is_space(code):
                OTHER_FIRST[group][code] = 1
        firsts = [word[1]] if len(word) > 1 else [None]
    for first in firsts:
        if first is not None and first.isascii() and not first.isalpha() and first != chr(SPACE_MARK):
            OTHER_FIRST[group][ord(first)] = 1
        elif first is not None and "a" <= first <= "z":
            OTHER_FIRST[group][ord(first)] = 1
            OTHER_FIRST[group][ord(first.upper())] = 1
        elif first is not None and not first.isascii() and first not in "\u0130\u0131\u017f\u212a":
            pass  # no ASCII character matches it (spelled_at)
        else:
            for code in range(128):
                OTHER_FIRST[group][code] = 1


cdef inline int pair_code(Py_UCS4 c, bint folding) noexcept:
    """c as PAIR reads a phrase's second character: the ASCII letter IGNORECASE equates with it when folding,
    else c itself, OTHER_CODE beyond ASCII."""
    cdef unsigned int f
    if folding:
        f = ascii_fold(c)
        if f:
            return f
    return c if c < 128 else OTHER_CODE


cdef bint spelled_at(const Text *t, Py_ssize_t i, Py_ssize_t at, Py_ssize_t length, bint folding) noexcept:
    """The stored phrase (PHRASE_CHARS[at:at + length]) at i: SPACE_MARK matches `\s`; with `folding`
    (IGNORECASE) an ASCII letter matches as same_letter says, and a character beyond ASCII is left to the regex
    where the text holds one too."""
    cdef Py_ssize_t j
    if i + length > t.n:
        return False
    for j in range(length):
        if not char_fits(PHRASE_CHARS[at + j], char_at(t, i + j), folding):
            return False
    return True


cdef inline bint char_fits(Py_UCS4 w, Py_UCS4 c, bint folding) noexcept:
    """spelled_at's test of one character c against the phrase's w"""
    if w == SPACE_MARK:
        return is_space(c)
    if folding and 97 <= w <= 122:
        return same_letter(c, w)
    if w < 128 or not folding:
        return c == w
    # no other character beyond ASCII is equated with an ASCII one
    return not (c < 128 and not (w == 0x130 or w == 0x131 or w == 0x17F or w == 0x212A))


cdef inline bint may_spell(const Text *t, Py_ssize_t i, Py_ssize_t at, Py_ssize_t length, Py_ssize_t j,
                           bint folding) noexcept:
    """spelled_at(t, i, at, length, folding) can be true: its test of the phrase's character j (when it has one)
    passes; a cheap look before the whole one"""
    return j >= length or char_fits(PHRASE_CHARS[at + j], char_at(t, i + j), folding)


cdef bint phrase_at(const Text *t, Py_ssize_t i, int group, bint folding) noexcept:
    """A phrase of `group` matches at i (for SIGN_OFF_GROUP, followed by what sign_off_follows says). One opening
    with SPACE_MARK is also tried without it: the regex's blanks before it can give one back."""
    cdef int bucket, k
    cdef Py_UCS4 c = char_at(t, i)
    cdef unsigned int letter = ascii_fold(c) if folding else (c if 97 <= c <= 122 else 0)
    cdef Py_ssize_t at, length
    if letter:
        bucket = <int> letter - 97
        if (PAIR[group][bucket][pair_code(char_at(t, i + 1), folding)]
                and THIRD[group][bucket][pair_code(char_at(t, i + 2), folding)]):
            for k in range(BUCKET[group][bucket], BUCKET[group][bucket + 1]):
                if may_spell(t, i, PHRASE_AT[group][k], PHRASE_LENGTH[group][k], 3, folding) and spelled_at(
                        t, i, PHRASE_AT[group][k], PHRASE_LENGTH[group][k], folding) and (
                        group != SIGN_OFF_GROUP or sign_off_follows(t, i + PHRASE_LENGTH[group][k])):
                    return True
    if c < 128 and not OTHER_FIRST[group][c]:
        return False
    for k in range(BUCKET[group][26], BUCKET[group][27]):
        at = PHRASE_AT[group][k]
        length = PHRASE_LENGTH[group][k]
        if (may_spell(t, i, at, length, 0, folding) and spelled_at(t, i, at, length, folding)
                and (group != SIGN_OFF_GROUP or sign_off_follows(t, i + length))):
            return True
        if (PHRASE_CHARS[at] == SPACE_MARK and may_spell(t, i, at + 1, length - 1, 0, folding)
                and spelled_at(t, i, at + 1, length - 1, folding)
                and (group != SIGN_OFF_GROUP or sign_off_follows(t, i + length - 1))):
            return True
    return False


cdef inline bint sign_off_follows(const Text *t, Py_ssize_t j) noexcept:
    """What SIGN_OFF needs after its words, ending at j: `[,.!]?[ \t]*` then a line break or a '<'."""
    cdef Py_UCS4 c = char_at(t, j)
    if c == 44 or c == 46 or c == 33:
        j += 1
    c = char_at(t, skip_blanks(t, j))
    return c == 10 or c == 60


cdef inline Py_ssize_t skip_blanks(const Text *t, Py_ssize_t k) noexcept:
    cdef Py_UCS4 c = char_at(t, k)
    while c == 32 or c == 9:
        k += 1
        c = char_at(t, k)
    return k


cdef bint self_phrase_at(const Text *t, Py_ssize_t i, unsigned int letter) noexcept:
    """One of SELF_CUE's phrases (those opening with `letter`) at i, a space and a TOKEN after it: where SELF_CUE
    can match."""
    cdef int k
    cdef Py_ssize_t length
    if not (PAIR[SELF_GROUP][letter - 97][pair_code(char_at(t, i + 1), True)]
            and THIRD[SELF_GROUP][letter - 97][pair_code(char_at(t, i + 2), True)]):
        return False
    for k in range(BUCKET[SELF_GROUP][letter - 97], BUCKET[SELF_GROUP][letter - 96]):
        length = PHRASE_LENGTH[SELF_GROUP][k]
        if (spelled_at(t, i, PHRASE_AT[SELF_GROUP][k], length, True)
                and char_at(t, i + length) == 32 and token_end(t, i + length + 1) >= 0):
            return True
    return False


cdef bint verb_at(const Text *t, Py_ssize_t i, unsigned int letter) noexcept:
    """One of NAME_BEFORE_VERB's verbs (those opening with `letter`) right after the space at i."""
    cdef int k
    if not PAIR[VERB_GROUP][letter - 97][pair_code(char_at(t, i + 2), False)]:
        return False
    for k in range(BUCKET[VERB_GROUP][letter - 97], BUCKET[VERB_GROUP][letter - 96]):
        if spelled_at(t, i + 1, PHRASE_AT[VERB_GROUP][k], PHRASE_LENGTH[VERB_GROUP][k], False):
            return True
    return False


# TITLE_CUE and SELF_CUE, matched in C: their words in CUE_CHARS, each alternative [CUE_AT[k], CUE_AT[k] + CUE_LENGTH[k])
DEF CUE_ROOM = 2048
DEF CUE_WORDS = 256
cdef Py_UCS4 CUE_CHARS[CUE_ROOM]
cdef Py_ssize_t CUE_AT[CUE_WORDS]
cdef Py_ssize_t CUE_LENGTH[CUE_WORDS]
cdef bint CUE_ASCII[CUE_WORDS]
cdef int GREETINGS_FROM = 0, GREETINGS_TO = 0, HONORIFICS_FROM = 0, HONORIFICS_TO = 0, SELVES_FROM = 0, SELVES_TO = 0
cdef Py_ssize_t _cue_used = 0
cdef int _cue_count = 0


cdef int _store_cues(list words) except -1:
    """Stores `words` (in order) as CUE alternatives; returns the first one's index."""
    global _cue_used, _cue_count
    cdef int first = _cue_count
    for word in words:
        if _cue_count >= CUE_WORDS or _cue_used + len(word) > CUE_ROOM or not word:
            raise _Drift("too many cue words for the compiled twin")
        CUE_AT[_cue_count] = _cue_used
        CUE_LENGTH[_cue_count] = len(word)
        CUE_ASCII[_cue_count] = word.isascii()
        for ch in word:
            CUE_CHARS[_cue_used] = ord(ch)
            _cue_used += 1
        _cue_count += 1
    return first


cdef inline bint literal_at(const Text *t, Py_ssize_t i, int k) noexcept:
    """CUE alternative k, as written, at i"""
    cdef Py_ssize_t j, at = CUE_AT[k], length = CUE_LENGTH[k]
    if i < 0 or i + length > t.n:
        return False
    for j in range(length):
        if char_at(t, i + j) != CUE_CHARS[at + j]:
            return False
    return True


cdef inline Py_ssize_t word_then_space(const Text *t, Py_ssize_t p, int k, Py_UCS4 mark) noexcept:
    """CUE alternative k at p, then `mark` or not, then a space: where the space ends, or -1 (a mark given back
    leaves the mark where the space must be)."""
    cdef Py_ssize_t q
    if not literal_at(t, p, k):
        return -1
    q = p + CUE_LENGTH[k]
    if char_at(t, q) == mark:
        q += 1
    return q + 1 if char_at(t, q) == 32 else -1


cdef Py_ssize_t honorific_then_name(const Text *t, Py_ssize_t p) noexcept:
    """`(?:HONORIFICS)\.? (?=TOKEN)` at p: where it ends, or -1 (each honorific tried in the pattern's order)."""
    cdef int k
    cdef Py_ssize_t q
    for k in range(HONORIFICS_FROM, HONORIFICS_TO):
        q = word_then_space(t, p, k, 46)
        if q >= 0 and token_end(t, q) >= 0:
            return q
    return -1


cdef Py_ssize_t title_cue_end(const Text *t, Py_ssize_t i) noexcept:
    """TITLE_CUE.match(text, i).end(), or -1: each alternative tried in the pattern's order, as the regex
    backtracks through them."""
    cdef int k
    cdef Py_ssize_t j, e
    if is_word(char_at(t, i - 1)) and i > 0:
        return -1
    for k in range(GREETINGS_FROM, GREETINGS_TO):
        j = word_then_space(t, i, k, 44)
        if j < 0:
            continue
        e = honorific_then_name(t, j)
        if e >= 0:
            return e
        if token_end(t, j) >= 0:
            return j
    return honorific_then_name(t, i)


DEF CUE_UNSURE = -2


cdef Py_ssize_t self_cue_end(const Text *t, Py_ssize_t i) noexcept:
    """SELF_CUE.match(text, i).end(), -1 for no match, or CUE_UNSURE where a phrase beyond ASCII is to be
    judged (left to the regex)."""
    cdef int k
    cdef Py_ssize_t j, at, length
    cdef Py_UCS4 w, c
    if is_word(char_at(t, i - 1)) and i > 0:
        return -1
    if not is_word(char_at(t, i)):
        return -1
    for k in range(SELVES_FROM, SELVES_TO):
        at = CUE_AT[k]
        length = CUE_LENGTH[k]
        if i + length > t.n:
            continue
        for j in range(length):
            w = CUE_CHARS[at + j]
            c = char_at(t, i + j)
            if 97 <= w <= 122:
                if not same_letter(c, w):
                    break
            elif w < 128 and c != w:
                break
        else:
            # a phrase beyond ASCII matched by its ASCII characters alone: the regex judges the others
            if not CUE_ASCII[k]:
                return CUE_UNSURE
            if char_at(t, i + length) == 32 and token_end(t, i + length + 1) >= 0:
                return i + length + 1
    return -1


cdef int SIGNS_FROM = 0, SIGNS_TO = 0, LISTS_FROM = 0, LISTS_TO = 0


cdef int ci_at(const Text *t, Py_ssize_t i, int k) noexcept:
    """CUE alternative k (lower-case, SPACE_MARK for `\s`) at i under IGNORECASE: 1 when it matches, 0 when it
    does not, -1 when only the regex can tell (a character beyond ASCII in it, met by another)."""
    cdef Py_ssize_t j, at = CUE_AT[k], length = CUE_LENGTH[k]
    cdef Py_UCS4 w, c
    cdef bint unsure = False
    if i < 0 or i + length > t.n:
        return 0
    for j in range(length):
        w = CUE_CHARS[at + j]
        c = char_at(t, i + j)
        if w == SPACE_MARK:
            if not is_space(c):
                return 0
        elif 97 <= w <= 122:
            if not same_letter(c, w):
                return 0
        elif w < 128:
            if c != w:
                return 0
        elif c != w:
            if c < 128 and not (w == 0x130 or w == 0x131 or w == 0x17F or w == 0x212A):
                return 0  # no other character beyond ASCII is equated with an ASCII one
            unsure = True
    return -1 if unsure else 1


cdef Py_ssize_t sign_off_match_end(const Text *t, Py_ssize_t i) noexcept:
    """SIGN_OFF.match(text, i).end(), -1 for no match, or CUE_UNSURE where only the regex can tell."""
    cdef Py_ssize_t j, k, e
    cdef Py_UCS4 c
    cdef int kind, found
    if i > 0 and char_at(t, i - 1) != 10 and char_at(t, i - 1) != 62:
        return -1
    j = skip_blanks(t, i)
    if char_at(t, j) == 60:
        # `(?:<[a-z]{1,6}>)?`: one to six letters and '>'; without it no word can match at the '<'
        k = j + 1
        while k - j <= 6:
            c = char_at(t, k)
            if c >= 128:
                return CUE_UNSURE
            if not ascii_fold(c):
                break
            k += 1
        if k == j + 1 or char_at(t, k) != 62:
            return -1
        j = k + 1
    for kind in range(SIGNS_FROM, SIGNS_TO):
        found = ci_at(t, j, kind)
        if found == 0:
            continue
        if found < 0:
            return CUE_UNSURE
        e = sign_off_tail(t, j + CUE_LENGTH[kind])
        if e != -1:
            return e
    return -1


cdef Py_ssize_t sign_off_tail(const Text *t, Py_ssize_t j) noexcept:
    """`[,.!]?[ \t]*(?:\n|<br ?/?>)[ \t]*(?=TOKEN)` (IGNORECASE) at j: where it ends, -1, or CUE_UNSURE."""
    cdef Py_UCS4 c = char_at(t, j)
    cdef int found
    if c == 44 or c == 46 or c == 33:
        j += 1
    j = skip_blanks(t, j)
    c = char_at(t, j)
    if c == 10:
        j += 1
    elif c == 60 and same_letter(char_at(t, j + 1), 98) and same_letter(char_at(t, j + 2), 114):
        j += 3
        if char_at(t, j) == 32:
            j += 1
        if char_at(t, j) == 47:
            j += 1
        if char_at(t, j) != 62:
            return -1
        j += 1
    else:
        return -1
    j = skip_blanks(t, j)
    found = ci_token_at(t, j)
    return j if found > 0 else -1 if found == 0 else CUE_UNSURE


cdef inline bint is_ascii_letter(Py_UCS4 c) noexcept:
    return 65 <= c <= 90 or 97 <= c <= 122


cdef int ci_token_at(const Text *t, Py_ssize_t j) noexcept:
    """`(?=TOKEN)` at j under IGNORECASE (as in SIGN_OFF, where UP and LOW then take either case): 1, 0, or -1 where
    a character beyond ASCII leaves it to the regex. Its first piece suffices: `[UP][LOW]`, `[UP]['’][UP][LOW]` or
    `[UP]\\.`; an ASCII character is in either class (either case) exactly when it is a letter."""
    cdef Py_UCS4 c = char_at(t, j), d
    if c >= 128:
        return -1
    if not is_ascii_letter(c):
        return 0
    d = char_at(t, j + 1)
    if is_ascii_letter(d) or d == 46:
        return 1
    if d == 39 or d == RIGHT_QUOTE:
        c = char_at(t, j + 2)
        d = char_at(t, j + 3)
        if c >= 128 or d >= 128:
            return -1
        return 1 if is_ascii_letter(c) and is_ascii_letter(d) else 0
    return -1 if d >= 128 else 0


cdef Py_ssize_t list_cue_end(const Text *t, Py_ssize_t i) noexcept:
    """LIST_CUE.match(text, i).end(), -1 for no match, or CUE_UNSURE where only the regex can tell."""
    cdef Py_ssize_t j, e
    cdef int kind, found
    if i > 0 and char_at(t, i - 1) != 10:
        return -1
    j = skip_blanks(t, i)
    for kind in range(LISTS_FROM, LISTS_TO):
        found = ci_at(t, j, kind)
        if found == 0:
            continue
        if found < 0:
            return CUE_UNSURE
        e = j + CUE_LENGTH[kind]
        if is_space(char_at(t, e)) and char_at(t, e + 1) == 58:
            return skip_blanks(t, e + 2)
        if char_at(t, e) == 58:
            return skip_blanks(t, e + 1)
    return -1


# SELF_CUE read backwards in a one-byte text, from the name after it: its phrases by their last letter
# (SELF_BY_LAST[letter - 97][:SELF_LAST_COUNT[letter - 97]], CUE indexes)
DEF SELF_PER_LETTER = 16
cdef int SELF_BY_LAST[26][SELF_PER_LETTER]
cdef int SELF_LAST_COUNT[26]
cdef bint SELF_BACKWARD = False


def _fill_self_backward():
    """SELF_BY_LAST, and whether SELF_CUE can be read backwards exactly in a one-byte text: each phrase ends with an
    ASCII letter, none is another one's words and more (so at most one phrase matches at a place), and each of
    their characters beyond ASCII is equated (IGNORECASE) with no other Latin-1 character."""
    global SELF_BACKWARD
    cdef int k, letter
    phrases = []
    for k in range(SELVES_FROM, SELVES_TO):
        phrases.append("".join([chr(<int> CUE_CHARS[CUE_AT[k] + j]) for j in range(CUE_LENGTH[k])]))
    for a in phrases:
        if not ("a" <= a[len(a) - 1] <= "z") or any(b.startswith(a + " ") for b in phrases):
            return
        for ch in a:
            if ord(ch) >= 128 and [c for c in range(256) if re.match("(?i)" + re.escape(ch), chr(c))] != [ord(ch)]:
                return
    for k in range(SELVES_FROM, SELVES_TO):
        letter = <int> CUE_CHARS[CUE_AT[k] + CUE_LENGTH[k] - 1] - 97
        if SELF_LAST_COUNT[letter] >= SELF_PER_LETTER:
            return
        SELF_BY_LAST[letter][SELF_LAST_COUNT[letter]] = k
        SELF_LAST_COUNT[letter] += 1
    SELF_BACKWARD = True


cdef Py_ssize_t self_cue_before(const Py_UCS1 *s, Py_ssize_t n, Py_ssize_t p, Py_ssize_t low) noexcept:
    """In a one-byte text, where a SELF_CUE match ending at p (a space before it, TOKEN's capital at it) starts, at
    `low` or after; -1 when none. At most one phrase can match at one place (_fill_self_backward)."""
    cdef Py_ssize_t q, j, at, length
    cdef unsigned int letter
    cdef int m, k
    cdef Py_UCS4 w, c
    if p < 2:
        return -1
    letter = ascii_fold(s[p - 2])
    if not letter:
        return -1
    letter -= 97
    for m in range(SELF_LAST_COUNT[letter]):
        k = SELF_BY_LAST[letter][m]
        length = CUE_LENGTH[k]
        q = p - 1 - length
        if q < low or q < 0:
            continue
        if q > 0 and WORD_LATIN1[s[q - 1]]:
            continue
        at = CUE_AT[k]
        for j in range(length):
            w = CUE_CHARS[at + j]
            c = s[q + j]
            if 97 <= w <= 122:
                if not same_letter(c, w):
                    break
            elif c != w:
                break
        else:
            return q
    return -1


def _cue_words(pattern, head, tail):
    """The words of `pattern` (its source `head` (?:WORDS) `tail`), spelled out in the regex's order, lower-case."""
    source = pattern.pattern
    if not (source.startswith(head) and source.endswith(tail)) or pattern.flags != re.I | re.M | re.U:
        raise _Drift(f"{source[:40]!r} is not shaped as the compiled twin reads it")
    middle = source[len(head):len(source) - len(tail)]
    words = _spelled(_sre_parser.parse(middle, pattern.flags).data)
    if words is None:
        raise _Drift(f"{source[:40]!r}'s words are not spelled out plainly")
    if not words or "" in words or any(w != w.lower() or w.startswith("<") or w[0].isspace() and len(w) < 2
                                       for w in words):
        raise _Drift(f"{source[:40]!r}'s words are not as the compiled twin reads them")
    return words


def _build_cues():
    """TITLE_CUE's and SELF_CUE's alternatives, from the reference; _Drift when either is not shaped as read."""
    global GREETINGS_FROM, GREETINGS_TO, HONORIFICS_FROM, HONORIFICS_TO, SELVES_FROM, SELVES_TO
    global SIGNS_FROM, SIGNS_TO, LISTS_FROM, LISTS_TO
    greetings = names._GREETINGS.split("|")
    honorifics = names._HONORIFICS.split("|")
    title = rf"(?<![\w])(?:(?:{names._GREETINGS}),? (?:(?:{names._HONORIFICS})\.? )?|(?:{names._HONORIFICS})\.? )(?={name_words.TOKEN})"
    if names.TITLE_CUE.pattern != title or names.TITLE_CUE.flags != re.UNICODE:
        raise _Drift("TITLE_CUE is not shaped as the compiled twin reads it")
    if not all(re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)*", w) for w in greetings + honorifics):
        raise _Drift("a greeting or title is not plain words")
    self_source = re.fullmatch(r"\(\?i:\\b\(\?:([a-zß' |]+)\)\) \(\?=(.*)\)", names.SELF_CUE.pattern, re.S)
    if (self_source is None or self_source.group(2) != name_words.TOKEN or names.SELF_CUE.flags != re.UNICODE
            or not all(re.fullmatch(r"[a-zß' ]+", w) for w in self_source.group(1).split("|"))):
        raise _Drift("SELF_CUE is not shaped as the compiled twin reads it")
    GREETINGS_FROM = _store_cues(greetings)
    GREETINGS_TO = HONORIFICS_FROM = _store_cues(honorifics)
    HONORIFICS_TO = SELVES_FROM = _store_cues(self_source.group(1).split("|"))
    SELVES_TO = _cue_count
    SIGNS_FROM = _store_cues(_cue_words(names.SIGN_OFF, r"(?im)(?:^|(?<=>))[ \t]*(?:<[a-z]{1,6}>)?(?:",
                                        r")[,.!]?[ \t]*(?:\n|<br ?/?>)[ \t]*(?=" + name_words.TOKEN + ")"))
    SIGNS_TO = LISTS_FROM = _store_cues(_cue_words(names.LIST_CUE, r"(?im)^[ \t]*(?:", r")\s?:[ \t]*"))
    LISTS_TO = _cue_count
    _fill_self_backward()


def _build():
    """The tables the loop reads, from the reference's patterns and lists; _Drift when they changed shape."""
    global TITLE_LONGEST, HONORIFIC_LONGEST, VERB_LONGEST
    names_of, cues_of, title_words, honorifics, openers = _word_lists()
    _fill_word_table(&NAME_TABLE, names_of)
    _fill_word_table(&CUE_TABLE, cues_of)
    _fill_letter_tables()
    TITLE_LONGEST = max(len(w) for w in title_words)
    HONORIFIC_LONGEST = max(len(w) for w in honorifics)
    if TITLE_LONGEST > 31:
        raise _Drift("a title word is too long for TITLE_LENGTHS")
    for w in title_words:
        TITLE_LETTER[ord(w[0])] = 1
        TITLE_LENGTHS[ord(w[0])] |= 1u << len(w)
    for w in openers:
        TITLE_OPENER_LETTER[ord(w[0])] = 1
    # SELF_CUE's phrases; each one's ASCII letters match case-insensitively, its other letters are left to the regex
    self_source = re.search(r"\(\?i:\\b\(\?:([a-zß' |]+)\)\)", names.SELF_CUE.pattern)
    if self_source is None:
        raise _Drift("SELF_CUE's phrases are not where the compiled twin reads them")
    verb_source = re.search(r"\(\?= \(\?:([a-z |]+)\)\\b\)$", names.NAME_BEFORE_VERB.pattern)
    if verb_source is None:
        raise _Drift("NAME_BEFORE_VERB's verbs are not where the compiled twin reads them")
    verbs = tuple(verb_source.group(1).split("|"))
    VERB_LONGEST = max(len(w) for w in verbs)
    _store(SELF_GROUP, tuple(self_source.group(1).split("|")))
    _store(VERB_GROUP, verbs)
    sign_offs = _line_openings(names.SIGN_OFF, True)
    data = _sre_parser.parse(names.SIGN_OFF.pattern, names.SIGN_OFF.flags).data
    tail = _sre_parser.parse(r"[,.!]?[ \t]*(?:\n|<br ?/?>)", names.SIGN_OFF.flags).data
    if repr(list(data[4:7])) != repr(list(tail)):
        raise _Drift("SIGN_OFF's words are not followed by what sign_off_follows reads")
    if any(w.startswith("<") for w in sign_offs):
        raise _Drift("a sign-off opens with '<'")
    _store(SIGN_OFF_GROUP, sign_offs)
    _store(LIST_GROUP, _line_openings(names.LIST_CUE, False))
    _store(SELF_WORDS_GROUP, SELF_WORDS)
    _store(VERB_WORDS_GROUP, VERB_WORDS)
    _store(LIST_WORDS_GROUP, LIST_WORDS)
    _build_cues()
    if any("\0" in w for w in SELF_WORDS + VERB_WORDS + LIST_WORDS):
        raise _Drift("a gate word holds NUL")


_drift = changed_patterns(names, _PORTED) or token_grammar_changed()
if _drift is None:
    try:
        _build()
    except _Drift as exc:
        _drift = str(exc)


# What persons_in does at a character below 256 away from a line start, where that is nothing but step on:
DEF SKIP_NONE = 0  # the loop's own tests decide
DEF SKIP_MARK = 1  # a character none of its tests looks at
DEF SKIP_SPACE = 2  # a space: nothing unless a lower-case letter precedes it (NAME_BEFORE_VERB)
DEF SKIP_WORD = 3  # a word opening with neither a capital nor a cue's first letter
DEF SKIP_SELF_LETTER = 4  # as SKIP_WORD, unless its first three letters can open a SELF_CUE phrase
DEF SKIP_LINE_MARK = 5  # as SKIP_MARK, but a line can start after it ('\n', or '>' where the text holds '<')
cdef unsigned char SKIP_CLASS[256]
cdef unsigned char SKIP_CLASS_BACKWARD[256]  # SKIP_CLASS where SELF_CUE is read backwards: SKIP_SELF_LETTER is SKIP_WORD
# PAIR's SELF_CUE rows read with a second character below 256 as it is
cdef unsigned char SELF_PAIR[26][256]
cdef unsigned char SELF_THIRD[26][256]  # the same of THIRD's rows
for _cp in range(256):
    for _letter in range(26):
        SELF_PAIR[_letter][_cp] = PAIR[SELF_GROUP][_letter][pair_code(_cp, True)]
        SELF_THIRD[_letter][_cp] = THIRD[SELF_GROUP][_letter][pair_code(_cp, True)]
    if _cp == 32:
        SKIP_CLASS[_cp] = SKIP_SPACE
    elif _cp == 10 or _cp == 62:
        SKIP_CLASS[_cp] = SKIP_LINE_MARK
    elif not WORD_LATIN1[_cp]:
        SKIP_CLASS[_cp] = SKIP_NONE if _cp in (58, 61, 44, 60, 40, 91) else SKIP_MARK
    elif is_up(_cp) or (_cp < 128 and TITLE_LETTER[_cp]):
        SKIP_CLASS[_cp] = SKIP_NONE
    elif ascii_fold(_cp):
        SKIP_CLASS[_cp] = SKIP_SELF_LETTER
    else:
        SKIP_CLASS[_cp] = SKIP_WORD
    SKIP_CLASS_BACKWARD[_cp] = SKIP_WORD if SKIP_CLASS[_cp] == SKIP_SELF_LETTER else SKIP_CLASS[_cp]


cdef Py_ssize_t after_tag(const Text *t, Py_ssize_t k) noexcept:
    """Where SIGN_OFF's `(?:<[a-z]{1,6}>)?` (IGNORECASE) at the '<' at k ends, or k when it cannot match there.
    Any character beyond ASCII is taken as a letter, for the regex to judge."""
    cdef Py_ssize_t j = k + 1
    cdef Py_UCS4 c = char_at(t, j)
    while j - k <= 6 and (c >= 128 or 65 <= c <= 90 or 97 <= c <= 122):
        j += 1
        c = char_at(t, j)
    if j > k + 1 and c == 62:
        return j + 1
    return k


cdef bint unsafe_text(const Text *t) noexcept:
    """The text holds an unsafe_fold character: findings.folded refuses it, and its lower case may not be one
    code point for one."""
    cdef Py_ssize_t i
    if t.kind == 1:
        return False  # every unsafe_fold character is beyond Latin-1
    for i in range(t.n):
        if unsafe_fold(char_at(t, i)):
            return True
    return False


# mentioned's reading of a one-byte text: each code point's lower_char, and for each words group the lower-case
# characters its words can open with and hold second
cdef Py_UCS1 LATIN1_LOWER[256]
cdef unsigned char MENTION_FIRST[GROUPS][256]
cdef unsigned char MENTION_SECOND[GROUPS][256]


def _fill_mention_tables():
    cdef int group, code
    for code in range(256):
        if lower_char(code) > 255:
            raise _Drift("a Latin-1 character's lower case is beyond Latin-1")
        LATIN1_LOWER[code] = lower_char(code)
    for group, words in ((SELF_WORDS_GROUP, SELF_WORDS), (VERB_WORDS_GROUP, VERB_WORDS),
                         (LIST_WORDS_GROUP, LIST_WORDS)):
        for word in words:
            # a word holding a character beyond Latin-1 first or second is never in a one-byte text's lower case
            if ord(word[0]) < 256:
                MENTION_FIRST[group][ord(word[0])] = 1
            if len(word) == 1:
                for code in range(256):
                    MENTION_SECOND[group][code] = 1
            elif ord(word[1]) < 256:
                MENTION_SECOND[group][ord(word[1])] = 1


# For each ASCII character, whether phrase_at can find a SIGN_OFF_GROUP or LIST_GROUP phrase where it stands:
# a phrase in its letter's bucket, or one of bucket 26 that OTHER_FIRST lets through
cdef unsigned char LINE_FIRST[GROUPS][128]


def _fill_line_tables():
    cdef int group, code
    cdef unsigned int letter
    for group in (SIGN_OFF_GROUP, LIST_GROUP):
        for code in range(128):
            letter = ascii_fold(code)
            LINE_FIRST[group][code] = OTHER_FIRST[group][code] or (
                letter != 0 and BUCKET[group][letter - 97] < BUCKET[group][letter - 96])


# For SIGN_OFF_GROUP and LIST_GROUP (row group - SIGN_OFF_GROUP): whether a phrase of bucket 26 can match where
# characters of codes a, b (pair_code without folding: OTHER_CODE beyond ASCII) stand first, as phrase_at tries
# them (each opening with SPACE_MARK also without it)
cdef unsigned char OTHER_PAIR[2][OTHER_CODE + 1][OTHER_CODE + 1]


cdef void _allow_pairs(int row, Py_ssize_t at, Py_ssize_t length) noexcept:
    cdef int a, b
    for a in range(OTHER_CODE + 1):
        if a < OTHER_CODE and length >= 1 and not char_fits(PHRASE_CHARS[at], a, True):
            continue
        for b in range(OTHER_CODE + 1):
            if b == OTHER_CODE or length < 2 or char_fits(PHRASE_CHARS[at + 1], b, True):
                OTHER_PAIR[row][a][b] = 1


def _fill_other_pairs():
    cdef int group, k
    for group in (SIGN_OFF_GROUP, LIST_GROUP):
        for k in range(BUCKET[group][26], BUCKET[group][27]):
            _allow_pairs(group - SIGN_OFF_GROUP, PHRASE_AT[group][k], PHRASE_LENGTH[group][k])
            if PHRASE_LENGTH[group][k] >= 1 and PHRASE_CHARS[PHRASE_AT[group][k]] == SPACE_MARK:
                _allow_pairs(group - SIGN_OFF_GROUP, PHRASE_AT[group][k] + 1, PHRASE_LENGTH[group][k] - 1)


cdef inline bint may_open(int group, Py_UCS4 c) noexcept:
    """phrase_at(t, i, group, True) can be true where c stands"""
    return c >= 128 or LINE_FIRST[group][c] != 0


cdef inline bint may_phrase(const Text *t, Py_ssize_t i, int group) noexcept:
    """phrase_at(t, i, group, True) can be true: its first tests (the first three characters, by PAIR and THIRD,
    or a first character that opens a phrase of bucket 26) pass"""
    cdef Py_UCS4 c = char_at(t, i), d
    cdef unsigned int letter
    if c >= 128:
        return True
    if OTHER_FIRST[group][c]:
        d = char_at(t, i + 1)
        if OTHER_PAIR[group - SIGN_OFF_GROUP][c][d if d < 128 else OTHER_CODE]:
            return True
    letter = ascii_fold(c)
    return letter != 0 and (PAIR[group][letter - 97][pair_code(char_at(t, i + 1), True)] != 0
                            and THIRD[group][letter - 97][pair_code(char_at(t, i + 2), True)] != 0)


if _drift is None:
    try:
        _fill_line_tables()
        _fill_other_pairs()
        _fill_mention_tables()
    except _Drift as exc:
        _drift = str(exc)


cdef bint mentioned_latin1(const Py_UCS1 *s, Py_ssize_t n, int group) noexcept:
    """mentioned for a one-byte text (its n code points s): a word's first two characters tested by table."""
    cdef Py_ssize_t i, j, at, length
    cdef int k, bucket
    cdef unsigned int c
    cdef const unsigned char *first = MENTION_FIRST[group]
    cdef const unsigned char *second = MENTION_SECOND[group]
    for i in range(n):
        c = LATIN1_LOWER[s[i]]
        if not first[c] or (i + 1 < n and not second[LATIN1_LOWER[s[i + 1]]]):
            continue
        bucket = <int> c - 97 if 97 <= c <= 122 else 26
        for k in range(BUCKET[group][bucket], BUCKET[group][bucket + 1]):
            at = PHRASE_AT[group][k]
            length = PHRASE_LENGTH[group][k]
            if PHRASE_CHARS[at] != c or i + length > n:
                continue
            for j in range(1, length):
                if LATIN1_LOWER[s[i + j]] != PHRASE_CHARS[at + j]:
                    break
            else:
                return True
    return False


cdef bint mentioned(const Text *t, int group) noexcept:
    """findings.mentions(text, words) for a text with no unsafe_fold character, the words stored as `group`:
    text.lower() holds one of them."""
    cdef Py_ssize_t i, j, at, length
    cdef int k, bucket
    cdef unsigned int c
    if t.kind == 1:
        return mentioned_latin1(<const Py_UCS1 *> t.data, t.n, group)
    for i in range(t.n):
        c = lower_char(char_at(t, i))
        bucket = <int> c - 97 if 97 <= c <= 122 else 26
        for k in range(BUCKET[group][bucket], BUCKET[group][bucket + 1]):
            at = PHRASE_AT[group][k]
            length = PHRASE_LENGTH[group][k]
            if PHRASE_CHARS[at] != c or i + length > t.n:
                continue
            for j in range(1, length):
                if lower_char(char_at(t, i + j)) != PHRASE_CHARS[at + j]:
                    break
            else:
                return True
    return False


cdef bint sentence_start(const Text *t, Py_ssize_t start) noexcept:
    """names._sentence_start: nothing but spaces between the previous sentence end (or the text's start) and
    `start`."""
    cdef Py_ssize_t low = start - 6 if start > 6 else 0, end = start
    cdef Py_UCS4 last
    while end > low and char_at(t, end - 1) == 32:
        end -= 1
    if end == low:
        return True
    last = char_at(t, end - 1)
    if last == 46 and initial_end(t, low, end):  # "P.S. Anna Berg", "Dr. Berg"
        return False
    return last == 46 or last == 33 or last == 63 or last == 10 or last == 34 or last == 39 or last == 96


DEF INITIAL_WORDS = 7
# _INITIAL_END's alternatives: "" stands for `[A-Za-z]`
cdef const char *INITIAL_WORD[INITIAL_WORDS]
INITIAL_WORD[:] = [b"", b"Dr", b"Mr", b"Mrs", b"Ms", b"Prof", b"St"]
cdef Py_ssize_t INITIAL_LENGTH[INITIAL_WORDS]
INITIAL_LENGTH[:] = [1, 2, 2, 3, 2, 4, 2]


cdef bint initial_end(const Text *t, Py_ssize_t low, Py_ssize_t end) noexcept:
    """names._INITIAL_END.search(text[low:end]), text[end - 1] being '.': a letter or one of its abbreviations
    right before that '.', at the slice's start or after a space or '.'."""
    cdef Py_ssize_t k, at
    cdef Py_UCS4 c
    for k in range(INITIAL_WORDS):
        at = end - 1 - INITIAL_LENGTH[k]
        if at < low:
            continue
        if INITIAL_LENGTH[k] == 1:
            c = char_at(t, at)
            if not (65 <= c <= 90 or 97 <= c <= 122):
                continue
        elif not matches_word(t, at, INITIAL_WORD[k]):
            continue
        if at == low:
            return True
        c = char_at(t, at - 1)
        if is_space(c) or c == 46:
            return True
    return False


cdef inline bint matches_word(const Text *t, Py_ssize_t at, const char *word) noexcept:
    cdef Py_ssize_t k = 0
    while word[k] != 0:
        if <unsigned int> char_at(t, at + k) != <unsigned char> word[k]:
            return False
        k += 1
    return True


cdef inline bint verb_first(Py_UCS4 d) noexcept:
    """d can open one of NAME_BEFORE_VERB's verbs (a lower-case ASCII letter whose bucket holds one)"""
    return 97 <= d <= 122 and BUCKET[VERB_GROUP][<unsigned int> d - 97] < BUCKET[VERB_GROUP][<unsigned int> d - 96]


cdef inline bint verb_may_follow(const Text *t, Py_ssize_t i, Py_UCS4 prev) noexcept:
    """At the space at i (after `prev`), one of NAME_BEFORE_VERB's verbs can follow a capitalised word."""
    cdef Py_UCS4 d = char_at(t, i + 1)
    return (is_low(prev) and 97 <= d <= 122 and PAIR[VERB_GROUP][<unsigned int> d - 97][pair_code(char_at(t, i + 2), False)]
            and verb_at(t, i, d))


cdef int verb_cue(list found, const Text *t, str text, Py_ssize_t i, int *gate, Py_ssize_t *last_end) except -1:
    """NAME_BEFORE_VERB, searched from the two words before the space at i."""
    cdef Py_ssize_t r = i
    cdef object m
    while r > 0 and is_token_char(char_at(t, r - 1)):
        r -= 1
    if not (r > 1 and char_at(t, r - 1) == 32):
        return 0
    r -= 1
    while r > 0 and is_token_char(char_at(t, r - 1)):
        r -= 1
    if r < last_end[0]:
        r = last_end[0]
    m = VERB_SEARCH(text, r, min(t.n, i + VERB_LONGEST + 2))
    if m is None:
        return 0
    if gate[0] < 0:
        gate[0] = mentions(text, VERB_WORDS) if unsafe_text(t) else mentioned(t, VERB_WORDS_GROUP)
    if gate[0]:
        last_end[0] = m.end()
        name_before_verb(found, t, text, m.start(), last_end[0])
    return 0


cdef Py_ssize_t name_before_bracket(const Text *t, Py_ssize_t r, Py_ssize_t e) noexcept:
    """NAME_BEFORE_EMAIL.search(text, r, tail_stop + 1) where text[r:e] holds only TOKEN characters and spaces and
    the bracket at e (or e + 1, after a space) opens the checked tail "local@" ending at tail_stop: where its group
    starts (it ends at e), or -1. No match can start after e (no space in the tail), and only a run of two to four
    TOKENs, each one space apart, ending at e fits: a shorter TOKEN ends before a letter or '-', and a run that
    goes on puts a TOKEN where the bracket must be. The leftmost start is the search's."""
    cdef Py_ssize_t s, end, nxt, words
    for s in range(r, e):
        if not is_up(char_at(t, s)):
            continue
        end = token_end(t, s)
        if end < 0:
            continue
        words = 1
        while end < e and char_at(t, end) == 32:
            nxt = token_end(t, end + 1)
            if nxt < 0:
                break
            end = nxt
            words += 1
        if end == e and 2 <= words <= 4:
            return s
    return -1


cdef inline bint self_pair(unsigned int letter, Py_UCS4 second) noexcept:
    """PAIR[SELF_GROUP][letter][pair_code(second, True)]"""
    if second < 256:
        return SELF_PAIR[letter][second] != 0
    return PAIR[SELF_GROUP][letter][pair_code(second, True)] != 0


cdef inline bint self_third(unsigned int letter, Py_UCS4 third) noexcept:
    """THIRD[SELF_GROUP][letter][pair_code(third, True)]"""
    if third < 256:
        return SELF_THIRD[letter][third] != 0
    return THIRD[SELF_GROUP][letter][pair_code(third, True)] != 0


cdef list find_persons(str text):
    global FACTS_CALL
    cdef Text t = text_of(text)
    FACTS_CALL += 1
    if t.kind == 1:
        return persons_in(text, &t, <const Py_UCS1 *> t.data)
    if t.kind == 2:
        return persons_in(text, &t, <const Py_UCS2 *> t.data)
    return persons_in(text, &t, <const Py_UCS4 *> t.data)


cdef inline Py_ssize_t word_end_in(const unit *s, Py_ssize_t n, Py_ssize_t i) noexcept:
    """Where the run of `\\w` from i ends."""
    cdef Py_UCS4 c
    if unit is Py_UCS1:
        while i + 4 <= n:  # four at a time: one bounds test for four reads
            if not WORD_LATIN1[s[i]]:
                return i
            if not WORD_LATIN1[s[i + 1]]:
                return i + 1
            if not WORD_LATIN1[s[i + 2]]:
                return i + 2
            if not WORD_LATIN1[s[i + 3]]:
                return i + 3
            i += 4
        while i < n and WORD_LATIN1[s[i]]:
            i += 1
    else:
        while i < n:
            c = s[i]
            if c < 256:
                if not WORD_LATIN1[c]:
                    break
            elif not is_word(c):
                break
            i += 1
    return i


cdef bint speaker_may_follow(const unit *s, Py_ssize_t n, Py_ssize_t k, Py_ssize_t e) noexcept:
    """SPEAKER can match from the capital at k, whose \\w run ends at e: each TOKEN's letters are such a run, then
    ':' and a blank, or a space and the next TOKEN's capital (three TOKENs at most), or a character that lets the
    TOKEN go on ('-'; an apostrophe or '.' only right after its first capital), which speaker_at then reads"""
    cdef Py_ssize_t words = 1
    cdef Py_UCS4 d
    while True:
        d = unit_at(s, n, e)
        if d == 58:
            d = unit_at(s, n, e + 1)
            return d == 32 or d == 9
        if d == 45 or ((d == 39 or d == 0x2019 or d == 46) and e == k + 1):
            return True
        if d != 32 or words == 3 or not is_up(unit_at(s, n, e + 1)):
            return False
        k = e + 1
        e = word_end_in(s, n, k + 1)
        words += 1


cdef list persons_in(str text, const Text *text_data, const unit *s):
    """find_persons over the text's code points as its kind stores them (`s`), read without testing the kind at
    each one."""
    cdef Text t = text_data[0]
    cdef Py_ssize_t n = t.n, i = 0, next_i, j, k, r, e, end, words
    cdef Py_ssize_t multi_end = 0, title_end = 0, self_end = 0, sign_off_end = 0, list_end = 0
    cdef Py_ssize_t email_end = 0, tail_stop = -1, comma_end = 0, speaker_end = 0, verb_end = 0
    cdef Py_ssize_t run_starts[RUN_ROOM]
    cdef Py_ssize_t run_ends[RUN_ROOM]
    cdef Py_UCS4 c, prev = 0, last_char, d
    cdef unsigned int folded
    cdef int f
    cdef bint follows, line_start
    cdef bint has_lt, has_at
    cdef bint title_gate_sure = False
    cdef int self_gate = -1, list_gate = -1, verb_gate = -1
    # each list made when it first gets an item: a request makes as few objects as it can
    cdef list found = [], title_ends = None, sign_off_ends = None, field_ends = None
    cdef list self_found = None, list_found = None, email_found = None, comma_found = None, speaker_found = None
    cdef list verb_found = None
    cdef object m
    cdef unsigned char skip
    # SELF_CUE read backwards from the name after it (a one-byte text): a word's first letters then say nothing
    cdef bint self_backward = unit is Py_UCS1 and SELF_BACKWARD
    cdef const unsigned char *skip_class = &SKIP_CLASS_BACKWARD[0] if self_backward else &SKIP_CLASS[0]
    if unit is Py_UCS1:
        has_lt = memchr(<const void *> s, 60, <size_t> n) != NULL
        has_at = memchr(<const void *> s, 64, <size_t> n) != NULL
    else:
        has_lt = "<" in text
        has_at = "@" in text
    while i < n:
        line_start = i == 0 or prev == 10 or (has_lt and prev == 62)
        if not line_start:
            # step over what none of the tests below would act on (see SKIP_CLASS), prev kept as they leave it
            while i < n:
                c = s[i]
                skip = skip_class[c] if c < 256 else SKIP_NONE
                if skip == SKIP_WORD or (
                        skip == SKIP_SELF_LETTER and (self_backward or not (self_pair(<unsigned int> c - 97, unit_at(s, n, i + 1))
                                                          and self_third(<unsigned int> c - 97, unit_at(s, n, i + 2))))):
                    # the commonest first
                    j = word_end_in(s, n, i + 1)
                    if j < n and s[j] == 32:
                        prev = 32
                        i = j + 1
                    else:
                        prev = s[j - 1]
                        i = j
                elif skip == SKIP_MARK:
                    prev = c
                    i += 1
                elif skip == SKIP_SPACE:
                    if is_low(prev):
                        break
                    prev = 32
                    i += 1
                elif skip == SKIP_LINE_MARK:
                    prev = c  # a line may start after it: the loop below looks
                    i += 1
                    line_start = c == 10 or has_lt
                    break
                else:
                    break
            if i >= n:
                break
        c = unit_at(s, n, i)
        if is_word_fast(c):
            # a word starts: nothing else starts within it, so the loop goes on at its end
            next_i = word_end_in(s, n, i + 1)
            last_char = unit_at(s, n, next_i - 1)
            # MULTI_RUN: a capital after none of [\w@.-], two or more words
            # (a second word needs a space and a capital right after this TOKEN, which ends where this \w run
            # does, or goes on with '-', or with an apostrophe or '.' right after its first capital)
            d = unit_at(s, n, next_i)
            if (i >= multi_end and is_up(c) and prev != 64 and prev != 46 and prev != 45 and (
                    (d == 32 and is_up(unit_at(s, n, next_i + 1))) or d == 45
                    or ((d == 39 or d == 0x2019 or d == 46) and next_i == i + 1))):
                end = run_end(&t, i, &words, run_starts, run_ends, RUN_ROOM)
                if words >= 2:
                    multi_end = end
                    if words <= RUN_ROOM:
                        run_names(found, &t, text, run_starts, run_ends, words)
                    else:
                        in_run(found, &t, text, i, end)
            # TITLE_CUE: a greeting's or title's first word, whole
            if c < 128 and TITLE_LETTER[c] and i >= title_end:
                j = next_i
                d = unit_at(s, n, j)
                # (a word of a length no title word of its first letter has is none)
                if j - i <= TITLE_LONGEST and (d == 32 or d == 44 or d == 46) and (TITLE_LENGTHS[c] >> (j - i)) & 1:
                    follows = capital_follows(&t, j)
                    # an opener counts only as a two-word greeting's: its second word then needs what capital_follows says
                    if follows or (TITLE_OPENER_LETTER[c] and d == 32 and capital_follows(&t, word_end_in(s, n, j + 1))):
                        f = word_flags(&t, i, j, AS_WRITTEN)
                        if (f & TITLE_KEY) and (follows or (f & OPENER_KEY)):
                            e = title_cue_end(&t, i)
                            if e >= 0:
                                title_end = e
                                if title_ends is None:
                                    title_ends = []
                                title_ends.append(title_end)
                                if j - i > 1 or d == 46:
                                    title_gate_sure = True
            # SELF_CUE
            if (self_backward and self_gate != 0 and prev == 32 and i >= self_end + 2
                    and is_up(c)):
                # SELF_CUE, read backwards from the name it is followed by
                j = self_cue_before(<const Py_UCS1 *> s, n, i, self_end)
                e = i if j >= 0 and token_end(&t, i) >= 0 else -1
            else:
                e = -1
            folded = 0 if self_backward else ascii_fold(c)
            if (folded and PAIR[SELF_GROUP][folded - 97][pair_code(unit_at(s, n, i + 1), True)] and i >= self_end
                    and self_gate != 0 and self_phrase_at(&t, i, folded)):
                e = self_cue_end(&t, i)
                if e == CUE_UNSURE:
                    m = SELF_MATCH(text, i)
                    e = -1 if m is None else m.end()
            if e >= 0:
                if self_gate < 0:
                    self_gate = mentions(text, SELF_WORDS) if unsafe_text(&t) else mentioned(&t, SELF_WORDS_GROUP)
                if self_gate:
                    self_end = e
                    end = run_at(&t, self_end)
                    if end >= 0 and known_bits(facts(&t, text, self_end, token_end(&t, self_end))):
                        if self_found is None:
                            self_found = []
                        leading_name(self_found, &t, text, self_end, end, True)
            if unit_at(s, n, next_i) == 32:
                # the space after the word, at once: only NAME_BEFORE_VERB looks at it, and only after a word opening
                # with a capital (a TOKEN's last capitalised part starts its \w run: a space, '-' or an apostrophe
                # precedes it, or it is within the run of "McDonald" that the TOKEN's capital opens)
                if (verb_gate != 0 and is_up(c) and verb_first(unit_at(s, n, next_i + 1))
                        and verb_may_follow(&t, next_i, last_char)):
                    if verb_found is None:
                        verb_found = []
                    verb_cue(verb_found, &t, text, next_i, &verb_gate, &verb_end)
                next_i += 1
                last_char = 32
        else:
            next_i = i + 1
            last_char = c
            if c < 128:
                if c == 32:
                    if verb_gate != 0 and verb_first(unit_at(s, n, i + 1)) and verb_may_follow(&t, i, prev):
                        if verb_found is None:
                            verb_found = []
                        verb_cue(verb_found, &t, text, i, &verb_gate, &verb_end)
                elif c == 58 or c == 61:
                    # FIELD_MARK, then LABEL_BEFORE and FIELD_LABELS
                    k = skip_blanks(&t, i + 1)
                    end = -1
                    d = unit_at(s, n, k)
                    if d == 34 or d == 39:
                        if is_up(unit_at(s, n, k + 1)) and token_end(&t, k + 1) >= 0:
                            end = k + 1
                    elif is_up(d) and token_end(&t, k) >= 0:
                        end = k
                    if end >= 0:
                        j = i - 1
                        if unit_at(s, n, j) == 10:
                            j -= 1
                        if unit_at(s, n, j) == 32:
                            j -= 1
                        d = unit_at(s, n, j)
                        if d == 34 or d == 39:
                            j -= 1
                        r = j + 1
                        while r > 0 and is_label_letter(unit_at(s, n, r - 1)):
                            r -= 1
                        if r <= j and r >= i - 26 and word_flags(&t, r, j + 1, LOWERED) & LABEL_WORD_KEY:
                            r = label_start(&t, i, j)
                            if r >= 0 and word_flags(&t, r, j + 1, LABEL_FORM) & LABEL_KEY:
                                if field_ends is None:
                                    field_ends = []
                                field_ends.append(end)
                elif c == 44:
                    # SURNAME_COMMA_GIVEN
                    if unit_at(s, n, i + 1) == 32 and is_up(unit_at(s, n, i + 2)):
                        if comma_found is None:
                            comma_found = []
                        find_comma_name(comma_found, &t, text, i, &comma_end)
                elif (c == 60 or c == 40 or c == 91) and has_at:
                    # NAME_BEFORE_EMAIL: a bracket opening "local@"
                    if i >= tail_stop:
                        tail_stop = i + 1
                        while tail_stop < n:
                            d = unit_at(s, n, tail_stop)
                            if is_space(d) or d == 60 or d == 62 or d == 40 or d == 41 or d == 64:
                                break
                            tail_stop += 1
                    if tail_stop > i + 1 and unit_at(s, n, tail_stop) == 64:
                        e = i - 1 if unit_at(s, n, i - 1) == 32 else i
                        r = e
                        while r > 0 and (is_token_char(unit_at(s, n, r - 1)) or unit_at(s, n, r - 1) == 32):
                            r -= 1
                        if r < email_end:
                            r = email_end
                        if e - r >= 5:
                            r = name_before_bracket(&t, r, e)
                            if r >= 0:
                                email_end = tail_stop + 1
                                if email_found is None:
                                    email_found = []
                                leading_name(email_found, &t, text, r, e, True)
        if line_start:  # i == 0 or prev == 10 or (has_lt and prev == 62), prev as the step-over left it
            k = skip_blanks(&t, i)
            if k < n:
                d = unit_at(s, n, k)
                j = after_tag(&t, k) if d == 60 else k
                if (i >= sign_off_end and may_open(SIGN_OFF_GROUP, char_at(&t, j)) and may_phrase(&t, j, SIGN_OFF_GROUP)
                        and phrase_at(&t, j, SIGN_OFF_GROUP, True)):
                    e = sign_off_match_end(&t, i)
                    if e == CUE_UNSURE:
                        m = SIGN_OFF_MATCH(text, i)
                        e = -1 if m is None else m.end()
                    if e >= 0:
                        sign_off_end = e if e > i else i + 1
                        if sign_off_ends is None:
                            sign_off_ends = []
                        sign_off_ends.append(e)
                if i == 0 or prev == 10:
                    if (i >= list_end and list_gate != 0 and may_open(LIST_GROUP, d) and may_phrase(&t, k, LIST_GROUP)
                            and phrase_at(&t, k, LIST_GROUP, True)):
                        e = list_cue_end(&t, i)
                        if e == CUE_UNSURE:
                            m = LIST_MATCH(text, i)
                            e = -1 if m is None else m.end()
                        if e >= 0:
                            list_end = e if e > i else i + 1
                            if list_gate < 0:  # names._mentions_list_word
                                list_gate = unsafe_text(&t) or mentioned(&t, LIST_WORDS_GROUP)
                            if list_gate:
                                if list_found is None:
                                    list_found = []
                                list_names(list_found, &t, text, e)
                    # SPEAKER opens with a bullet, a '[' or a TOKEN's capital (speaker_at returns at once otherwise)
                    if i >= speaker_end and (is_up(d) or d == 91 or d == 45 or d == 42 or d == 0x2022):
                        follows = True
                        if is_up(d):
                            # the first TOKEN's letters are the \w run from k: past it, ':', a space and a capital,
                            # or a character that lets the TOKEN go on, else no speaker
                            e = word_end_in(s, n, k + 1)
                            d = unit_at(s, n, e)
                            follows = speaker_may_follow(s, n, k, e)
                        if follows:
                            speaker_found = speaker_at(speaker_found, &t, text, k, &speaker_end)
        prev = last_char
        i = next_i

    if title_ends is not None and (title_gate_sure or TITLE_GATE_SEARCH(text) is not None):
        for end in title_ends:
            cue_name(found, &t, text, end)
    if sign_off_ends is not None:
        for end in sign_off_ends:
            cue_name(found, &t, text, end)
    if field_ends is not None:
        for end in field_ends:
            cue_name(found, &t, text, end)
    add_all(found, self_found)
    add_all(found, list_found)
    add_all(found, email_found)
    add_all(found, comma_found)
    add_all(found, speaker_found)
    add_all(found, verb_found)
    return found


cdef inline int add_all(list found, list more) except -1:
    if more is not None:
        found.extend(more)
    return 0


cdef int name_before_verb(list found, const Text *t, str text, Py_ssize_t start, Py_ssize_t end) except -1:
    """NAME_BEFORE_VERB's test of its two words (text[start:end], one space between)."""
    cdef Py_ssize_t space = start
    cdef int first, last
    while char_at(t, space) != 32:
        space += 1
    first = facts(t, text, start, space)
    last = facts(t, text, space + 1, end)
    if (first & (PLAIN | UPPER)) == PLAIN and (last & (PLAIN | UPPER)) == PLAIN:
        found.append(person(start, end, 2))
    return 0


cdef inline bint is_label_letter(Py_UCS4 c) noexcept:
    """`[A-Za-zäöüéè]`"""
    return 65 <= c <= 90 or 97 <= c <= 122 or c == 0xE4 or c == 0xF6 or c == 0xFC or c == 0xE9 or c == 0xE8


cdef int list_names(list found, const Text *t, str text, Py_ssize_t pos) except -1:
    """The names after a LIST_CUE, one per ", "."""
    cdef Py_ssize_t end
    while True:
        end = run_at(t, pos)
        if end < 0:
            break
        leading_name(found, t, text, pos, end, True)
        if not (char_at(t, end) == 44 and char_at(t, end + 1) == 32):
            break
        pos = end + 2
    return 0


cdef int cue_name(list found, const Text *t, str text, Py_ssize_t pos) except -1:
    """HONORIFIC_PREFIX.match, then RUN.match after it, and the run's leading name. Each honorific is a whole
    word (its letters are followed by '.' or a space), so it is the word at pos."""
    cdef Py_ssize_t word_end, after, end
    while True:
        word_end = pos
        while word_end - pos <= HONORIFIC_LONGEST and is_word(char_at(t, word_end)):
            word_end += 1
        if word_end == pos or word_end - pos > HONORIFIC_LONGEST:
            break
        after = word_end + 1 if char_at(t, word_end) == 46 else word_end
        if not (char_at(t, after) == 32 and word_flags(t, pos, word_end, AS_WRITTEN) & HONORIFIC_KEY):
            break
        pos = after + 1
    end = run_at(t, pos)
    if end >= 0:
        leading_name(found, t, text, pos, end, True)
    return 0


cdef inline bint capital_follows(const Text *t, Py_ssize_t j) noexcept:
    """After a one-word greeting or a title ending at j, what TITLE_CUE needs: ' ', ', ' or '. ', then a capital
    (a title's or the name's)."""
    if char_at(t, j) != 32:
        if char_at(t, j + 1) != 32:
            return False
        j += 1
    return is_up(char_at(t, j + 1))


cdef list speaker_at(list found, const Text *t, str text, Py_ssize_t k, Py_ssize_t *last_end):
    """SPEAKER at the line whose first non-blank character is k: `[-*•][ \t]+` (a bullet), `\[[^\]\n]{1,30}\] ?`
    (a bracket), then one to three TOKENs (the speaker), ':' and a space or tab. Each piece is taken whole when
    it is there: giving any of it back leaves a blank, ']' or ':' where the next piece needs another character.
    Tests the speaker, its finding added to `found` (made when None); sets last_end where the match ends, when
    there is one. Returns `found`."""
    cdef Py_ssize_t p = k, q, start, end, nxt, words = 1, bracket = -1, bracket_end = -1
    cdef Py_UCS4 c = char_at(t, k)
    if c == 45 or c == 42 or c == 0x2022:
        p = skip_blanks(t, k + 1)
        if p == k + 1 or p >= t.n:
            return found
    if char_at(t, p) == 91:
        q = p + 1
        while q < t.n and q - p <= 31 and char_at(t, q) != 93 and char_at(t, q) != 10:
            q += 1
        if not (char_at(t, q) == 93 and 1 < q - p <= 31):
            return found
        bracket = p
        bracket_end = q + 1
        p = q + 2 if char_at(t, q + 1) == 32 else q + 1
    start = p
    end = token_end(t, start)
    if end < 0:
        return found
    while words < 3 and char_at(t, end) == 32 and is_up(char_at(t, end + 1)):
        nxt = token_end(t, end + 1)
        if nxt < 0:
            break
        end = nxt
        words += 1
    c = char_at(t, end + 1)
    if not (char_at(t, end) == 58 and (c == 32 or c == 9)):
        return found
    last_end[0] = end + 2
    if speaker_is_name(t, text, start, end, words, bracket, bracket_end):
        if found is None:
            found = []
        found.append(person(start, end, 2))
    return found


cdef Py_ssize_t label_start(const Text *t, Py_ssize_t mark, Py_ssize_t last) noexcept:
    """LABEL_BEFORE.search(text, max(0, mark - 26), mark) when its group must end at `last` (what follows is the
    optional quote, space and line break its tail allows): where the group starts, or -1. The leftmost start that
    works: a label letter after a delimiter (or the text's start), every character to `last` a label character,
    25 at most (the lazy group is as short as its end allows, and that end is `last`)."""
    cdef Py_ssize_t g = last, low = mark - 26
    cdef Py_UCS4 c
    if low < last - 24:
        low = last - 24
    if low < 0:
        low = 0
    while g > low and is_label_char(char_at(t, g - 1)):
        g -= 1
    while g <= last:
        if is_label_letter(char_at(t, g)):
            if g == 0:
                return g
            c = char_at(t, g - 1)
            if is_space(c) or c == 40 or c == 91 or c == 124 or c == 59 or c == 123 or c == 44 or c == 34 or c == 39:
                return g
        g += 1
    return -1


cdef inline bint is_label_char(Py_UCS4 c) noexcept:
    """`[A-Za-zäöüéè _]`"""
    return is_label_letter(c) or c == 32 or c == 95


cdef bint speaker_is_name(const Text *t, str text, Py_ssize_t start, Py_ssize_t end, Py_ssize_t words,
                          Py_ssize_t bracket, Py_ssize_t bracket_end) except -1:
    """SPEAKER's test of its speaker (text[start:end], `words` TOKENs) and optional "[...]" prefix."""
    cdef Py_ssize_t head_end = start, tail_start = end
    cdef int head, tail
    while char_at(t, head_end) != 32 and head_end < end:
        head_end += 1
    while tail_start > start and char_at(t, tail_start - 1) != 32:
        tail_start -= 1
    head = facts(t, text, start, head_end)
    if given_bits(head) or (words > 1 and (head & (IN_GIVEN | PLAIN)) and (
            facts(t, text, tail_start, end) & (PLAIN | SURNAME))) or (
        timestamped(t, bracket, bracket_end) and words == 1 and head_end - start > 2 and (head & PLAIN)
    ):
        return True
    return False


cdef bint timestamped(const Text *t, Py_ssize_t bracket, Py_ssize_t bracket_end) noexcept:
    """names._timestamped for the bracket text[bracket:bracket_end] (none when bracket < 0)"""
    cdef Py_ssize_t k
    if bracket < 0:
        return False
    for k in range(bracket, bracket_end):
        if Py_UNICODE_ISDIGIT(char_at(t, k)):
            return True
    return False


cdef int find_comma_name(list found, const Text *t, str text, Py_ssize_t comma,
                         Py_ssize_t *last_end) except -1:
    """SURNAME_COMMA_GIVEN with its ", " at `comma`, tried from last_end on (finditer's order)."""
    cdef Py_ssize_t run_start = comma, s, g = comma + 2, e
    cdef Py_UCS4 c
    cdef int last, first
    while run_start > 0 and is_name_char(char_at(t, run_start - 1)):
        run_start -= 1
    s = run_start if run_start > last_end[0] else last_end[0]
    # group 1: the leftmost capital after none of [\w-], one name character or more before the comma
    while s < comma - 1:
        c = char_at(t, s - 1)
        if is_up(char_at(t, s)) and not (is_word(c) or c == 45):
            break
        s += 1
    if s >= comma - 1:
        return 0
    # group 2: greedy, given back to an apostrophe when a word character or '-' follows
    e = g + 1
    while e < t.n and is_name_char(char_at(t, e)):
        e += 1
    if e == g + 1:
        return 0
    c = char_at(t, e)
    if is_word(c) or c == 45:
        e -= 1
        while e > g + 1 and char_at(t, e) != 39:
            e -= 1
        if e <= g + 1:
            return 0
    last_end[0] = e
    first = facts(t, text, g, e)
    last = facts(t, text, s, comma)
    if given_bits(first) and (last & SURNAME) and ((last & UPPER) == (first & UPPER)):
        found.append(person(s, e, 1))
    return 0


class PersonRecogniser:
    def find(self, str text):
        return find_persons(text)


TWINS = twins_where_unchanged({names.PersonRecogniser: (PersonRecogniser, _drift)})

