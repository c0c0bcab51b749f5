"""A tier's waiting line: first come, first served, with a bounded queue."""

from __future__ import annotations

import math
import threading

from doorman.core.errors import Cancelled, QueueFull


class FairGate:
    """Lets at most `capacity` calls run at once; the rest wait in arrival order.

    A call that would make more than `max_waiting` wait is refused at once with
    QueueFull, carrying a Retry-After estimate from recent call durations.
    """

    def __init__(self, name: str, capacity: int, max_waiting: int):
        self.name = name
        self.capacity = capacity
        self.max_waiting = max_waiting
        self._cond = threading.Condition()
        self._next_ticket = 0
        self._serving = 0  # the lowest ticket not yet admitted
        self._abandoned: set[int] = set()
        self.running = 0
        self._mean_s = 1.0

    @property
    def waiting(self) -> int:
        return self._next_ticket - self._serving

    def enter(self, cancel: threading.Event | None = None) -> None:
        """Wait for this call's turn (blocks); every enter is paired with one leave."""
        with self._cond:
            if self.waiting >= self.max_waiting and self.running >= self.capacity:
                raise QueueFull(
                    f"tier {self.name} is busy: {self.running} running, {self.waiting} waiting "
                    f"(the queue holds {self.max_waiting}); retry shortly",
                    retry_after_s=max(1, math.ceil(self._mean_s * (self.waiting + 1) / self.capacity)),
                )
            ticket = self._next_ticket
            self._next_ticket += 1
            try:
                while not (ticket == self._serving and self.running < self.capacity):
                    if cancel is not None and cancel.is_set():
                        raise Cancelled(f"the caller went away while waiting for tier {self.name}")
                    self._cond.wait()
            except BaseException:
                self._abandoned.add(ticket)
                self._advance()
                raise
            self._serving += 1
            self._advance()
            self.running += 1

    def leave(self) -> None:
        with self._cond:
            self.running -= 1
            self._cond.notify_all()

    def wake(self) -> None:
        """Let waiters look at their cancel flags again (a caller went away)."""
        with self._cond:
            self._cond.notify_all()

    def _advance(self) -> None:
        while self._serving in self._abandoned:
            self._abandoned.discard(self._serving)
            self._serving += 1
        self._cond.notify_all()

    def observe(self, seconds: float) -> None:
        """Feed a finished call's duration into the Retry-After estimate."""
        with self._cond:
            self._mean_s = 0.8 * self._mean_s + 0.2 * seconds
