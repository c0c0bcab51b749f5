"""Each recogniser's CPU time, Python reference against its compiled twin, on the same texts in one run.

    python bench/sanitise_recognisers.py [--corpus ../shared/bench/pii/dev.jsonl] [--vault vault_entities.csv]
                                         [--records N] [--repeats R]

Texts: the corpus's `text` fields when given, else N records of the tests' generator in every text form.
Prints, per recogniser, the median over R passes of its CPU milliseconds for all texts, both ways, and the
ratio; then the same for the whole sanitiser, and the MB per CPU-second both ways.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "boundary"))

from doorman.boundary.findings import forget_texts  # noqa: E402
from doorman.boundary.sanitiser import Sanitiser  # noqa: E402
from doorman.boundary.vault import load_vault  # noqa: E402


def _texts(corpus: Path | None, count: int) -> list[str]:
    if corpus:
        return [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    from pii_generator import form_records

    return [record.text for _, record in form_records(count, seed=5)]


def _cpu_ms(work, repeats: int) -> float:
    work()  # warm: caches, first-use imports
    times = []
    for _ in range(repeats):
        start = time.process_time()
        work()
        times.append((time.process_time() - start) * 1e3)
    return statistics.median(times)


def _recogniser_pass(recogniser, texts: list[str]):
    def work():
        for text in texts:
            for _ in recogniser.find(text):
                pass
            forget_texts()

    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--vault", type=Path, help="a value,type CSV: the vault recogniser's entries")
    parser.add_argument("--records", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    texts = _texts(args.corpus, args.records)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    vault = load_vault(args.vault) if args.vault else []
    python, compiled = Sanitiser(vault, compiled=False), Sanitiser(vault)
    print(f"{len(texts)} texts, {megabytes:.3f} MB; CPU ms per pass, median of {args.repeats}")
    print(f"{'recogniser':28s} {'python':>9s} {'compiled':>9s} {'ratio':>7s}")
    for reference, twin in zip(python.recognisers, compiled.recognisers):
        slow = _cpu_ms(_recogniser_pass(reference, texts), args.repeats)
        if type(twin) is type(reference):
            print(f"{type(reference).__name__:28s} {slow:9.1f} {'-':>9s} {'-':>7s}")
            continue
        quick = _cpu_ms(_recogniser_pass(twin, texts), args.repeats)
        print(f"{type(reference).__name__:28s} {slow:9.1f} {quick:9.1f} {slow / quick:6.1f}x")
    slow = _cpu_ms(lambda: [python.sanitise([t]) for t in texts], args.repeats)
    quick = _cpu_ms(lambda: [compiled.sanitise([t]) for t in texts], args.repeats)
    print(f"{'whole sanitiser':28s} {slow:9.1f} {quick:9.1f} {slow / quick:6.1f}x")
    print(f"MB per CPU-second: python {megabytes / slow * 1e3:.2f}, compiled {megabytes / quick * 1e3:.2f}")


if __name__ == "__main__":
    main()
