"""`doorman serve`: API keys bound to modules, the bounded queue, and draining on SIGTERM."""

import threading
import time

import httpx
import openai
import pytest

from conftest import COUNTING, FRANCE, run_cli
from doorman.testing import ServeProcess

CHAT = [{"role": "user", "content": FRANCE}]


def sdk(server, key="unused", module="demo"):
    return openai.OpenAI(base_url=server.url + "/v1", api_key=key, max_retries=0,
                         default_headers={"X-Doorman-Module": module})


def test_api_keys_are_bound_to_their_module_and_never_logged(home):
    (home / "doorman.toml").write_text('[modules.legal]\n')
    minted = run_cli(home, "keys", "api", "new", "--module", "legal")
    assert minted.returncode == 0, minted.stderr
    key = minted.stdout.strip()
    assert key.startswith("dm_") and key not in (home / "doorman.toml").read_text()
    other = run_cli(home, "keys", "api", "new", "--module", "demo").stdout.strip()
    listing = run_cli(home, "keys", "api", "list").stdout
    assert "legal" in listing and key not in listing

    with ServeProcess(home) as server:
        answer = sdk(server, key, "legal").chat.completions.create(model="any", messages=CHAT, max_tokens=4)
        assert answer.usage.completion_tokens > 0
        no_key = httpx.post(server.url + "/v1/chat/completions", json={"messages": CHAT},
                            headers={"X-Doorman-Module": "legal"})
        assert no_key.status_code == 401 and no_key.json()["error"]["type"] == "authentication_error"
        with pytest.raises(openai.AuthenticationError) as bad:
            sdk(server, "dm_00000000_" + "x" * 32, "legal").chat.completions.create(model="any", messages=CHAT)
        assert bad.value.body["code"] == "invalid_api_key"
        with pytest.raises(openai.PermissionDeniedError) as wrong:
            sdk(server, other, "legal").chat.completions.create(model="any", messages=CHAT)
        assert wrong.value.body["code"] == "module_not_allowed"
        request_id = wrong.value.response.headers["X-Doorman-Request-Id"]
        assert server.ledger_line(request_id)["status"] == "rejected"
        with pytest.raises(openai.AuthenticationError):
            sdk(server).models.list()
        time.sleep(0.2)
        logged = "".join(server.raw_log) + "".join(p.read_text() for p in (home / "ledger").glob("*.jsonl"))
        assert key not in logged and other not in logged

    key_id = [w for w in run_cli(home, "keys", "api", "list").stdout.split() if w.startswith("k_")][0]
    assert run_cli(home, "keys", "api", "revoke", key_id).returncode == 0
    assert key_id not in run_cli(home, "keys", "api", "list").stdout


def test_minting_a_key_for_an_unknown_module_fails_clearly(home):
    result = run_cli(home, "keys", "api", "new", "--module", "ghost")
    assert result.returncode == 3
    assert "unknown module 'ghost' (known modules: demo)" in result.stderr


def test_a_full_queue_answers_429_with_retry_after(home):
    (home / "doorman.toml").write_text("[local]\nmax_queue = 1\n")
    with ServeProcess(home) as server:
        statuses, retry_after = [], []

        def ask():
            # Counting runs its full max_tokens: the first is still busy when all arrive.
            response = httpx.post(server.url + "/v1/completions", timeout=120,
                                  headers={"X-Doorman-Module": "demo"},
                                  json={"prompt": COUNTING, "max_tokens": 100, "temperature": 0})
            statuses.append(response.status_code)
            if response.status_code == 429:
                retry_after.append(response.headers["Retry-After"])
                assert response.json()["error"]["code"] == "queue_full"

        threads = [threading.Thread(target=ask) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        # One runs, one waits: the other four are turned away at once.
        assert sorted(statuses) == [200, 200, 429, 429, 429, 429]
        assert all(int(value) >= 1 for value in retry_after)
        rejected = [x for x in server.ledger_lines() if x["status"] == "rejected"]
        assert [x["error_code"] for x in rejected] == ["queue_full"] * 4


def test_sigterm_drains_an_in_flight_call_then_exits_cleanly(home):
    server = ServeProcess(home)
    result = {}

    def ask():
        response = httpx.post(server.url + "/v1/chat/completions", timeout=120,
                              headers={"X-Doorman-Module": "demo"},
                              json={"messages": CHAT, "max_tokens": 60, "temperature": 0.8, "seed": 1})
        result["status"] = response.status_code
        result["id"] = response.headers["X-Doorman-Request-Id"]

    caller = threading.Thread(target=ask)
    caller.start()
    deadline = time.monotonic() + 30
    while 'doorman_running{tier="A"} 1.0' not in httpx.get(server.url + "/metrics").text:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert server.terminate() == 0
    caller.join(60)
    assert result["status"] == 200
    assert server.ledger_line(result["id"])["status"] == "ok"
    with pytest.raises(httpx.TransportError):
        httpx.get(server.url + "/healthz", timeout=2)


def test_a_queued_caller_that_hangs_up_never_reaches_the_model(home):
    with ServeProcess(home) as server:
        # Counting runs its full 200 tokens (seconds).
        busy = threading.Thread(target=lambda: httpx.post(
            server.url + "/v1/completions", timeout=120, headers={"X-Doorman-Module": "demo"},
            json={"prompt": COUNTING, "max_tokens": 200, "temperature": 0}))
        busy.start()
        deadline = time.monotonic() + 30
        while 'doorman_running{tier="A"} 1.0' not in httpx.get(server.url + "/metrics").text:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        # A second caller queues behind it, then gives up before its turn.
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(server.url + "/v1/chat/completions", timeout=0.5, headers={"X-Doorman-Module": "demo"},
                       json={"messages": CHAT, "max_tokens": 80})
        busy.join(120)
        deadline = time.monotonic() + 10
        while len(server.ledger_lines()) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        gave_up = [x for x in server.ledger_lines() if x["status"] != "ok"]
        assert [(x["status"], x.get("completion_tokens")) for x in gave_up] == [("cancelled", None)]
