"""`doorman serve` end to end: a real server process, the official OpenAI SDK, the real model."""

import json
import socket
import threading
import time

import httpx
import openai
import pytest

from conftest import COUNTING, FRANCE
from doorman.testing import ServeProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory, models_dir):
    home = tmp_path_factory.mktemp("serve-home")
    (home / "models").symlink_to(models_dir, target_is_directory=True)
    (home / "doorman.toml").write_text('[modules.legal]\ndescription = "contracts"\n')
    with ServeProcess(home) as process:
        yield process


def client(server, module="demo", **kwargs):
    return openai.OpenAI(base_url=server.url + "/v1", api_key="unused",
                         default_headers={"X-Doorman-Module": module}, max_retries=0, **kwargs)


def chat(text=FRANCE):
    return [{"role": "user", "content": text}]


def test_binds_loopback_by_default(server):
    assert server.host == "127.0.0.1"


def test_the_sdk_chats_and_the_answer_matches_its_ledger_line(server):
    raw = client(server).chat.completions.with_raw_response.create(
        model="gemma-3-270m-q4_k_m", messages=chat(), temperature=0)
    answer = raw.parse()
    assert "Paris" in answer.choices[0].message.content
    assert answer.choices[0].finish_reason == "stop"
    assert answer.usage.completion_tokens > 0 and answer.model == "gemma-3-270m-q4_k_m"
    request_id = raw.headers["X-Doorman-Request-Id"]
    assert answer.id == request_id
    line = server.ledger_line(request_id)
    assert line["status"] == "ok" and line["module_id"] == "demo"
    assert line["completion_tokens"] == answer.usage.completion_tokens


def test_the_sdk_streams_with_usage_when_asked(server):
    stream = client(server).chat.completions.create(
        model="any", messages=chat(), temperature=0, stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "Paris" in text
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) > 1
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens > 0
    assert server.ledger_line(chunks[0].id)["status"] == "ok"


def test_a_stream_without_include_usage_carries_no_usage(server):
    chunks = list(client(server).chat.completions.create(model="any", messages=chat(), stream=True,
                                                         max_tokens=4))
    assert all(c.usage is None for c in chunks)


def test_the_module_can_travel_in_the_body(server):
    sdk = openai.OpenAI(base_url=server.url + "/v1", api_key="unused", max_retries=0)
    answer = sdk.chat.completions.create(model="any", messages=chat(), max_tokens=8,
                                         extra_body={"module": "legal"})
    assert server.ledger_line(answer.id)["module_id"] == "legal"


def test_header_and_body_modules_that_disagree_are_a_400(server):
    with pytest.raises(openai.BadRequestError) as caught:
        client(server, module="demo").chat.completions.create(
            model="any", messages=chat(), extra_body={"module": "legal"})
    assert caught.value.body["code"] == "invalid_request"
    assert caught.value.body["param"] == "module"


def test_an_unknown_module_is_an_openai_error_with_a_ledger_line(server):
    with pytest.raises(openai.NotFoundError) as caught:
        client(server, module="payroll").chat.completions.create(model="any", messages=chat())
    assert caught.value.body["code"] == "unknown_module"
    assert "known modules: demo, legal" in caught.value.body["message"]
    request_id = caught.value.response.headers["X-Doorman-Request-Id"]
    assert server.ledger_line(request_id)["status"] == "rejected"


def test_completions_plain_and_streamed(server):
    sdk = client(server)
    answer = sdk.completions.create(model="any", prompt="Q: What is the capital of France?\nA:",
                                    max_tokens=6, temperature=0)
    assert "Paris" in answer.choices[0].text
    pieces = list(sdk.completions.create(model="any", prompt="Q: What is the capital of France?\nA:", max_tokens=6,
                                         temperature=0, stream=True))
    assert "Paris" in "".join(p.choices[0].text for p in pieces if p.choices)


def test_models_lists_the_local_model(server):
    models = client(server).models.list()
    assert [m.id for m in models.data] == ["gemma-3-270m-q4_k_m"]


def post(server, body: bytes | str, path="/v1/chat/completions", **headers):
    return httpx.post(server.url + path, content=body, timeout=60,
                      headers={"X-Doorman-Module": "demo", "Content-Type": "application/json", **headers})


def test_malformed_json_is_a_400_with_an_openai_body(server):
    response = post(server, b"{not json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "invalid_request_error" and "not valid JSON" in error["message"]
    assert server.ledger_line(response.headers["X-Doorman-Request-Id"])["error_code"] == "invalid_request"


def test_a_field_of_the_wrong_type_is_named(server):
    response = post(server, json.dumps({"messages": chat(), "temperature": "hot"}))
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "temperature"
    response = post(server, json.dumps({"messages": [{"role": "wizard", "content": "hi"}]}))
    assert response.json()["error"]["param"] == "messages[0].role"


def test_a_body_over_the_limit_is_a_413(server):
    response = post(server, json.dumps({"messages": chat("x" * 2_000_000)}))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_an_unknown_route_is_an_openai_shaped_404(server):
    response = httpx.get(server.url + "/v1/nothing")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_health_readiness_and_metrics(server):
    assert httpx.get(server.url + "/healthz").json() == {"status": "ok"}
    assert httpx.get(server.url + "/readyz").json() == {"status": "ready"}
    client(server).chat.completions.create(model="any", messages=chat(), max_tokens=4)
    metrics = httpx.get(server.url + "/metrics").text
    assert 'doorman_requests_total{module="demo",status="ok",tier="A"}' in metrics
    assert "doorman_request_duration_seconds_bucket" in metrics
    assert 'doorman_tokens_total{kind="completion",module="demo",tier="A"}' in metrics
    assert 'doorman_queue_depth{tier="A"} 0.0' in metrics


def test_eight_concurrent_clients_are_all_answered(server):
    results, errors = {}, []

    def ask(n):
        try:
            answer = client(server).chat.completions.create(model="any", messages=chat(), temperature=0,
                                                            max_tokens=12)
            results[n] = answer.choices[0].message.content
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert len(results) == 8 and all("Paris" in text for text in results.values())


def test_a_client_that_disconnects_cancels_its_generation(server):
    # A story could end by itself before the client leaves; counting cannot.
    body = json.dumps({"prompt": COUNTING, "stream": True, "max_tokens": 400, "temperature": 0})
    sock = socket.create_connection((server.host, server.port))
    sock.sendall((f"POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  f"X-Doorman-Module: demo\r\nContent-Length: {len(body)}\r\n\r\n{body}").encode())
    received = b""
    while received.count(b"data:") < 3:
        received += sock.recv(4096)
    request_id = received.split(b"x-doorman-request-id: ")[1].split(b"\r\n")[0].decode()
    sock.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        lines = [x for x in server.ledger_lines() if x["request_id"] == request_id]
        if lines:
            break
        time.sleep(0.1)
    assert lines[0]["status"] == "cancelled"
    assert 'doorman_running{tier="A"} 0.0' in httpx.get(server.url + "/metrics").text
    # The model is free at once for the next caller.
    answer = client(server).chat.completions.create(model="any", messages=chat(), max_tokens=4)
    assert answer.usage.completion_tokens > 0


def test_logs_are_json_lines_without_prompt_text(server):
    client(server).chat.completions.create(model="any", messages=chat("my secret plan is zebra"), max_tokens=4)
    time.sleep(0.2)
    calls = [record for record in server.logs if record.get("msg") == "call"]
    assert calls and {"request_id", "module", "status", "duration_ms"} <= set(calls[-1])
    assert not any("zebra" in line for line in server.raw_log)


def test_a_tier_the_module_may_not_use_is_a_403(server):
    response = post(server, json.dumps({"messages": chat()}), **{"X-Doorman-Tier": "C"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "tier_not_allowed"
    assert server.ledger_line(response.headers["X-Doorman-Request-Id"])["status"] == "rejected"
