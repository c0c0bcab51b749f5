"""One asyncio event loop in a daemon thread, for synchronous callers of async code.

The Doorman's request life is async (the HTTP server runs it on its own loop); the
CLI and other synchronous callers drive it here, one item at a time.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


class BackgroundLoop:
    def __init__(self):
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def _get(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name="doorman-loop", daemon=True).start()
            return self._loop

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._get()).result()

    def iterate(self, factory: Callable[[], AsyncIterator[T]]) -> Iterator[T]:
        """Drive an async iterator from a synchronous caller, one item at a time.

        Closing this iterator (or an exception here, Ctrl-C included) closes the async one.
        """
        loop = self._get()
        agen = factory()
        try:
            while True:
                try:
                    yield asyncio.run_coroutine_threadsafe(agen.__anext__(), loop).result()
                except StopAsyncIteration:
                    return
        finally:
            asyncio.run_coroutine_threadsafe(agen.aclose(), loop).result()


BACKGROUND = BackgroundLoop()
