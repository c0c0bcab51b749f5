"""CSV export's bulk path gives exactly the bytes of the careful per-line path."""

import csv
import io
import random

from doorman.ledger.chain import GENESIS, chained_line
from doorman.ledger.columns import COLUMNS, csv_header, csv_line, csv_lines

ODD_VALUES = ["plain", "with, comma", 'with "quote"', "back\\slash", "new\nline", "café", None]


def ledger_lines(count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    lines, prev = [], GENESIS
    for seq in range(1, count + 1):
        fields = {"request_id": f"req_{seq}", "module_id": rng.choice(["demo", "legal", None]),
                  "tier": rng.choice(["A", "C", None]), "model": rng.choice(["m", "gemma, q4"]),
                  "duration_ms": rng.randint(0, 9000), "cost_usd": rng.choice([0.0, 0.0125]),
                  "sanitised_outbound": rng.random() < 0.5, "status": rng.choice(["ok", "rejected"])}
        if rng.random() < 0.3:
            fields["route_reason"] = rng.choice(ODD_VALUES)
        if rng.random() < 0.2:
            fields["extra_field"] = "added later"
        line, prev = chained_line(f"2026-11-22T10:00:{seq % 60:02d}.000Z", seq, prev, fields)
        lines.append(line.rstrip(b"\n"))
    return lines


def test_bulk_csv_matches_the_per_line_path_for_every_chunking():
    lines = ledger_lines(400, seed=7)
    expected = b"".join(csv_line(line) for line in lines)
    for size in (1, 3, 64, 1024):
        chunks = [lines[i:i + size] for i in range(0, len(lines), size)]
        assert b"".join(csv_lines(chunk) for chunk in chunks) == expected


def test_the_csv_reads_back_with_every_value_intact():
    lines = ledger_lines(200, seed=11)
    text = (csv_header() + csv_lines(lines)).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 200 and list(rows[0]) == list(COLUMNS)
    reasons = {row["route_reason"] for row in rows}
    assert "with, comma" in reasons and 'with "quote"' in reasons and "new\nline" in reasons
