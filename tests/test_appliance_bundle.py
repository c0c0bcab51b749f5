"""What the appliance build collects beyond import analysis (appliance/collect.py, used by
the PyInstaller hooks), checked against the installed packages without freezing."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import llama_cpp
import names

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("appliance_collect", ROOT / "appliance" / "collect.py")
collect = importlib.util.module_from_spec(spec)
spec.loader.exec_module(collect)


def needed(library: Path) -> list[str]:
    out = subprocess.run(["readelf", "-d", str(library)], capture_output=True, text=True, check=True).stdout
    return [line.split("[", 1)[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line]


def test_llama_cpp_libraries_are_collected_with_everything_they_link_from_the_package():
    package = Path(llama_cpp.__file__).parent
    collected = collect.llama_cpp_binaries(package)
    assert {dest for _, dest in collected} == {"llama_cpp/lib"}
    names_ = {Path(src).name for src, _ in collected}
    assert {"libllama.so", "libggml.so"} <= names_  # opened by path through ctypes
    in_package = {p.name for p in (package / "lib").iterdir()}
    for src, _ in collected:
        for dependency in needed(Path(src)):
            if dependency in in_package:
                assert dependency in names_, f"{Path(src).name} needs {dependency}, which is not collected"


def test_release_cpu_variants_are_collected_and_the_multimodal_library_is_not(tmp_path):
    lib = tmp_path / "llama_cpp" / "lib"
    lib.mkdir(parents=True)
    for name in ("libllama.so", "libggml.so", "libggml.so.0", "libggml-base.so.0", "libggml-cpu-haswell.so",
                 "libggml-cpu-icelake.so", "libmtmd.so", "README.md"):
        (lib / name).write_bytes(b"\x7fELF")
    collected = sorted(Path(src).name for src, _ in collect.llama_cpp_binaries(tmp_path / "llama_cpp"))
    assert collected == ["libggml-base.so.0", "libggml-cpu-haswell.so", "libggml-cpu-icelake.so",
                         "libggml.so", "libggml.so.0", "libllama.so"]


def test_the_sanitisers_name_lists_load_from_exactly_the_collected_files(tmp_path):
    package = tmp_path / "names"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for src, dest in collect.names_datas(Path(names.__file__).parent):
        assert dest == "names"
        shutil.copy(src, package)
    code = ("import names, doorman.boundary.name_data as d; "
            "print(names.__file__); print(len(d.given_names()), len(d.surnames()), 'mary' in d.given_names())")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    where, counts = done.stdout.splitlines()
    assert where == str(package / "__init__.py")
    given, surnames, mary = counts.split()
    assert int(given) > 4000 and int(surnames) == 30000 and mary == "True"


def test_every_test_only_dependency_is_left_out_of_the_appliance():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
    top_levels = metadata.packages_distributions()
    for requirement in extras:
        dist = requirement.split(">")[0].split("=")[0].split("<")[0].strip()
        modules = [m for m, dists in top_levels.items() if dist.lower() in (d.lower() for d in dists)]
        if dist in ("packaging",):  # PyInstaller itself needs it at build time; nothing at run time imports it
            continue
        assert modules, f"{dist} is not installed"
        assert any(m in collect.EXCLUDES for m in modules), f"{dist} ({modules}) would be frozen in"


def test_only_system_libraries_are_stripped(tmp_path):
    venv_lib = "/opt/app/venv/lib/python3.11/site-packages/numpy.libs/libscipy_openblas64_.so"
    assert not collect.strippable(venv_lib)  # auditwheel-repaired: stripping breaks its layout
    assert collect.strippable("/usr/lib/x86_64-linux-gnu/libstdc++.so.6")
    assert collect.strippable(sys.base_prefix + "/lib/libpython3.11.so.1.0")

    source = tmp_path / "src" / "libfake.so"
    source.parent.mkdir()
    subprocess.run(["cc", "-shared", "-g", "-fPIC", "-o", str(source), "-x", "c", "-"],
                   input="int doorman_fake(void) { return 7; }\n", text=True, check=True)
    (dest, copy, kind), = collect.stripped([("libfake.so", str(source), "BINARY")], tmp_path / "stripped")
    assert dest == "libfake.so" and kind == "BINARY"
    assert Path(copy).stat().st_size < source.stat().st_size
    assert "doorman_fake" in subprocess.run(["nm", "-D", copy], capture_output=True, text=True).stdout


def test_the_sbom_lists_the_runtime_components_and_gates_their_licences(tmp_path):
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF-not-really")
    out = tmp_path / "sbom.cdx.json"
    done = subprocess.run([sys.executable, str(ROOT / "appliance" / "sbom.py"), str(out), str(model)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    document = json.loads(out.read_text())
    assert document["bomFormat"] == "CycloneDX"
    components = {c["name"]: c for c in document["components"]}
    assert {"llama-cpp-python", "typer", "uvicorn", "names"} <= set(components)
    assert not {"pytest", "hypothesis", "faker", "pyinstaller"} & set(components)
    assert components["llama-cpp-python"]["version"] == metadata.version("llama-cpp-python")
    assert components["model.gguf"]["hashes"][0]["content"] == hashlib.sha256(b"GGUF-not-really").hexdigest()
    gated = [line.split()[1].rstrip(":") for line in done.stdout.splitlines() if line.startswith(("ok", "FAIL"))]
    assert sorted(gated) == sorted(n for n, c in components.items() if c["type"] == "library")
