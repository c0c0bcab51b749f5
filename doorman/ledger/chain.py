"""The hash chain: how a line is serialised, hashed and linked to the one before it.

A chained line is compact JSON, UTF-8, fields in a fixed order: `ts`, `seq`, `prev`,
then the entry's (or seal's) own fields, and `hash` last. `hash` is the SHA-256 of the
canonical JSON of the line without `hash`, which is exactly the line's bytes with
`,"hash":"..."` cut out; so a verifier can hash bytes without re-serialising, and a
third party can recompute it with any JSON library that keeps key order.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64  # `prev` of the very first line

# The fixed head of every chained line; matching it at position 0 means these are the
# line's own top-level fields, not text inside a value.
_PREFIX = re.compile(rb'\{"ts":"([^"\\]{1,40})","seq":(\d{1,19}),"prev":"([0-9a-f]{64})","')
_HASH_KEY = b',"hash":"'
_HASH_KEY_LEN = len(_HASH_KEY)
_sha256 = hashlib.sha256
_SUFFIX_LEN = len(_HASH_KEY) + 64 + 2  # ,"hash":"<64 hex>"}
_SEAL_MARK = b'kind":"seal"'
CHAIN_FIELDS = ("seq", "prev", "prev_day", "hash")


@dataclass(frozen=True, slots=True)
class Link:
    """What the chain needs from one line, read from its bytes."""

    seq: int
    prev: str
    hash: str
    hash_ok: bool  # the stored hash matches the line's content
    is_seal: bool
    ts: str


def canonical(fields: dict[str, Any]) -> bytes:
    """The bytes that are hashed: compact JSON, keys in the given order, UTF-8."""
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def chained_line(
    ts: str, seq: int, prev: str, fields: dict[str, Any], *, prev_day: str | None = None
) -> tuple[bytes, str]:
    """Serialise one line (with its newline) linked after `prev`; return it and its hash.

    The first line of a day file names the day file of its `prev` line (`prev_day`), so a
    verifier can tell a missing day file from lines deleted at the start of a day."""
    return link_line(ts, seq, prev, fields_json(fields), prev_day=prev_day)


def fields_json(fields: dict[str, Any]) -> bytes:
    """A line's own fields, serialised ahead of time (outside the writer's lock)."""
    for key in fields:
        if key in CHAIN_FIELDS:
            raise ValueError(f"field {key!r} is reserved for the chain")
    return canonical({k: v for k, v in fields.items() if k != "ts"})[1:-1]


def link_line(ts: str, seq: int, prev: str, fields_part: bytes, *, prev_day: str | None = None) -> tuple[bytes, str]:
    """The same bytes as chained_line(), from fields already serialised by fields_json()."""
    head: dict[str, Any] = {"ts": ts, "seq": seq, "prev": prev}
    if prev_day is not None:
        head["prev_day"] = prev_day
    body = canonical(head)[:-1] + (b"," + fields_part if fields_part else b"") + b"}"
    line_hash = digest(body)
    return body[:-1] + _HASH_KEY + line_hash.encode() + b'"}\n', line_hash


def scan(raw: bytes, check: bool = True) -> tuple[int, bytes, bytes, bool, bool] | None:
    """The hot path of verify: (seq, prev, hash, hash_ok, is_seal) from a line's bytes, with
    or without its newline; None when it is not a chained line. Hashes stay bytes."""
    head = _PREFIX.match(raw)
    if head is None:
        return None
    end = len(raw) - 1 if raw.endswith(b"\n") else len(raw)
    cut = end - _SUFFIX_LEN
    if cut < head.end() or raw[cut : cut + _HASH_KEY_LEN] != _HASH_KEY or raw[end - 2 : end] != b'"}':
        return None
    stored = raw[cut + _HASH_KEY_LEN : end - 2]
    hash_ok = check and _sha256(raw[:cut] + b"}").hexdigest().encode() == stored
    return int(head.group(2)), head.group(3), stored, hash_ok, raw.startswith(_SEAL_MARK, head.end())


def read_link(line: bytes, check: bool = True) -> Link | None:
    """The chain fields of a line; None when it is not a chained line."""
    found = scan(line, check)
    if found is None:
        return None
    seq, prev, stored, hash_ok, is_seal = found
    ts = _PREFIX.match(line).group(1).decode("utf-8", "replace")
    return Link(seq, prev.decode("ascii"), stored.decode("ascii", "replace"), hash_ok, is_seal, ts)


def recompute(fields: dict[str, Any]) -> str:
    """The hash a parsed line should carry (the slow, library-independent way)."""
    return digest(canonical({k: v for k, v in fields.items() if k != "hash"}))
