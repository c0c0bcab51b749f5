"""The auditor's tools: streaming export (JSONL, CSV) and per-module accounting from a derived index."""

import csv
import io
import json

import pytest

from conftest import run_cli
from doorman.ledger import LedgerWriter
from doorman.ledger.index import LedgerIndex
from ledger_helpers import entry, lines_of


@pytest.fixture
def ledger(tmp_path):
    writer = LedgerWriter(tmp_path / "ledger")
    plan = [("2026-11-20", "demo", "A", "ok"), ("2026-11-20", "legal", "C", "ok"),
            ("2026-11-21", "legal", "C", "error"), ("2026-11-21", "demo", "A", "ok"),
            ("2026-11-21", None, None, "rejected"), ("2026-11-22", "legal", "A", "ok")]
    for i, (day, module, tier, status) in enumerate(sorted(plan * 3, key=lambda row: row[0])):
        writer.append(entry(f"r{i}", f"{day}T0{i % 10}:00:00.000Z", module_id=module, tier=tier, status=status,
                            duration_ms=7 * i + 3, cost_usd=0.0125 * (tier == "C"),
                            prompt_tokens=i if module else None, completion_tokens=2 * i if module else None))
    return tmp_path / "ledger"


def entries_in(ledger):
    return [json.loads(line) for path in sorted(ledger.glob("*.jsonl")) for line in path.read_text().splitlines()
            if json.loads(line).get("kind") != "seal"]


def test_jsonl_export_streams_the_lines_as_written_with_filters(tmp_path, ledger):
    result = run_cli(tmp_path, "ledger", "export", "--module", "legal", "--status", "ok", "--since", "2026-11-21")
    assert result.returncode == 0, result.stderr
    got = [json.loads(line) for line in result.stdout.splitlines()]
    want = [e for e in entries_in(ledger) if e["module_id"] == "legal" and e["status"] == "ok" and e["ts"] >= "2026-11-21"]
    assert got == want and len(got) == 3
    everything = run_cli(tmp_path, "ledger", "export").stdout.encode()
    raw = b"".join(line for p in sorted(ledger.glob("*.jsonl")) for line in lines_of(p) if b'"kind":"seal"' not in line)
    assert everything == raw


def test_csv_export_has_a_header_and_one_row_per_entry(tmp_path, ledger):
    out = tmp_path / "audit.csv"
    result = run_cli(tmp_path, "ledger", "export", "--format", "csv", "--tier", "C", "--until",
                     "2026-11-20T23:59:59Z", "--output", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    want = [e for e in entries_in(ledger) if e["tier"] == "C" and e["ts"] < "2026-11-21"]
    assert [r["request_id"] for r in rows] == [e["request_id"] for e in want] and len(rows) == 3
    assert rows[0]["cost_usd"] == "0.0125" and rows[0]["hash"] == want[0]["hash"]
    assert list(rows[0])[:3] == ["seq", "ts", "request_id"]


def test_exporting_a_tampered_range_warns_and_strict_refuses(tmp_path, ledger):
    day = ledger / "2026-11-21.jsonl"
    lines = lines_of(day)
    lines[1] = lines[1].replace(b'"duration_ms":', b'"duration_ms":1')
    day.write_bytes(b"".join(lines))
    loud = run_cli(tmp_path, "ledger", "export")
    assert loud.returncode == 0 and "WARNING" in loud.stderr and "does NOT verify" in loud.stderr
    assert f"{day} line 2: edited line" in loud.stderr
    out = tmp_path / "refused.jsonl"
    strict = run_cli(tmp_path, "ledger", "export", "--strict", "--output", str(out))
    assert strict.returncode == 7 and strict.stdout == "" and "export refused (--strict)" in strict.stderr
    assert not out.exists()
    clean = run_cli(tmp_path, "ledger", "export", "--strict", "--since", "2026-11-22")
    assert clean.returncode == 0 and len(clean.stdout.splitlines()) == 3


@pytest.mark.parametrize("args, fault", [
    (["export", "--since", "last tuesday"], "--since: cannot read 'last tuesday'"),
    (["export", "--until", "2026-13-40"], "--until: cannot read '2026-13-40'"),
    (["export", "--format", "xml"], "--format: unknown format 'xml'"),
    (["stats", "--by", "colour"], "--by: unknown grouping 'colour'"),
    (["stats", "--since", "2026-11-22", "--until", "2026-11-20"], "--since 2026-11-22 is after --until"),
])
def test_bad_arguments_get_one_line_errors(tmp_path, ledger, args, fault):
    result = run_cli(tmp_path, "ledger", *args)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"doorman: invalid_argument: {result.stderr.split(': ', 2)[2].strip()}"]
    assert fault in result.stderr


def expected_stats(entries, key):
    groups = {}
    for e in entries:
        groups.setdefault(key(e), []).append(e)
    out = {}
    for name, items in groups.items():
        durations = sorted(e["duration_ms"] for e in items)
        rank = lambda p: durations[max(0, -(-p * len(durations) // 100) - 1)]  # nearest rank
        out[name] = {"count": len(items),
                     "tokens": sum((e.get("prompt_tokens") or 0) + (e.get("completion_tokens") or 0) for e in items),
                     "cost_usd": round(sum(e["cost_usd"] for e in items), 6), "p50_ms": rank(50), "p95_ms": rank(95)}
    return out


def stats_json(home, *args):
    result = run_cli(home, "ledger", "stats", "--json", *args)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    return {r["key"]: {k: r[k] for k in ("count", "tokens", "cost_usd", "p50_ms", "p95_ms")} for r in report["rows"]}


def test_stats_by_module_tier_day_and_status_match_the_jsonl(tmp_path, ledger):
    entries = entries_in(ledger)
    assert stats_json(tmp_path, "--by", "module") == expected_stats(entries, lambda e: e["module_id"] or "-")
    assert stats_json(tmp_path, "--by", "tier") == expected_stats(entries, lambda e: e["tier"] or "-")
    assert stats_json(tmp_path, "--by", "day") == expected_stats(entries, lambda e: e["ts"][:10])
    recent = [e for e in entries if e["ts"][:10] >= "2026-11-21"]
    assert stats_json(tmp_path, "--by", "status", "--since", "2026-11-21") == expected_stats(recent, lambda e: e["status"])
    assert stats_json(tmp_path, "--by", "module")["legal"]["cost_usd"] == 0.075  # 6 tier-C calls at 0.0125
    table = run_cli(tmp_path, "ledger", "stats", "--by", "tier")
    assert table.returncode == 0 and "p95 ms" in table.stdout and "total" in table.stdout


def test_the_index_catches_up_with_new_lines_and_reindex_gives_the_same_numbers(tmp_path, ledger):
    before = stats_json(tmp_path, "--by", "module")
    LedgerWriter(ledger).append(entry("new", "2026-11-22T12:00:00.000Z", module_id="hr", duration_ms=99))
    index = LedgerIndex(ledger)
    assert index.catch_up() == 1  # only the new line is read
    assert index.catch_up() == 0
    after = stats_json(tmp_path, "--by", "module")
    assert after["hr"]["count"] == 1 and after["demo"] == before["demo"]
    assert run_cli(tmp_path, "ledger", "reindex").returncode == 0
    assert stats_json(tmp_path, "--by", "module") == after == expected_stats(
        entries_in(ledger), lambda e: e["module_id"] or "-")


def test_the_index_starts_over_when_the_jsonl_changed_under_it(tmp_path, ledger):
    index = LedgerIndex(ledger)
    index.catch_up()
    day = ledger / "2026-11-22.jsonl"
    day.write_bytes(b"".join(lines_of(day)[:1]))  # the newest day rewritten shorter
    index.catch_up()
    rows, total = index.stats("module")
    assert total.count == 16 and total.count == len(entries_in(ledger))


def test_filters_match_fields_not_text_that_looks_like_them(tmp_path):
    writer = LedgerWriter(tmp_path / "ledger")
    writer.append(entry("decoy", "2026-11-22T09:00:00.000Z", module_id="demo",
                        route_reason='"module_id":"legal","tier":"C", comma'))
    writer.append(entry("real", "2026-11-22T09:00:01.000Z", module_id="legal", tier="C"))
    result = run_cli(tmp_path, "ledger", "export", "--module", "legal", "--tier", "C", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["request_id"] for r in rows] == ["real"]
    everything = list(csv.DictReader(io.StringIO(run_cli(tmp_path, "ledger", "export", "--format", "csv").stdout)))
    assert everything[0]["route_reason"] == '"module_id":"legal","tier":"C", comma'  # quoted, round-trips
