"""Verdicts from reviewer services over HTTP, against a real `doorman serve`."""

import json

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apprentice_helpers import configure_tier_c
from conftest import run_cli
from doorman.api.keys import create_key
from doorman.apprentice.signing import sign, verdict_payload
from doorman.ledger.entry import utc_timestamp
from doorman.ledger.keys import public_hex
from doorman.testing import ServeProcess
from remote_tiers import Upstream

UPSTREAM_KEY = "sk-test-upstream-http"
MENTOR_WITH_C = '[modules.mentor]\napprenticeship = true\ntiers = ["A", "C"]\ndaily_budget_usd = 5.0\nvault = "vault.csv"\n'


@pytest.fixture
def upstream(tmp_path):
    server = Upstream(tmp_path)
    yield server
    server.stop()


def signed(key, attempt, verdict, supersedes=None, refined=None, reviewer="svc"):
    """A verdict body as a reviewer service builds it, with its own private key."""
    fields = dict(request_id=attempt["request_id"], verdict=verdict, reviewer=reviewer, ts=utc_timestamp(),
                  supersedes=supersedes, attempt_sha256=attempt["sha256"], refined=refined, note=None)
    payload = verdict_payload(module=attempt["module"], **fields)
    return {**fields, "signature": sign(key, payload)}


def test_a_reviewer_service_signs_verdicts_over_http(home, upstream, monkeypatch):
    monkeypatch.setenv("DOORMAN_TEST_KEY", UPSTREAM_KEY)
    configure_tier_c(home, upstream.url, MENTOR_WITH_C)
    _, mentor_key = create_key(home / "doorman.toml", "mentor")
    _, demo_key = create_key(home / "doorman.toml", "demo")
    service_key = Ed25519PrivateKey.generate()  # held by the service, never by the appliance
    assert run_cli(home, "keys", "reviewer", "add", "svc", public_hex(service_key.public_key())).returncode == 0

    with ServeProcess(home) as server:
        mentor = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {mentor_key}"}, timeout=120)
        answer = mentor.post("/v1/chat/completions", headers={"X-Doorman-Module": "mentor"}, json={
            "model": "any", "temperature": 0, "max_tokens": 8,
            "messages": [{"role": "user", "content": "Greet Northwind Maritime."}]})
        request_id = answer.headers["X-Doorman-Request-Id"]

        shown = mentor.get(f"/v1/doorman/attempts/{request_id}")
        assert shown.status_code == 200, shown.text
        attempt = shown.json()["attempt"]
        assert attempt["response"] == answer.json()["choices"][0]["message"]["content"]
        assert shown.json()["current_verdict"] is None

        first = mentor.post("/v1/doorman/verdicts", json=signed(service_key, attempt, "reject"))
        assert first.status_code == 201, first.text
        first_id = first.json()["verdict"]["verdict_id"]

        def refused(response, status, code):
            assert response.status_code == status, response.text
            error = response.json()["error"]
            assert error["code"] == code and set(error) == {"message", "type", "param", "code"}
            return error

        # A replay (it supersedes nothing, but a verdict is now in force) is refused.
        refused(mentor.post("/v1/doorman/verdicts", json=signed(service_key, attempt, "reject")),
                409, "verdict_conflict")
        forged = signed(Ed25519PrivateKey.generate(), attempt, "accept", supersedes=first_id)
        assert refused(mentor.post("/v1/doorman/verdicts", json=forged), 401,
                       "invalid_signature")["type"] == "authentication_error"
        refused(httpx.post(server.url + "/v1/doorman/verdicts", headers={"Authorization": f"Bearer {demo_key}"},
                           json=signed(service_key, attempt, "accept", supersedes=first_id)),
                403, "module_not_allowed")
        refused(httpx.post(server.url + "/v1/doorman/verdicts",
                           json=signed(service_key, attempt, "accept", supersedes=first_id)),
                401, "invalid_api_key")
        unsigned = {k: v for k, v in signed(service_key, attempt, "accept").items() if k != "signature"}
        assert refused(mentor.post("/v1/doorman/verdicts", json=unsigned), 400,
                       "invalid_request")["param"] == "signature"
        refused(mentor.get("/v1/doorman/attempts/req_nope"), 404, "attempt_not_found")

        deferred = mentor.post("/v1/doorman/verdicts",
                               json=signed(service_key, attempt, "defer-tier-c", supersedes=first_id))
        assert deferred.status_code == 201, deferred.text
        candidate = deferred.json()["candidate"]
        assert deferred.json()["verdict"]["supersedes"] == first_id
        assert "Northwind Maritime" in candidate["text"]
        (sent,) = upstream.received()
        assert "Northwind" not in json.dumps(sent["body"])
        assert server.ledger_line(candidate["tier_c_request_id"])["tier"] == "C"

    result = run_cli(home, "corpus", "verify")
    assert result.returncode == 0 and "1 attempts, 2 verdicts, 1 Tier C candidates" in result.stdout
