"""Helpers for the Tier B and C tests: the fake OpenAI-protocol upstream as a real process."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

FAKE = Path(__file__).resolve().parent / "fake_upstream.py"


def external_table(upstream_url: str) -> str:
    """The `[external]` table for Tier C on a loopback fake upstream, its key from DOORMAN_TEST_KEY."""
    return f'''
[external]
endpoint = "{upstream_url}"
model = "frontier"
api_key_env = "DOORMAN_TEST_KEY"
allow_hosts = ["127.0.0.1"]
price_prompt_per_1k = 1.0
price_completion_per_1k = 2.0
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def upstream_command(port: int, record: Path, *extra: str) -> list[str]:
    return [sys.executable, str(FAKE), "--port", str(port), "--record", str(record), *extra]


def wait_healthy(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"the fake upstream on port {port} never answered")


class Upstream:
    """A fake upstream started by the test itself (Tier C, or an always-on Tier B)."""

    def __init__(self, tmp: Path, *extra: str):
        self.port = free_port()
        self.record = tmp / f"upstream-{self.port}.jsonl"
        self.record.touch()
        self.process = subprocess.Popen(upstream_command(self.port, self.record, *extra))
        wait_healthy(self.port)
        self.url = f"http://127.0.0.1:{self.port}/v1"

    def received(self) -> list[dict]:
        return [json.loads(line) for line in self.record.read_text().splitlines()]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def toml_list(items) -> str:
    return "[" + ", ".join(json.dumps(str(x)) for x in items) + "]"
