"""`doorman verdict` and `doorman corpus`: signed verdicts, supersession, tampering, stats, export."""

import json
import shutil
import stat

import pytest

from apprentice_helpers import MENTOR, attempt, corpus_file, local_doorman, records, rewrite_line
from conftest import run_cli
from doorman.apprentice.reviewers import ReviewerKeys

PROMPTS = ("What is the capital of France?", "What is the capital of Italy?", "What is the capital of Spain?",
           "What is the capital of Japan?")


@pytest.fixture(scope="module")
def template_home(tmp_path_factory, models_dir, local_tier):
    """A home whose mentor module kept four attempts, with reviewer alice's key pair; made once."""
    home = tmp_path_factory.mktemp("apprentice") / "home"
    home.mkdir()
    (home / "models").symlink_to(models_dir, target_is_directory=True)
    (home / "doorman.toml").write_text(MENTOR)
    doorman = local_doorman(home, local_tier)
    ids = [attempt(doorman, prompt).request_id for prompt in PROMPTS]
    ids.append(attempt(doorman, PROMPTS[0], module="demo").request_id)  # no apprenticeship
    result = run_cli(home, "keys", "reviewer", "new", "alice")
    assert result.returncode == 0, result.stderr
    return home, ids


@pytest.fixture
def reviewed_home(template_home, tmp_path):
    """A fresh copy of the template home for each test."""
    source, ids = template_home
    home = tmp_path / "home"
    shutil.copytree(source, home, symlinks=True)
    return home, ids


def verdict(home, *args):
    return run_cli(home, "verdict", *args)


def ok(result):
    assert result.returncode == 0, result.stderr
    return result


def test_reviewer_keys_are_private_and_their_public_halves_listed(reviewed_home):
    home, _ = reviewed_home
    keys_dir = home / "keys" / "reviewers"
    assert stat.S_IMODE((keys_dir / "alice.ed25519").stat().st_mode) == 0o600
    public = (keys_dir / "alice.ed25519.pub").read_text().strip()
    listed = ok(run_cli(home, "keys", "reviewer", "list")).stdout
    assert "alice" in listed and public in listed
    again = run_cli(home, "keys", "reviewer", "new", "alice")
    assert again.returncode == 2 and "already has a key" in again.stderr


def test_every_verdict_kind_is_signed_recorded_and_verifies(reviewed_home, tmp_path):
    home, ids = reviewed_home
    better = tmp_path / "better.txt"
    better.write_text("Rome is the capital of Italy.")
    ok(verdict(home, ids[0], "accept", "--reviewer", "alice", "--note", "exact"))
    ok(verdict(home, ids[1], "refine", "--reviewer", "alice", "--refined-file", str(better)))
    ok(verdict(home, ids[2], "reject", "-r", "alice"))
    stored = records(home, "mentor", "verdicts")
    assert [(v["request_id"], v["verdict"]) for v in stored] == [
        (ids[0], "accept"), (ids[1], "refine"), (ids[2], "reject")]
    attempts = {a["request_id"]: a for a in records(home, "mentor", "attempts")}
    public = (home / "keys" / "reviewers" / "alice.ed25519.pub").read_text().strip()
    for v in stored:
        assert v["reviewer"] == "alice" and v["reviewer_key"] == public and len(v["signature"]) == 128
        assert v["attempt_sha256"] == attempts[v["request_id"]]["sha256"] and v["supersedes"] is None
    assert stored[0]["note"] == "exact" and stored[1]["refined"] == "Rome is the capital of Italy."
    result = ok(run_cli(home, "corpus", "verify"))
    assert "ok: 4 attempts, 3 verdicts" in result.stdout


@pytest.mark.parametrize("args, code, words", [
    (("refine", "--reviewer", "alice"), "invalid_argument", "refine needs the refined text"),
    (("accept", "--reviewer", "alice", "--refined", "x"), "invalid_argument", "only for refine"),
    (("approve", "--reviewer", "alice"), "invalid_argument", "expected one of accept, refine"),
    (("accept", "--reviewer", "bob"), "reviewer_key_missing", "doorman keys reviewer new bob"),
])
def test_bad_verdicts_are_one_line_errors(reviewed_home, args, code, words):
    home, ids = reviewed_home
    result = verdict(home, ids[0], *args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and f"doorman: {code}:" in result.stderr and words in result.stderr
    assert records(home, "mentor", "verdicts") == []


def test_unknown_requests_and_modules_without_apprenticeship_are_refused(reviewed_home):
    home, ids = reviewed_home
    unknown = verdict(home, "req_0000", "accept", "--reviewer", "alice")
    assert unknown.returncode == 2 and unknown.stderr.startswith("doorman: attempt_not_found: no call req_0000")
    demo = verdict(home, ids[4], "accept", "--reviewer", "alice")
    assert demo.returncode == 2 and "doorman: apprenticeship_off:" in demo.stderr
    assert "apprenticeship = true in [modules.demo]" in demo.stderr and demo.stderr.count("\n") == 1
    (home / "doorman.toml").write_text("[modules.mentor]\n")  # apprenticeship switched off later
    off = verdict(home, ids[0], "accept", "--reviewer", "alice")
    assert off.returncode == 2 and "doorman: apprenticeship_off:" in off.stderr and "no longer" in off.stderr


def test_a_later_verdict_supersedes_the_earlier_which_is_kept(reviewed_home):
    home, ids = reviewed_home
    ok(verdict(home, ids[1], "reject", "--reviewer", "alice", "--note", "wrong city"))
    ok(verdict(home, ids[1], "refine", "--reviewer", "alice", "--refined", "Rome."))
    first, second = records(home, "mentor", "verdicts")
    assert first["verdict"] == "reject" and first["note"] == "wrong city"  # never erased
    assert second["supersedes"] == first["verdict_id"]
    stats = json.loads(ok(run_cli(home, "corpus", "stats", "--json")).stdout)
    (row,) = stats["rows"]
    assert row["verdicts"] == {"accept": 0, "refine": 1, "reject": 0, "defer-tier-c": 0}
    assert stats["modules"] == [{"module": "mentor", "attempts": 4, "verdict_records": 2, "superseded": 1}]
    pairs = ok(run_cli(home, "corpus", "export", "--module", "mentor", "--format", "preference")).stdout
    (pair,) = [json.loads(line) for line in pairs.splitlines()]
    assert pair["chosen"] == [{"role": "assistant", "content": "Rome."}]


def test_tampering_with_a_verdict_or_an_attempt_is_named_by_file_and_line(reviewed_home):
    home, ids = reviewed_home
    for request_id in ids[:2]:
        ok(verdict(home, request_id, "accept", "--reviewer", "alice"))
    verdicts, attempts = corpus_file(home, "mentor", "verdicts"), corpus_file(home, "mentor", "attempts")
    rewrite_line(verdicts, 2, lambda v: v.update(verdict="refine", refined="Edited.",
                                                 refined_sha256=__import__("hashlib").sha256(b"Edited.").hexdigest()))
    rewrite_line(attempts, 1, lambda a: a.update(response="Lyon"))
    result = run_cli(home, "corpus", "verify")
    assert result.returncode == 7 and "doorman: corpus_tampered: 3 bad record(s)" in result.stderr
    assert f"{attempts}:1: attempt {ids[0]}: its fields do not match its sha256" in result.stdout
    assert f"{verdicts}:1: verdict on {ids[0]}, which has no intact attempt" in result.stdout
    assert f"{verdicts}:2: signature does not verify for reviewer 'alice'" in result.stdout
    exported = ok(run_cli(home, "corpus", "export", "-m", "mentor", "-f", "sft")).stdout
    assert exported == ""  # nothing unverified is exported


def test_a_swapped_reviewer_key_fails_every_verdict_it_did_not_sign(reviewed_home, tmp_path):
    home, ids = reviewed_home
    ok(verdict(home, ids[0], "accept", "--reviewer", "alice"))
    other = ReviewerKeys(tmp_path).create("mallory")  # a key made elsewhere
    (home / "keys" / "reviewers" / "alice.ed25519.pub").write_text(other.public_hex + "\n")
    result = run_cli(home, "corpus", "verify")
    assert result.returncode == 7
    assert "verdicts.jsonl:1: signed with a key other than the one listed for reviewer 'alice'" in result.stdout
    # A verdict re-signed with the swapped-in key but claiming the old key's identity fails too.
    rewrite_line(corpus_file(home, "mentor", "verdicts"), 1, lambda v: v.update(reviewer_key=other.public_hex))
    result = run_cli(home, "corpus", "verify")
    assert result.returncode == 7 and "signature does not verify for reviewer 'alice'" in result.stdout


def test_exports_are_json_lines_a_training_script_loads(reviewed_home):
    home, ids = reviewed_home
    ok(verdict(home, ids[0], "accept", "--reviewer", "alice"))
    ok(verdict(home, ids[1], "refine", "--reviewer", "alice", "--refined", "Rome is the capital of Italy."))
    ok(verdict(home, ids[2], "reject", "--reviewer", "alice"))
    sft = [json.loads(line) for line in
           ok(run_cli(home, "corpus", "export", "--module", "mentor", "--format", "sft")).stdout.splitlines()]
    assert len(sft) == 2
    for row in sft:
        assert set(row) == {"messages", "metadata"} and row["messages"][-1]["role"] == "assistant"
        assert row["messages"][0] == {"role": "user", "content": PROMPTS[ids.index(row["metadata"]["request_id"])]}
    attempts = {a["request_id"]: a for a in records(home, "mentor", "attempts")}
    assert sft[0]["messages"][-1]["content"] == attempts[ids[0]]["response"]  # accepted: the attempt itself
    assert sft[1]["messages"][-1]["content"] == "Rome is the capital of Italy."
    out = home / "pairs.jsonl"
    result = ok(run_cli(home, "corpus", "export", "--module", "mentor", "--format", "preference", "-o", str(out)))
    (pair,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert set(pair) == {"prompt", "chosen", "rejected", "metadata"}
    assert pair["rejected"] == [{"role": "assistant", "content": attempts[ids[1]]["response"]}]
    assert "1 without a better answer" in result.stderr  # the lone reject
    later = run_cli(home, "corpus", "export", "-m", "mentor", "-f", "sft", "--since", "2999-01-01")
    assert later.returncode == 0 and later.stdout == ""
    bad = run_cli(home, "corpus", "export", "-m", "mentor", "-f", "sft", "--since", "yesterday")
    assert bad.returncode == 2 and "--since" in bad.stderr


def test_stats_give_acceptance_per_module_adapter_and_period(reviewed_home):
    home, ids = reviewed_home
    ok(verdict(home, ids[0], "accept", "--reviewer", "alice"))
    ok(verdict(home, ids[1], "accept", "--reviewer", "alice"))
    ok(verdict(home, ids[2], "reject", "--reviewer", "alice"))
    (row,) = json.loads(ok(run_cli(home, "corpus", "stats", "--module", "mentor", "--by", "week",
                                   "--json")).stdout)["rows"]
    assert row["module"] == "mentor" and row["adapters"] == "(base)" and "-W" in row["period"]
    assert row["attempts"] == 4 and row["reviewed"] == 3 and row["acceptance_rate"] == pytest.approx(2 / 3, abs=1e-3)
    table = ok(run_cli(home, "corpus", "stats")).stdout
    assert "mentor" in table and "67%" in table
