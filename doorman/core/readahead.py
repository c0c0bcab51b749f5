"""Start reading a large file into the page cache in the background.

llama.cpp maps the model file; from a cold disk its page faults fetch it piecemeal (0.7 s
for the embedded model here, against 0.2 s read whole), so the file is requested whole,
on a thread, while the program does other start-up work.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_CHUNK = 2 * 2**20


_requested: set[Path] = set()  # once per file and process: the frozen entry and the local tier both ask


def read_ahead(path: Path) -> None:
    if not hasattr(os, "posix_fadvise") or path in _requested:  # not on every platform; a hint only
        return
    _requested.add(path)
    threading.Thread(target=_advise, args=(path,), name="doorman-readahead", daemon=True).start()


def _advise(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # whoever opens it next reports the problem
    try:
        # The kernel caps one request at the device's largest I/O (a few MB), so ask chunk by chunk.
        size = os.fstat(fd).st_size
        for offset in range(0, size, _CHUNK):
            os.posix_fadvise(fd, offset, _CHUNK, os.POSIX_FADV_WILLNEED)
    except OSError:
        pass  # a hint only
    finally:
        os.close(fd)
