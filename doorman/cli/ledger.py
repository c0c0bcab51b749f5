"""`doorman ledger`: read, seal, verify, export and account for the audit ledger."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from doorman.cli.context import state
from doorman.core.errors import InvalidArgument, LedgerTampered, LedgerTornTail
from doorman.ledger import keys
from doorman.ledger.export import ExportFilter, check_format, export as export_lines
from doorman.ledger.index import LedgerIndex, check_group
from doorman.ledger.period import parse_day, parse_period
from doorman.ledger.reader import day_files, read_head
from doorman.ledger.reader import tail as read_tail
from doorman.ledger.verify import Anchor, ChainWalk
from doorman.ledger.writer import LedgerWriter

app = typer.Typer(help="The append-only audit ledger.", no_args_is_help=True)
err = Console(stderr=True)


@app.command()
def tail(
    count: Annotated[int, typer.Option("-n", "--lines", min=1, help="How many entries.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON lines.")] = False,
) -> None:
    """Show the newest ledger entries, oldest first."""
    entries = read_tail(state.home.ledger_dir, count)
    if as_json:
        for entry in entries:
            print(json.dumps(entry, ensure_ascii=False))
        return
    table = Table(title=f"ledger: newest {len(entries)} entries")
    for column in ("ts", "request_id", "module", "tier", "model", "status", "ms", "tokens", "error"):
        table.add_column(column, justify="right" if column in ("ms", "tokens") else "left", overflow="fold")
    for e in entries:
        tokens = (e.get("prompt_tokens") or 0) + (e.get("completion_tokens") or 0)
        status = e.get("status", "")
        style = {"ok": "green", "error": "red", "rejected": "yellow", "cancelled": "magenta"}.get(status, "")
        table.add_row(
            e.get("ts", ""), e.get("request_id", ""), e.get("module_id") or "-", e.get("tier") or "-",
            e.get("model") or "-", f"[{style}]{status}[/]", str(e.get("duration_ms", "")),
            str(tokens or ""), e.get("error_code") or "",
        )
    Console().print(table)


@app.command()
def head(as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False) -> None:
    """Print the chain's head (seq and hash) to record outside the box."""
    ledger_dir = state.home.ledger_dir
    current, newest = read_head(ledger_dir)
    found = {"seq": current.seq, "hash": current.hash, "file": current.path.name if current.path else None,
             "anchor": f"{current.seq}:{current.hash}"}
    if as_json:
        print(json.dumps(found))
    else:
        print(f"seq {current.seq} hash {current.hash}" + (f" ({current.path.name})" if current.path else " (empty)"))
        print(f"anchor it: doorman ledger verify --anchor {found['anchor']}", file=sys.stderr)
    if newest is not None and newest.torn:
        err.print(f"[yellow]note:[/] {newest.path} ends in {newest.size - newest.whole_end} bytes of a torn "
                  "line; the next append moves them aside", highlight=False)


@app.command()
def seal() -> None:
    """Seal the newest day file now: a signed line with its line count and head hash."""
    sealed = LedgerWriter(state.home.ledger_dir).seal()
    if sealed is None:
        print("nothing to seal: the ledger is empty or its newest day is already sealed")
        return
    print(f"sealed {sealed.day}: {sealed.lines} lines, head {sealed.head}; seal is seq {sealed.seq} "
          f"hash {sealed.hash}")


@app.command()
def verify(
    since: Annotated[Optional[str], typer.Option(help="Start at this day (YYYY-MM-DD).")] = None,
    anchor: Annotated[Optional[str], typer.Option(
        help="SEQ:HASH recorded earlier with `doorman ledger head`; it must still be in the chain.")] = None,
    public_key: Annotated[Optional[Path], typer.Option(
        help="The appliance's public key (hex or PEM) to check seals against; default: the home's.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Check every line, link and seal; exit 0 only if the ledger is intact."""
    ledger_dir = state.home.ledger_dir
    walk = ChainWalk(ledger_dir, since=parse_day(since, "--since"), anchor=_parse_anchor(anchor),
                     trusted_key=_trusted_key(public_key))
    with _progress("verifying", _bytes_of(ledger_dir, walk.since)) as advance:
        walk.on_progress = advance
        summary = walk.run()
    if as_json:
        print(json.dumps({
            "ok": walk.ok, "files": summary.files, "lines": summary.lines, "entries": summary.entries,
            "seals": summary.seals, "unchained": summary.unchained, "head_seq": summary.head_seq,
            "head_hash": summary.head_hash, "torn_aside": [str(p) for p in summary.torn_aside],
            "problems": [p.as_json() for p in walk.problems],
        }))
    if not walk.ok:
        first = walk.problems[0]
        more = f" (and {len(walk.problems) - 1} more problems)" if len(walk.problems) > 1 else ""
        raise (LedgerTornTail if first.kind == "torn tail" else LedgerTampered)(f"{first}{more}")
    if not as_json:
        print(f"ledger verified: {summary.entries} entries and {summary.seals} seals in {summary.files} day "
              f"files; head seq {summary.head_seq} hash {summary.head_hash}")
        if summary.unchained:
            err.print(f"note: {summary.unchained} lines from before the chain (ledger v1) are not tamper-evident")
        if summary.torn_aside:
            err.print(f"note: {len(summary.torn_aside)} torn line(s) from crashes were moved to "
                      f"{summary.torn_aside[0].parent}")


@app.command()
def export(
    since: Annotated[Optional[str], typer.Option(help="From this day or time (UTC), inclusive.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Up to this day or time (UTC), inclusive.")] = None,
    module: Annotated[Optional[list[str]], typer.Option(help="Only this module (repeatable).")] = None,
    tier: Annotated[Optional[list[str]], typer.Option(help="Only this tier (repeatable).")] = None,
    status: Annotated[Optional[list[str]], typer.Option(help="Only this status (repeatable).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    output: Annotated[Optional[Path], typer.Option(help="Write here instead of stdout.")] = None,
    strict: Annotated[bool, typer.Option(help="Refuse to export a range that does not verify.")] = False,
) -> None:
    """Export entries for auditors, streaming: JSONL (the lines as written) or CSV with a header."""
    check_format(fmt)
    where = ExportFilter(parse_period(since, until), frozenset(module or ()), frozenset(tier or ()),
                         frozenset(status or ()))
    ledger_dir = state.home.ledger_dir
    options = {"trusted_key": _trusted_key(None)}
    total = _bytes_of(ledger_dir, where.period.since_day, where.period.until_day)
    try:
        with _open_output(output) as out, _progress("exporting", total) as advance:
            result = export_lines(ledger_dir, out, fmt=fmt, where=where, strict=strict, walk_options=options,
                                  on_progress=advance)
    except BrokenPipeError:  # `export | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    if result.problems:
        first = result.problems[0]
        err.print(f"[bold red]WARNING: this export covers a range of the ledger that does NOT verify "
                  f"({len(result.problems)} problems). First: {first}. Run `doorman ledger verify`; "
                  f"use --strict to refuse such exports.[/]", highlight=False, soft_wrap=True)
    if output is not None:
        err.print(f"exported {result.exported} entries to {output}", highlight=False)


@app.command()
def stats(
    by: Annotated[str, typer.Option(help="Group by module, tier, day or status.")] = "module",
    since: Annotated[Optional[str], typer.Option(help="From this day or time (UTC), inclusive.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Up to this day or time (UTC), inclusive.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Count, tokens, cost and p50/p95 duration per group, from the ledger's index."""
    check_group(by)
    period = parse_period(since, until)
    index = LedgerIndex(state.home.ledger_dir)
    with _progress("indexing new lines", index.pending_bytes()) as advance:
        index.catch_up(advance)
    rows, total = index.stats(by, period)
    if as_json:
        print(json.dumps({"by": by, "since": since, "until": until, "rows": [r.as_json() for r in rows],
                          "total": total.as_json()}))
        return
    table = Table(title=f"ledger stats by {by}" + (f" from {since}" if since else "") + (f" to {until}" if until else ""))
    table.add_column(by)
    for column in ("calls", "tokens", "cost (USD)", "p50 ms", "p95 ms"):
        table.add_column(column, justify="right")
    for row in [*rows, total]:
        table.add_row(row.key, str(row.count), str(row.tokens or 0), f"{row.cost_usd or 0:.6f}",
                      str(row.p50_ms if row.p50_ms is not None else "-"),
                      str(row.p95_ms if row.p95_ms is not None else "-"),
                      style="bold" if row is total else None)
    Console().print(table)


@app.command()
def reindex() -> None:
    """Rebuild the stats index from the JSONL files, from scratch."""
    index = LedgerIndex(state.home.ledger_dir)
    with _progress("reindexing", _bytes_of(state.home.ledger_dir)) as advance:
        added = index.rebuild(advance)
    print(f"reindexed {added} entries into {index.path}")


def _parse_anchor(anchor: str | None) -> Anchor | None:
    if anchor is None:
        return None
    seq, _, digest = anchor.partition(":")
    if not seq.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise InvalidArgument(f"--anchor: expected SEQ:HASH as printed by `doorman ledger head`, got {anchor!r}")
    return Anchor(int(seq), digest)


def _trusted_key(path: Path | None):
    try:
        if path is not None:
            return keys.load_public(path)
        return keys.appliance_public_key(keys.default_key_path(state.home.ledger_dir))
    except (OSError, ValueError) as exc:
        where = path or keys.default_key_path(state.home.ledger_dir)
        raise InvalidArgument(f"cannot read the public key {where}: {exc}") from exc


def _bytes_of(ledger_dir: Path, since: str | None = None, until: str | None = None) -> int:
    return sum(p.stat().st_size for p in day_files(ledger_dir)
               if (not since or p.name[:10] >= since) and (not until or p.name[:10] <= until))


@contextmanager
def _progress(what: str, total: int) -> Iterator[Callable[[int], None]]:
    """A transient progress bar on stderr (only on a terminal), advanced by bytes read."""
    if not err.is_terminal:
        yield lambda _: None
        return
    columns = (TextColumn(what), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(what, total=total)
        yield lambda advance: progress.advance(task, advance)


@contextmanager
def _open_output(output: Path | None):
    if output is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    try:
        handle = output.open("wb")
    except OSError as exc:
        raise InvalidArgument(f"--output: cannot write {output}: {exc.strerror or exc}") from exc
    with handle:
        try:
            yield handle
        except BaseException:
            output.unlink(missing_ok=True)  # no half-written or refused export left behind
            raise
