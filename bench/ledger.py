"""Ledger benchmark: durable appends/s (1 writer vs 4 processes, fsync per line vs group
commit), verify and export lines/s on a generated ledger, and export's peak RSS as the
ledger grows (100k vs 1M lines). Prints figures; asserts only correctness (gap-free seq).

    .venv/bin/python bench/ledger.py                 # the full run (about 2-3 minutes on 2 cores)
    .venv/bin/python bench/ledger.py --lines 200000 --append-seconds 1 --repeat 1   # a quick look
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from doorman.ledger import keys
from doorman.ledger.chain import GENESIS, chained_line
from doorman.ledger.export import ExportFilter, export
from doorman.ledger.period import Period
from doorman.ledger.seal import seal_fields
from doorman.ledger.verify import ChainWalk

APPENDER = """
import sys, time
from pathlib import Path
from doorman.ledger import LedgerEntry, LedgerWriter
from doorman.ledger.entry import utc_timestamp
writer = LedgerWriter(Path(sys.argv[1]), group_commit=sys.argv[2] == "group")
name, start, stop = sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
while time.time() < start:
    time.sleep(0.001)
count = 0
while time.time() < stop:
    writer.append(LedgerEntry(ts=utc_timestamp(), request_id=f"{name}-{count}", module_id="bench", tier="A",
        model="bench-model", duration_ms=count % 500, cost_usd=0.0, sanitised_outbound=False, status="ok",
        prompt_tokens=12, completion_tokens=34, finish_reason="stop", route_reason="local by default"))
    count += 1
print(count, writer.fsyncs)
"""


def appends_per_second(workdir: Path, processes: int, mode: str, seconds: float) -> tuple[float, float]:
    """Durable appends/s of `processes` writers at once, and lines per fsync."""
    ledger = workdir / f"append-{processes}-{mode}" / "ledger"
    start = time.time() + 1.0  # every process is up before the clock starts
    children = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(ledger), mode, f"p{n}", str(start),
                          str(start + seconds)], stdout=subprocess.PIPE, text=True)
        for n in range(processes)
    ]
    reports = [child.communicate()[0].split() for child in children]
    counts = [int(count) for count, _ in reports]
    fsyncs = sum(int(made) for _, made in reports)
    lines = [json.loads(line) for path in sorted(ledger.glob("*.jsonl")) for line in path.read_text().splitlines()]
    entries = [line for line in lines if line.get("kind") != "seal"]
    seqs = [line["seq"] for line in lines]
    assert seqs == list(range(1, len(lines) + 1)), "lost or duplicated seq"
    assert len(entries) == sum(counts) and len({e["request_id"] for e in entries}) == len(entries)
    walk = ChainWalk(ledger)
    walk.run()
    assert walk.ok, walk.problems[:3]
    return sum(counts) / seconds, sum(counts) / max(1, fsyncs)


def generate(ledger: Path, lines: int, days: int = 10) -> float:
    """A chained, sealed ledger written straight to disk (no fsync per line); returns seconds."""
    started = time.perf_counter()
    ledger.mkdir(parents=True)
    key = keys.load_or_create(keys.default_key_path(ledger))
    seq, prev, prev_day = 0, GENESIS, None
    per_day = lines // days
    modules = ("legal", "hr", "finance", "demo")
    for d in range(days):
        day = f"2026-10-{d + 1:02d}"
        with (ledger / f"{day}.jsonl").open("wb", buffering=1 << 20) as out:
            count = per_day if d < days - 1 else lines - per_day * (days - 1)
            for i in range(count):
                seq += 1
                second = i * 86399 // count
                ts = f"{day}T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}.000Z"
                costly = seq % 7 == 0
                fields = {
                    "request_id": f"req-{seq:010d}", "module_id": modules[seq % 4], "tier": "C" if costly else "A",
                    "model": "gemma-3-270m-q4_k_m", "duration_ms": seq % 997, "cost_usd": 0.0125 if costly else 0.0,
                    "sanitised_outbound": costly, "status": "ok" if seq % 50 else "error",
                    "prompt_tokens": seq % 300, "completion_tokens": seq % 200, "finish_reason": "stop",
                    "route_reason": "local by default",
                }
                # The same bytes chained_line() makes, formatted directly: 1M lines in seconds.
                body = (
                    f'{{"ts":"{ts}","seq":{seq},"prev":"{prev}"'
                    + (f',"prev_day":"{prev_day}"' if i == 0 and prev_day else "")
                    + f',"request_id":"{fields["request_id"]}","module_id":"{fields["module_id"]}",'
                    f'"tier":"{fields["tier"]}","model":"gemma-3-270m-q4_k_m","duration_ms":{seq % 997},'
                    f'"cost_usd":{fields["cost_usd"]!r},"sanitised_outbound":{"true" if costly else "false"},'
                    f'"status":"{fields["status"]}","prompt_tokens":{seq % 300},"completion_tokens":{seq % 200},'
                    f'"finish_reason":"stop","route_reason":"local by default"}}'
                ).encode()
                line_hash = hashlib.sha256(body).hexdigest()
                line = body[:-1] + b',"hash":"' + line_hash.encode() + b'"}\n'
                if i == 0:
                    assert (line, line_hash) == chained_line(ts, seq, prev, fields,
                                                             prev_day=prev_day if i == 0 else None)
                prev = line_hash
                out.write(line)
            if d < days - 1:
                seq += 1
                line, prev = chained_line(f"{day}T23:59:59.999Z", seq, prev, seal_fields(key, day, count, prev))
                out.write(line)
        prev_day = day
    return time.perf_counter() - started


def timed(fn, repeat: int) -> float:
    return timed_cpu(fn, repeat)[0]


def timed_cpu(fn, repeat: int) -> tuple[float, float]:
    """Median wall and median CPU seconds: on a shared machine CPU time shows the code's own cost."""
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(times), statistics.median(cpu)


def verify_once(ledger: Path) -> None:
    walk = ChainWalk(ledger, trusted_key=keys.appliance_public_key(keys.default_key_path(ledger)))
    walk.run()
    assert walk.ok, walk.problems[:3]


def export_once(ledger: Path, fmt: str, where: ExportFilter = ExportFilter()) -> int:
    with open(os.devnull, "wb") as sink:
        result = export(ledger, sink, fmt=fmt, where=where)
    assert not result.problems
    return result.exported


def export_peak_rss_mb(home: Path, fmt: str) -> float:
    """Peak RSS of `doorman ledger export` in its own process, as an auditor would run it."""
    child = subprocess.Popen([sys.executable, "-m", "doorman", "--home", str(home), "ledger", "export",
                              "--format", fmt, "--output", os.devnull], stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines in the big generated ledger")
    parser.add_argument("--small-lines", type=int, default=100_000, help="lines in the small ledger (RSS baseline)")
    parser.add_argument("--append-seconds", type=float, default=2.0, help="seconds per append run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--part", choices=("all", "appends", "files"), default="all",
                        help="appends only, verify/export only, or both")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="doorman-bench-ledger-", dir=os.environ.get("BENCH_DIR")) as tmp:
        print(f"cpus: {os.cpu_count()}  python {sys.version.split()[0]}  load average: "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if args.part in ("all", "appends"):
            bench_appends(Path(tmp), args)
        if args.part in ("all", "files"):
            bench_files(Path(tmp), args)


def bench_appends(work: Path, args) -> None:
    print("\n== durable appends (each append returns only after a fsync covering its line) ==")
    runs: dict[tuple[int, str], list[float]] = {}
    batching: dict[tuple[int, str], list[float]] = {}
    configs = ((1, "each"), (4, "each"), (1, "group"), (4, "group"))
    for attempt in range(args.repeat):  # interleaved, so a noisy neighbour hits every config alike
        for processes, mode in configs:
            rate, per_fsync = appends_per_second(work / f"run{attempt}", processes, mode, args.append_seconds)
            runs.setdefault((processes, mode), []).append(rate)
            batching.setdefault((processes, mode), []).append(per_fsync)
    rates = {config: statistics.median(values) for config, values in runs.items()}
    for processes, mode in configs:
        label = "fsync per line" if mode == "each" else "group commit"
        print(f"{processes} process{'es' if processes > 1 else '  '} {label:>15}: "
              f"{rates[processes, mode]:8.0f} appends/s median  (runs: "
              f"{', '.join(f'{r:.0f}' for r in runs[processes, mode])}; "
              f"{statistics.median(batching[processes, mode]):.2f} lines per fsync)")
    print("every run: seq gap-free, no lost or duplicated line, chain verifies")
    print(f"4 processes vs 1 writer, group commit:      {rates[4, 'group'] / rates[1, 'group']:.2f}x  (target >= 2x)")
    print(f"4 processes group commit vs fsync per line: {rates[4, 'group'] / rates[4, 'each']:.2f}x")


def bench_files(work: Path, args) -> None:
    big, small = work / "big", work / "small"
    print("\n== generated ledgers ==")
    seconds = generate(big / "ledger", args.lines)
    print(f"{args.lines} lines in {seconds:.1f} s ({args.lines / seconds:,.0f} lines/s, 10 day files, 9 seals)")
    seconds = generate(small / "ledger", args.small_lines)
    print(f"{args.small_lines} lines in {seconds:.1f} s")
    size = sum(p.stat().st_size for p in (big / "ledger").glob("*.jsonl"))
    print(f"big ledger: {size / 1e6:.0f} MB")
    os.sync()  # let the kernel write the fresh files out now, not during the first timed run

    print(f"\n== verify and export, {args.lines} lines (median of {args.repeat}) ==")
    seconds, cpu = timed_cpu(lambda: verify_once(big / "ledger"), args.repeat)
    print(f"verify:                {args.lines / seconds:10,.0f} lines/s  ({seconds:.2f} s; target >= 100,000)"
          f"  cpu {args.lines / cpu:,.0f} lines/cpu-s")
    for fmt in ("jsonl", "csv"):
        seconds, cpu = timed_cpu(lambda: export_once(big / "ledger", fmt), args.repeat)
        print(f"export {fmt:5}:          {args.lines / seconds:10,.0f} lines/s  ({seconds:.2f} s; target >= 100,000)"
              f"  cpu {args.lines / cpu:,.0f} lines/cpu-s")
    print(f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    where = ExportFilter(Period(since_day="2026-10-03", until_day="2026-10-08"), modules=frozenset({"legal"}))
    seconds = timed(lambda: export_once(big / "ledger", "jsonl", where), 1)
    walked = args.lines * 7 // 10
    print(f"export jsonl filtered: {walked / seconds:10,.0f} lines/s read  (--module legal, days 3-8: 7 files read)")

    print("\n== export peak RSS, whole ledger, own process ==")
    for fmt in ("jsonl", "csv"):
        small_rss, big_rss = export_peak_rss_mb(small, fmt), export_peak_rss_mb(big, fmt)
        print(f"export {fmt:5}: {args.small_lines:>9,} lines {small_rss:6.1f} MB   "
              f"{args.lines:>9,} lines {big_rss:6.1f} MB   ratio {big_rss / small_rss:.2f}")


if __name__ == "__main__":
    main()
