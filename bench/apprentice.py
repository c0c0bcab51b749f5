"""Apprenticeship corpus benchmark: durable attempt appends/s (1 writer, 4 processes), and
`doorman corpus verify` / `export` throughput and peak RSS as the corpus grows (N vs 10N
reviewed attempts), to show export streams in bounded memory. Prints figures.

    .venv/bin/python bench/apprentice.py                       # 10k vs 100k attempts
    .venv/bin/python bench/apprentice.py --attempts 5000 --repeat 3      # 5k vs 50k, about 3 minutes
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from doorman.apprentice.corpus import attempt_record
from doorman.apprentice.reviewers import ReviewerKeys
from doorman.apprentice.signing import sign, text_sha256, verdict_id, verdict_payload
from doorman.apprentice.store import json_line
from doorman.core.types import Request

KINDS = ("accept", "refine", "reject")
APPENDER = """
import sys
from pathlib import Path
from doorman.apprentice.corpus import ModuleCorpus
corpus = ModuleCorpus(Path(sys.argv[1]), "bench")
for i in range(int(sys.argv[3])):
    corpus.keep({"kind": "attempt", "request_id": f"req_{sys.argv[2]}_{i}", "response": "x" * 400})
"""


def make_corpus(home: Path, attempts: int) -> None:
    """A reviewed corpus written in bulk (same records and signatures as the real path, one fsync)."""
    (home / "doorman.toml").write_text('[modules.bench]\napprenticeship = true\n')
    reviewer = ReviewerKeys(home).create("alice")
    key = ReviewerKeys(home).private_key("alice")
    folder = home / "corpus" / "bench"
    folder.mkdir(parents=True)
    prose = "The notice period is thirty days from receipt of written notice. " * 6
    with open(folder / "attempts.jsonl", "wb") as attempts_file, open(folder / "verdicts.jsonl", "wb") as verdicts:
        for i in range(attempts):
            request = Request.from_prompt("bench", f"Question {i}: {prose}", max_tokens=64)
            record = attempt_record(request, "bench", [], "gemma-3-270m-q4_k_m", prose, "stop")
            attempts_file.write(json_line(record))
            kind = KINDS[i % 3]
            refined = "Thirty days." if kind == "refine" else None
            fields = dict(request_id=record["request_id"], verdict=kind, reviewer="alice", ts=record["ts"],
                          supersedes=None, attempt_sha256=record["sha256"], refined=refined, note=None)
            signature = sign(key, verdict_payload(module="bench", **fields))
            verdicts.write(json_line({
                "kind": "verdict", "verdict_id": verdict_id(signature), "module": "bench", **fields,
                "refined_sha256": text_sha256(refined), "reviewer_key": reviewer.public_hex,
                "signature": signature}))


def run_cli(home: Path, *args: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one `doorman` subprocess."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "doorman", "--home", str(home), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"doorman {' '.join(args)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def appends_per_second(root: Path, writers: int, per_writer: int) -> float:
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, str(root), str(w), str(per_writer)])
             for w in range(writers)]
    if any(p.wait() for p in procs):
        raise RuntimeError("an appender failed")
    elapsed = time.perf_counter() - started  # includes interpreter start-up: a lower bound
    lines = (root / "bench" / "attempts.jsonl").read_bytes().count(b"\n")
    assert lines == writers * per_writer, f"lost lines: {lines} of {writers * per_writer}"
    return lines / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attempts", type=int, default=10_000, help="the small corpus; the large one is 10x")
    parser.add_argument("--appends", type=int, default=500, help="appends per writer")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        for writers in (1, 4):
            rates = []
            for r in range(args.repeat):
                root = Path(tmp) / f"append-{writers}-{r}"
                rates.append(appends_per_second(root, writers, args.appends // writers))
            print(f"durable attempt appends/s, {writers} process(es): median {statistics.median(rates):,.0f} "
                  f"(runs {', '.join(f'{x:,.0f}' for x in rates)})")

        for size in (args.attempts, args.attempts * 10):
            home = Path(tmp) / f"home-{size}"
            home.mkdir()
            make_corpus(home, size)
            megabytes = sum(p.stat().st_size for p in (home / "corpus" / "bench").glob("*.jsonl")) / 1e6
            for label, command in (("verify", ("corpus", "verify")),
                                   ("export sft", ("corpus", "export", "-m", "bench", "-f", "sft",
                                                   "-o", os.devnull)),
                                   ("export preference", ("corpus", "export", "-m", "bench", "-f", "preference",
                                                          "-o", os.devnull))):
                runs = [run_cli(home, *command) for _ in range(args.repeat)]
                seconds = statistics.median(r[0] for r in runs)
                rss = max(r[1] for r in runs)
                print(f"{label:18s} {size:>8,} attempts ({megabytes:,.0f} MB): {size / seconds:,.0f} attempts/s "
                      f"(median {seconds:.2f} s incl. start-up), peak RSS {rss:,.0f} MB")


if __name__ == "__main__":
    main()
