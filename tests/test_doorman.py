"""The Doorman in-process, sharing one loaded model across tests."""

import threading

import pytest

from conftest import FRANCE
from doorman.core.config import load_config
from doorman.core.errors import InferenceFailed, UnknownModule
from doorman.core.home import Home
from doorman.core.types import Completion, Delta, Request
from doorman.door import Doorman
from doorman.ledger.reader import tail


@pytest.fixture
def doorman(home, local_tier) -> Doorman:
    return Doorman(load_config(home / "doorman.toml"), Home(home), tiers={"A": local_tier})


def ask(prompt=FRANCE, module="demo", **params) -> Request:
    return Request.from_prompt(module, prompt, temperature=0.0, **params)


def test_the_model_loads_once_for_many_calls(doorman, local_tier):
    for _ in range(3):
        assert "Paris" in doorman.complete(ask()).text
    assert local_tier.loads == 1


def test_concurrent_calls_are_served_one_at_a_time_and_all_answered(doorman, home):
    results, errors = [], []

    def call():
        try:
            results.append(doorman.complete(ask(max_tokens=12)))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and len(results) == 3
    assert len({c.text for c in results}) == 1  # same greedy answer: no state bled between calls
    assert [e["status"] for e in tail(home / "ledger", 10)] == ["ok"] * 3


def test_the_stream_yields_deltas_then_the_completion(doorman):
    events = list(doorman.stream(ask(max_tokens=16)))
    assert isinstance(events[-1], Completion)
    deltas = [e.text for e in events if isinstance(e, Delta)]
    assert len(deltas) > 1 and "".join(deltas) == events[-1].text


def test_a_caller_that_goes_away_is_logged_as_cancelled(doorman, home):
    stream = doorman.stream(ask("Describe Paris in detail.", max_tokens=64))
    next(stream)
    stream.close()
    (line,) = tail(home / "ledger", 10)
    assert line["status"] == "cancelled" and line["tier"] == "A"
    # The model is free again for the next caller.
    assert doorman.complete(ask(max_tokens=4)).usage.completion_tokens > 0


def test_a_failing_tier_is_logged_as_an_error(home):
    class BrokenTier:
        name, leaves_box, model_name = "A", False, "broken"

        def stream(self, request):
            raise RuntimeError("device lost")
            yield

    doorman = Doorman(load_config(home / "doorman.toml"), Home(home), tiers={"A": BrokenTier()})
    with pytest.raises(InferenceFailed, match="device lost"):
        doorman.complete(ask())
    (line,) = tail(home / "ledger", 10)
    assert line["status"] == "error" and line["error_code"] == "inference_failed"


def test_rejection_names_the_known_modules(doorman):
    with pytest.raises(UnknownModule, match="known modules: demo"):
        doorman.complete(ask(module="finance"))


def test_a_prompt_longer_than_the_context_is_refused_clearly(doorman):
    from doorman.core.errors import InvalidRequest

    with pytest.raises(InvalidRequest, match="context holds 2048"):
        doorman.complete(ask("word " * 5000))
