"""One thread for every llama.cpp call of the process.

llama.cpp computes with OpenMP, which keeps a team of worker threads per calling
thread; after a call the team spins on the cores for a while. When each call came
from a different thread (an HTTP server's worker pool), the idle teams of earlier
callers spun on the cores the new call needed: generation fell from 33 to 8-20
tokens/s here. Running every call on this one thread keeps one team.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
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

        done = self._pool.submit(_produce, make, items.put, stop)
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

    async def aiterate(self, make: Callable[[], Iterator[T]]) -> AsyncIterator[T]:
        """`iterate` for a caller on an event loop: items are handed straight to the loop,
        with no other thread in between (each extra hop costs the model thread GIL waits)."""
        loop = asyncio.get_running_loop()
        items: asyncio.Queue = asyncio.Queue()
        stop = threading.Event()

        def put(entry: tuple) -> None:
            loop.call_soon_threadsafe(items.put_nowait, entry)

        done = asyncio.wrap_future(self._pool.submit(_produce, make, put, stop))
        try:
            while True:
                ok, item = await items.get()
                if not ok:
                    raise item
                if item is _END:
                    return
                yield item
        finally:
            stop.set()
            await asyncio.shield(done)  # the model is free again before this returns


def _produce(make: Callable[[], Iterator[T]], put: Callable[[tuple], None], stop: threading.Event) -> None:
    """On the model thread: hand each item on as (True, item), then (True, _END), or (False, error)."""
    try:
        with closing(make()) as produced:
            for item in produced:
                put((True, item))
                if stop.is_set():
                    return
        put((True, _END))
    except BaseException as exc:  # re-raised in the caller's thread
        put((False, exc))
