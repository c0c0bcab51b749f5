"""`doorman ledger verify` names the first bad file and line and what is wrong with it."""

import json

import pytest

from conftest import run_cli
from doorman.ledger.verify import verify
from ledger_helpers import lines_of, rechain, write_days

TAMPERED = 7


@pytest.fixture
def ledger(tmp_path):
    return write_days(tmp_path)


def verdict(home):
    result = run_cli(home, "ledger", "verify")
    assert result.returncode == TAMPERED, (result.stdout, result.stderr)
    (line,) = result.stderr.strip().splitlines()  # one line, naming file and line
    return line


def rewrite(path, lines):
    path.write_bytes(b"".join(lines))


def test_an_intact_ledger_verifies(tmp_path, ledger):
    result = run_cli(tmp_path, "ledger", "verify")
    assert result.returncode == 0, result.stderr
    assert "ledger verified: 12 entries and 2 seals in 3 day files" in result.stdout


def test_an_edited_line_is_named(tmp_path, ledger):
    day = ledger / "2026-11-21.jsonl"
    lines = lines_of(day)
    lines[1] = lines[1].replace(b'"module_id":"demo"', b'"module_id":"hr"')
    rewrite(day, lines)
    assert f"{day} line 2: edited line" in verdict(tmp_path)


def test_an_edited_line_with_a_recomputed_hash_is_caught_by_the_next_link(tmp_path, ledger):
    day = ledger / "2026-11-22.jsonl"
    lines = lines_of(day)
    obj = json.loads(lines[1])
    obj["duration_ms"] = 1
    from doorman.ledger.chain import chained_line

    fields = {k: v for k, v in obj.items() if k not in ("seq", "prev", "hash", "prev_day")}
    lines[1], _ = chained_line(obj["ts"], obj["seq"], obj["prev"], fields)
    rewrite(day, lines)
    message = verdict(tmp_path)
    assert f"{day} line 2: edited line" in message and "hash recomputed" in message


def test_a_deleted_line_is_named(tmp_path, ledger):
    day = ledger / "2026-11-21.jsonl"
    lines = lines_of(day)
    rewrite(day, lines[:1] + lines[2:])
    assert f"{day} line 2: deleted line: seq 7 missing" in verdict(tmp_path)


def test_reordered_lines_are_named(tmp_path, ledger):
    day = ledger / "2026-11-21.jsonl"
    lines = lines_of(day)
    rewrite(day, [lines[0], lines[2], lines[1], *lines[3:]])
    assert f"{day} line 2: reordered lines" in verdict(tmp_path)


def test_an_inserted_line_is_named(tmp_path, ledger):
    day = ledger / "2026-11-21.jsonl"
    lines = lines_of(day)
    forged = lines[1].replace(b'"request_id":"2026-11-21-1"', b'"request_id":"forged"')
    rewrite(day, [lines[0], lines[1], forged, *lines[2:]])
    assert f"{day} line 3: inserted line" in verdict(tmp_path)


def test_a_copied_line_is_named_as_inserted(tmp_path, ledger):
    day = ledger / "2026-11-20.jsonl"
    lines = lines_of(day)
    rewrite(day, [lines[0], lines[0], *lines[1:]])
    assert f"{day} line 2: inserted line" in verdict(tmp_path)


def test_a_missing_day_file_is_named(tmp_path, ledger):
    (ledger / "2026-11-21.jsonl").unlink()
    message = verdict(tmp_path)
    assert "2026-11-22.jsonl line 1: missing day file: 2026-11-21.jsonl is gone" in message


def test_a_missing_first_day_file_is_named(tmp_path, ledger):
    (ledger / "2026-11-20.jsonl").unlink()
    assert "missing day file: 2026-11-20.jsonl is gone" in verdict(tmp_path)


def test_a_bad_seal_signature_is_named_even_when_the_chain_was_recomputed(tmp_path, ledger):
    day = ledger / "2026-11-20.jsonl"
    lines = lines_of(day)
    seal = json.loads(lines[-1])
    seal["sig"] = ("A" if seal["sig"][0] != "A" else "B") + seal["sig"][1:]
    lines[-1] = json.dumps(seal, separators=(",", ":")).encode() + b"\n"
    rewrite(day, lines)
    rechain(ledger)
    assert f"{day} line 5: bad seal signature" in verdict(tmp_path)


def test_editing_a_sealed_day_and_recomputing_the_chain_breaks_the_seal(tmp_path, ledger):
    day = ledger / "2026-11-21.jsonl"
    lines = lines_of(day)
    del lines[2]  # delete a line, then make the chain look whole again
    rewrite(day, lines)
    rechain(ledger)
    message = verdict(tmp_path)
    assert f"{day} line 4: bad" in message and "seal" in message


def test_a_seal_signed_by_another_key_is_refused(tmp_path, ledger):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from doorman.ledger.seal import seal_fields

    day = ledger / "2026-11-20.jsonl"
    lines = lines_of(day)
    seal = json.loads(lines[-1])
    seal.update(seal_fields(Ed25519PrivateKey.generate(), seal["day"], seal["lines"], seal["head"]))
    lines[-1] = json.dumps(seal, separators=(",", ":")).encode() + b"\n"
    rewrite(day, lines)
    rechain(ledger)
    assert "not this appliance's" in verdict(tmp_path)


def test_a_truncated_tail_is_reported(tmp_path, ledger):
    day = ledger / "2026-11-22.jsonl"
    day.write_bytes(day.read_bytes()[:-20])
    result = run_cli(tmp_path, "ledger", "verify")
    assert result.returncode == TAMPERED
    assert "ledger_torn_tail" in result.stderr and f"{day} line 4: torn tail: truncated tail" in result.stderr


def test_deleting_the_newest_lines_is_caught_by_an_anchor(tmp_path, ledger):
    head = json.loads(run_cli(tmp_path, "ledger", "head", "--json").stdout)
    day = ledger / "2026-11-22.jsonl"
    day.write_bytes(b"".join(lines_of(day)[:-1]))
    assert run_cli(tmp_path, "ledger", "verify").returncode == 0  # undetectable from inside alone
    result = run_cli(tmp_path, "ledger", "verify", "--anchor", head["anchor"])
    assert result.returncode == TAMPERED and "anchor mismatch" in result.stderr


def test_verify_since_checks_the_link_into_the_range(tmp_path, ledger):
    assert verify(ledger, since="2026-11-21").ok
    day = ledger / "2026-11-20.jsonl"
    lines = lines_of(day)
    lines[-1] = lines[-1].replace(b'"kind":"seal"', b'"kind":"seal" ')  # edit the seal line
    rewrite(day, lines)
    assert verify(ledger, since="2026-11-22").ok  # the edit lies before the range
    walk = verify(ledger, since="2026-11-21")
    assert walk.problems[0].kind == "edited line"


def test_verify_json_lists_every_problem(tmp_path, ledger):
    (ledger / "2026-11-21.jsonl").unlink()
    result = run_cli(tmp_path, "ledger", "verify", "--json")
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["problems"][0]["kind"] == "missing day file"
    assert run_cli(tmp_path, "ledger", "verify", "--since", "21-11-2026").returncode == 2
