"""defer-tier-c: the attempt goes to Tier C through the Doorman, sanitised, budgeted, ledgered."""

import json

import pytest

from apprentice_helpers import attempt, configure_tier_c, corpus_file, local_doorman, records, rewrite_line
from conftest import run_cli
from remote_tiers import Upstream

KEY = "sk-test-upstream-apprentice"
PROMPT = "Write one line to Northwind Maritime about invoice 17."


MODULES = """
[modules.mentor]
apprenticeship = true
tiers = ["A", "C"]
daily_budget_usd = 5.0
vault = "vault.csv"

[modules.solo]
apprenticeship = true
"""


@pytest.fixture
def upstream(tmp_path):
    server = Upstream(tmp_path)
    yield server
    server.stop()


def test_a_deferral_is_answered_by_tier_c_sanitised_and_kept_as_the_candidate(home, local_tier, upstream,
                                                                              monkeypatch):
    monkeypatch.setenv("DOORMAN_TEST_KEY", KEY)
    configure_tier_c(home, upstream.url, MODULES)
    doorman = local_doorman(home, local_tier)
    tried = attempt(doorman, PROMPT)
    alone = attempt(doorman, PROMPT, module="solo")
    assert run_cli(home, "keys", "reviewer", "new", "alice").returncode == 0

    result = run_cli(home, "verdict", tried.request_id, "defer-tier-c", "--reviewer", "alice", "--json")
    assert result.returncode == 0, result.stderr
    recorded = json.loads(result.stdout)
    candidate = recorded["candidate"]
    # Nothing from the vault left the box; the answer came back rehydrated.
    (sent,) = upstream.received()
    assert "Northwind" not in json.dumps(sent["body"]) and sent["authorization"] == f"Bearer {KEY}"
    assert candidate["text"].startswith("You said: ") and "Northwind Maritime" in candidate["text"]
    assert candidate["verdict_id"] == recorded["verdict"]["verdict_id"] and candidate["model"] == "frontier"
    # The Tier C call has its own ledger line, like any other.
    ledger = [json.loads(x) for p in sorted((home / "ledger").glob("*.jsonl")) for x in p.read_text().splitlines()]
    (line,) = [x for x in ledger if x.get("request_id") == candidate["tier_c_request_id"]]
    assert line["tier"] == "C" and line["status"] == "ok" and line["sanitised_outbound"] is True
    assert line["module_id"] == "mentor" and line["cost_usd"] > 0
    assert [v["kind"] for v in records(home, "mentor", "verdicts")] == ["verdict", "candidate"]

    assert run_cli(home, "corpus", "verify").returncode == 0
    sft = run_cli(home, "corpus", "export", "-m", "mentor", "-f", "sft").stdout
    (row,) = [json.loads(x) for x in sft.splitlines()]
    assert row["messages"][-1] == {"role": "assistant", "content": candidate["text"]}
    pref = run_cli(home, "corpus", "export", "-m", "mentor", "-f", "preference").stdout
    (pair,) = [json.loads(x) for x in pref.splitlines()]
    assert pair["chosen"][0]["content"] == candidate["text"] and pair["rejected"][0]["content"] == tried.text

    # An edited candidate no longer verifies, and is not exported.
    rewrite_line(corpus_file(home, "mentor", "verdicts"), 2, lambda c: c.update(text="Edited."))
    bad = run_cli(home, "corpus", "verify")
    assert bad.returncode == 7 and "verdicts.jsonl:2: candidate text does not match" in bad.stdout
    assert run_cli(home, "corpus", "export", "-m", "mentor", "-f", "sft").stdout == ""

    # A module that may not use Tier C cannot defer to it; nothing is sent.
    refused = run_cli(home, "verdict", alone.request_id, "defer-tier-c", "--reviewer", "alice")
    assert refused.returncode == 2 and "doorman: tier_not_allowed: module solo does not allow tier C" in refused.stderr
    assert len(upstream.received()) == 1 and records(home, "solo", "verdicts") == []
