"""Walking the chain: every line's hash, every link, every seal, in file order.

The walk reads bytes and hashes them (no JSON parsing on the good path), so it runs at
disk speed. On the first sign of trouble in a file it looks closer to say what happened:
an edited, deleted, reordered or inserted line, a missing day file, a bad seal, a torn
tail. `ChainWalk.entries()` yields the entry lines for export while it checks them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from doorman.ledger.chain import GENESIS, Link, read_link, scan
from doorman.ledger.reader import NotALedgerLine, day_files, day_of, head_of, read_file_tail
from doorman.ledger.seal import check_seal
from doorman.ledger.writer import TORN_DIR

PROGRESS_EVERY = 1 << 16  # lines between progress callbacks


@dataclass(frozen=True)
class Problem:
    kind: str  # edited line, deleted line, reordered lines, inserted line, missing day file, ...
    path: Path
    line: int | None
    detail: str

    def __str__(self) -> str:
        where = f"{self.path}" + (f" line {self.line}" if self.line else "")
        return f"{where}: {self.kind}: {self.detail}"

    def as_json(self) -> dict:
        return {"kind": self.kind, "file": str(self.path), "line": self.line, "detail": self.detail}


@dataclass(frozen=True)
class Anchor:
    """A head recorded outside the box (`doorman ledger head`): this seq must have this hash."""

    seq: int
    hash: str


@dataclass
class WalkSummary:
    files: int = 0
    lines: int = 0
    entries: int = 0
    seals: int = 0
    unchained: int = 0  # lines written before the chain existed (ledger v1)
    head_seq: int = 0
    head_hash: str = GENESIS
    torn_aside: list[Path] = field(default_factory=list)


class ChainWalk:
    """One pass over the day files from `since` to `until` (inclusive day names)."""

    def __init__(
        self,
        ledger_dir: Path,
        *,
        since: str | None = None,
        until: str | None = None,
        trusted_key: Ed25519PublicKey | None = None,
        anchor: Anchor | None = None,
        on_progress: Callable[[int], None] | None = None,
    ):
        self.dir = ledger_dir
        self.since, self.until = since, until
        self.trusted_key = trusted_key
        self.anchor = anchor
        self.on_progress = on_progress
        self.problems: list[Problem] = []
        self.summary = WalkSummary()
        self._anchor_seen = False
        self._links_cache: tuple[Path, dict[int, Link]] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def run(self) -> WalkSummary:
        for _ in self.entries():
            pass
        return self.summary

    def entries(self) -> Iterator[bytes]:
        """Entry lines (no newline) in chain order, checking everything on the way."""
        every = day_files(self.dir)
        chosen = [p for p in every if (not self.since or day_of(p) >= self.since)
                  and (not self.until or day_of(p) <= self.until)]
        newest = every[-1] if every else None
        expect_seq, expect_prev, started, prev_path = self._starting_point(every, chosen)
        first_seq = expect_seq
        for path in chosen:
            self.summary.files += 1
            expect_seq, expect_prev, started = yield from self._walk_file(
                path, path == newest, expect_seq, expect_prev, started, prev_path)
            prev_path = path
        if prev_path is not None and self.until is None and self.anchor is not None and (
            self.since is None or self.anchor.seq >= first_seq
        ):
            self._check_anchor_end(prev_path)
        self.summary.head_seq, self.summary.head_hash = expect_seq - 1, expect_prev
        torn = self.dir / TORN_DIR
        self.summary.torn_aside = sorted(torn.iterdir()) if torn.is_dir() else []

    # -- the walk ----------------------------------------------------------------------

    def _starting_point(self, every: list[Path], chosen: list[Path]):
        """Genesis, or (with --since) the last line before the range, so its first link is checked too."""
        if not chosen or chosen[0] == every[0]:
            return 1, GENESIS, False, None
        before = every[: every.index(chosen[0])]
        for path in reversed(before):
            tail = read_file_tail(path)
            try:
                head = head_of(tail)
            except NotALedgerLine as exc:
                self.problems.append(Problem("edited line", path, None, f"{exc} (the line the range links to)"))
                return 1, GENESIS, False, path
            if head is not None:
                link = read_link(tail.last_line)
                if link is not None and not link.hash_ok:
                    lineno = tail.last_line_offset and path.read_bytes()[: tail.last_line_offset].count(b"\n")
                    self.problems.append(Problem("edited line", path, lineno + 1,
                                                 f"seq {link.seq} (the line the range links to): its content "
                                                 f"does not match its hash"))
                if head.seq == 0:  # only unchained lines before: the chain starts in range
                    return 1, GENESIS, False, path
                return head.seq + 1, head.hash, True, path
        return 1, GENESIS, False, None

    def _walk_file(self, path: Path, is_newest: bool, expect_seq: int, expect_prev: str, started: bool,
                   prev_path: Path | None) -> Iterator[bytes]:
        """Walk one file; returns (next seq, next prev, chain started) for the next file.

        The good path compares bytes only; a Link is built when something needs saying."""
        problems = self.problems
        prev_bytes = expect_prev.encode("ascii")
        last_hash: bytes | None = None
        last_was_seal = False
        anchor_seq = self.anchor.seq if self.anchor is not None else -1
        progress = self.on_progress
        lineno = entries = seals = unchained = reported = 0
        with path.open("rb") as handle:
            for raw in handle:
                lineno += 1
                if raw[-1:] != b"\n":
                    self._torn(path, lineno, len(raw), is_newest)
                    lineno -= 1
                    break
                if progress is not None and lineno % PROGRESS_EVERY == 0:
                    position = handle.tell()
                    progress(position - reported)
                    reported = position
                found = scan(raw)
                if found is None:
                    line = raw[:-1]
                    if not started and _is_unchained_entry(line):
                        unchained += 1
                        entries += 1
                        yield line
                        continue
                    problems.append(self._classify_foreign(path, lineno, expect_seq, prev_bytes.decode()))
                    continue
                seq, prev, stored, hash_ok, is_seal = found
                started = True
                if not hash_ok or seq != expect_seq or prev != prev_bytes:
                    problem = self._classify(path, lineno, read_link(raw[:-1]), expect_seq, prev_bytes.decode(),
                                             prev_path)
                    problems.append(problem)
                    if problem.kind == "inserted line" and not hash_ok:
                        continue  # not part of the chain: the next line links past it
                if seq == anchor_seq:
                    self._check_anchor(path, lineno, read_link(raw[:-1]))
                if is_seal:
                    seals += 1
                    self._check_seal(path, lineno, raw[:-1], last_hash.decode() if last_hash else None)
                else:
                    entries += 1
                    yield raw[:-1]
                expect_seq, prev_bytes = seq + 1, stored
                last_hash, last_was_seal = stored, is_seal
        if progress is not None:
            progress(path.stat().st_size - reported)
        if lineno and not is_newest and not last_was_seal:
            problems.append(Problem("unsealed day", path, lineno,
                                    "a closed day file does not end with its seal (lines after the seal "
                                    "were deleted, or the seal was removed)"))
        summary = self.summary
        summary.lines += lineno
        summary.entries += entries
        summary.seals += seals
        summary.unchained += unchained
        return expect_seq, prev_bytes.decode("ascii", "replace"), started

    # -- saying what went wrong ----------------------------------------------------------

    def _classify(self, path: Path, lineno: int, link: Link, expect_seq: int, expect_prev: str,
                  prev_path: Path | None) -> Problem:
        links = self._links(path)
        following = links.get(lineno + 1)
        if not link.hash_ok:
            if following is not None and following.seq == expect_seq and following.prev == expect_prev:
                return Problem("inserted line", path, lineno,
                               "this line is not part of the chain: the next line links to the one before it")
            return Problem("edited line", path, lineno,
                           f"seq {link.seq}: its content does not match its hash (changed after it was written)")
        if link.seq == expect_seq:
            if lineno == 1 and prev_path is not None:
                return Problem("edited line", prev_path, None,
                               f"the last line of this file was changed and its hash recomputed: "
                               f"{path.name} line 1 (seq {link.seq}) still links to the original")
            return Problem("edited line", path, lineno - 1,
                           f"changed and its hash recomputed: line {lineno} (seq {link.seq}) still links "
                           f"to the original")
        if link.seq > expect_seq:
            later = [n for n, other in links.items() if n > lineno and other.seq == expect_seq]
            if later:
                return Problem("reordered lines", path, lineno,
                               f"seq {link.seq} comes before seq {expect_seq} (line {later[0]})")
            missing = _span(expect_seq, link.seq - 1)
            prev_day = _prev_day(path, lineno)
            if prev_day is not None and (prev_path is None or prev_day != day_of(prev_path)):
                return Problem("missing day file", path, lineno,
                               f"{prev_day}.jsonl is gone: this day's first line links to it, and "
                               f"{missing} are in no file")
            return Problem("deleted line", path, lineno, f"{missing} missing before this line (seq {link.seq})")
        return Problem("inserted line", path, lineno,
                       f"seq {link.seq} again, after seq {expect_seq - 1}: a line was inserted or copied "
                       f"before this one")

    def _classify_foreign(self, path: Path, lineno: int, expect_seq: int, expect_prev: str) -> Problem:
        following = self._links(path).get(lineno + 1)
        if following is not None and following.seq == expect_seq and following.prev == expect_prev:
            return Problem("inserted line", path, lineno, "a line without chain fields was inserted here")
        return Problem("edited line", path, lineno, "not a chained ledger line (its seq/prev/hash are gone or broken)")

    def _links(self, path: Path) -> dict[int, Link]:
        if self._links_cache is None or self._links_cache[0] != path:
            self._links_cache = (path, _file_links(path))
        return self._links_cache[1]

    def _check_seal(self, path: Path, lineno: int, line: bytes, head: str | None) -> None:
        try:
            seal = json.loads(line)
        except ValueError:
            self.problems.append(Problem("bad seal", path, lineno, "the seal line is not JSON"))
            return
        verdict = check_seal(seal, day=day_of(path), lines_before=lineno - 1, head=head,
                             trusted=self.trusted_key)
        if not verdict.ok:
            kind = "bad seal signature" if "signature" in verdict.reason else "bad seal"
            detail = verdict.reason if kind == "bad seal signature" else (
                f"{verdict.reason}: the sealed day was changed after it was sealed")
            self.problems.append(Problem(kind, path, lineno, detail))

    def _torn(self, path: Path, lineno: int, size: int, is_newest: bool) -> None:
        if is_newest:
            detail = (f"truncated tail: {size} bytes after the last whole line (a crash mid-write, or the "
                      f"file was cut); the next append or `doorman ledger seal` moves them to ledger/torn/")
            self.problems.append(Problem("torn tail", path, lineno, detail))
        else:
            self.problems.append(Problem("torn tail", path, lineno,
                                         f"truncated tail: a closed day file ends in {size} bytes of a partial line"))

    def _check_anchor(self, path: Path, lineno: int, link: Link) -> None:
        self._anchor_seen = True
        if link.hash != self.anchor.hash:
            self.problems.append(Problem("anchor mismatch", path, lineno,
                                         f"seq {link.seq} has hash {link.hash}, the anchor says "
                                         f"{self.anchor.hash}: the ledger was rewritten"))

    def _check_anchor_end(self, last_path: Path) -> None:
        if not self._anchor_seen:
            self.problems.append(Problem("anchor mismatch", last_path, None,
                                         f"the anchored seq {self.anchor.seq} is not in the ledger: lines "
                                         f"were deleted from the end, or the ledger was replaced"))


def _is_unchained_entry(line: bytes) -> bool:
    try:
        obj = json.loads(line)
    except ValueError:
        return False
    return isinstance(obj, dict) and "ts" in obj and "seq" not in obj and "hash" not in obj


def _file_links(path: Path) -> dict[int, Link]:
    """Every chained line of a file by line number (only when something is wrong)."""
    links = {}
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            link = read_link(raw.rstrip(b"\n"))
            if link is not None:
                links[number] = link
    return links


def _prev_day(path: Path, lineno: int) -> str | None:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if number == lineno:
                try:
                    value = json.loads(raw).get("prev_day")
                except ValueError:
                    return None
                return value if isinstance(value, str) else None
    return None


def _span(first: int, last: int) -> str:
    return f"seq {first}" if first == last else f"seq {first}..{last}"


def verify(ledger_dir: Path, **options) -> ChainWalk:
    walk = ChainWalk(ledger_dir, **options)
    walk.run()
    return walk
