"""An entry line's columns, read straight from its bytes (for export's CSV and filters).

Lines written by this doorman have a fixed field order, so one regular expression reads
them in a single pass; any other line (an added field, an escaped string, a v1 line) is
parsed as JSON instead. Both give the same values: bytes as the JSON text shows them
(strings unquoted, null as None).
"""

from __future__ import annotations

import json
import operator
import re

import orjson

COLUMNS = (
    "seq", "ts", "request_id", "module_id", "tier", "model", "status", "duration_ms",
    "prompt_tokens", "completion_tokens", "cost_usd", "sanitised_outbound", "finish_reason",
    "route_reason", "error_code", "hash",
)
TS, MODULE, TIER, STATUS = (COLUMNS.index(name) for name in ("ts", "module_id", "tier", "status"))

_S = rb'"([^"\\]*)"'  # a string without escapes
_OPT_S = rb'(?:null|"([^"\\]*)")'
_LINE = re.compile(
    rb'\{"ts":' + _S + rb',"seq":(\d+),"prev":"[0-9a-f]{64}"(?:,"prev_day":"[^"\\]*")?'
    rb',"request_id":' + _S + rb',"module_id":' + _OPT_S + rb',"tier":' + _OPT_S + rb',"model":' + _OPT_S
    + rb',"duration_ms":(-?\d+),"cost_usd":(-?[0-9][0-9.eE+-]*),"sanitised_outbound":(true|false)'
    rb',"status":' + _S + rb'(?:,"prompt_tokens":(\d+))?(?:,"completion_tokens":(\d+))?'
    rb'(?:,"finish_reason":' + _S + rb')?(?:,"route_reason":' + _S + rb')?(?:,"error_code":' + _S + rb')?'
    rb',"hash":"([0-9a-f]{64})"\}\Z'
)
# Regex group numbers in COLUMNS order.
_ORDER = (2, 1, 3, 4, 5, 6, 10, 7, 11, 12, 8, 9, 13, 14, 15, 16)
_COMMAS = len(COLUMNS) - 1
_SPECIAL = re.compile(rb'[,"\r\n]')

# _LINE again, for a chunk of lines joined by newlines: one findall reads them all in C,
# and C-level map/join/translate make the records, so no Python code runs per line.
# findall gives b"" for an absent optional field, so a record is a plain b",".join.
# It is faster than _LINE because it reads strings as [^"]* and the two hashes as
# [^"]{64}: csv_lines() uses it only on a chunk without a backslash, checks the hashes
# are hex in bulk, and counts matches (each starts and ends at a line end).
_CELL = rb'"([^"]*)"'
_OPT_CELL = rb'(?:null|"([^"]*)")'
_LINES = re.compile(
    rb'^\{"ts":' + _CELL + rb',"seq":(\d+),"prev":"([^"]{64})"(?:,"prev_day":"[^"]*")?'
    rb',"request_id":' + _CELL + rb',"module_id":' + _OPT_CELL + rb',"tier":' + _OPT_CELL + rb',"model":' + _OPT_CELL
    + rb',"duration_ms":(-?\d+),"cost_usd":(-?[0-9][0-9.eE+-]*),"sanitised_outbound":(true|false)'
    rb',"status":' + _CELL + rb'(?:,"prompt_tokens":(\d+))?(?:,"completion_tokens":(\d+))?'
    rb'(?:,"finish_reason":' + _CELL + rb')?(?:,"route_reason":' + _CELL + rb')?(?:,"error_code":' + _CELL
    + rb')?,"hash":"([^"]{64})"\}$',
    re.MULTILINE,
)
# _LINES has _LINE's groups plus prev (group 3), so groups from 3 on are one further.
_RECORD = operator.itemgetter(*[group - 1 if group < 3 else group for group in _ORDER])
_PREV, _HASH = operator.itemgetter(2), operator.itemgetter(16)
_HEX = b"0123456789abcdef"
_SPLIT_BELOW = 64  # a chunk with an odd line is halved down to this size, then done line by line


def columns(line: bytes) -> tuple[bytes | None, ...]:
    """The COLUMNS of one entry line (without its newline)."""
    match = _LINE.match(line)
    if match is not None:
        return match.group(*_ORDER)
    entry = orjson.loads(line)
    return tuple(_text(entry.get(name)) for name in COLUMNS)


def _text(value) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value).encode("ascii")  # true/false and numbers as the line shows them


def csv_header() -> bytes:
    return ",".join(COLUMNS).encode("ascii") + b"\n"


def csv_line(line: bytes) -> bytes:
    """One entry line as one CSV record, in the COLUMNS order."""
    match = _LINE.match(line)
    if match is None:
        return csv_row(columns(line))
    values = match.group(*_ORDER)
    joined = b",".join([v or b"" for v in values])
    # Values read by _LINE hold no quote, backslash or newline; only a comma needs quoting.
    return joined + b"\n" if joined.count(b",") == _COMMAS else csv_row(values)


def csv_lines(lines: list[bytes]) -> bytes:
    """Entry lines (without newlines) as CSV records: the same bytes as csv_line() on each."""
    if not lines:
        return b""
    chunk = b"\n".join(lines)
    plain = b"\\" not in chunk and chunk.count(b"\n") == len(lines) - 1  # no escapes, no newline in a line
    rows = _LINES.findall(chunk) if plain else ()
    if (
        len(rows) == len(lines)  # then each match is one whole line
        and not b"".join(map(_PREV, rows)).translate(None, _HEX)
        and not b"".join(map(_HASH, rows)).translate(None, _HEX)
    ):
        records = b"\n".join(map(b",".join, map(_RECORD, rows))) + b"\n"
        if records.count(b",") == _COMMAS * len(rows):  # no value holds a comma: no cell needs quoting
            return records
    if len(lines) > _SPLIT_BELOW:  # keep the fast path for the other lines of the chunk
        half = len(lines) // 2
        return csv_lines(lines[:half]) + csv_lines(lines[half:])
    return b"".join([csv_line(line) for line in lines])


def csv_row(values: tuple[bytes | None, ...]) -> bytes:
    """One CSV record (RFC 4180): cells quoted only when they hold a comma, quote or newline."""
    joined = b",".join([v or b"" for v in values])
    if joined.count(b",") == len(values) - 1 and b'"' not in joined and b"\n" not in joined and b"\r" not in joined:
        return joined + b"\n"
    return b",".join(
        [b'"' + v.replace(b'"', b'""') + b'"' if v and _SPECIAL.search(v) else v or b"" for v in values]
    ) + b"\n"
