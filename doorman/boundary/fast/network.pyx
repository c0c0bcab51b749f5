# cython: language_level=3, wraparound=False
"""doorman.boundary.network's recognisers, compiled: the same findings in the same order.

IPV4 and IPV6 are decided in C (their patterns ported with their look-arounds and backtracking order, and
ipaddress.IPv6Address's parse ported for the check on an IPv6 match); a URL is found in C from its '://'
and handed to the reference's own patterns, which say whether it carries a secret.
"""

from cpython.unicode cimport PyUnicode_FindChar
from libc.string cimport memchr, memcpy

from doorman.boundary import network
from doorman.boundary.findings import Finding

from doorman.boundary.fast.chars cimport (
    Text, changed_patterns, char_at, digits_from, is_digit, is_space, is_word, new_finding, text_of,
    twins_where_unchanged,
)

cdef object DSN_MATCH = network.DSN_PASSWORD.match
cdef object USERINFO_MATCH = network.URL_USERINFO.match
cdef object SECRET_PARAM_SEARCH = network.URL_SECRET_PARAM.search
cdef object SECRET_PATH_SEARCH = network.URL_SECRET_PATH.search
cdef object VERSION_CONTEXT = network._version_context


cdef inline Py_ssize_t find_char(str text, const Text *t, Py_UCS4 ch, Py_ssize_t start):
    """text.find(ch, start) for an ASCII ch: memchr itself on a 1-byte text."""
    cdef const char *data
    cdef const char *p
    if t.kind == 1:
        if start >= t.n:
            return -1
        data = <const char *> t.data
        p = <const char *> memchr(data + start, <int> ch, <size_t> (t.n - start))
        return -1 if p == NULL else p - data
    return PyUnicode_FindChar(text, ch, start, t.n, 1)


cdef extern from *:
    """
    /* bit k (k < 59): byte k + 1 of the sixty-four at s is '.', an ASCII digit on either side, and another '.'
       two to four bytes on (as the first '.' of every IPV4 match) */
    static inline unsigned long long doorman_network_dots64(const unsigned char *s) {
        unsigned long long p = doorman_eq64(s, '.'), d;
        if (!p)
            return 0;
        p &= (p >> 2) | (p >> 3) | (p >> 4);
        if (!p)  /* most text: no two '.' so close, and no digits to look at */
            return 0;
        d = doorman_within64(s, '0', '9');
        return (p & (d << 1) & (d >> 1)) >> 1;
    }
    /* The first k from i where doorman_network_dots64 holds for k, or n (read from the byte before, which the
       digit before the '.' needs) */
    static Py_ssize_t doorman_network_next_dot(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) {
        Py_ssize_t b = i > 1 ? i - 1 : 0, k = doorman_first_marked(s + b, 0, n - b, doorman_network_dots64, 59);
        return k < n - b ? b + 1 + k : n;
    }
    /* bit k: byte k of the sixty-four at s is ':' and so is one of the five after it (k < 59) */
    static inline unsigned long long doorman_network_colons64(const unsigned char *s) {
        unsigned long long c = doorman_eq64(s, ':');
        if (!c)  /* most blocks */
            return 0;
        return c & ((c >> 1) | (c >> 2) | (c >> 3) | (c >> 4) | (c >> 5));
    }
    static Py_ssize_t doorman_network_next_colon(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) {
        return doorman_first_marked(s, i, n, doorman_network_colons64, 59);
    }
    /* bit k (k < 62): s[k:k + 3] is "://" */
    static inline unsigned long long doorman_network_schemes64(const unsigned char *s) {
        unsigned long long c = doorman_eq64(s, ':'), m;
        if (!c)  /* most blocks: no ':', no need to look for '/' */
            return 0;
        m = doorman_eq64(s, '/');
        return c & (m >> 1) & (m >> 2);
    }
    static Py_ssize_t doorman_network_next_scheme_end(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) {
        return doorman_first_marked(s, i, n, doorman_network_schemes64, 62);
    }
    """
    Py_ssize_t simd_next_scheme_end "doorman_network_next_scheme_end"(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) noexcept nogil
    Py_ssize_t simd_next_dot "doorman_network_next_dot"(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) noexcept nogil
    Py_ssize_t simd_next_colon "doorman_network_next_colon"(const unsigned char *s, Py_ssize_t i, Py_ssize_t n) noexcept nogil


# `\\d` in a one-byte text is an ASCII digit (checked here: else the sixty-four-at-a-time search is not used)
cdef bint LATIN1_DIGITS_ASCII = all(chr(c).isdecimal() == (48 <= c <= 57) for c in range(256))


cdef inline Py_ssize_t next_dot(str text, const Text *t, Py_ssize_t start) noexcept:
    """The next '.' from start; on a one-byte text, only one with a digit on either side and another '.' two
    to four on (as the first '.' of every IPV4 match has: the others find nothing), sixty-four bytes at a time.
    -1 when none."""
    cdef Py_ssize_t k
    if t.kind == 1 and LATIN1_DIGITS_ASCII:
        k = simd_next_dot(<const unsigned char *> t.data, start, t.n)
        return -1 if k >= t.n else k
    return find_char(text, t, 46, start)


cdef inline Py_ssize_t next_colon(str text, const Text *t, Py_ssize_t start) noexcept:
    """The next ':' from start; on a one-byte text, only one with another ':' among the five characters after
    it (as every IPV6 ':' the search looks at has), sixty-four bytes at a time. -1 when none."""
    cdef Py_ssize_t k
    if t.kind == 1:
        k = simd_next_colon(<const unsigned char *> t.data, start, t.n)
        return -1 if k >= t.n else k
    return find_char(text, t, 58, start)


cdef Py_ssize_t unaddressed_run_end(const Text *t, Py_ssize_t start) noexcept:
    """The end of the run from start of hex digits, ':', '.' and '/' (all an IPV6 match holds), when the run
    holds no '::' and fewer than six ':' (so no match in it is an address: ipaddress needs '::', or eight
    hextets, or six and an IPv4 suffix); else -1."""
    cdef Py_ssize_t p = start, colons = 0
    cdef Py_UCS4 c, before = 0
    while True:
        c = char_at(t, p)
        if c == 58:
            if before == 58:
                return -1
            colons += 1
            if colons >= 6:
                return -1
        elif not (hex_digit(c) or c == 46 or c == 47):
            return p
        before = c
        p += 1


cdef inline Py_ssize_t find_scheme_end(str text, const Text *t, Py_ssize_t start):
    """text.find("://", start): sixty-four bytes at a time on a one-byte text, else from each ':'."""
    cdef Py_ssize_t k
    if t.kind == 1:
        k = simd_next_scheme_end(<const unsigned char *> t.data, start, t.n)
        return -1 if k >= t.n else k
    k = find_char(text, t, 58, start)
    while k >= 0:
        if char_at(t, k + 1) == 47 and char_at(t, k + 2) == 47:
            return k
        k = find_char(text, t, 58, k + 1)
    return -1


cdef inline bint hex_digit(Py_UCS4 c) noexcept:
    """`[0-9A-Fa-f]` (c | 32 folds 'A'-'F' onto 'a'-'f' and nothing else onto them)"""
    cdef unsigned int u = c
    return u - 48 < 10 or (u | 32) - 97 < 6


cdef inline Py_ssize_t hex_from(const Text *t, Py_ssize_t p, Py_ssize_t most) noexcept:
    """How many `[0-9A-Fa-f]` (at most `most`) follow from p."""
    cdef Py_ssize_t k = 0
    while k < most and hex_digit(char_at(t, p + k)):
        k += 1
    return k


# ---- IPv4 ----

cdef inline int octet_lengths(const Text *t, Py_ssize_t p, Py_ssize_t *lengths) noexcept:
    """The lengths `(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)` can match at p, in the order `re` tries them."""
    cdef Py_UCS4 c0 = char_at(t, p), c1 = char_at(t, p + 1), c2 = char_at(t, p + 2)
    cdef int count = 0
    if (
        (c0 == 50 and c1 == 53 and 48 <= c2 <= 53)
        or (c0 == 50 and 48 <= c1 <= 52 and is_digit(c2))
        or (c0 == 49 and is_digit(c1) and is_digit(c2))
    ):
        lengths[count] = 3
        count += 1
    if 49 <= c0 <= 57 and is_digit(c1):
        lengths[count] = 2
        count += 1
    if is_digit(c0):
        lengths[count] = 1
        count += 1
    return count


cdef inline bint ipv4_may_end(const Text *t, Py_ssize_t e) noexcept:
    """`(?![\\w\\-]|\\.\\d)` at e."""
    cdef Py_UCS4 c = char_at(t, e)
    if is_word(c) or c == 45:
        return False
    return not (c == 46 and is_digit(char_at(t, e + 1)))


cdef Py_ssize_t ipv4_from(const Text *t, Py_ssize_t p, int octet) noexcept:
    """End of IPV4's match from its `octet`-th octet at p to the end, or -1."""
    cdef Py_ssize_t lengths[3]
    cdef int count = octet_lengths(t, p, lengths), k
    cdef Py_ssize_t e, d, end
    for k in range(count):
        end = p + lengths[k]
        if octet < 3:
            if char_at(t, end) == 46:
                e = ipv4_from(t, end + 1, octet + 1)
                if e >= 0:
                    return e
            continue
        if char_at(t, end) == 47:  # (?:/\d{1,2})?, the longer first
            for d in range(digits_from(t, end + 1, 2), 0, -1):
                if ipv4_may_end(t, end + 1 + d):
                    return end + 1 + d
        if ipv4_may_end(t, end):
            return end
    return -1


cdef bint ascii_window_lower(const Text *t, Py_ssize_t lo, Py_ssize_t hi, unsigned char *out) noexcept:
    """Copy text[lo:hi] lower-cased into out, when it is all ASCII (else False: str.lower may change it)."""
    cdef Py_ssize_t k
    cdef unsigned int c
    for k in range(lo, hi):
        c = char_at(t, k)
        if c >= 128:
            return False
        out[k - lo] = <unsigned char>(c + 32 if 65 <= c <= 90 else c)
    return True


cdef int version_context(str text, const Text *t, Py_ssize_t start) except -1:
    """network._version_context: 'v' or 'version' in the nine characters before start."""
    cdef unsigned char before[9]
    cdef Py_ssize_t lo = start - 9 if start > 9 else 0, size = start - lo, k, j
    cdef const char *version = b"version"
    cdef bint same
    if not ascii_window_lower(t, lo, start, before):
        return bool(VERSION_CONTEXT(text, start))
    if size > 0 and before[size - 1] == 118:
        return True
    for k in range(size - 6):
        same = True
        for j in range(7):
            if before[k + j] != <unsigned char>version[j]:
                same = False
                break
        if same:
            return True
    return False


cdef bint starts_with(const Text *t, Py_ssize_t start, Py_ssize_t end, const char *prefix, Py_ssize_t size) noexcept:
    cdef Py_ssize_t k
    if end - start < size:
        return False
    for k in range(size):
        if char_at(t, start + k) != <Py_UCS4>prefix[k]:
            return False
    return True


cdef bint not_identifying(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """The match starts with one of network._NOT_IDENTIFYING_V4."""
    return (
        starts_with(t, start, end, b"127.", 4)
        or starts_with(t, start, end, b"0.0.0.0", 7)
        or starts_with(t, start, end, b"255.255.255.255", 15)
    )


# ---- IPv6 ----

cdef inline bint ipv6_may_end(const Text *t, Py_ssize_t e) noexcept:
    """`(?![\\w:])` at e."""
    cdef Py_UCS4 c = char_at(t, e)
    return not (is_word(c) or c == 58)


cdef Py_ssize_t ipv6_prefix_end(const Text *t, Py_ssize_t p) noexcept:
    """`(?:/\\d{1,3})?(?![\\w:])` at p: the match's end, or -1."""
    cdef Py_ssize_t d
    if char_at(t, p) == 47:
        for d in range(digits_from(t, p + 1, 3), 0, -1):
            if ipv6_may_end(t, p + 1 + d):
                return p + 1 + d
    return p if ipv6_may_end(t, p) else -1


cdef Py_ssize_t ipv6_rest(const Text *t, Py_ssize_t q) noexcept:
    """`(?:[0-9A-Fa-f]{1,4}|(?:\\d{1,3}\\.){3}\\d{1,3})?` and the prefix at q: the match's end, or -1."""
    cdef Py_ssize_t k, e, p, d
    for k in range(hex_from(t, q, 4), 0, -1):
        e = ipv6_prefix_end(t, q + k)
        if e >= 0:
            return e
    p = q
    for k in range(3):
        d = digits_from(t, p, 3)
        if d == 0 or char_at(t, p + d) != 46:
            break
        p += d + 1
    else:
        for d in range(digits_from(t, p, 3), 0, -1):
            e = ipv6_prefix_end(t, p + d)
            if e >= 0:
                return e
    return ipv6_prefix_end(t, q)


cdef Py_ssize_t ipv6_match(const Text *t, Py_ssize_t i) noexcept:
    """End of IPV6's match at i, or -1. Each `[0-9A-Fa-f]{0,4}:` step matches one way or none, so the steps
    are fixed; the greedy count gives back one step at a time."""
    cdef Py_UCS4 c = char_at(t, i), before
    cdef Py_ssize_t steps[7]
    cdef Py_ssize_t p, h, e
    cdef int count = 0, k
    if not (hex_digit(c) or c == 58):
        return -1
    if i > 0:
        before = char_at(t, i - 1)
        if is_word(before) or before == 58 or before == 46:
            return -1
    if c == 58:
        p = i + 1
    else:
        h = hex_from(t, i + 1, 4)
        if h > 3 or char_at(t, i + 1 + h) != 58:
            return -1
        p = i + 2 + h
    steps[0] = p
    while count < 6:
        h = hex_from(t, steps[count], 5)
        if h > 4 or char_at(t, steps[count] + h) != 58:
            break
        steps[count + 1] = steps[count] + h + 1
        count += 1
    for k in range(count, 0, -1):
        e = ipv6_rest(t, steps[k])
        if e >= 0:
            return e
    return -1


cdef bint ipv4_octets_valid(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """ipaddress.IPv4Address(text[start:end]) parses: four dotted octets, ASCII digits, no leading zero, <= 255."""
    cdef Py_ssize_t p = start, q, octets = 0, value, k
    cdef unsigned int c
    while True:
        q = p
        while q < end and char_at(t, q) != 46:
            q += 1
        octets += 1
        if octets > 4 or q == p or q - p > 3:
            return False
        value = 0
        for k in range(p, q):
            c = char_at(t, k)
            if not (48 <= c <= 57):
                return False
            value = value * 10 + (c - 48)
        if q - p > 1 and char_at(t, p) == 48:
            return False
        if value > 255:
            return False
        if q == end:
            break
        p = q + 1
    return octets == 4


cdef bint hextet_valid(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """ipaddress._BaseV6._parse_hextet accepts text[start:end]: one to four ASCII hex digits."""
    cdef Py_ssize_t k
    if end <= start or end - start > 4:
        return False
    for k in range(start, end):
        if not hex_digit(char_at(t, k)):
            return False
    return True


cdef bint ipv6_valid(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """network._is_ipv6(text[start:end]): ipaddress.IPv6Address parses it (its steps, in its order) and it is
    six characters or more."""
    cdef Py_ssize_t part_start[11]
    cdef Py_ssize_t part_end[11]
    cdef bint synthetic[11]
    cdef Py_ssize_t parts = 0, p = start, q, k, skip = -1, hi, lo
    if end - start < 6:
        return False
    while True:  # value.split(':')
        q = p
        while q < end and char_at(t, q) != 58:
            q += 1
        if parts == 10:
            return False  # more than 9 parts: too many, the IPv4 suffix only adds one
        part_start[parts] = p
        part_end[parts] = q
        synthetic[parts] = False
        parts += 1
        if q == end:
            break
        p = q + 1
    if parts < 3:
        return False
    for k in range(part_start[parts - 1], part_end[parts - 1]):
        if char_at(t, k) == 46:  # an IPv4 suffix stands for two hextets
            if not ipv4_octets_valid(t, part_start[parts - 1], part_end[parts - 1]):
                return False
            synthetic[parts - 1] = True
            synthetic[parts] = True
            part_start[parts] = part_end[parts] = 0
            parts += 1
            break
    if parts > 9:
        return False
    for k in range(1, parts - 1):
        if not synthetic[k] and part_start[k] == part_end[k]:
            if skip >= 0:
                return False
            skip = k
    if skip >= 0:
        hi = skip
        lo = parts - skip - 1
        if part_start[0] == part_end[0]:
            hi -= 1
            if hi:
                return False
        if not synthetic[parts - 1] and part_start[parts - 1] == part_end[parts - 1]:
            lo -= 1
            if lo:
                return False
        if 8 - (hi + lo) < 1:
            return False
    else:
        if parts != 8:
            return False
        if part_start[0] == part_end[0]:
            return False
        if not synthetic[parts - 1] and part_start[parts - 1] == part_end[parts - 1]:
            return False
        hi = parts
        lo = 0
    for k in range(parts):
        if (k < hi or k >= parts - lo) and not synthetic[k]:
            if not hextet_valid(t, part_start[k], part_end[k]):
                return False
    return True


cdef Py_ssize_t ipv6_finding(const Text *t, Py_ssize_t i, Py_ssize_t *end) noexcept:
    """IPV6's match at i, and IpRecogniser's check on it: the match's end when it is an address, else -1.
    `end` moves to the match's end whenever there is a match."""
    cdef Py_ssize_t e = ipv6_match(t, i), value_end = i
    if e < 0:
        return -1
    end[0] = e
    while value_end < e and char_at(t, value_end) != 47:  # the value is the match up to any '/'
        value_end += 1
    return e if ipv6_valid(t, i, value_end) else -1


class IpRecogniser:
    def find(self, str text):
        cdef list found = []
        cdef Text view = text_of(text)
        cdef const Text *t = &view
        cdef Py_ssize_t n = view.n, i, k, e, end, h, skip_to
        cdef Py_UCS4 before
        # Every IPV4 match opens with one to three digits and a '.', after no word character, '.' or '-': from
        # each '.', back to the start of the digits before it. (No '.', no match: the reference's "." in text.)
        end = 0
        k = next_dot(text, t, 0)
        while k >= 0:
            i = k
            while i > k - 4 and is_digit(char_at(t, i - 1)):
                i -= 1
            if 1 <= k - i <= 3 and i >= end:
                before = char_at(t, i - 1)
                if not (i > 0 and (is_word(before) or before == 46 or before == 45)):
                    e = ipv4_from(t, i, 0)
                    if e >= 0:
                        end = e
                        if not version_context(text, t, i) and not not_identifying(t, i, e):
                            found.append(new_finding(Finding, i, e, "IP", 6))
            # a '.' before the last match's end starts nothing (its digits start before that end too)
            k = next_dot(text, t, k + 1 if k + 1 > end else end)
        # Every IPV6 match opens with a ':', or with one to four hex digits and a ':': from each ':', the start of
        # the hex digits before it, then the ':' itself. Its matches count only where the text holds '::' or
        # three ':' (and _TWO_COLONS' match): every address found holds '::' or six ':' (see
        # unaddressed_run_end), so any does.
        end = 0
        k = next_colon(text, t, 0)
        while k >= 0:
            # a match whose first ':' is k goes on with `[0-9A-Fa-f]{0,4}:`: without it, none starts here
            h = hex_from(t, k + 1, 5)
            if h > 4 or char_at(t, k + 1 + h) != 58:
                k = next_colon(text, t, k + 1)
                continue
            i = k
            while i > k - 5 and hex_digit(char_at(t, i - 1)):
                i -= 1
            # a run no match in can be an address (a clock time, 12:30:45): none of its ':' finds one, and a
            # match in it ends in it, so the ':' after it are tried as they would be
            skip_to = unaddressed_run_end(t, i)
            if skip_to >= 0:
                k = next_colon(text, t, skip_to)
                continue
            if i < k and k - i <= 4 and i >= end:
                e = ipv6_finding(t, i, &end)
                if e >= 0:
                    found.append(new_finding(Finding, i, e, "IP", 6))
            if k >= end:
                e = ipv6_finding(t, k, &end)
                if e >= 0:
                    found.append(new_finding(Finding, k, e, "IP", 6))
            # a ':' before the last match's end starts nothing (nor does the start of the hex digits before it);
            # the runs skipped from such a ':' hold no address either, so visiting their ':' finds none
            k = next_colon(text, t, k + 1 if k + 1 > end else end)
        return found


# ---- URLs ----

cdef inline bint scheme_letter(Py_UCS4 c) noexcept:
    """`[a-z]` under IGNORECASE: either case, and İ, ı, ſ and the Kelvin sign."""
    return 65 <= c <= 90 or 97 <= c <= 122 or c == 0x130 or c == 0x131 or c == 0x17F or c == 0x212A


cdef inline bint scheme_char(Py_UCS4 c) noexcept:
    """`[a-z0-9+.\\-]` under IGNORECASE."""
    return scheme_letter(c) or 48 <= c <= 57 or c == 43 or c == 46 or c == 45


cdef inline bint url_char(Py_UCS4 c) noexcept:
    """`[^\\s<>\"'`)\\]}]`"""
    if c < 128:
        return not (
            c == 32 or 9 <= c <= 13 or 28 <= c <= 31 or c == 60 or c == 62 or c == 34 or c == 39 or c == 96
            or c == 41 or c == 93 or c == 125
        )
    return not is_space(c)


cdef Py_ssize_t url_start(const Text *t, Py_ssize_t colon, Py_ssize_t pos) noexcept:
    """The leftmost start from pos of `\\b[a-z][a-z0-9+.\\-]{1,15}` ending at colon (a '://'), or -1."""
    cdef Py_ssize_t lo = colon - 16, run, s
    if lo < pos:
        lo = pos
    run = colon
    while run > lo and scheme_char(char_at(t, run - 1)):
        run -= 1
    for s in range(run, colon - 1):
        if scheme_letter(char_at(t, s)) and (s == 0 or not is_word(char_at(t, s - 1))):
            return s
    return -1


cdef bint holds(const Text *t, Py_ssize_t start, Py_ssize_t end, const char *ascii, Py_ssize_t size) noexcept:
    """text[start:end] holds `ascii` (lower-case), ASCII letters in either case."""
    cdef Py_ssize_t p, k
    cdef unsigned int c
    for p in range(start, end - size + 1):
        for k in range(size):
            c = char_at(t, p + k)
            if 65 <= c <= 90:
                c += 32
            if c != <unsigned char>ascii[k]:
                break
        else:
            return True
    return False


# URL_SECRET_PARAM and URL_SECRET_PATH, decided in C on an all-ASCII URL (where IGNORECASE is ASCII case), as
# they read when ported; a change there leaves them to the reference's regexes.
cdef bint PARAM_PORTED = (
    network.URL_SECRET_PARAM.pattern == (
        r"[?&#;](?:[\w\-]*(?:token|key|secret|sig|signature|password|passwd|pwd|auth|session|sid|code|credential)[\w\-]*"
        r"|x-amz-[\w\-]+|email|user|uid|login)="
    )
    and network.URL_SECRET_PARAM.flags == 34
)
cdef bint PATH_PORTED = (
    network.URL_SECRET_PATH.pattern == r"hooks\.slack\.com/|discord(?:app)?\.com/api/webhooks/|/webhook/[A-Za-z0-9]{16,}"
    and network.URL_SECRET_PATH.flags == 34
)
# URL_USERINFO as ported (userinfo_shape), and DSN_PASSWORD as read when it was found to need that shape
cdef bint INFO_PORTED = (
    network.URL_USERINFO.pattern == r"^[a-z][a-z0-9+.\-]*://[^/?#@\s]+:[^/\s@]*@"
    and network.URL_USERINFO.flags == 34
    and network.DSN_PASSWORD.pattern == (
        r"(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|oracle|jdbc:[a-z]+|"
        r"clickhouse|cassandra|couchdb|neo4j|ldaps?|smtps?|imaps?|sftp|ssh)://[^/?#@\s:]+:([^/\s@]+)@"
    )
    and network.DSN_PASSWORD.flags == 34
)
cdef tuple _SECRET_KEYS = (b"token", b"key", b"secret", b"sig", b"signature", b"password", b"passwd", b"pwd", b"auth",
                b"session", b"sid", b"code", b"credential")
cdef tuple _EXACT_KEYS = (b"email", b"user", b"uid", b"login")
cdef const char *SECRET_KEYS[13]
cdef Py_ssize_t SECRET_KEY_SIZES[13]
cdef const char *EXACT_KEYS[4]
cdef Py_ssize_t EXACT_KEY_SIZES[4]


cdef void load_keys(tuple words, const char **keys, Py_ssize_t *sizes) noexcept:
    """C pointers into the module's own (immutable) bytes, kept alive by its tuples."""
    cdef Py_ssize_t k
    cdef bytes word
    for k in range(len(words)):
        word = <bytes>words[k]
        keys[k] = word
        sizes[k] = len(word)


load_keys(_SECRET_KEYS, SECRET_KEYS, SECRET_KEY_SIZES)
# bit c - 'a': a key opens with the letter c
cdef unsigned int SECRET_KEY_FIRSTS = 0
for _key in _SECRET_KEYS:
    SECRET_KEY_FIRSTS |= 1u << (_key[0] - 97)
load_keys(_EXACT_KEYS, EXACT_KEYS, EXACT_KEY_SIZES)


cdef bint ascii_span(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """text[start:end] is all ASCII."""
    cdef Py_ssize_t k
    for k in range(start, end):
        if char_at(t, k) >= 128:
            return False
    return True


cdef inline bint ascii_ci_at(const Text *t, Py_ssize_t p, Py_ssize_t end, const char *word, Py_ssize_t size) noexcept:
    """text[p:p + size] (within end) is `word` (lower-case ASCII), ASCII letters in either case."""
    cdef Py_ssize_t k
    cdef unsigned int c
    if p + size > end:
        return False
    for k in range(size):
        c = char_at(t, p + k)
        if 65 <= c <= 90:
            c += 32
        if c != <unsigned char>word[k]:
            return False
    return True


cdef inline bint ascii_word_or_dash(Py_UCS4 c) noexcept:
    """`[\\w\\-]` for an ASCII c"""
    return 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c == 95 or c == 45


cdef bint secret_param(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """URL_SECRET_PARAM.search(text[start:end]) finds a match, for an all-ASCII span: after a '?', '&', '#' or
    ';', the run of `[\\w\\-]` is followed by '=' and holds a key, or opens with 'x-amz-' and goes on, or is one
    of the exact names."""
    cdef Py_ssize_t p, r, q, k
    cdef Py_UCS4 c
    cdef unsigned int lower
    for p in range(start, end):
        c = char_at(t, p)
        if not (c == 63 or c == 38 or c == 35 or c == 59):
            continue
        r = p + 1
        while r < end and ascii_word_or_dash(char_at(t, r)):
            r += 1
        if r >= end or char_at(t, r) != 61:
            continue
        for q in range(p + 1, r):
            lower = (<unsigned int>char_at(t, q)) | 32
            if lower < 97 or lower > 122 or not (SECRET_KEY_FIRSTS >> (lower - 97)) & 1:
                continue
            for k in range(13):
                if <unsigned char>SECRET_KEYS[k][0] == lower and ascii_ci_at(t, q, r, SECRET_KEYS[k], SECRET_KEY_SIZES[k]):
                    return True
        if r - (p + 1) > 6 and ascii_ci_at(t, p + 1, r, b"x-amz-", 6):
            return True
        for k in range(4):
            if r - (p + 1) == EXACT_KEY_SIZES[k] and ascii_ci_at(t, p + 1, r, EXACT_KEYS[k], EXACT_KEY_SIZES[k]):
                return True
    return False


cdef bint secret_path(const Text *t, Py_ssize_t start, Py_ssize_t end) noexcept:
    """URL_SECRET_PATH.search(text[start:end]) finds a match, for an all-ASCII span."""
    cdef Py_ssize_t p, k
    cdef Py_UCS4 c
    for p in range(start, end):
        c = char_at(t, p)
        if c == 104 or c == 72:
            if ascii_ci_at(t, p, end, b"hooks.slack.com/", 16):
                return True
        elif c == 100 or c == 68:
            if (ascii_ci_at(t, p, end, b"discord.com/api/webhooks/", 25)
                    or ascii_ci_at(t, p, end, b"discordapp.com/api/webhooks/", 28)):
                return True
        elif c == 47:
            if ascii_ci_at(t, p, end, b"/webhook/", 9):
                k = p + 9
                while k < end and (48 <= char_at(t, k) <= 57 or 65 <= char_at(t, k) <= 90 or 97 <= char_at(t, k) <= 122):
                    k += 1
                if k - (p + 9) >= 16:
                    return True
    return False


cdef bint userinfo_shape(const Text *t, Py_ssize_t p, Py_ssize_t end) noexcept:
    """URL_USERINFO.match(url) for a url whose '://' ends at p and which ends at end: in the run from p up to
    the first '/', '?', '#', '@' or space, a ':' after its first character, and then '@' before any '/' or
    space. (The scheme before p is the URL's own; every ':' in that run leaves the same rest to match.)
    DSN_PASSWORD.match needs this shape too: its '://' is the URL's first ':', and its `[^/?#@\\s:]+:` is such
    a ':'."""
    cdef Py_ssize_t r = p
    cdef Py_UCS4 c
    cdef bint colon = False
    while r < end:
        c = char_at(t, r)
        if c == 47 or c == 63 or c == 35 or c == 64 or is_space(c):
            break
        if c == 58 and r > p:
            colon = True
        r += 1
    if not colon:
        return False
    while r < end:
        c = char_at(t, r)
        if c == 64:
            return True
        if c == 47 or is_space(c):
            return False
        r += 1
    return False


cdef inline bint has_char(const Text *t, Py_ssize_t start, Py_ssize_t end, Py_UCS4 ch) noexcept:
    """text[start:end] holds the ASCII ch: memchr on a one-byte text."""
    cdef Py_ssize_t k
    if start >= end:
        return False
    if t.kind == 1:
        return memchr(<const char *> t.data + start, <int> ch, <size_t> (end - start)) != NULL
    for k in range(start, end):
        if char_at(t, k) == ch:
            return True
    return False


class SecretUrlRecogniser:
    def find(self, str text):
        cdef list found = []
        cdef Text view = text_of(text)
        cdef const Text *t = &view
        cdef Py_ssize_t n = view.n, colon, start, end, url_end, pos = 0
        cdef bint at_sign, equals, path, ported, userinfo
        colon = find_scheme_end(text, t, 0)
        while colon != -1:
            start = url_start(t, colon, pos)
            if start >= 0:
                end = colon + 3
                while end < n and url_char(char_at(t, end)):
                    end += 1
                if end > colon + 3:
                    pos = end
                    url_end = end  # url = m.group().rstrip(".,;:!?")
                    while url_end > start and char_at(t, url_end - 1) in ".,;:!?":
                        url_end -= 1
                    # DSN_PASSWORD and URL_USERINFO need an '@', URL_SECRET_PARAM an '=', URL_SECRET_PATH
                    # '.com/' or '/webhoo' (whose letters IGNORECASE matches only in ASCII)
                    at_sign = has_char(t, start, url_end, 64)
                    equals = has_char(t, start, url_end, 61)
                    if PARAM_PORTED and PATH_PORTED and ascii_span(t, start, url_end):
                        # decided in C but for the '@' patterns; each pattern only says yes or no, so which of
                        # them is asked first does not matter
                        dsn = None
                        userinfo = at_sign and (userinfo_shape(t, colon + 3, url_end) if INFO_PORTED else True)
                        if userinfo:
                            url = text[start:url_end]
                            dsn = DSN_MATCH(url)
                        if dsn:
                            found.append(new_finding(Finding, start + dsn.start(1), start + dsn.end(1), "SECRET", 21))
                        elif (
                            (userinfo and (INFO_PORTED or USERINFO_MATCH(url)))
                            or (equals and secret_param(t, start, url_end))
                            or secret_path(t, start, url_end)
                        ):
                            found.append(new_finding(Finding, start, url_end, "URL", 21))
                        colon = find_scheme_end(text, t, end)
                        continue
                    path = holds(t, start, url_end, b".com/", 5) or holds(t, start, url_end, b"/webhoo", 7)
                    if at_sign or equals or path:
                        ported = ascii_span(t, start, url_end)
                        url = text[start:url_end] if at_sign or not ported else None
                        dsn = DSN_MATCH(url) if at_sign else None
                        if dsn:
                            found.append(new_finding(Finding, start + dsn.start(1), start + dsn.end(1), "SECRET", 21))
                        elif (
                            (at_sign and USERINFO_MATCH(url))
                            or (equals and (
                                secret_param(t, start, url_end) if ported and PARAM_PORTED else SECRET_PARAM_SEARCH(
                                    text[start:url_end] if url is None else url)))
                            or (path and (
                                secret_path(t, start, url_end) if ported and PATH_PORTED else SECRET_PATH_SEARCH(
                                    text[start:url_end] if url is None else url)))
                        ):
                            found.append(new_finding(Finding, start, url_end, "URL", 21))
                    colon = find_scheme_end(text, t, end)
                    continue
            colon = find_scheme_end(text, t, colon + 1)
        return found


# The patterns this module ports, as it ported them: a change there leaves a recogniser to the reference.
_IP_CHANGE = changed_patterns(network, {"IPV4": 4225744872, "IPV6": 2458022930})
if _IP_CHANGE is None and getattr(network, "_NOT_IDENTIFYING_V4", None) != ("127.", "0.0.0.0", "255.255.255.255"):
    _IP_CHANGE = "network._NOT_IDENTIFYING_V4 changed"
_URL_CHANGE = changed_patterns(network, {"URL": 3862427203})
if _URL_CHANGE is None and getattr(network.URL, "flags", None) != 34:
    _URL_CHANGE = "network.URL's flags changed"

TWINS = twins_where_unchanged({
    network.IpRecogniser: (IpRecogniser, _IP_CHANGE),
    network.SecretUrlRecogniser: (SecretUrlRecogniser, _URL_CHANGE),
})
