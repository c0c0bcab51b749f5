"""The real Doorman on the real model writes a chain the auditor's tools accept, and fails closed."""

import csv
import errno
import io
import json
import os

import pytest

from conftest import FRANCE, run_cli
from doorman.core.config import load_config
from doorman.core.errors import LedgerUnavailable, UnknownModule
from doorman.core.home import Home
from doorman.core.types import Request
from doorman.door import Doorman
from doorman.ledger import LedgerWriter
from doorman.ledger.verify import verify


@pytest.fixture
def doorman(home, local_tier) -> Doorman:
    return Doorman(load_config(home / "doorman.toml"), Home(home), tiers={"A": local_tier})


def ask(module="demo") -> Request:
    return Request.from_prompt(module, FRANCE, temperature=0.0, max_tokens=8)


def test_calls_through_the_door_verify_export_and_add_up(doorman, home):
    answer = doorman.complete(ask())
    with pytest.raises(UnknownModule):
        doorman.complete(ask("nope"))
    assert verify(home / "ledger").ok
    assert run_cli(home, "ledger", "verify").returncode == 0

    exported = run_cli(home, "ledger", "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [(r["request_id"], r["status"], r["seq"]) for r in rows][0] == (answer.request_id, "ok", "1")
    assert rows[1]["status"] == "rejected" and rows[1]["error_code"] == "unknown_module"

    stats = json.loads(run_cli(home, "ledger", "stats", "--by", "status", "--json").stdout)
    counted = {r["key"]: (r["count"], r["tokens"]) for r in stats["rows"]}
    assert counted == {"ok": (1, answer.usage.prompt_tokens + answer.usage.completion_tokens), "rejected": (1, 0)}


def test_a_full_disk_fails_the_call_instead_of_answering_unlogged(doorman, home):
    doorman.complete(ask())
    committed = {p.name: p.read_bytes() for p in (home / "ledger").glob("*.jsonl")}

    def disk_full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    doorman.ledger = LedgerWriter(home / "ledger", write=disk_full)
    with pytest.raises(LedgerUnavailable, match="No space left on device"):
        doorman.complete(ask())
    assert {p.name: p.read_bytes() for p in (home / "ledger").glob("*.jsonl")} == committed
    assert verify(home / "ledger").ok
