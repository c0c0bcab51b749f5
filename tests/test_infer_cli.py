"""`doorman infer` end to end: the real command, the real embedded model, a real home."""

import json
import os
import subprocess
import sys
import time

from conftest import FRANCE, run_cli
from doorman.ledger.reader import tail

REQUIRED = {"ts", "request_id", "module_id", "tier", "model", "duration_ms", "cost_usd",
            "sanitised_outbound", "status"}


def ledger(home):
    return tail(home / "ledger", 100)


def test_infer_answers_from_the_embedded_model_and_logs_one_line(home):
    result = run_cli(home, "infer", "--module", "demo", "--temperature", "0", FRANCE)
    assert result.returncode == 0, result.stderr
    assert "Paris" in result.stdout
    (line,) = ledger(home)
    assert REQUIRED <= set(line)
    assert line["status"] == "ok" and line["module_id"] == "demo" and line["tier"] == "A"
    assert line["model"] == "gemma-3-270m-q4_k_m"
    assert line["completion_tokens"] > 0 and line["prompt_tokens"] > 0
    raw = next((home / "ledger").glob("*.jsonl")).read_text()
    assert "France" not in raw and "Paris" not in raw  # no prompt or completion text


def test_json_output_carries_the_request_and_its_figures(home):
    result = run_cli(home, "infer", "-m", "demo", "--json", "--temperature", "0", FRANCE)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert "Paris" in answer["text"]
    assert answer["module"] == "demo" and answer["tier"] == "A"
    assert answer["model"] == "gemma-3-270m-q4_k_m"
    assert answer["tokens"]["completion"] > 0
    assert answer["tokens"]["total"] == answer["tokens"]["prompt"] + answer["tokens"]["completion"]
    assert answer["duration_ms"] > 0
    assert ledger(home)[-1]["request_id"] == answer["request_id"]


def test_the_prompt_is_read_from_stdin_when_not_given(home):
    result = run_cli(home, "infer", "--module", "demo", "--json", "--temperature", "0", stdin=FRANCE + "\n")
    assert result.returncode == 0, result.stderr
    assert "Paris" in json.loads(result.stdout)["text"]


def test_max_tokens_caps_the_answer(home):
    # greedy, so the answer is the same every run (9 tokens uncapped); sampled, it sometimes ended within 3
    result = run_cli(home, "infer", "-m", "demo", "--json", "--max-tokens", "3", "--temperature", "0",
                     "Write a long story about a dragon who", "--system", "You are a storyteller.")
    answer = json.loads(result.stdout)
    assert answer["tokens"]["completion"] <= 3
    assert answer["finish_reason"] == "length"


def test_the_same_seed_gives_the_same_answer(home):
    args = ("infer", "-m", "demo", "--json", "--seed", "7", "--temperature", "1.0",
            "--max-tokens", "24", "Tell me about the sea.")
    first, second = (json.loads(run_cli(home, *args).stdout)["text"] for _ in range(2))
    assert first == second


def test_tokens_are_streamed_as_they_arrive(home):
    process = subprocess.Popen(
        [sys.executable, "-m", "doorman", "--home", str(home), "infer", "-m", "demo",
         "--max-tokens", "40", "--temperature", "0", "Describe a walk through Paris in spring."],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )
    reads = []
    while chunk := os.read(process.stdout.fileno(), 4096):
        reads.append((time.monotonic(), chunk))
    process.wait(timeout=120)
    assert process.returncode == 0, process.stderr.read()
    # Many separate writes, spread over the generation: not one block at the end.
    assert len(reads) >= 5
    assert reads[-1][0] - reads[0][0] > 0.1


def test_an_unknown_module_is_rejected_before_any_model_is_touched(home):
    (home / "doorman.toml").write_text('[local]\nmodel = "missing.gguf"\n[modules.legal]\n')
    result = run_cli(home, "infer", "--module", "hr", FRANCE)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "doorman: unknown_module: unknown module 'hr' (known modules: demo, legal)"
    ]
    assert "Traceback" not in result.stderr
    (line,) = ledger(home)
    assert line["status"] == "rejected" and line["error_code"] == "unknown_module"
    assert line["module_id"] is None and line["tier"] is None


def test_a_call_without_a_module_is_rejected_and_logged(home):
    result = run_cli(home, "infer", FRANCE)
    assert result.returncode == 2
    assert "no moduleId given" in result.stderr and "known modules: demo" in result.stderr
    assert ledger(home)[-1]["error_code"] == "module_required"


def test_an_empty_prompt_is_rejected(home):
    result = run_cli(home, "infer", "-m", "demo", stdin="  \n")
    assert result.returncode == 2
    assert "prompt: empty" in result.stderr


def test_a_config_with_one_module_still_runs_on_the_embedded_model(home):
    (home / "doorman.toml").write_text('[modules.legal]\ndescription = "contracts"\n')
    for module in ("legal", "demo"):
        result = run_cli(home, "infer", "-m", module, "--json", "--max-tokens", "8", FRANCE)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["model"] == "gemma-3-270m-q4_k_m"
    listing = run_cli(home, "modules", "list")
    assert "legal" in listing.stdout and "demo" in listing.stdout and "built-in" in listing.stdout


def test_an_unwritable_ledger_fails_the_call_before_inference(home):
    (home / "ledger").write_text("not a folder")
    result = run_cli(home, "infer", "-m", "demo", FRANCE)
    assert result.returncode == 5
    assert "ledger_unavailable" in result.stderr and "the call was not run" in result.stderr
    assert result.stdout == ""


def test_a_bad_config_is_one_line_without_traceback_unless_debug(home):
    (home / "doorman.toml").write_text("[local]\nthreads = -1\n")
    result = run_cli(home, "infer", "-m", "demo", FRANCE)
    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1
    assert "local.threads: expected an integer >= 0, got -1" in result.stderr
    debug = run_cli(home, "--debug", "infer", "-m", "demo", FRANCE)
    assert "Traceback" in debug.stderr


def test_ledger_tail_shows_the_newest_entries(home):
    run_cli(home, "infer", "-m", "nope", FRANCE)
    run_cli(home, "infer", "-m", "demo", "--max-tokens", "4", FRANCE)
    result = run_cli(home, "ledger", "tail", "-n", "1", "--json")
    (line,) = [json.loads(x) for x in result.stdout.splitlines()]
    assert line["status"] == "ok"
    table = run_cli(home, "ledger", "tail")
    assert "rejected" in table.stdout and "ok" in table.stdout


def test_doctor_passes_on_a_fresh_home_and_names_what_to_fix(home):
    result = run_cli(home, "doctor")
    assert result.returncode == 0, result.stdout
    assert "gemma-3-270m-q4_k_m" in result.stdout and "FAIL" not in result.stdout
    assert "compiled recognisers" in result.stdout
    (home / "doorman.toml").write_text('[local]\nmodel = "nowhere.gguf"\n')
    broken = run_cli(home, "doctor")
    assert broken.returncode == 1
    assert "FAIL" in broken.stdout and "nowhere.gguf" in broken.stdout
