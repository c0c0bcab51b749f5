"""One writer at a time across processes (ingest, remove), readers (retrieval) beside each other.

A flock on one file: writers hold it exclusive, readers shared. LadybugDB opens a store
read-write in one process only, and readers cannot open it while it does, so readers wait
for a writer's commit (writers hold the lock for about a second at a time) rather than fail.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from doorman.core.errors import KnowledgeUnavailable

POLL_S = 0.05


class StoreLock:
    def __init__(self, folder: Path):
        self.path = folder / "store.lock"
        self.owner = folder / "writer.pid"
        # A waiting writer says so: flock would let a stream of readers keep it out for ever,
        # so readers wait while a live writer waits, and a reader that keeps the store open
        # between calls (`serve`) lets go as soon as it sees this.
        self.intent = folder / "writer.waiting"

    @contextmanager
    def exclusive(self, on_wait: Callable[[str], None] | None = None, timeout_s: float | None = None
                  ) -> Iterator[None]:
        self.intent.write_text(str(os.getpid()))
        try:
            with self._held(fcntl.LOCK_EX, on_wait, timeout_s):
                self.intent.unlink(missing_ok=True)
                self.owner.write_text(str(os.getpid()))
                try:
                    yield
                finally:
                    self.owner.unlink(missing_ok=True)
        finally:
            self.intent.unlink(missing_ok=True)

    @contextmanager
    def shared(self, timeout_s: float) -> Iterator[None]:
        deadline = time.monotonic() + timeout_s
        while self.writer_waiting():
            if time.monotonic() > deadline:
                raise KnowledgeUnavailable(
                    f"{self.path.parent}: the knowledge store stayed busy for {timeout_s:.0f} s "
                    f"({self.holder()}); try again when it finishes"
                )
            time.sleep(POLL_S)
        with self._held(fcntl.LOCK_SH, None, max(0.0, deadline - time.monotonic())):
            yield

    def writer_waiting(self) -> bool:
        """A live process waits to write (a crashed writer's note is ignored)."""
        try:
            pid = int(self.intent.read_text() or 0)
        except (OSError, ValueError):
            return False
        if pid == os.getpid():
            return False  # this process's own writer: its readers must not wait on it
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True

    @contextmanager
    def _held(self, mode: int, on_wait, timeout_s: float | None) -> Iterator[None]:
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            waited_since = None
            while True:
                try:
                    fcntl.flock(handle, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    now = time.monotonic()
                    if waited_since is None:
                        waited_since = now
                        if on_wait is not None:
                            on_wait(self.holder())
                    if timeout_s is not None and now - waited_since > timeout_s:
                        raise KnowledgeUnavailable(
                            f"{self.path.parent}: the knowledge store stayed busy for {timeout_s:.0f} s "
                            f"({self.holder()}); try again when it finishes"
                        ) from None
                    time.sleep(POLL_S)
            yield
        finally:
            os.close(handle)  # closing the descriptor releases the lock

    def holder(self) -> str:
        try:
            pid = self.owner.read_text().strip()
        except OSError:
            pid = ""
        return f"doorman process {pid} is writing it" if pid else "another doorman process is using it"
