"""`doorman doctor`: check the setup and say what to fix."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from doorman.cli.context import state
from doorman.core.errors import DoormanError


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def doctor(
    probe_model: Annotated[bool, typer.Option("--probe-model", hidden=True)] = False,
) -> None:
    """Check the config, the model and the ledger; exit 1 if anything needs fixing."""
    if probe_model:
        print(json.dumps(probe()))
        return
    checks = list(run_checks())
    table = Table(title=f"doorman doctor: {state.home.root}")
    table.add_column("check")
    table.add_column("")
    table.add_column("detail / fix")
    for check in checks:
        table.add_row(check.name, "[green]ok[/]" if check.ok else "[red]FAIL[/]", check.detail)
    Console().print(table)
    if not all(check.ok for check in checks):
        raise typer.Exit(1)


def run_checks():
    home = state.home
    try:
        config = state.config
    except DoormanError as exc:
        yield Check("config", False, f"{exc.message}; fix the file or move it aside")
        return
    where = str(config.source) if config.source else f"built-in defaults (no {home.config_file})"
    yield Check("config", True, f"{where}; modules: {', '.join(sorted(config.modules))}")

    from doorman.door import Doorman

    doorman = Doorman(config, home)
    local = doorman.tiers["A"]
    try:
        path = local.model_path
        yield Check("model file", True, f"{path} ({path.stat().st_size / 1e6:.0f} MB)")
        yield model_probe_check()
    except DoormanError as exc:
        yield Check("model file", False, f"{exc.message}; set [local] model to a readable GGUF file")

    yield sanitiser_check()

    try:
        doorman.ledger.check_writable()
        yield Check("ledger", True, f"{home.ledger_dir} is writable")
    except DoormanError as exc:
        yield Check("ledger", False, f"{exc.message}; make the folder writable by this user")


def sanitiser_check() -> Check:
    from doorman.boundary import fast

    missing = fast.missing()
    if missing:
        return Check(
            "sanitiser", False,
            f"compiled recognisers not built ({', '.join(missing)}): the Python ones stand in, several times "
            "slower; reinstall where a C compiler is found: scripts/setup.sh",
        )
    return Check("sanitiser", True, f"compiled recognisers ({len(fast.MODULES)} modules)")


def model_probe_check() -> Check:
    """Load the model and generate in a child process: a llama.cpp build that crashes
    on this CPU kills the child, not the doctor."""
    me = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "doorman"]
    child = subprocess.run(
        [*me, "--home", str(state.home.root), "doctor", "--probe-model"],
        capture_output=True, text=True, timeout=300,
    )
    if child.returncode != 0:
        reason = child.stderr.strip().splitlines()[-1:] or [f"exit status {child.returncode}"]
        if child.returncode < 0:
            reason = [f"crashed with signal {-child.returncode}"]
        return Check(
            "model runs", False,
            f"{reason[0]}; if llama.cpp crashes here, install the portable build: DOORMAN_LLAMA_BUILD=release scripts/setup.sh",
        )
    found = json.loads(child.stdout)
    return Check(
        "model runs", True,
        f"{found['model']}: loaded in {found['load_s']:.2f} s, generated in {found['generate_s']:.2f} s; "
        f"context {found['context']}, {found['threads']} threads, prompts as {found['prompt_format']}",
    )


def probe() -> dict:
    from doorman.door import Doorman
    from doorman.tiers.local import LocalTier

    local: LocalTier = Doorman(state.config, state.home).tiers["A"]
    started = time.monotonic()
    llm = local.load()
    loaded = time.monotonic()
    tokens = llm.tokenize(b"Q: Hello?\nA:", add_bos=True)
    next(llm.generate(tokens, temp=0.0))
    fmt = state.config.local.prompt_format
    if fmt == "auto":
        fmt = "chat template" if llm.metadata.get("tokenizer.chat_template") else "completion frame"
    return {
        "model": local.model_name,
        "load_s": loaded - started,
        "generate_s": time.monotonic() - loaded,
        "context": llm.n_ctx(),
        "threads": local.threads,
        "prompt_format": fmt,
    }
