"""Read-ahead: a file evicted from the page cache is back in it soon after `read_ahead`."""

from __future__ import annotations

import ctypes
import mmap
import os
import time
from pathlib import Path

import pytest

from doorman.core.readahead import read_ahead

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mmap.restype = ctypes.c_void_p
_libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
_libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
_libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]


def resident_share(path: Path) -> float:
    """The share of the file's pages in the page cache (mincore over a mapping; mapping reads nothing)."""
    size = path.stat().st_size
    pages = (size + mmap.PAGESIZE - 1) // mmap.PAGESIZE
    fd = os.open(path, os.O_RDONLY)
    try:
        address = _libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        vector = (ctypes.c_ubyte * pages)()
        try:
            if _libc.mincore(address, size, vector) != 0:
                raise OSError(ctypes.get_errno(), "mincore failed")
        finally:
            _libc.munmap(address, size)
    finally:
        os.close(fd)
    return sum(v & 1 for v in vector) / pages


def evict(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def evicted_file(folders: list[Path]) -> Path:
    """A 16 MB file out of the page cache, in the first folder whose file system lets it go
    (a tmpfs keeps every page); skips where none does, since nothing could be observed."""
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "model.gguf"
        path.write_bytes(os.urandom(16 * 2**20))
        evict(path)
        if resident_share(path) < 0.2:
            return path
        path.unlink()
    pytest.skip(f"no file system here drops pages on request ({', '.join(map(str, folders))})")


def test_an_evicted_file_is_read_back_into_the_page_cache(tmp_path):
    scratch = Path(__file__).resolve().parent.parent / "build" / "test-readahead"
    model = evicted_file([tmp_path, scratch])
    try:
        read_ahead(model)
        deadline = time.monotonic() + 10
        while resident_share(model) < 0.95 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert resident_share(model) >= 0.95
    finally:
        model.unlink()


def test_a_missing_file_is_left_to_whoever_opens_it(tmp_path):
    read_ahead(tmp_path / "absent.gguf")  # no exception here, on the thread or in the caller
