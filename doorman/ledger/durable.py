"""Durable-file primitives shared by the ledger and the apprentice corpus.

An exclusive lock across processes (flock on a lock file), whole writes, cutting a
partial write back, and fsync of a folder so a newly created file survives a crash.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

WriteFn = Callable[[int, bytes], int]


@contextmanager
def locked(lock_path: Path) -> Iterator[int]:
    """Hold an exclusive lock on `lock_path` (created 0600) for the with-block; yields its fd."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def write_all(write: WriteFn, fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = write(fd, view)
        view = view[written:]


def cut_back(fd: int, size: int) -> None:
    """Remove a partial line so the committed lines before it stay whole."""
    try:
        os.ftruncate(fd, size)
    except OSError:
        pass  # the next append finds the partial line torn and moves it aside


def append_whole(path: Path, data: bytes, write: WriteFn = os.write, *, sync: bool) -> tuple[int, int]:
    """Append `data` whole to `path` (partial bytes cut back on failure), fsync it when `sync`,
    and fsync the folder of a file this created. Returns the open fd (the caller closes it) and
    the end offset of `data`."""
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        start = os.fstat(fd).st_size
        try:
            write_all(write, fd, data)
        except OSError:
            cut_back(fd, start)
            raise
        if sync:
            os.fsync(fd)
        if created:
            fsync_dir(path.parent)
        return fd, start + len(data)
    except BaseException:
        os.close(fd)
        raise


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def move_torn_aside(path: Path, whole_end: int, torn_dir: Path, stamp: str) -> Path:
    """Keep the bytes after `whole_end` (a partial line from a crash) in `torn_dir`, then cut
    `path` back to its last whole line; both durable before returning."""
    torn_dir.mkdir(mode=0o700, exist_ok=True)
    aside = torn_dir / f"{path.name}.{whole_end}.{stamp}.torn"
    with path.open("rb") as handle:
        handle.seek(whole_end)
        torn = handle.read()
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        write_all(os.write, fd, torn)
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(torn_dir)
    fd = os.open(path, os.O_WRONLY)
    try:
        os.ftruncate(fd, whole_end)
        os.fsync(fd)
    finally:
        os.close(fd)
    return aside
