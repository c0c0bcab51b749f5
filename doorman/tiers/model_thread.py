"""One thread for every llama.cpp call of the process.

llama.cpp computes with OpenMP, which keeps a team of worker threads per calling
thread; after a call the team spins on the cores for a while. When each call came
from a different thread (an HTTP server's worker pool), the idle teams of earlier
callers spun on the cores the new call needed: generation fell from 33 to 8-20
tokens/s here. Running every call on this one thread keeps one team.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import TypeVar

T = TypeVar("T")
_END = object()


class ModelThread:
    def __init__(self):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="doorman-model")

    def call(self, fn: Callable[..., T], *args) -> T:
        """Run one function on the model thread and return its result."""
        return self._pool.submit(fn, *args).result()

    def iterate(self, make: Callable[[], Iterator[T]]) -> Iterator[T]:
        """Run the iterator `make()` returns on the model thread; yield its items here.

        Closing this iterator stops the model thread's one at its next item.
        """
        items: queue.Queue = queue.Queue(maxsize=64)  # the producer stays a few items ahead
        stop = threading.Event()

        def run() -> None:
            try:
                with closing(make()) as produced:
                    for item in produced:
                        items.put((True, item))
                        if stop.is_set():
                            return
                items.put((True, _END))
            except BaseException as exc:  # handed to the caller's thread below
                items.put((False, exc))

        done = self._pool.submit(run)
        try:
            while True:
                ok, item = items.get()
                if not ok:
                    raise item
                if item is _END:
                    return
                yield item
        finally:
            stop.set()
            while not done.done():  # unblock a producer waiting to put, until it stops
                try:
                    items.get(timeout=0.05)
                except queue.Empty:
                    pass
