"""Smoke test of a frozen appliance executable, run the way a service runs it.

Every command runs with a bare environment (as `env -i`: no HOME, only PATH,
DOORMAN_HOME and TMPDIR), the model beside the executable, and a fresh home:
`--version`, `doctor`, `infer`, `serve` answering one request then draining on
SIGTERM, `ingest` into the knowledge store, `ledger verify`. Then what a service must
survive: no state directory at all (a clear error); a noexec /tmp and a read-only
/usr with TMPDIR on a runtime directory (a private mount namespace, as root); for a
one-file build, a SIGKILLed launcher (its child must go, and the next `serve` removes
its unpack folder). For aarch64 the same runs under qemu
through binfmt, with QEMU_LD_PREFIX pointing at the arm64 root.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tarfile
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

MODEL_FILE = "gemma-3-270m-q4_k_m.gguf"
QUESTION = "What is the capital of France?"


class Smoke:
    def __init__(self, exe: Path, scratch: Path, extra_env: dict[str, str], onefile: bool):
        self.exe = exe
        self.scratch = scratch
        self.onefile = onefile
        self.home = scratch / "home"
        self.tmp = scratch / "run"  # the service's RuntimeDirectory
        self.tmp.mkdir(mode=0o700)
        self.env = {"PATH": "/usr/bin:/bin", "DOORMAN_HOME": str(self.home), "TMPDIR": str(self.tmp),
                    "COLUMNS": "200", **extra_env}
        self.results: list[tuple[str, bool, str]] = []

    def cli(self, *args: str, env: dict | None = None, timeout: float = 300, prefix=()) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, str(self.exe), *args], env=env or self.env, capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def check(self, name: str, ok: bool, detail: str) -> bool:
        self.results.append((name, ok, detail))
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)
        return ok

    def unpack_dirs(self) -> set[str]:
        return {p.name for p in self.tmp.glob("_MEI*")}

    def run_all(self) -> bool:
        started = time.monotonic()
        done = self.cli("--version")
        self.check("--version", done.returncode == 0 and done.stdout.startswith("doorman "),
                   done.stdout.strip() or done.stderr.strip()[-300:])

        done = self.cli("doctor")
        self.check("doctor", done.returncode == 0 and "model runs" in done.stdout,
                   _last(done.stdout if done.returncode == 0 else done.stdout + done.stderr, 3))

        done = self.cli("infer", "-m", "demo", "--max-tokens", "12", "--temperature", "0", "--seed", "1",
                        "--json", QUESTION)
        try:
            answer = json.loads(done.stdout)
            self.check("infer", "paris" in answer["text"].lower(),
                       f"{answer['text'].strip()!r} ({answer['tokens']['completion']} tokens, {answer['duration_ms']} ms)")
        except (ValueError, KeyError):
            self.check("infer", False, _last(done.stderr, 5))

        self.serve_once()

        notes = self.scratch / "rivers.md"
        notes.write_text("# Rivers\n\nThe Danube flows through Vienna and Budapest.\n")
        done = self.cli("ingest", "-m", "demo", str(notes))
        self.check("ingest (knowledge store)", done.returncode == 0 and "ingested" in done.stdout,
                   _last(done.stdout if done.returncode == 0 else done.stderr, 2))

        done = self.cli("ledger", "verify")
        self.check("ledger verify", done.returncode == 0, _last(done.stdout + done.stderr, 1))

        bare = {"PATH": "/usr/bin:/bin", **{k: v for k, v in self.env.items() if k.startswith("QEMU")}}
        done = self.cli("doctor", env=bare)
        self.check("no HOME, no DOORMAN_HOME", done.returncode == 3 and "home_unset" in done.stderr,
                   done.stderr.strip()[-200:])

        left = self.unpack_dirs()
        if self.onefile:
            self.check("unpack folders removed on exit", not left, f"left in TMPDIR: {sorted(left) or 'none'}")
        self.noexec_tmp()
        if self.onefile:
            self.killed_launcher()
        print(f"smoke test: {sum(ok for _, ok, _ in self.results)}/{len(self.results)} passed "
              f"in {time.monotonic() - started:.0f} s", flush=True)
        return all(ok for _, ok, _ in self.results)

    def start_serve(self) -> tuple[subprocess.Popen, int, list[str]]:
        process = subprocess.Popen([str(self.exe), "serve", "--port", "0"], env=self.env, text=True,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        lines: list[str] = []
        port: list[int] = []
        ready = threading.Event()

        def read():
            for line in process.stderr:
                lines.append(line)
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if record.get("msg") == "listening":
                    port.append(record["port"])
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        ready.wait(300)
        if not port:
            process.kill()
            raise RuntimeError("doorman serve did not start: " + "".join(lines)[-2000:])
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port[0]}/readyz", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        return process, port[0], lines

    def serve_once(self) -> None:
        try:
            process, port, _ = self.start_serve()
        except RuntimeError as exc:
            self.check("serve", False, str(exc)[-500:])
            return
        try:
            body = json.dumps({"model": "local", "max_tokens": 12, "temperature": 0, "seed": 1,
                               "messages": [{"role": "user", "content": QUESTION}]}).encode()
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/v1/chat/completions", data=body,
                headers={"Content-Type": "application/json", "X-Doorman-Module": "demo"})
            with urllib.request.urlopen(request, timeout=300) as answer:
                text = json.loads(answer.read())["choices"][0]["message"]["content"]
            process.send_signal(signal.SIGTERM)
            code = process.wait(60)
            self.check("serve", "paris" in text.lower() and code == 0,
                       f"POST /v1/chat/completions -> {text.strip()!r}; SIGTERM -> exit {code}")
        except (OSError, ValueError, KeyError, subprocess.TimeoutExpired) as exc:
            self.check("serve", False, repr(exc))
        finally:
            if process.poll() is None:
                process.kill()

    def noexec_tmp(self) -> None:
        """/tmp noexec and /usr read-only (a private mount namespace), TMPDIR on the runtime directory."""
        if os.geteuid() != 0 or not shutil.which("unshare"):
            print("skip noexec /tmp: needs root and unshare", flush=True)
            return
        script = ('mount -t tmpfs -o noexec,nosuid,nodev tmpfs /tmp && mount --bind /usr /usr && '
                  'mount -o remount,bind,ro /usr && "$@"')
        prefix = ("unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh")
        done = self.cli("infer", "-m", "demo", "--max-tokens", "4", "--temperature", "0", "--json", QUESTION,
                        prefix=prefix)
        self.check("noexec /tmp, read-only /usr, TMPDIR=runtime dir", done.returncode == 0,
                   _last(done.stdout if done.returncode == 0 else done.stderr, 2))

    def killed_launcher(self) -> None:
        """SIGKILL the one-file launcher: its child must exit, and the next serve removes the folder."""
        try:
            process, _, _ = self.start_serve()
        except RuntimeError as exc:
            self.check("SIGKILLed launcher", False, str(exc)[-500:])
            return
        children = _children(process.pid)
        before = self.unpack_dirs()
        process.kill()
        process.wait(30)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() for c in children):
            time.sleep(0.2)
        orphaned = [c for c in children if Path(f"/proc/{c}").exists()]
        for pid in orphaned:
            os.kill(pid, signal.SIGKILL)
        stale = self.unpack_dirs() & before
        self.check("SIGKILLed launcher: child exits", bool(children) and not orphaned,
                   f"children {children}, still running {orphaned}; unpack folders left {sorted(stale)}")
        try:
            again, _, lines = self.start_serve()
        except RuntimeError as exc:
            self.check("stale unpack folder removed", False, str(exc)[-500:])
            return
        again.send_signal(signal.SIGTERM)
        again.wait(60)
        removed = any("stale unpack folder" in line for line in lines)
        self.check("stale unpack folder removed", bool(stale) and not (self.unpack_dirs() & stale) and removed,
                   f"{sorted(stale)} removed by the next serve" if removed else "".join(lines)[-500:])


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _last(text: str, lines: int) -> str:
    return " | ".join(text.strip().splitlines()[-lines:])


def main(artifact: Path, arch: str, root: Path | None = None) -> int:
    """Smoke-test `artifact` (a one-file executable or a one-folder .tar.xz) for `arch`."""
    # Not under /tmp: the noexec check mounts a tmpfs over /tmp (a checkout there uses /var/tmp).
    parent = Path(__file__).resolve().parent.parent / "build" / "smoke"
    if Path("/tmp") in parent.parents:
        parent = Path("/var/tmp") / "doorman-smoke"
    parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="doorman-smoke-", dir=parent))
    try:
        onefile = not artifact.name.endswith(".tar.xz")
        # The program and its model live in the scratch folder, which stays visible when
        # the noexec check hides /tmp (dist/ may be under it): linked where it can, else copied.
        if onefile:
            folder = scratch / "app"
            folder.mkdir()
            exe = folder / artifact.name
            shutil.copy2(artifact, exe)
        else:
            with tarfile.open(artifact) as archive:
                archive.extractall(scratch / "app", filter="tar")
            (folder,) = (scratch / "app").iterdir()
            exe = folder / "doorman"
        try:
            os.link(artifact.parent / MODEL_FILE, folder / MODEL_FILE)
        except OSError:
            shutil.copy2(artifact.parent / MODEL_FILE, folder / MODEL_FILE)
        extra = {}
        if arch != os.uname().machine:
            extra["QEMU_LD_PREFIX"] = str(root)
        print(f"smoke test of {artifact.name} ({arch})", flush=True)
        return 0 if Smoke(exe, scratch, extra, onefile).run_all() else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
