"""Freeze the aarch64 appliance on an x86_64 machine.

PyInstaller cannot cross-build, so the freeze runs under an aarch64 Python: a Debian
arm64 root made with debootstrap, run under qemu-user-static through binfmt_misc
(all Debian packages: debootstrap qemu-user-static binfmt-support
crossbuild-essential-arm64). llama.cpp is not compiled under emulation (10-13x
slower): llama_release.py cross-compiles it natively with a CMake toolchain file
and packs it into a wheel. Every other wheel (manylinux aarch64 or pure Python) is
downloaded on the host with `pip download --platform`, so the root never needs the
network. The root is cached under ~/.cache/doorman-build/arm64-root/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from contextlib import contextmanager
from pathlib import Path

from appliance import llama_release

ROOT = Path(__file__).resolve().parent.parent
SUITE = "bookworm"
ROOT_RECIPE = 1
PACKAGES = ["python3", "python3-venv", "libpython3.11", "libgomp1", "binutils", "ca-certificates"]
HOST_TOOLS = {"debootstrap": "debootstrap", "qemu-aarch64-static": "qemu-user-static",
              "aarch64-linux-gnu-gcc": "crossbuild-essential-arm64", "update-binfmts": "binfmt-support"}
SOURCE_ONLY = {"names"}
CLEAN_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root",
             "LANG": "C.UTF-8"}


def check_host() -> None:
    missing = sorted({package for tool, package in HOST_TOOLS.items() if not shutil.which(tool)})
    if missing:
        raise SystemExit(f"aarch64 build needs these Debian packages: apt-get install {' '.join(missing)}")
    if os.geteuid() != 0:
        raise SystemExit("aarch64 build needs root (debootstrap, chroot, mounting /proc in the arm64 root)")
    enable_binfmt()


def enable_binfmt() -> None:
    """binfmt_misc mounted and qemu-aarch64 registered, so arm64 programs run transparently."""
    misc = Path("/proc/sys/fs/binfmt_misc")
    if not (misc / "register").exists():
        done = subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", str(misc)], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"cannot mount binfmt_misc ({done.stderr.strip()}); the aarch64 build needs it")
    if not (misc / "qemu-aarch64").exists():
        subprocess.run(["update-binfmts", "--enable", "qemu-aarch64"], check=True)
    if (misc / "qemu-aarch64").read_text().splitlines()[0] != "enabled":
        raise SystemExit("qemu-aarch64 is registered with binfmt_misc but disabled; update-binfmts --enable qemu-aarch64")


def arm64_root(say) -> Path:
    """The cached Debian arm64 root (debootstrap once: its second stage runs under qemu, slowly)."""
    folder = llama_release.cache_root() / "arm64-root" / f"{SUITE}-r{ROOT_RECIPE}"
    if (folder / ".complete").is_file():
        return folder
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    say(f"making a Debian {SUITE} arm64 root with debootstrap (runs its second stage under qemu)")
    subprocess.run(["nice", "-n", "10", "debootstrap", "--arch=arm64", "--variant=minbase",
                    f"--include={','.join(PACKAGES)}", SUITE, str(partial), "http://deb.debian.org/debian"],
                   check=True, stdout=subprocess.DEVNULL)
    (partial / ".complete").write_text(" ".join(PACKAGES) + "\n")
    partial.rename(folder)
    return folder


@contextmanager
def mounted_proc(root: Path):
    target = root / "proc"
    mounted = subprocess.run(["mount", "-t", "proc", "proc", str(target)]).returncode == 0
    try:
        yield
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(target)])


def in_root(root: Path, *command: str, env: dict | None = None) -> None:
    """Run `command` inside the arm64 root with a clean environment (binfmt runs it under qemu)."""
    subprocess.run(["chroot", str(root), "/usr/bin/env", "-i",
                    *[f"{k}={v}" for k, v in {**CLEAN_ENV, **(env or {})}.items()], *command], check=True)


def requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = [r for r in project["dependencies"] if not r.startswith("llama-cpp-python")]
    return runtime + project["optional-dependencies"]["appliance"] + ["typing-extensions>=4.5", "numpy>=1.20",
                                                                       "diskcache>=5.6.1", "jinja2>=2.11.3"]


def wheelhouse(say) -> Path:
    """Every wheel the arm64 build environment needs, downloaded on the host."""
    folder = ROOT / "build" / "appliance" / "aarch64" / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    say("downloading aarch64 wheels on the host (pip download --platform)")
    pip = [sys.executable, "-m", "pip"]
    # Pure-Python packages published only as source: built into wheels here (any platform).
    pure = [r for r in requirements() if r.split("=")[0].split(">")[0] in SOURCE_ONLY]
    subprocess.run([*pip, "wheel", "--quiet", "--no-deps", "-w", str(folder), *pure], check=True)
    subprocess.run([*pip, "download", "--quiet", "--dest", str(folder), "--find-links", str(folder),
                    "--only-binary=:all:",
                    "--platform", "manylinux2014_aarch64", "--platform", "manylinux_2_28_aarch64",
                    "--platform", "manylinux_2_17_aarch64", "--platform", "linux_aarch64",
                    "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311", "--abi", "abi3",
                    "--abi", "none", *requirements()], check=True)
    for old in folder.glob("doorman-*.whl"):
        old.unlink()
    subprocess.run([*pip, "wheel", "--quiet", "--no-deps", "-w", str(folder), str(ROOT)],
                   check=True)
    return folder


def freeze(wheel: Path, layout: str, say) -> tuple[Path, Path]:
    """Freeze in the arm64 root; return (the root's python, the frozen artifact)."""
    check_host()
    root = arm64_root(say)
    wheels = wheelhouse(say)
    work = root / "opt" / "doorman-build"
    shutil.rmtree(work / "src", ignore_errors=True)
    shutil.rmtree(work / "wheels", ignore_errors=True)
    (work / "src").mkdir(parents=True)
    shutil.copytree(wheels, work / "wheels")
    shutil.copy2(wheel, work / "wheels")
    for item in ("appliance", "appliance.spec", "doorman", "scripts", "pyproject.toml"):
        source = ROOT / item
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, work / "src" / item)
    venv = "/opt/doorman-build/venv"
    name = f"doorman-{_version()}-linux-aarch64"
    with mounted_proc(root):
        if not (root / venv.lstrip("/") / "bin" / "python").exists():
            say("creating the arm64 build environment (under qemu)")
            in_root(root, "python3", "-m", "venv", venv)
        say("installing the arm64 wheels (under qemu)")
        in_root(root, f"{venv}/bin/pip", "install", "--quiet", "--no-index", "--find-links",
                "/opt/doorman-build/wheels", "llama-cpp-python", "doorman", "pyinstaller")
        say(f"freezing doorman ({layout}) under qemu; PyInstaller is slow emulated (minutes)")
        in_root(root, f"{venv}/bin/python", "-m", "PyInstaller", "--clean", "--noconfirm", "--log-level", "WARN",
                "--distpath", "/opt/doorman-build/dist", "--workpath", "/opt/doorman-build/work",
                "/opt/doorman-build/src/appliance.spec",
                env={"DOORMAN_APPLIANCE_NAME": name, "DOORMAN_APPLIANCE_LAYOUT": layout})
        frozen = f"/opt/doorman-build/dist/{name}"
        in_root(root, f"{venv}/bin/python", "/opt/doorman-build/src/appliance/frozen_sources.py",
                frozen if layout == "onefile" else f"{frozen}/doorman")
    return root / venv.lstrip("/") / "bin" / "python", work / "dist" / name


def write_sbom(out: Path, model: Path) -> None:
    """The SBOM and licence gate, run by the arm64 environment's Python on what it holds."""
    root = arm64_root(print)
    work = root / "opt" / "doorman-build"
    shutil.copy2(model, work / model.name)
    try:
        with mounted_proc(root):
            in_root(root, "/opt/doorman-build/venv/bin/python", "/opt/doorman-build/src/appliance/sbom.py",
                    "/opt/doorman-build/sbom.cdx.json", f"/opt/doorman-build/{model.name}")
        shutil.copy2(work / "sbom.cdx.json", out)
    finally:
        (work / model.name).unlink(missing_ok=True)


def _version() -> str:
    from build_appliance import version

    return version()
