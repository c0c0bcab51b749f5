"""Load llama.cpp's CPU backend when it is built as loadable modules (release builds).

A portable release build (GGML_BACKEND_DL with GGML_CPU_ALL_VARIANTS) ships one
`libggml-cpu-VARIANT.so` per instruction-set level and picks the best this CPU runs
at load time. llama.cpp looks for them only beside the program's executable and in
the working directory, never in llama_cpp's own `lib/` folder (where pip and the
frozen appliance put them), so doorman loads them from there before the first model.
A native build links its CPU backend in and needs nothing.
"""

from __future__ import annotations

import ctypes
import os
import threading
from pathlib import Path

from doorman.core.errors import ModelUnavailable

_lock = threading.Lock()


def library_dir() -> Path:
    import llama_cpp

    return Path(llama_cpp.__file__).resolve().parent / "lib"


def loaded_ggml(folder: Path) -> ctypes.CDLL:
    """The libggml that libllama itself linked: opened by its soname (no slash), the
    dynamic loader hands back that instance. Opened by path, a second copy of the file
    (wheels hold copies, not links) would load beside it with a registry of its own."""
    import llama_cpp  # noqa: F401  (loads libllama, and with it libggml)

    versioned = sorted(folder.glob("libggml.so.*"), key=lambda p: len(p.name))
    if versioned:
        return ctypes.CDLL(versioned[0].name)
    from llama_cpp._ggml import libggml

    return libggml


def ensure_cpu_backend() -> int:
    """Register llama.cpp's backends if none is yet; return how many are registered."""
    folder = library_dir()
    libggml = loaded_ggml(folder)
    count = libggml.ggml_backend_reg_count
    count.restype, count.argtypes = ctypes.c_size_t, []
    with _lock:
        if count() > 0:
            return count()
        load_all = libggml.ggml_backend_load_all_from_path
        load_all.restype, load_all.argtypes = None, [ctypes.c_char_p]
        load_all(os.fsencode(folder))
        if count() == 0:
            raise ModelUnavailable(
                f"no llama.cpp CPU backend in {folder} runs on this CPU "
                f"(expected libggml-cpu-*.so there)"
            )
        return count()
