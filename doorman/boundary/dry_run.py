"""The dry run's JSON lines (the contract in ARCHITECTURE.md): {"id", "text"} in, {"id", "sanitised", "mapping"}
out, one answer per line, in order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import orjson

from doorman.core.errors import InvalidRequest

if TYPE_CHECKING:
    from doorman.boundary.sanitiser import Sanitiser


def answer_lines(sanitiser: Sanitiser, lines: Iterable[bytes], number: int, write: Callable[[bytes], object]) -> int:
    """Write the answer to each of `lines` (numbered on from `number`; blank ones skipped) and return the last
    line's number. A bad line raises InvalidRequest naming it, once the lines before it are written."""
    for line in lines:
        number += 1
        if line.strip():
            record = parse_line(line, number)
            result = sanitiser.sanitise_text(record["text"])
            write(answer(record["id"], result.texts[0], result.mapping.as_dict()))
    return number


def parse_line(line: bytes, number: int) -> dict:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise InvalidRequest(f"stdin line {number}: not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict) or "id" not in record:
        raise InvalidRequest(f'stdin line {number}: expected an object with "id" and "text"')
    if not isinstance(record.get("text"), str):
        raise InvalidRequest(f'stdin line {number}: "text" must be a string')
    return record


def answer(record_id: object, sanitised: str, mapping: dict[str, str]) -> bytes:
    """One answer line, its newline included. orjson: three times faster than the standard library's json,
    which cost as much as several compiled recognisers together."""
    return orjson.dumps({"id": record_id, "sanitised": sanitised, "mapping": mapping}, option=orjson.OPT_APPEND_NEWLINE)
