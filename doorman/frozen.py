"""How doorman behaves as a frozen appliance executable (PyInstaller one-file build).

A one-file executable is a launcher that unpacks the program into `$TMPDIR/_MEIxxxxxx`
and runs it as its child. A SIGKILL to the launcher leaves that folder behind (and,
without the parent-death signal set here, the child running), so each run marks its
folder with the pids that own it and `doorman serve` removes folders whose owners
are all gone.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

MARKER = "doorman-owner.json"
_PR_SET_PDEATHSIG = 1


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def executable_dir() -> Path | None:
    """The folder holding the frozen executable (where the model ships beside it); None unfrozen."""
    if not is_frozen():
        return None
    return Path(sys.executable).resolve().parent


def read_ahead_model(args: list[str]) -> None:
    """For a command that loads the model, start reading the model shipped beside the program now,
    while Python imports doorman (most of a cold start's first second)."""
    from doorman.core.readahead import read_ahead
    from doorman.tiers.embedded_model import MODEL_FILE

    folder = executable_dir()
    if folder is not None and {"infer", "serve", "doctor"} & set(args) and (folder / MODEL_FILE).is_file():
        read_ahead(folder / MODEL_FILE)


def unpack_dir() -> Path | None:
    """This run's one-file unpack folder, if it runs from one."""
    folder = getattr(sys, "_MEIPASS", None)
    if folder is None or not Path(folder).name.startswith("_MEI"):
        return None
    return Path(folder)


def start_time(pid: int) -> str | None:
    """The kernel's start time of `pid` (clock ticks since boot): tells a reused pid apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def alive(pid: int, started: str | None) -> bool:
    now = start_time(pid)
    return now is not None and (started is None or now == started)


def adopt_unpack_dir() -> None:
    """At start of a frozen one-file run: record who owns the unpack folder, and die with
    the launcher (a SIGKILLed launcher cannot forward a signal to its child)."""
    folder = unpack_dir()
    if folder is None:
        return
    launcher = os.getppid()
    owners = [{"pid": pid, "start": start_time(pid)} for pid in (os.getpid(), launcher)]
    try:
        (folder / MARKER).write_text(json.dumps(owners))
    except OSError:
        pass
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != launcher:  # the launcher died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def clean_stale_unpack_dirs(temp_dir: Path | None = None) -> list[Path]:
    """Remove one-file unpack folders under `temp_dir` whose recorded owners are all dead.

    Folders without a doorman marker (another program's, or one still starting) are
    left alone. Returns the folders removed.
    """
    temp_dir = Path(temp_dir or tempfile.gettempdir())
    mine = unpack_dir()
    removed = []
    try:
        candidates = [p for p in temp_dir.iterdir() if p.name.startswith("_MEI") and p.is_dir()]
    except OSError:
        return removed
    for folder in candidates:
        if mine is not None and folder.resolve() == mine.resolve():
            continue
        try:
            owners = json.loads((folder / MARKER).read_text())
            stale = not any(alive(int(o["pid"]), o.get("start")) for o in owners)
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            if not folder.exists():
                removed.append(folder)
    return removed
