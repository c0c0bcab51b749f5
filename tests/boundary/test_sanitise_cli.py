"""`doorman sanitise`: the auditors' dry run, as a real subprocess."""

import json
import os
import select
import subprocess
import sys

from conftest import run_cli


def write_config(home):
    (home / "entities.csv").write_text("value,type\nProject Halcyon,project\n")
    (home / "doorman.toml").write_text("[modules.legal]\nvault = \"entities.csv\"\n")


def test_sanitise_prints_the_text_and_explains_with_masked_values(home):
    write_config(home)
    result = run_cli(home, "sanitise", "--module", "legal", "--explain", "Project Halcyon: mail ada@example.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[PROJECT_1]: mail [EMAIL_1]\n"
    assert "[EMAIL_1]" in result.stderr and "EMAIL" in result.stderr and "ada@example.com" not in result.stderr
    shown = run_cli(home, "sanitise", "-m", "legal", "--explain", "--show-values", stdin="mail ada@example.com")
    assert shown.stdout == "mail [EMAIL_1]\n" and "ada@example.com" in shown.stderr


def test_sanitise_jsonl_answers_each_line_in_order_and_names_a_bad_line(home):
    write_config(home)
    lines = [{"id": i, "text": f"user{i}@example.com on Project Halcyon"} for i in range(3)]
    result = run_cli(home, "sanitise", "-m", "legal", "--jsonl", stdin="".join(json.dumps(x) + "\n" for x in lines))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [0, 1, 2]
    assert out[2] == {"id": 2, "sanitised": "[EMAIL_1] on [PROJECT_1]",
                      "mapping": {"[EMAIL_1]": "user2@example.com", "[PROJECT_1]": "Project Halcyon"}}
    bad = run_cli(home, "sanitise", "-m", "legal", "--jsonl", stdin=json.dumps(lines[0]) + "\n{oops\n")
    assert bad.returncode == 2 and "line 2" in bad.stderr and bad.stdout.count("\n") == 1


def test_sanitise_jsonl_answers_a_line_while_its_caller_waits_with_stdin_open(home):
    """A driver that sends a line and awaits its answer before sending more must not hang."""
    write_config(home)
    env = {k: v for k, v in os.environ.items() if k != "DOORMAN_HOME"}
    proc = subprocess.Popen([sys.executable, "-m", "doorman", "--home", str(home), "sanitise", "-m", "legal", "--jsonl"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    try:
        for i in range(2):
            proc.stdin.write(json.dumps({"id": i, "text": f"mail user{i}@example.com"}).encode() + b"\n")
            proc.stdin.flush()
            assert select.select([proc.stdout], [], [], 60)[0], "no answer while stdin stays open"
            assert json.loads(proc.stdout.readline())["mapping"] == {"[EMAIL_1]": f"user{i}@example.com"}
        proc.stdin.close()
        assert proc.stdout.read() == b"" and proc.wait(timeout=60) == 0
    finally:
        proc.kill()


def test_sanitise_jsonl_reads_a_last_line_without_newline_and_crlf_lines(home):
    write_config(home)
    stdin = '{"id": "a", "text": "Project Halcyon"}\r\n\r\n{"id": "b", "text": "ada@example.com"}'
    result = run_cli(home, "sanitise", "-m", "legal", "--jsonl", stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["sanitised"] for line in result.stdout.splitlines()] == ["[PROJECT_1]", "[EMAIL_1]"]


def test_sanitise_refuses_an_unknown_module(home):
    result = run_cli(home, "sanitise", "--module", "nope", "text")
    assert result.returncode == 2 and "unknown_module" in result.stderr
