"""Sanitiser quality and speed: doorman against Microsoft Presidio, same corpus, same scorer, one run.

Runs the labelled-corpus scorer (leak, partial exposure, over-redaction, fidelity, placeholder
safety, vault recall, throughput per CPU-second) on `doorman sanitise --jsonl` with the corpus's
vault dictionary as the module's vault, then on the Presidio adapter with the same vault, and
prints both tables and a one-line comparison.

    python bench/sanitise.py [--pii-dir ../shared/bench/pii] [--corpus dev.jsonl] [--limit N] [--no-presidio]
                             [--large N]

The scorer's MB per CPU-second is steady state (its clock starts after the first answer). `--large N` adds
the same figure on N generated records (the tests' Faker generator, unlabelled, so speed only), by the scorer's
clock: the first record answered alone, then the CPU of the other N - 1; median of three runs.

Presidio is a benchmark-only dependency (pip install presidio-analyzer presidio-anonymizer).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def score(pii_dir: Path, corpus: Path, command: str, summary: Path, limit: int) -> dict:
    args = [sys.executable, str(pii_dir / "score.py"), "--corpus", str(corpus), "--json", str(summary), "--cmd", command]
    if limit:
        args += ["--limit", str(limit)]
    subprocess.run(args, check=True)
    return json.loads(summary.read_text())


def large_input(pii_dir: Path, command: str, count: int) -> tuple[float, float]:
    """(MB, steady MB per CPU-second) of `command` over `count` generated records, by the scorer's own clock: the
    first record answered alone, then the CPU of the rest (median of three runs)."""
    sys.path.insert(0, str(REPO / "tests" / "boundary"))
    from pii_generator import records

    spec = importlib.util.spec_from_file_location("pii_score", pii_dir / "score.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    texts = [r.text for r in records(count, seed=2024)]
    lines = [json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)]
    steady = []
    for _ in range(3):
        run = scorer.run_sanitiser(command, lines, 300, 600)
        if run.rc != 0 or len(run.lines) != count or run.cpu_first is None:
            raise SystemExit(f"--large: the sanitiser answered {len(run.lines)} of {count} records (exit {run.rc})")
        steady.append(run.cpu - run.cpu_first)
    steady_bytes = sum(len(t.encode("utf-8")) for t in texts[1:])
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6, steady_bytes / 1e6 / statistics.median(steady)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pii-dir", default=str(REPO / ".." / "shared" / "bench" / "pii"),
                        help="folder with score.py, the corpus, vault_entities.csv and adapters/")
    parser.add_argument("--corpus", default="dev.jsonl", help="corpus file, relative to --pii-dir")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N records")
    parser.add_argument("--no-presidio", action="store_true", help="skip the Presidio baseline")
    parser.add_argument("--large", type=int, default=0, metavar="N",
                        help="also time doorman alone on N generated records (steady MB per CPU-second)")
    a = parser.parse_args()
    pii_dir = Path(a.pii_dir).resolve()
    corpus = pii_dir / a.corpus
    if not (pii_dir / "score.py").exists():
        parser.error(f"--pii-dir {pii_dir}: no score.py there")

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        shutil.copy(pii_dir / "vault_entities.csv", home / "vault.csv")
        (home / "doorman.toml").write_text('[modules.bench]\nvault = "vault.csv"\n')
        ours_argv = [sys.executable, "-m", "doorman", "--home", str(home), "sanitise", "--module", "bench", "--jsonl"]
        ours_cmd = shlex.join(ours_argv)
        print("== doorman:", ours_cmd.replace(tmp, "$TMP"), flush=True)
        ours = score(pii_dir, corpus, ours_cmd, Path(tmp) / "ours.json", a.limit)
        large = large_input(pii_dir, ours_cmd, a.large) if a.large else None
        theirs = None
        if a.no_presidio:
            pass
        elif importlib.util.find_spec("presidio_analyzer") is None:
            print("\n(Presidio not installed: pip install presidio-analyzer presidio-anonymizer)")
        else:
            presidio_cmd = shlex.join([sys.executable, str(pii_dir / "adapters" / "presidio_adapter.py"),
                                       "--vault", str(pii_dir / "vault_entities.csv")])
            print("\n== Presidio:", presidio_cmd, flush=True)
            theirs = score(pii_dir, corpus, presidio_cmd, Path(tmp) / "presidio.json", a.limit)

    print(f"\n{'':<12}{'leak%':>8}{'partial%':>10}{'overredact%':>13}{'fidelity%':>11}{'vault%':>8}{'MB/cpu-s':>10}")
    for name, s in (("doorman", ours), ("presidio", theirs)):
        if s:
            vault = s["vault_recall_pct"] if s["vault_recall_pct"] is not None else float("nan")
            print(f"{name:<12}{s['leak_pct']:>8.2f}{s['partial_pct']:>10.2f}{s['overredact_pct']:>13.2f}"
                  f"{s['fidelity_pct']:>11.2f}{vault:>8.2f}{s['cpu_mb_per_s']:>10.3f}")
    if large:
        print(f"doorman on {a.large} generated records ({large[0]:.2f} MB): {large[1]:.3f} MB per CPU-second steady "
              f"(start-up excluded, medians of 3 runs)")
    if theirs and theirs["cpu_mb_per_s"] and theirs["cpu_mb_per_s"] == theirs["cpu_mb_per_s"]:
        print(f"speed ratio doorman/presidio: {ours['cpu_mb_per_s'] / theirs['cpu_mb_per_s']:.1f}x per CPU-second")
    return 0


if __name__ == "__main__":
    sys.exit(main())
