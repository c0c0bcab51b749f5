"""A test harness shipped with the package: a real `doorman serve` on a free loopback port."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx


def peak_rss_mb(pid: int) -> float:
    """A running process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class ServeProcess:
    """Start `doorman serve` for `home` in a subprocess; collect its JSON log lines."""

    def __init__(self, home: Path, *args: str, startup_timeout: float = 120):
        env = {k: v for k, v in os.environ.items() if k != "DOORMAN_HOME"}
        self.home = home
        self.process = subprocess.Popen(
            [sys.executable, "-m", "doorman", "--home", str(home), "serve", "--port", "0", *args],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env,
        )
        self.logs: list[dict] = []
        self.raw_log: list[str] = []
        self._listening = threading.Event()
        self.port: int | None = None
        self.host: str | None = None
        threading.Thread(target=self._read_logs, daemon=True).start()
        if not self._listening.wait(startup_timeout):
            self.stop()
            raise RuntimeError("doorman serve did not start:\n" + "".join(self.raw_log))
        self.url = f"http://{self.host}:{self.port}"
        self._wait_ready(startup_timeout)

    def _read_logs(self) -> None:
        for line in self.process.stderr:
            self.raw_log.append(line)
            try:
                record = json.loads(line)
            except ValueError:
                continue
            self.logs.append(record)
            if record.get("msg") == "listening":
                self.host, self.port = record["host"], record["port"]
                self._listening.set()

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("doorman serve exited:\n" + "".join(self.raw_log))
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("doorman serve never became ready:\n" + "".join(self.raw_log))

    def ledger_lines(self) -> list[dict]:
        lines = []
        for path in sorted((self.home / "ledger").glob("*.jsonl")):
            lines += [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
        return [line for line in lines if "request_id" in line]

    def ledger_line(self, request_id: str) -> dict:
        (line,) = [x for x in self.ledger_lines() if x["request_id"] == request_id]
        return line

    def terminate(self, timeout: float = 60) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
