"""Tier B: GPU nodes that speak the OpenAI protocol, started on demand, stopped when idle.

doorman does not schedule clusters: it runs the configured `start` and `stop`
commands of an existing orchestrator (SkyPilot, Cloud Run, a script) and polls the
node's health. One start serves every caller that arrives meanwhile, across
processes too (a file lock under the home).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import anyio

from doorman.core.config import BurstConfig
from doorman.core.errors import DoormanError, TierUnavailable
from doorman.core.home import Home
from doorman.core.types import Delta, Request
from doorman.tiers.base import Finish
from doorman.tiers.openai_client import ClientSettings, OpenAIClient

DEFAULT_MAX_TOKENS = 512


def cache_salt(module_id: str) -> str:
    """The node's prefix-cache namespace for a module: a hash, not the name itself."""
    return hashlib.sha256(f"doorman-module:{module_id}".encode()).hexdigest()[:32]


class BurstNode:
    """The node's lifecycle: up on demand, down after `idle_shutdown_s` without calls."""

    def __init__(self, config: BurstConfig, home: Home):
        self.config = config
        self.dir = home.root / "burst"
        self.client = OpenAIClient(ClientSettings(config.endpoint, retries=0), tier="B")
        self._start_lock = threading.Lock()
        self._in_flight = 0
        self._count_lock = threading.Lock()
        self._watcher: threading.Thread | None = None

    def healthy(self) -> bool:
        try:
            return self.client.get(self.config.health_path) == 200
        except DoormanError:
            return False

    @property
    def last_used_file(self) -> Path:
        return self.dir / "last_used"

    def last_used(self) -> float | None:
        try:
            return self.last_used_file.stat().st_mtime
        except FileNotFoundError:
            return None

    def ensure_up(self) -> str:
        """Return how the node was found ("up" or "started"); start it at most once."""
        if self.healthy():
            return "up"
        with self._start_lock:  # callers of this process wait on one start
            if self.healthy():
                return "up"
            if not self.config.start:
                raise TierUnavailable(f"tier B at {self.config.endpoint} does not answer and has no start command")
            with self._file_lock("start.lock"):  # ...and so do other processes
                if self.healthy():
                    return "up"
                self._start()
                return "started"

    def _start(self) -> None:
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with (self.dir / "start.log").open("ab") as log:
            process = subprocess.Popen(list(self.config.start), stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=log, start_new_session=True)
        deadline = time.monotonic() + self.config.start_timeout_s
        while time.monotonic() < deadline:
            if self.healthy():
                return
            code = process.poll()
            if code not in (None, 0):
                raise TierUnavailable(f"tier B's start command exited with status {code} (see burst/start.log)")
            time.sleep(0.2)
        raise TierUnavailable(f"tier B did not answer within start_timeout_s={self.config.start_timeout_s:g}")

    def stop(self) -> bool:
        """Run the stop command; False when there is none."""
        if not self.config.stop:
            return False
        with self._file_lock("start.lock"):
            result = subprocess.run(list(self.config.stop), stdin=subprocess.DEVNULL, capture_output=True,
                                    timeout=300)
        if result.returncode != 0:
            raise TierUnavailable(f"tier B's stop command exited with status {result.returncode}")
        return True

    def begin(self) -> None:
        with self._count_lock:
            self._in_flight += 1
        self._touch()
        self._watch_idle()

    def end(self) -> None:
        self._touch()
        with self._count_lock:
            self._in_flight -= 1

    def _touch(self) -> None:
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.last_used_file.touch()

    def _watch_idle(self) -> None:
        """Once this process has used the node, stop it after the idle timeout."""
        if self._watcher is not None or not self.config.stop:
            return
        self._watcher = threading.Thread(target=self._idle_loop, name="doorman-burst-idle", daemon=True)
        self._watcher.start()

    def _idle_loop(self) -> None:
        period = min(5.0, max(0.2, self.config.idle_shutdown_s / 4))
        while True:
            time.sleep(period)
            last = self.last_used()
            idle = last is not None and time.time() - last >= self.config.idle_shutdown_s
            if idle and self._in_flight == 0 and self.healthy():
                try:
                    self.stop()
                except (DoormanError, OSError, subprocess.TimeoutExpired):
                    pass  # tried again next period; the node answers until it is really down

    def _file_lock(self, name: str):
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        return _FileLock(self.dir / name)


class _FileLock:
    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        os.close(self.fd)


class BurstTier:
    name = "B"
    leaves_box = True

    def __init__(self, config: BurstConfig, home: Home):
        self.config = config
        self.node = BurstNode(config, home)
        self.client = OpenAIClient(ClientSettings(config.endpoint), tier=self.name)

    @property
    def model_name(self) -> str:
        return self.config.model

    async def astream(self, request: Request) -> AsyncIterator[Delta | Finish]:
        await anyio.to_thread.run_sync(self.node.ensure_up)  # may run `start` and wait for health
        payload = {
            "model": self.config.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "max_tokens": request.max_tokens or DEFAULT_MAX_TOKENS,
            "cache_salt": cache_salt(request.module_id),
        }
        if request.temperature is not None:
            payload["temperature"] = request.temperature
        if request.seed is not None:
            payload["seed"] = request.seed
        self.node.begin()
        try:
            async for event in self.client.stream_chat(payload):
                yield event
        finally:
            self.node.end()
