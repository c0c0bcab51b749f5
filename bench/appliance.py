"""The frozen appliance executable: size, cold starts, memory, and the release build's speed.

    python bench/appliance.py [EXE] [--onedir ARCHIVE] [--runs 5] [--requests 20]

EXE defaults to dist/doorman-VERSION-linux-ARCH (python build_appliance.py makes it),
with the model beside it. Prints, as medians:
  - size on disk of the executable (and of the model beside it);
  - cold start to `--help` and to the first token of `doorman infer`, page cache
    dropped before each run (where /proc/sys/vm/drop_caches is not writable, the
    program's files and the model are evicted from it instead);
    with --onedir, the same for a one-folder bundle unpacked from its archive;
  - peak RSS (VmHWM summed over the launcher and its children) of `doorman serve`
    with the model loaded, after N requests;
  - prompt and generation tokens/s of the release llama.cpp build (portable, CPU
    variants picked at run time) against the native development build, same model,
    threads and prompt, interleaved in the same run.
Targets: first token <= 2 s on 2 cores, peak RSS <= 550 MB, executable <= 60 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from doorman import __version__
from doorman.testing import peak_rss_mb

MODEL = "gemma-3-270m-q4_k_m.gguf"
QUESTION = "What is the capital of France?"
DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def drop_caches(roots: list[Path]) -> str:
    """Empty the page cache; where that is not allowed, evict the files under `roots` from it
    (POSIX_FADV_DONTNEED: clean pages that no running process maps). Says which it did."""
    os.sync()
    try:
        DROP_CACHES.write_text("3\n")
        return "page cache dropped before each run"
    except OSError:
        pass
    for root in roots:
        for path in ([root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]):
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
    return "the program's files and the model evicted from the page cache before each run (fadvise)"


def cold_help(exe: Path, env: dict, roots: list[Path]) -> float:
    drop_caches(roots)
    started = time.perf_counter()
    subprocess.run([str(exe), "--help"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def cold_first_token(exe: Path, env: dict, roots: list[Path]) -> float:
    """Spawn to the first byte of the streamed answer on stdout."""
    drop_caches(roots)
    started = time.perf_counter()
    process = subprocess.Popen([str(exe), "infer", "-m", "demo", "--max-tokens", "8", "--temperature", "0",
                                QUESTION], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    while True:
        byte = process.stdout.read(1)
        if not byte or byte.strip():
            break
    first = time.perf_counter() - started
    process.stdout.read()
    if process.wait() != 0 or not byte:
        raise RuntimeError(f"{exe} infer failed")
    return first


def tree(pid: int) -> list[int]:
    found = [pid]
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        found += tree(int(child))
    return found


def serve_peak_rss(exe: Path, env: dict, requests: int) -> float:
    process = subprocess.Popen([str(exe), "serve", "--port", "0"], env=env, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        port = None
        for line in process.stderr:
            record = json.loads(line) if line.startswith("{") else {}
            if record.get("msg") == "listening":
                port = record["port"]
                break
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(url + "/readyz", timeout=5).status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        for i in range(requests):
            body = json.dumps({"model": "local", "max_tokens": 32,
                               "messages": [{"role": "user", "content": f"{i}. Tell me about rivers."}]}).encode()
            request = urllib.request.Request(url + "/v1/chat/completions", data=body, headers={
                "Content-Type": "application/json", "X-Doorman-Module": "demo"})
            urllib.request.urlopen(request, timeout=300).read()
        return sum(peak_rss_mb(pid) for pid in tree(process.pid))
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()


SPEED = r"""
import json, sys, time
import llama_cpp
from doorman.tiers.llama_backends import ensure_cpu_backend
ensure_cpu_backend()
llm = llama_cpp.Llama(model_path=sys.argv[1], n_ctx=1024, n_threads=int(sys.argv[2]), verbose=False, seed=1)
passage = "The river town grew around a stone bridge built by merchants who carried salt, wool and timber. " * 6
out = []
for run in range(int(sys.argv[3])):
    tokens = llm.tokenize(f"Story {run}. {passage} Tell the rest.".encode(), add_bos=True)
    llm.reset()
    started = time.perf_counter()
    first = None
    count = 0
    for token in llm.generate(tokens, temp=0.0):
        count += 1
        if first is None:
            first = time.perf_counter()
        if count == 48:
            break
    done = time.perf_counter()
    out.append({"prompt_tps": len(tokens) / (first - started), "gen_tps": (count - 1) / (done - first)})
print(json.dumps(out))
"""


def speed(python: Path, model: Path, threads: int, runs: int) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([str(python), "-c", SPEED, str(model), str(threads), str(runs)], env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout)


def median(values) -> float:
    return statistics.median(values)


def main() -> int:
    arch = platform.machine()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("artifacts", nargs="*", type=Path,
                        help="one-folder archives (.tar.xz) and/or one-file executables; default: what dist/ holds")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--starts-only", action="store_true", help="only sizes and cold starts")
    parser.add_argument("--speed-only", action="store_true", help="only the release/native tokens/s")
    parser.add_argument("--speed-rounds", type=int, default=2)
    parser.add_argument("--native-python", type=Path, default=ROOT / ".venv" / "bin" / "python")
    parser.add_argument("--release-python", type=Path,
                        default=ROOT / "build" / "appliance" / arch / "venv" / "bin" / "python")
    options = parser.parse_args()
    name = f"doorman-{__version__}-linux-{arch}"
    artifacts = [a.resolve() for a in options.artifacts] or [
        p for p in (ROOT / "dist" / f"{name}.tar.xz", ROOT / "dist" / name) if p.is_file()]
    model = artifacts[0].parent / MODEL if artifacts else Path(MODEL)
    if not artifacts or not model.is_file():
        print(f"bench/appliance.py: no build with {MODEL} beside it; run: python build_appliance.py", file=sys.stderr)
        return 1

    scratch = Path(tempfile.mkdtemp(prefix="doorman-bench-appliance-"))
    try:
        env = {"PATH": "/usr/bin:/bin", "DOORMAN_HOME": str(scratch / "home"), "TMPDIR": str(scratch / "tmp")}
        (scratch / "tmp").mkdir()
        (scratch / "home").mkdir()
        (scratch / "home" / "doorman.toml").write_text(f"[local]\nthreads = {options.threads}\n")
        print(f"size: model beside the program {model.stat().st_size / 1e6:.0f} MB")
        layouts = {}
        for artifact in artifacts:
            if artifact.name.endswith(".tar.xz"):
                unpacked = scratch / "onedir"
                with tarfile.open(artifact) as archive:
                    archive.extractall(unpacked, filter="tar")
                (bundle,) = unpacked.iterdir()
                (bundle / MODEL).symlink_to(model)
                layouts["onedir"] = bundle / "doorman"
                size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
                print(f"size: one-folder archive {artifact.stat().st_size / 1e6:.1f} MB (target <= 60), "
                      f"{size / 1e6:.1f} MB unpacked")
            else:
                layouts["onefile"] = artifact
                print(f"size: one-file executable {artifact.stat().st_size / 1e6:.1f} MB (target <= 60)")
        exe = next(iter(layouts.values()))
        if options.speed_only:
            layouts = {}
        roots = {name: [program.parent if name == "onedir" else program, model] for name, program in layouts.items()}
        cache_note = drop_caches([model])
        print(f"appliance benchmark: {', '.join(a.name for a in artifacts)}; {options.runs} runs each, "
              f"{cache_note}; {len(os.sched_getaffinity(0))} cores, load {os.getloadavg()[0]:.1f}")
        help_s = {name: [] for name in layouts}
        first_s = {name: [] for name in layouts}
        for _ in range(options.runs):  # interleaved, so load changes hit every layout alike
            for name, program in layouts.items():
                help_s[name].append(cold_help(program, env, roots[name]))
                first_s[name].append(cold_first_token(program, env, roots[name]))
        for name in layouts:
            print(f"{name}: cold start to --help {median(help_s[name]):.2f} s; "
                  f"to the first token of infer {median(first_s[name]):.2f} s (target <= 2 s on 2 cores); "
                  f"runs {', '.join(f'{x:.2f}' for x in first_s[name])}")

        if options.starts_only:
            return 0
        if not options.speed_only:
            rss = serve_peak_rss(exe, env, options.requests)
            print(f"serve: peak RSS of the process tree after {options.requests} requests {rss:.0f} MB (target <= 550)")

        if options.release_python.is_file() and options.native_python.is_file():
            native, release = [], []
            for _ in range(options.speed_rounds):  # interleaved rounds
                native += speed(options.native_python, model, options.threads, 2)
                release += speed(options.release_python, model, options.threads, 2)
            for kind, label in (("prompt_tps", "prompt"), ("gen_tps", "generation")):
                n = median(r[kind] for r in native)
                r = median(r[kind] for r in release)
                print(f"{label} tokens/s, {options.threads} threads: release {r:.1f}, native {n:.1f}, "
                      f"release/native {r / n:.2f}")
        else:
            print("tokens/s: skipped (needs the native .venv and the release build environment)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
