"""Tier B: a node started on demand through the configured commands, stopped when idle."""

import json
import sys
import threading
import time

import pytest

from conftest import FRANCE, run_cli
from doorman.core.config import load_config
from doorman.core.errors import TierUnavailable
from doorman.core.home import Home
from doorman.core.types import Request
from doorman.door import Doorman
from doorman.ledger.reader import tail
from doorman.tiers.burst import cache_salt
from remote_tiers import free_port, toml_list, upstream_command

KILL = "import os, signal, sys; os.kill(int(open(sys.argv[1]).read()), signal.SIGTERM)"


class Node:
    """Where the fake node's start command leaves its traces."""

    def __init__(self, tmp):
        self.port = free_port()
        self.record = tmp / "node.jsonl"
        self.started = tmp / "started.txt"
        self.pid_file = tmp / "node.pid"
        self.record.touch()
        self.started.touch()

    def start_command(self):
        return upstream_command(self.port, self.record, "--started-file", str(self.started),
                                "--pid-file", str(self.pid_file))

    def starts(self) -> int:
        return len(self.started.read_text().splitlines())

    def received(self) -> list[dict]:
        return [json.loads(line) for line in self.record.read_text().splitlines()]

    def kill(self) -> None:
        import os
        import signal

        os.kill(int(self.pid_file.read_text()), signal.SIGTERM)


def configure(home, node, start=None, idle_s=300, extra=""):
    start = start if start is not None else node.start_command()
    stop = [sys.executable, "-c", KILL, str(node.pid_file)]
    (home / "doorman.toml").write_text(f'''
[burst]
endpoint = "http://127.0.0.1:{node.port}/v1"
model = "gpu-model"
start = {toml_list(start)}
stop = {toml_list(stop)}
idle_shutdown_s = {idle_s}
start_timeout_s = 20

[modules.research]
tiers = ["A", "B"]
task_tiers = {{ summarise = "B" }}

[modules.ops]
tiers = ["A", "B"]
{extra}
''')
    return Doorman(load_config(home / "doorman.toml"), Home(home))


@pytest.fixture
def node(tmp_path):
    node = Node(tmp_path)
    yield node
    if node.pid_file.exists():
        try:
            node.kill()
        except ProcessLookupError:
            pass


def ask(module="research", text="hello node", **params):
    return Request.from_prompt(module, text, **params)


def test_the_first_call_starts_the_node_once_for_everyone_waiting(home, node):
    doorman = configure(home, node)
    answers, errors = [], []

    def call(n):
        try:
            answers.append(doorman.complete(ask(text=f"call {n}", tier="B")).text)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=call, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(answers) == [f"You said: call {n}" for n in range(4)]
    assert node.starts() == 1
    lines = tail(home / "ledger", 10)
    assert {line["tier"] for line in lines} == {"B"} and all(line["sanitised_outbound"] for line in lines)


def test_each_module_gets_its_own_cache_salt_and_never_its_name(home, node):
    doorman = configure(home, node)
    doorman.complete(ask("research", tier="B"))
    doorman.complete(ask("ops", tier="B"))
    salts = [r["body"]["cache_salt"] for r in node.received()]
    assert salts == [cache_salt("research"), cache_salt("ops")] and salts[0] != salts[1]
    assert "research" not in salts[0] and "ops" not in salts[1]


def test_a_declared_task_kind_routes_to_its_tier(home, node):
    doorman = configure(home, node)
    answer = doorman.complete(ask(task="summarise"))
    assert answer.tier == "B"
    assert tail(home / "ledger", 1)[0]["route_reason"] == "task 'summarise' maps to tier B"


def test_a_prompt_too_long_for_the_local_model_goes_to_b(home, node):
    doorman = configure(home, node)
    answer = doorman.complete(ask(text="many words " * 1500))
    assert answer.tier == "B"
    assert tail(home / "ledger", 1)[0]["route_reason"] == "prompt does not fit the local context"
    short = doorman.complete(ask(text=FRANCE, max_tokens=8))
    assert short.tier == "A" and node.starts() == 1


def test_the_node_is_stopped_when_idle_and_restarted_on_demand(home, node):
    doorman = configure(home, node, idle_s=1)
    doorman.complete(ask(tier="B"))
    tier = doorman.tiers["B"]
    deadline = time.monotonic() + 20
    while tier.node.healthy():
        assert time.monotonic() < deadline, "the idle node was never stopped"
        time.sleep(0.2)
    assert doorman.complete(ask(tier="B")).text == "You said: hello node"
    assert node.starts() == 2


def test_a_node_that_died_is_restarted_on_the_next_call(home, node):
    doorman = configure(home, node)
    doorman.complete(ask(tier="B"))
    node.kill()
    time.sleep(0.5)
    assert doorman.complete(ask(tier="B")).text == "You said: hello node"
    assert node.starts() == 2


def test_when_b_cannot_start_a_prompt_that_fits_falls_back_to_a(home, node):
    doorman = configure(home, node, start=[sys.executable, "-c", "raise SystemExit(3)"])
    answer = doorman.complete(ask(task="summarise", text=FRANCE, max_tokens=8, temperature=0.0))
    assert answer.tier == "A" and "Paris" in answer.text
    line = tail(home / "ledger", 1)[0]
    assert line["tier"] == "A" and "fell back to A" in line["route_reason"]
    assert "exited with status 3" in line["route_reason"]


def test_when_b_cannot_start_a_prompt_too_long_for_a_fails(home, node):
    doorman = configure(home, node, start=[sys.executable, "-c", "raise SystemExit(3)"])
    with pytest.raises(TierUnavailable, match="start command exited with status 3"):
        doorman.complete(ask(text="many words " * 1500))
    assert tail(home / "ledger", 1)[0]["error_code"] == "tier_unavailable"


def test_compute_commands_show_start_and_stop_the_node(home, node):
    configure(home, node)
    assert "down" in run_cli(home, "compute", "status").stdout
    up = run_cli(home, "compute", "up")
    assert up.returncode == 0, up.stderr
    assert "up" in run_cli(home, "compute", "status").stdout and node.starts() == 1
    assert run_cli(home, "compute", "down").returncode == 0
    deadline = time.monotonic() + 10
    while "down" not in run_cli(home, "compute", "status").stdout:
        assert time.monotonic() < deadline
        time.sleep(0.2)
