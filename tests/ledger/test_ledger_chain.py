"""Every line is chained: gap-free seq, prev links, a hash anyone can recompute; days are sealed."""

import json
import os
import stat

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from doorman.ledger.chain import GENESIS, recompute
from doorman.ledger.seal import seal_message
from ledger_helpers import write_days

V1_FIELDS = {"ts", "request_id", "module_id", "tier", "model", "duration_ms", "cost_usd",
             "sanitised_outbound", "status"}


def all_lines(ledger):
    return [json.loads(line) for path in sorted(ledger.glob("*.jsonl")) for line in path.read_text().splitlines()]


def test_lines_carry_gap_free_seq_and_a_recomputable_hash_chain(tmp_path):
    ledger = write_days(tmp_path)
    lines = all_lines(ledger)
    assert [line["seq"] for line in lines] == list(range(1, len(lines) + 1))
    assert lines[0]["prev"] == GENESIS
    for before, after in zip(lines, lines[1:]):
        assert after["prev"] == before["hash"]
    for line in lines:
        # hash = SHA-256 of the canonical JSON without `hash`, recomputed from the parsed object.
        assert line["hash"] == recompute(line)
        assert list(line)[:3] == ["ts", "seq", "prev"] and list(line)[-1] == "hash"
    entries = [line for line in lines if line.get("kind") != "seal"]
    assert len(entries) == 12 and all(V1_FIELDS <= set(line) for line in entries)


def test_a_new_day_seals_the_previous_one_and_links_to_its_seal(tmp_path):
    ledger = write_days(tmp_path)
    day1 = [json.loads(x) for x in (ledger / "2026-11-20.jsonl").read_text().splitlines()]
    day2 = [json.loads(x) for x in (ledger / "2026-11-21.jsonl").read_text().splitlines()]
    seal = day1[-1]
    assert seal["kind"] == "seal" and seal["day"] == "2026-11-20"
    assert seal["lines"] == 4 and seal["head"] == day1[-2]["hash"]
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(seal["key"]))
    public.verify(__import__("base64").b64decode(seal["sig"]), seal_message("2026-11-20", 4, seal["head"]))
    assert day2[0]["prev"] == seal["hash"] and day2[0]["prev_day"] == "2026-11-20"
    newest = (ledger / "2026-11-22.jsonl").read_text().splitlines()
    assert json.loads(newest[-1]).get("kind") is None  # the open day is not sealed yet


def test_the_signing_key_is_created_once_under_the_home_and_private(tmp_path):
    write_days(tmp_path)
    key = tmp_path / "keys" / "ledger.ed25519"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    public_hex = (tmp_path / "keys" / "ledger.ed25519.pub").read_text().strip()
    seals = [line for line in all_lines(tmp_path / "ledger") if line.get("kind") == "seal"]
    assert len(seals) == 2 and {s["key"] for s in seals} == {public_hex}


def test_head_and_seal_commands_print_the_head_to_anchor(tmp_path):
    from conftest import run_cli

    ledger = write_days(tmp_path)
    head = run_cli(tmp_path, "ledger", "head", "--json")
    assert head.returncode == 0, head.stderr
    found = json.loads(head.stdout)
    last = all_lines(ledger)[-1]
    assert (found["seq"], found["hash"]) == (last["seq"], last["hash"])
    sealed = run_cli(tmp_path, "ledger", "seal")
    assert sealed.returncode == 0 and "sealed 2026-11-22: 4 lines" in sealed.stdout
    seal = all_lines(ledger)[-1]
    assert seal["kind"] == "seal" and seal["head"] == last["hash"] and seal["seq"] == last["seq"] + 1
    again = run_cli(tmp_path, "ledger", "seal")
    assert "nothing to seal" in again.stdout
    assert run_cli(tmp_path, "ledger", "verify").returncode == 0
    # The old anchor still holds after the seal was added.
    assert run_cli(tmp_path, "ledger", "verify", "--anchor", found["anchor"]).returncode == 0


def test_the_readme_hash_check_recomputes_every_line_with_plain_python(tmp_path):
    import re
    import shlex
    import subprocess
    import sys
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    (command,) = re.findall(r"`(python -c '.*?')`", readme)
    argv = shlex.split(command)
    ledger = write_days(tmp_path)
    for path in sorted(ledger.glob("*.jsonl")):
        checked = subprocess.run([sys.executable, *argv[1:]], input=path.read_text(), capture_output=True,
                                 text=True, check=True)
        assert checked.stdout.split() == ["True"] * len(path.read_text().splitlines())
    day = ledger / "2026-11-21.jsonl"
    day.write_text(day.read_text().replace('"duration_ms":10', '"duration_ms":11', 1))
    checked = subprocess.run([sys.executable, *argv[1:]], input=day.read_text(), capture_output=True, text=True)
    assert checked.stdout.split()[0] == "False"
