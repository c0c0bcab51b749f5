"""`doorman ingest`, `doorman knowledge ...` and grounded `infer`, as a user runs them."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import httpx
import pytest
from conftest import run_cli

from doorman.core.config import load_config
from doorman.core.home import Home
from doorman.core.types import Completion, Delta, Request
from doorman.door import Doorman
from doorman.knowledge.grounding import Grounded
from doorman.knowledge.samples import encrypt_pdf, write_docx, write_pdf, write_xlsx
from doorman.knowledge.tokens import estimate_tokens
from doorman.testing import ServeProcess

ROOT = Path(__file__).resolve().parents[2]
LEASE = [["The notice period is ninety days.", "Rent is due on the first day of each month."],
         ["Repairs to the roof are the landlord's duty."],
         ["The deposit is returned within thirty days of the end of the lease."]]


def corpus(folder: Path) -> Path:
    """One of each kind, good and bad, in nested folders."""
    (folder / "deep" / "deeper").mkdir(parents=True)
    write_pdf(folder / "lease.pdf", LEASE, outline=[("Rent", 0), ("Repairs", 1), ("Deposit", 2)])
    encrypt_pdf(folder / "lease.pdf", folder / "locked.pdf", "s3cret")
    write_pdf(folder / "deep" / "scan.pdf", [["x"]] * 2, text_layer=False)
    (folder / "deep" / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << garbage")
    write_docx(folder / "deep" / "memo.docx", "Memo", [("Parties", ["Ada Lovelace signs for Northwind Maritime."])],
               table=[["Client", "Fee"], ["Northwind Maritime", "1200"]])
    write_xlsx(folder / "deep" / "deeper" / "fees", {"Fees": [["Service", "EUR"], ["Dock", 300]]})
    (folder / "deep" / "guide.md").write_text("# Guide\n\n## Keys\n\nKeys are kept at the harbour office.\n")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(200))
    (folder / ".hidden.md").write_text("# Hidden\n\nNot ingested.\n")
    return folder


def test_ingest_reads_a_folder_by_content_type_and_reports_each_file(tmp_path, home):
    docs = corpus(tmp_path / "docs")
    first = run_cli(home, "ingest", str(docs), "--module", "demo", "--json")
    assert first.returncode == 1  # some files failed: each is listed with its reason
    summary = json.loads(first.stdout)
    by_name = {Path(f["path"]).name: f for f in summary["files"]}
    assert (summary["ingested"], summary["failed"], summary["skipped"]) == (4, 3, 1)
    assert {n for n, f in by_name.items() if f["status"] == "ingested"} == {"lease.pdf", "memo.docx", "fees", "guide.md"}
    assert by_name["fees"]["type"] == "xlsx" and by_name["lease.pdf"]["pages"] == 3
    assert by_name["locked.pdf"]["reason"].startswith("encrypted")
    assert by_name["scan.pdf"]["reason"].startswith("no text layer")
    assert by_name["broken.pdf"]["reason"].startswith("corrupt")
    assert by_name["photo.jpg"]["status"] == "skipped"
    assert ".hidden.md" not in by_name

    again = run_cli(home, "ingest", str(docs), "--module", "demo")
    assert "0 ingested, 4 unchanged, 3 failed" in again.stdout
    only_pdf = run_cli(home, "ingest", str(docs), "--module", "demo", "--glob", "*.pdf", "--json")
    assert {Path(f["path"]).name for f in json.loads(only_pdf.stdout)["files"]} == \
        {"lease.pdf", "locked.pdf", "scan.pdf", "broken.pdf"}


def test_ingest_refuses_a_missing_path_and_an_unknown_module_in_one_line(tmp_path, home):
    missing = run_cli(home, "ingest", str(tmp_path / "nope"), "--module", "demo")
    assert missing.returncode == 2 and missing.stderr.startswith("doorman: invalid_argument: no such file")
    unknown = run_cli(home, "ingest", str(tmp_path), "--module", "nobody")
    assert unknown.returncode == 2 and "unknown_module" in unknown.stderr


def readme_knowledge_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Knowledge", 1)[1].split("\n## ", 1)[0]
    block = re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)[0]
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


def test_the_readme_knowledge_commands_work_and_the_answer_cites_its_source(tmp_path, home):
    """The README's commands, on a module of its own; the one grounded `infer` loads the real model."""
    docs = corpus(tmp_path / "contracts")
    (home / "doorman.toml").write_text('[modules.legal]\ndescription = "contracts"\n')
    outputs = {}
    for command in readme_knowledge_commands():
        argv = shlex.split(command.replace("~/contracts", str(docs)))
        assert argv[0] == "doorman"
        result = run_cli(home, *argv[1:])
        assert result.returncode in (0, 1), (command, result.stderr)  # 1: the corpus holds unreadable files
        outputs[" ".join(argv[1:3])] = result
    assert "lease.pdf" in outputs["knowledge list"].stdout
    assert "Rent" in outputs["knowledge show"].stdout and "Deposit" in outputs["knowledge show"].stdout
    assert "memo.docx" in outputs["knowledge related"].stdout
    assert outputs["knowledge remove"].stdout.startswith("removed ")
    answer = outputs["infer --module"]
    assert answer.returncode == 0, answer.stderr
    assert "context [1] lease.pdf, p. 1 (Rent)" in answer.stderr  # --show-context, on stderr
    assert answer.stdout.rstrip().endswith("Sources: [1] lease.pdf, p. 1 (Rent)")
    listed = run_cli(home, "knowledge", "list", "--module", "legal", "--json")
    assert "memo.docx" not in listed.stdout  # the README removes it


@pytest.fixture
def grounded_home(home, tmp_path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    write_pdf(folder / "lease.pdf", LEASE, outline=[("Rent", 0), ("Repairs", 1), ("Deposit", 2)])
    filler = [[f"Clause {p}.{i}: the notice for annex {p} item {i} is set out in the schedule."
               for i in range(40)] for p in range(30)]
    write_pdf(folder / "annex.pdf", filler)
    (home / "doorman.toml").write_text('[modules.legal]\ncontext = true\n\n[modules.other]\n')
    result = run_cli(home, "ingest", str(folder), "--module", "legal")
    assert result.returncode == 0, result.stderr
    return home


def ask(doorman: Doorman, request: Request) -> tuple[Completion, Grounded | None, str]:
    grounded, text = None, []
    for event in doorman.stream(request):
        if isinstance(event, Grounded):
            grounded = event
        elif isinstance(event, Delta):
            text.append(event.text)
        elif isinstance(event, Completion):
            return event, grounded, "".join(text)
    raise AssertionError("no completion")


def test_a_module_with_context_on_answers_from_its_documents_within_the_context_window(grounded_home, local_tier):
    doorman = Doorman(load_config(grounded_home / "doorman.toml"), Home(grounded_home), tiers={"A": local_tier})
    question = "What is the notice period?"
    completion, grounded, streamed = ask(doorman, Request.from_prompt("legal", question, temperature=0.0,
                                                                      max_tokens=16))
    assert grounded is not None and grounded.passages
    assert any("ninety days" in p.text for p in grounded.passages)
    assert completion.text == streamed and completion.text.endswith(grounded.citation)
    assert "[1] " in grounded.citation and "lease.pdf" in grounded.citation + completion.text
    # the annex alone could fill the window many times over: retrieval fits what the model can take
    window = doorman.config.local.context_size
    assert completion.usage.prompt_tokens + 16 <= window
    assert sum(estimate_tokens(p.text) for p in grounded.passages) > 300

    plain, none, _ = ask(doorman, Request.from_prompt("legal", question, max_tokens=4, context=False))
    assert none is None and "Sources:" not in plain.text
    other, nothing, _ = ask(doorman, Request.from_prompt("other", question, max_tokens=4, context=True))
    assert nothing is not None and nothing.passages == ()
    assert other.text.endswith("Sources: none (nothing in module other's documents matched)")


def test_the_http_field_doorman_context_grounds_a_call_through_doorman_serve(grounded_home):
    (grounded_home / "doorman.toml").write_text("[modules.legal]\n")  # no module default: the field decides
    question = [{"role": "user", "content": "What is the notice period for the rent?"}]
    with ServeProcess(grounded_home) as server:
        def answer(**fields) -> str:
            response = httpx.post(server.url + "/v1/chat/completions", timeout=120,
                                  headers={"X-Doorman-Module": "legal"},
                                  json={"messages": question, "max_tokens": 8, **fields})
            assert response.status_code == 200, response.text
            return response.json()["choices"][0]["message"]["content"]

        assert "Sources: [1] lease.pdf" in answer(doorman_context=True)
        assert "Sources:" not in answer()
        wrong = httpx.post(server.url + "/v1/chat/completions", timeout=30, headers={"X-Doorman-Module": "legal"},
                           json={"messages": question, "doorman_context": "yes"})
        assert wrong.status_code == 400 and "doorman_context" in wrong.json()["error"]["message"]
