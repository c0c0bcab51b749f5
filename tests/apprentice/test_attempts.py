"""Every Tier A attempt of an apprenticeship module is kept, durably, in its corpus."""

import json
import os
import subprocess
import sys

import pytest

from apprentice_helpers import MENTOR, attempt, corpus_file, local_doorman, records
from conftest import FRANCE, run_cli
from doorman.apprentice.corpus import ModuleCorpus, record_sha256
from doorman.core.errors import CorpusUnavailable


def test_an_apprenticeship_module_keeps_its_attempt_as_the_model_answered(home, local_tier):
    (home / "doorman.toml").write_text(MENTOR)
    doorman = local_doorman(home, local_tier)
    answer = attempt(doorman, FRANCE)
    other = attempt(doorman, FRANCE, module="demo")

    (kept,) = records(home, "mentor", "attempts")
    assert kept["request_id"] == answer.request_id and kept["module"] == "mentor"
    assert kept["response"] == answer.text and "Paris" in kept["response"]
    assert kept["messages"] == [{"role": "user", "content": FRANCE}]
    assert kept["model"] == "gemma-3-270m-q4_k_m" and kept["adapters"] == []
    assert kept["ts"].endswith("Z") and kept["sha256"] == record_sha256(kept)
    assert kept["params"]["max_tokens"] == 8
    # demo has no apprenticeship: its call is ledgered, not kept.
    assert not (home / "corpus" / "demo").exists()
    ledger = [json.loads(x) for p in sorted((home / "ledger").glob("*.jsonl")) for x in p.read_text().splitlines()]
    assert {answer.request_id, other.request_id} <= {line.get("request_id") for line in ledger}
    # The corpus holds the text; the ledger never does.
    assert "Paris" not in "".join(p.read_text() for p in (home / "ledger").glob("*.jsonl"))
    assert oct(corpus_file(home, "mentor", "attempts").stat().st_mode & 0o777) == "0o600"


WRITER = """
import sys
from pathlib import Path
from doorman.apprentice.corpus import ModuleCorpus
corpus = ModuleCorpus(Path(sys.argv[1]), "mentor")
for i in range(int(sys.argv[3])):
    corpus.keep({"kind": "attempt", "request_id": f"req_{sys.argv[2]}_{i}", "module": "mentor",
                 "response": sys.argv[2] * 3000, "n": i})
"""


def test_concurrent_writer_processes_never_interleave_or_lose_a_line(tmp_path):
    writers, per_writer = 4, 60
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), "wxyz"[w], str(per_writer)])
             for w in range(writers)]
    assert [p.wait(120) for p in procs] == [0] * writers
    lines = (tmp_path / "mentor" / "attempts.jsonl").read_bytes().split(b"\n")
    assert lines[-1] == b""  # ends on a whole line
    parsed = [json.loads(line) for line in lines[:-1]]  # any interleaving would break a line
    assert len(parsed) == writers * per_writer
    assert len({r["request_id"] for r in parsed}) == writers * per_writer
    for name in "wxyz":  # each writer's lines in its own order
        assert [r["n"] for r in parsed if r["response"][0] == name] == list(range(per_writer))


def test_a_torn_last_line_is_ignored_then_moved_aside_without_touching_earlier_lines(tmp_path):
    corpus = ModuleCorpus(tmp_path, "mentor")
    corpus.keep({"kind": "attempt", "request_id": "req_1"})
    with open(corpus.attempts.path, "ab") as handle:  # a crash mid-write
        handle.write(b'{"kind":"attempt","request_id":"req_2","resp')
    assert [line.number for line in corpus.attempts.lines()] == [1]
    assert corpus.attempts.torn_tail()
    corpus.keep({"kind": "attempt", "request_id": "req_3"})
    assert [json.loads(x)["request_id"] for x in corpus.attempts.path.read_text().splitlines()] == ["req_1", "req_3"]
    (aside,) = (tmp_path / "mentor" / "torn").iterdir()
    assert aside.read_bytes().startswith(b'{"kind":"attempt","request_id":"req_2"')


def test_a_corpus_that_cannot_be_written_fails_the_call_and_the_ledger_says_so(home, local_tier):
    (home / "doorman.toml").write_text(MENTOR)
    (home / "corpus").write_text("not a folder")  # the corpus cannot be created
    doorman = local_doorman(home, local_tier)
    with pytest.raises(CorpusUnavailable):
        attempt(doorman, FRANCE)
    result = run_cli(home, "ledger", "tail", "-n", "1", "--json")
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["status"] == "error" and line["error_code"] == "corpus_unavailable"
    assert os.path.isfile(home / "corpus")
