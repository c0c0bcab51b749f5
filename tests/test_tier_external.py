"""Tier C: allow-listed, budgeted, always sanitised; against a real upstream on loopback."""

import json
import threading

import pytest

from conftest import run_cli
from doorman.core.config import load_config
from doorman.core.errors import (
    BudgetExceeded, ConfigError, HostNotAllowed, SanitiseFailed, TierNotAllowed, TierUnavailable,
)
from doorman.core.home import Home
from doorman.core.types import Request
from doorman.door import Doorman
from doorman.ledger.reader import tail
from remote_tiers import Upstream, external_table

KEY = "sk-test-upstream-0123456789"
SECRET_TEXT = "Please email Jane Doe at jane.doe@example.com about Project Zephyr."


def configure(home, upstream_url, budget=5.0, extra=""):
    (home / "vault.csv").write_text("value,type\nProject Zephyr,PROJECT\nJane Doe,PERSON\n")
    (home / "legal.md").write_text("Vocabulary: an NDA is a non-disclosure agreement.")
    (home / "doorman.toml").write_text(external_table(upstream_url) + f'''
[modules.legal]
tiers = ["A", "C"]
daily_budget_usd = {budget}
vault = "vault.csv"
ontology = "legal.md"
{extra}
''')


@pytest.fixture
def upstream(tmp_path):
    server = Upstream(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def doorman(home, upstream, monkeypatch):
    monkeypatch.setenv("DOORMAN_TEST_KEY", KEY)
    configure(home, upstream.url)
    return Doorman(load_config(home / "doorman.toml"), Home(home))


def ask(text=SECRET_TEXT, tier="C", **params):
    return Request.from_prompt("legal", text, tier=tier, **params)


def test_everything_sent_is_sanitised_and_the_answer_comes_back_whole(doorman, upstream, home):
    answer = doorman.complete(ask())
    assert answer.tier == "C" and answer.model == "frontier"
    assert "jane.doe@example.com" in answer.text and "Project Zephyr" in answer.text
    (sent,) = upstream.received()
    wire = json.dumps(sent["body"])
    for raw in ("Jane Doe", "jane.doe@example.com", "Project Zephyr", "Zephyr"):
        assert raw not in wire
    assert sent["body"]["messages"][0] == {"role": "system",
                                           "content": "Vocabulary: an NDA is a non-disclosure agreement."}
    assert sent["authorization"] == f"Bearer {KEY}"
    (line,) = tail(home / "ledger", 5)
    assert line["sanitised_outbound"] is True and line["tier"] == "C"
    assert line["route_reason"] == "tier C asked for"
    usage = answer.usage
    assert line["cost_usd"] == pytest.approx((usage.prompt_tokens * 1.0 + usage.completion_tokens * 2.0) / 1000)
    assert KEY not in (next((home / "ledger").glob("*.jsonl"))).read_text()


def test_a_tier_the_module_does_not_allow_is_refused(doorman, upstream):
    with pytest.raises(TierNotAllowed, match="may not use tier B"):
        doorman.complete(ask(tier="B"))
    assert upstream.received() == []


def test_a_call_over_the_daily_budget_is_rejected_before_anything_is_sent(home, upstream, monkeypatch):
    monkeypatch.setenv("DOORMAN_TEST_KEY", KEY)
    configure(home, upstream.url, budget=0.001)
    doorman = Doorman(load_config(home / "doorman.toml"), Home(home))
    with pytest.raises(BudgetExceeded, match="daily budget"):
        doorman.complete(ask(max_tokens=100))
    assert upstream.received() == []
    assert tail(home / "ledger", 5)[-1]["status"] == "rejected"


def test_concurrent_calls_cannot_overspend(home, tmp_path, monkeypatch):
    # A slow upstream: every call holds its reservation until all eight have asked.
    upstream = Upstream(tmp_path, "--delay-s", "2")
    monkeypatch.setenv("DOORMAN_TEST_KEY", KEY)
    configure(home, upstream.url)
    tier = Doorman(load_config(home / "doorman.toml"), Home(home)).tiers["C"]
    estimate = tier.estimate_usd(tier.prepare(ask("word " * 40, max_tokens=20)))
    budget = 3.5 * estimate  # room for three reservations, not four
    configure(home, upstream.url, budget=budget)
    doorman = Doorman(load_config(home / "doorman.toml"), Home(home))
    barrier = threading.Barrier(8)
    outcomes = []

    def call():
        barrier.wait()
        try:
            doorman.complete(ask("word " * 40, max_tokens=20))
            outcomes.append("ok")
        except BudgetExceeded:
            outcomes.append("over")

    threads = [threading.Thread(target=call) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        upstream.stop()
    assert outcomes.count("ok") == 3 and outcomes.count("over") == 5
    spent = sum(line["cost_usd"] for line in tail(home / "ledger", 20))
    assert 0 < spent <= budget


def test_transient_upstream_failures_are_retried(home, tmp_path, monkeypatch):
    flaky = Upstream(tmp_path, "--fail-first", "2")
    try:
        monkeypatch.setenv("DOORMAN_TEST_KEY", KEY)
        configure(home, flaky.url)
        answer = Doorman(load_config(home / "doorman.toml"), Home(home)).complete(ask("hello there"))
        assert answer.text == "You said: hello there"
        assert len(flaky.received()) == 3
    finally:
        flaky.stop()


def test_an_upstream_that_stays_down_is_a_clear_error(home, tmp_path, monkeypatch):
    broken = Upstream(tmp_path, "--fail-first", "10")
    try:
        monkeypatch.setenv("DOORMAN_TEST_KEY", KEY)
        configure(home, broken.url)
        with pytest.raises(TierUnavailable, match="503 after retries"):
            Doorman(load_config(home / "doorman.toml"), Home(home)).complete(ask("hello"))
        assert tail(home / "ledger", 5)[-1]["error_code"] == "tier_unavailable"
    finally:
        broken.stop()


def test_a_redirect_is_refused(home, tmp_path, monkeypatch):
    redirecting = Upstream(tmp_path, "--redirect", "http://elsewhere.invalid/v1/chat/completions")
    try:
        monkeypatch.setenv("DOORMAN_TEST_KEY", KEY)
        configure(home, redirecting.url)
        with pytest.raises(HostNotAllowed, match="redirected"):
            Doorman(load_config(home / "doorman.toml"), Home(home)).complete(ask("hello"))
    finally:
        redirecting.stop()


def test_an_endpoint_outside_the_allow_list_is_a_config_error(home):
    (home / "doorman.toml").write_text(
        '[external]\nendpoint = "http://127.0.0.2:9/v1"\nmodel = "m"\nallow_hosts = ["api.example.com"]\n')
    with pytest.raises(ConfigError, match="host '127.0.0.2' is not in external.allow_hosts"):
        load_config(home / "doorman.toml")


def test_the_cli_routes_to_tier_c_and_keeps_the_key_out_of_sight(home, upstream, monkeypatch):
    monkeypatch.setenv("DOORMAN_TEST_KEY", KEY)  # the CLI subprocess inherits it
    configure(home, upstream.url)
    result = run_cli(home, "infer", "-m", "legal", "--tier", "C", "--json", SECRET_TEXT)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["tier"] == "C" and "jane.doe@example.com" in answer["text"]
    refused = run_cli(home, "infer", "-m", "demo", "--tier", "C", "hello")
    assert refused.returncode == 2 and "tier_not_allowed" in refused.stderr
    assert KEY not in result.stderr + refused.stderr


def test_the_server_start_compiles_sanitisers_and_leaves_a_bad_vault_to_fail_closed(home, upstream, monkeypatch):
    monkeypatch.setenv("DOORMAN_TEST_KEY", KEY)
    configure(home, upstream.url, extra='[modules.broken]\ntiers = ["C"]\nvault = "missing.csv"\n')
    door = Doorman(load_config(home / "doorman.toml"), Home(home))
    door.warm_sanitisers()
    assert "legal" in door.sanitisers and "broken" not in door.sanitisers
    with pytest.raises(SanitiseFailed, match="missing.csv"):
        door.complete(Request.from_prompt("broken", "Mail jane.doe@example.com", tier="C"))
    assert upstream.received() == []
