"""Steps 3 and 5 of the request life: sanitise before the text leaves the box, rehydrate the answer."""

from collections.abc import Iterator

import pytest

from doorman.boundary import must_sanitise
from doorman.core.config import ModuleConfig, load_config
from doorman.core.errors import SanitiseFailed
from doorman.core.home import Home
from doorman.core.types import Completion, Delta, Request, Usage
from doorman.door import Doorman
from doorman.ledger.reader import tail
from doorman.tiers.base import Finish

PROMPT = "Draft a reply to ada.lovelace@example.com and call +44 20 7946 0958."


class RecordingRemoteTier:
    """A tier that leaves the box: keeps what it was sent, answers with placeholders split across chunks."""

    name = "C"
    leaves_box = True
    model_name = "remote-test-model"

    def __init__(self, chunks: list[str]):
        self.chunks = chunks
        self.sent: list[Request] = []

    def stream(self, request: Request) -> Iterator[Delta | Finish]:
        self.sent.append(request)
        for chunk in self.chunks:
            yield Delta(chunk)
        yield Finish(Usage(prompt_tokens=10, completion_tokens=len(self.chunks)), "stop")


def config_for(home, module_table: str = ""):
    (home / "doorman.toml").write_text(f"[modules.legal]\ndescription = 'test'\n{module_table}")
    return load_config(home / "doorman.toml")


def test_a_tier_that_leaves_the_box_is_always_sent_placeholders_and_the_answer_comes_back_whole(home):
    remote = RecordingRemoteTier(["Sure, I wrote to [EMA", "IL_1] and will ring [PHONE", "_1]."])
    doorman = Doorman(config_for(home), Home(home), tiers={"A": remote})  # the router's choice lands here
    events = list(doorman.stream(Request.from_prompt("legal", PROMPT, system="Staff: ada.lovelace@example.com")))
    sent = "\n".join(m.content for m in remote.sent[0].messages)
    assert "ada.lovelace" not in sent and "7946" not in sent and "[EMAIL_1]" in sent
    completion = events[-1]
    assert isinstance(completion, Completion)
    assert completion.text == "Sure, I wrote to ada.lovelace@example.com and will ring +44 20 7946 0958."
    assert "".join(e.text for e in events if isinstance(e, Delta)) == completion.text
    line = tail(home / "ledger", 1)[0]
    assert line["sanitised_outbound"] is True and line["status"] == "ok"
    assert "lovelace" not in str(line) and "EMAIL" not in str(line)  # no values, no mapping in the ledger


def test_sanitising_cannot_be_switched_off_for_tiers_that_leave_the_box():
    assert must_sanitise(True, ModuleConfig("m", sanitise_local=False))
    assert must_sanitise(False, ModuleConfig("m", sanitise_local=True))
    assert not must_sanitise(False, ModuleConfig("m"))


def test_if_sanitising_fails_nothing_is_sent_and_the_call_is_logged_as_an_error(home):
    remote = RecordingRemoteTier(["never"])
    config = config_for(home, 'vault = "no-such-vault.csv"\n')
    doorman = Doorman(config, Home(home), tiers={"A": remote})
    with pytest.raises(SanitiseFailed, match="no-such-vault.csv"):
        doorman.complete(Request.from_prompt("legal", PROMPT))
    assert remote.sent == []
    line = tail(home / "ledger", 1)[0]
    assert line["status"] == "error" and line["error_code"] == "sanitise_failed"
    assert line["sanitised_outbound"] is False


def test_tier_a_is_not_sanitised_unless_the_module_asks(home, local_tier):
    doorman = Doorman(config_for(home), Home(home), tiers={"A": local_tier})
    doorman.complete(Request.from_prompt("legal", "Say hi to bo@example.org.", max_tokens=4, temperature=0.0))
    assert tail(home / "ledger", 1)[0]["sanitised_outbound"] is False


def test_tier_a_with_sanitise_local_runs_the_real_model_on_placeholders_and_rehydrates(home, local_tier):
    doorman = Doorman(config_for(home, "sanitise_local = true\n"), Home(home), tiers={"A": local_tier})
    prompt = "The email address is ada.lovelace@example.com. What is the email address?"
    completion = doorman.complete(Request.from_prompt("legal", prompt, max_tokens=24, temperature=0.0))
    assert tail(home / "ledger", 1)[0]["sanitised_outbound"] is True
    assert "[EMAIL_1]" not in completion.text  # an echoed placeholder comes back as the value
    assert "ada.lovelace@example.com" in completion.text
