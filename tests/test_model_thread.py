"""Every llama.cpp call runs on one thread, whichever thread asks."""

import threading

import pytest

from doorman.tiers.model_thread import ModelThread


def test_calls_from_many_threads_all_run_on_the_one_model_thread():
    worker = ModelThread()
    seen = set()

    def produce():
        for n in range(3):
            seen.add(threading.get_ident())
            yield n

    def consume():
        assert list(worker.iterate(produce)) == [0, 1, 2]

    callers = [threading.Thread(target=consume) for _ in range(4)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(10)
    assert len(seen) == 1 and threading.get_ident() not in seen


def test_an_error_on_the_model_thread_reaches_the_caller():
    def produce():
        yield 1
        raise ValueError("context full")

    items = ModelThread().iterate(produce)
    assert next(items) == 1
    with pytest.raises(ValueError, match="context full"):
        next(items)


def test_a_caller_that_stops_early_stops_the_producer():
    closed = threading.Event()
    produced = []

    def produce():
        try:
            for n in range(100_000):
                produced.append(n)
                yield n
        finally:
            closed.set()

    items = ModelThread().iterate(produce)
    assert next(items) == 0
    items.close()
    assert closed.is_set()
    assert len(produced) < 1_000  # it stopped a few items ahead, not at the end


def test_an_event_loop_caller_gets_the_items_and_its_early_stop_frees_the_model_thread():
    import asyncio

    worker = ModelThread()
    closed = threading.Event()
    seen = set()

    def produce():
        try:
            for n in range(100_000):
                seen.add(threading.get_ident())
                yield n
        finally:
            closed.set()

    async def consume():
        assert [n async for n in worker.aiterate(lambda: (n for n in range(3)))] == [0, 1, 2]
        items = worker.aiterate(produce)
        assert await anext(items) == 0
        await items.aclose()
        # aclose returns only once the model thread has let go of the generator
        assert closed.is_set()
        return threading.get_ident()

    loop_thread = asyncio.run(consume())
    assert len(seen) == 1 and loop_thread not in seen
