"""The release build of llama-cpp-python: portable CPU code, runtime variant dispatch.

The development wheel (scripts/build-llama-wheel.sh) is compiled with -march=native
for the machine it runs on. The appliance must run on any CPU of its architecture,
so its llama.cpp is built with GGML_NATIVE=OFF, GGML_BACKEND_DL=ON and
GGML_CPU_ALL_VARIANTS=ON: one `libggml-cpu-VARIANT.so` per instruction-set level,
the best one for the CPU picked at load time (doorman/tiers/llama_backends.py).

The libraries are built straight from the llama.cpp sources vendored in the
llama-cpp-python sdist (cross-compiled for aarch64 with a CMake toolchain file),
then packed with the sdist's Python code into a wheel. Both are cached under
~/.cache/doorman-build/ keyed by architecture and RECIPE.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

VERSION = "0.3.36"
# Bump when the recipe below changes, so libraries built the old way are not reused.
RECIPE = 1

CMAKE_ARGS = [
    "-DCMAKE_BUILD_TYPE=Release",
    "-DBUILD_SHARED_LIBS=ON",
    "-DGGML_NATIVE=OFF",
    "-DGGML_BACKEND_DL=ON",
    "-DGGML_CPU_ALL_VARIANTS=ON",
    "-DGGML_BLAS=OFF",
    "-DLLAMA_CURL=OFF",
    "-DLLAMA_BUILD_COMMON=OFF",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_TOOLS=OFF",
    "-DLLAMA_BUILD_SERVER=OFF",
    "-DLLAMA_BUILD_APP=OFF",
    "-DLLAMA_BUILD_HTML=OFF",
    "-DCMAKE_INSTALL_RPATH=$ORIGIN",
    "-DCMAKE_BUILD_WITH_INSTALL_RPATH=ON",
]
DROPPED_VARIANTS = {
    # ggml's AMX matmul (only in the sapphirerapids variant) crashes with SIGSEGV on CPUs
    # that advertise AMX under a hypervisor; without that variant such a CPU runs the
    # zen4/icelake AVX-512 code instead, and every other CPU is unaffected.
    "x86_64": ("sapphirerapids",),
    # Debian 12's cross compiler (GCC 12) knows neither armv9.2-a nor SME; armv8.6 with
    # SVE2 and int8 matmul is the best variant built.
    "aarch64": ("armv9.2_1", "armv9.2_2"),
}

# llama_cpp opens libllama.so and libggml.so by path; the libraries need their sonames.
SHIPPED_LIBS = {"libllama.so", "libggml.so", "libggml.so.0", "libggml-base.so.0"}

AARCH64_TOOLCHAIN = """\
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
"""


def cache_root() -> Path:
    if os.environ.get("DOORMAN_BUILD_CACHE"):
        return Path(os.environ["DOORMAN_BUILD_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.environ.get("HOME", "/tmp"), ".cache")
    return Path(base) / "doorman-build"


def sdist(say=print) -> Path:
    """The llama-cpp-python source archive, downloaded once from PyPI."""
    folder = cache_root() / "sdist"
    found = folder / f"llama_cpp_python-{VERSION}.tar.gz"
    if not found.is_file():
        say(f"downloading the llama-cpp-python {VERSION} sources")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             "-d", str(folder), f"llama-cpp-python=={VERSION}"],
            check=True,
        )
    return found


def _extract(archive: Path, into: Path) -> Path:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / f"llama_cpp_python-{VERSION}"


def release_libs(arch: str, say=print) -> Path:
    """Build (once) and return the folder of release shared libraries for `arch`."""
    out = cache_root() / "llama-release" / f"{arch}-r{RECIPE}"
    lib = out / "lib"
    if (lib / ".complete").is_file():
        return lib
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    source = _extract(sdist(say), out / "src") / "vendor" / "llama.cpp"
    variants = source / "ggml" / "src" / "CMakeLists.txt"
    variants.write_text("".join(
        line for line in variants.read_text().splitlines(keepends=True)
        if not any(f"ggml_add_cpu_backend_variant({v} " in line or f"ggml_add_cpu_backend_variant({v})" in line
                   for v in DROPPED_VARIANTS.get(arch, ()))
    ))
    args = list(CMAKE_ARGS)
    strip_tool = "strip"
    if arch != os.uname().machine:
        if arch != "aarch64":
            raise SystemExit(f"cannot cross-build llama.cpp for {arch}")
        toolchain = out / "aarch64-toolchain.cmake"
        toolchain.write_text(AARCH64_TOOLCHAIN)
        args.append(f"-DCMAKE_TOOLCHAIN_FILE={toolchain}")
        strip_tool = "aarch64-linux-gnu-strip"
    build = out / "build"
    jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(len(os.sched_getaffinity(0)))
    say(f"compiling llama.cpp {VERSION} for {arch} (all CPU variants; tens of minutes on 2 cores)")
    log = out / "build.log"
    with log.open("w") as sink:
        for step in (["cmake", "-S", str(source), "-B", str(build), *args],
                     ["cmake", "--build", str(build), "-j", jobs]):
            done = subprocess.run(["nice", "-n", "10", *step], stdout=sink, stderr=subprocess.STDOUT)
            if done.returncode != 0:
                raise SystemExit(f"llama.cpp build failed ({' '.join(step[:2])}); see {log}")
    staging = out / "lib.partial"
    staging.mkdir()
    for path in sorted((build / "bin").glob("lib*.so*")):
        if path.name in SHIPPED_LIBS or (path.name.startswith("libggml-cpu-") and path.suffix == ".so"):
            shutil.copy2(path, staging / path.name)  # the file a link names: wheels hold no links
            subprocess.run([strip_tool, "--strip-unneeded", str(staging / path.name)], check=True)
    (staging / ".complete").write_text(" ".join(args) + "\n")
    staging.rename(lib)
    shutil.rmtree(build, ignore_errors=True)
    shutil.rmtree(out / "src", ignore_errors=True)
    return lib


def release_wheel(arch: str, say=print) -> Path:
    """A wheel of llama-cpp-python's Python code with the release libraries, for `arch`."""
    wheelhouse = cache_root() / "wheels" / f"{arch}-release-r{RECIPE}"
    name = f"llama_cpp_python-{VERSION}-py3-none-linux_{arch}.whl"
    wheel = wheelhouse / name
    if wheel.is_file():
        return wheel
    lib = release_libs(arch, say)
    wheelhouse.mkdir(parents=True, exist_ok=True)
    scratch = wheelhouse / ".src"
    shutil.rmtree(scratch, ignore_errors=True)
    source = _extract(sdist(say), scratch)
    dist_info = f"llama_cpp_python-{VERSION}.dist-info"
    files: dict[str, bytes] = {}
    for path in sorted((source / "llama_cpp").rglob("*")):
        relative = path.relative_to(source)
        if path.is_file() and "server" not in relative.parts and "__pycache__" not in relative.parts:
            files[relative.as_posix()] = path.read_bytes()
    for path in sorted(lib.glob("lib*.so*")):
        files[f"llama_cpp/lib/{path.name}"] = path.read_bytes()
    files[f"{dist_info}/METADATA"] = (source / "PKG-INFO").read_bytes()
    files[f"{dist_info}/licenses/LICENSE.md"] = (source / "LICENSE.md").read_bytes()
    files[f"{dist_info}/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: doorman build_appliance (recipe {RECIPE})\n"
        f"Root-Is-Purelib: false\nTag: py3-none-linux_{arch}\n"
    ).encode()
    files[f"{dist_info}/top_level.txt"] = b"llama_cpp\n"
    record = [f"{n},sha256={_digest(d)},{len(d)}" for n, d in files.items()] + [f"{dist_info}/RECORD,,"]
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    partial = wheel.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in files.items():
            info = zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if member.endswith(".so") or ".so." in member else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    partial.rename(wheel)
    shutil.rmtree(scratch, ignore_errors=True)
    return wheel


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
