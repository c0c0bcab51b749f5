"""ToteboxOS/install.sh and uninstall.sh, run for real into a throwaway root (DESTDIR)."""

from __future__ import annotations

import os
import platform
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODEL = "gemma-3-270m-q4_k_m.gguf"


@pytest.fixture
def dist(tmp_path) -> Path:
    folder = tmp_path / "dist"
    folder.mkdir()
    exe = folder / f"doorman-0.1.0-linux-{platform.machine()}"
    exe.write_text("#!/bin/sh\necho doorman 0.1.0\n")
    exe.chmod(0o755)
    (folder / MODEL).write_bytes(b"GGUF" + b"\0" * 64)
    return folder


def script(name: str, root: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", str(ROOT / "ToteboxOS" / name), *args],
        env={"PATH": os.environ["PATH"], "DESTDIR": str(root), **env},
        capture_output=True, text=True, timeout=60,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_install_lays_out_the_appliance(tmp_path, dist):
    root = tmp_path / "root"
    done = script("install.sh", root, str(dist), MEMORY_MAX="512M", MEMORY_HIGH="480M")
    assert done.returncode == 0, done.stderr

    program = root / "usr/local/lib/doorman/doorman"
    assert subprocess.run([str(program)], capture_output=True, text=True).stdout == "doorman 0.1.0\n"
    assert (root / "usr/local/lib/doorman" / MODEL).read_bytes() == (dist / MODEL).read_bytes()
    assert os.readlink(root / "usr/local/bin/doorman") == "/usr/local/lib/doorman/doorman"
    assert mode(root / "var/lib/doorman") == 0o750
    assert mode(root / "etc/doorman/doorman.toml") == 0o640
    assert 'model = "embedded"' in (root / "etc/doorman/doorman.toml").read_text()

    unit = (root / "etc/systemd/system/doorman.service").read_text()
    assert "MemoryMax=512M" in unit and "MemoryHigh=480M" in unit
    for line in ("RuntimeDirectory=doorman", "Environment=TMPDIR=/run/doorman", "KillMode=mixed",
                 "Environment=DOORMAN_HOME=/var/lib/doorman",
                 "Environment=DOORMAN_CONFIG=/etc/doorman/doorman.toml",
                 "ExecStart=/usr/local/bin/doorman serve"):
        assert line in unit.splitlines()
    assert "systemd left alone" in done.stderr


def test_install_again_keeps_the_config_and_upgrades_the_program(tmp_path, dist):
    root = tmp_path / "root"
    assert script("install.sh", root, str(dist)).returncode == 0
    config = root / "etc/doorman/doorman.toml"
    config.write_text("[modules.legal]\n")
    (root / "var/lib/doorman/ledger").mkdir()
    (root / "var/lib/doorman/ledger/2026-11-22.jsonl").write_text("{}\n")
    exe = next(dist.glob("doorman-*"))
    exe.write_text("#!/bin/sh\necho doorman 0.2.0\n")

    again = script("install.sh", root, str(dist))
    assert again.returncode == 0, again.stderr
    assert "kept the existing /etc/doorman/doorman.toml" in again.stderr
    assert config.read_text() == "[modules.legal]\n"
    assert (root / "usr/local/lib/doorman/doorman").read_text().endswith("doorman 0.2.0\n")
    assert (root / "var/lib/doorman/ledger/2026-11-22.jsonl").read_text() == "{}\n"


def test_uninstall_removes_the_program_never_the_state(tmp_path, dist):
    root = tmp_path / "root"
    assert script("install.sh", root, str(dist)).returncode == 0
    (root / "var/lib/doorman/ledger").mkdir()
    (root / "var/lib/doorman/ledger/2026-11-22.jsonl").write_text("{}\n")
    (root / "var/lib/doorman/corpus").mkdir()

    done = script("uninstall.sh", root)
    assert done.returncode == 0, done.stderr
    assert not (root / "usr/local/lib/doorman").exists()
    assert not (root / "usr/local/bin/doorman").is_symlink()
    assert not (root / "etc/systemd/system/doorman.service").exists()
    assert (root / "var/lib/doorman/ledger/2026-11-22.jsonl").read_text() == "{}\n"
    assert (root / "var/lib/doorman/corpus").is_dir()
    assert (root / "etc/doorman/doorman.toml").is_file()


def test_install_without_a_build_says_how_to_make_one(tmp_path):
    empty = tmp_path / "dist"
    empty.mkdir()
    done = script("install.sh", tmp_path / "root", str(empty))
    assert done.returncode == 1
    assert "build_appliance.py" in done.stderr
    assert not (tmp_path / "root" / "usr").exists()


def test_install_refuses_a_malformed_memory_envelope(tmp_path, dist):
    done = script("install.sh", tmp_path / "root", str(dist), MEMORY_MAX="600 megabytes")
    assert done.returncode == 1
    assert "MEMORY_MAX" in done.stderr


def test_a_one_folder_bundle_is_unpacked_with_the_model_beside_its_executable(tmp_path, dist):
    next(dist.glob("doorman-*")).unlink()  # only the archive this time
    name = f"doorman-0.1.0-linux-{platform.machine()}"
    bundle = tmp_path / "bundle" / name
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "doorman").write_text("#!/bin/sh\necho bundled\n")
    (bundle / "doorman").chmod(0o755)
    (bundle / "_internal" / "libold.so").write_bytes(b"\x7fELF")
    subprocess.run(["tar", "-cJf", str(dist / f"{name}.tar.xz"), "-C", str(bundle.parent), name], check=True)
    root = tmp_path / "root"

    done = script("install.sh", root, str(dist))
    assert done.returncode == 0, done.stderr
    lib = root / "usr/local/lib/doorman"
    assert subprocess.run([str(lib / "doorman")], capture_output=True, text=True).stdout == "bundled\n"
    assert (lib / "_internal" / "libold.so").is_file()
    assert (lib / MODEL).read_bytes() == (dist / MODEL).read_bytes()

    (bundle / "_internal" / "libold.so").rename(bundle / "_internal" / "libnew.so")
    subprocess.run(["tar", "-cJf", str(dist / f"{name}.tar.xz"), "-C", str(bundle.parent), name], check=True)
    assert script("install.sh", root, str(dist)).returncode == 0
    assert sorted(p.name for p in (lib / "_internal").iterdir()) == ["libnew.so"]
    assert (lib / MODEL).is_file()
    assert sorted(p.name for p in lib.parent.iterdir()) == ["doorman"]
