"""Module memory: evaluated prompt prefixes kept per module and adapter stack.

A module's calls mostly share a long prefix (its system prompt and retrieved
context). The one llama.cpp context keeps the last call's evaluated prompt; when
another module takes the context, that state is stashed here and restored when
the module comes back, so only the part of a prompt that differs is evaluated.

Only the sequence's KV state is kept (llama_state_seq_get_data): llama-cpp-python's
own caches and save_state() also copy a logits array of context x vocabulary
floats (512 MiB per entry on a 262k vocabulary). Logits are not kept at all: at
least one prompt token is always evaluated afresh, which yields them.

Every entry is keyed by (module, adapter stack): adapters change the K and V
values themselves, and one tenant's state must never serve another.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import os
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import llama_cpp
import numpy as np

log = logging.getLogger(__name__)

FILE_MAGIC = b"doorman-prefix-cache 1\n"
SEQ = 0  # doorman runs one sequence per context


@dataclass(frozen=True)
class Namespace:
    module: str
    stack: str  # the adapter stack's fingerprint; "base" for none


@dataclass
class CachedPrefix:
    namespace: Namespace
    tokens: tuple[int, ...]
    state: bytearray  # KV cells of sequence 0 for `tokens`, as llama.cpp serialises them

    @property
    def nbytes(self) -> int:
        return len(self.state) + 4 * len(self.tokens)


class PrefixCache:
    """At most one prefix per namespace, least recently used evicted past the budget.

    With a `persist_dir`, each module's latest prefix is also written to
    `persist_dir/MODULE.kv` and read back after a restart. `fingerprint` names the
    model and context layout: a file written under another one is ignored.
    """

    def __init__(self, budget_bytes: int, fingerprint: str, persist_dir: Path | None = None):
        self.budget_bytes = budget_bytes
        self.fingerprint = fingerprint
        self.persist_dir = persist_dir
        self._entries: OrderedDict[Namespace, CachedPrefix] = OrderedDict()
        self._on_disk: dict[Namespace, tuple[int, ...]] = {}

    @property
    def nbytes(self) -> int:
        return sum(entry.nbytes for entry in self._entries.values())

    def namespaces(self) -> list[Namespace]:
        return list(self._entries)

    def get(self, namespace: Namespace) -> CachedPrefix | None:
        entry = self._entries.get(namespace)
        if entry is not None:
            self._entries.move_to_end(namespace)
            return entry
        entry = self._load(namespace)
        if entry is not None:
            self.put(entry)
        return entry

    def put(self, entry: CachedPrefix) -> bool:
        """Keep `entry` in memory, evicting the least recently used; False if it cannot fit."""
        self._entries.pop(entry.namespace, None)
        if entry.nbytes > self.budget_bytes:
            return False
        while self._entries and self.nbytes + entry.nbytes > self.budget_bytes:
            self._entries.popitem(last=False)
        self._entries[entry.namespace] = entry
        return True

    def holds(self, namespace: Namespace, tokens: tuple[int, ...]) -> bool:
        entry = self._entries.get(namespace)
        return entry is not None and entry.tokens == tokens

    def discard(self, namespace: Namespace) -> None:
        self._entries.pop(namespace, None)
        if self.persist_dir is not None:
            self._path(namespace).unlink(missing_ok=True)
            self._on_disk.pop(namespace, None)

    def persisted(self, namespace: Namespace, tokens: tuple[int, ...]) -> bool:
        return self.persist_dir is None or self._on_disk.get(namespace) == tokens

    def save(self, entry: CachedPrefix) -> None:
        """Write the module's prefix file (atomically: a crash leaves the old one or none)."""
        if self.persist_dir is None:
            return
        header = {
            "fingerprint": self.fingerprint,
            "module": entry.namespace.module,
            "stack": entry.namespace.stack,
            "tokens": list(entry.tokens),
            "state_bytes": len(entry.state),
            "state_sha256": hashlib.sha256(entry.state).hexdigest(),
        }
        try:
            self.persist_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.persist_dir, suffix=".partial")
            with os.fdopen(fd, "wb") as file:
                file.write(FILE_MAGIC + json.dumps(header).encode() + b"\n")
                file.write(entry.state)
            os.replace(temp, self._path(entry.namespace))
            self._on_disk[entry.namespace] = entry.tokens
        except OSError as exc:
            log.warning("cannot write the prefix cache of module %s: %s", entry.namespace.module, exc)

    def _path(self, namespace: Namespace) -> Path:
        return self.persist_dir / f"{namespace.module}.kv"

    def _load(self, namespace: Namespace) -> CachedPrefix | None:
        if self.persist_dir is None:
            return None
        path = self._path(namespace)
        try:
            with open(path, "rb") as file:
                if file.read(len(FILE_MAGIC)) != FILE_MAGIC:
                    raise ValueError("not a doorman prefix cache file")
                header = json.loads(file.readline())
                if header.get("fingerprint") != self.fingerprint or header.get("stack") != namespace.stack:
                    return None  # another model or adapter stack: stale, replaced on the next save
                if header.get("module") != namespace.module:
                    raise ValueError(f"holds module {header.get('module')!r}")
                tokens = tuple(int(t) for t in header["tokens"])
                state = bytearray(int(header["state_bytes"]))
                if file.readinto(state) != len(state) or file.read(1):
                    raise ValueError("its state is not the recorded length")
                if hashlib.sha256(state).hexdigest() != header["state_sha256"]:
                    raise ValueError("its state does not match its checksum")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("discarding the prefix cache file %s: %s", path, exc)
            path.unlink(missing_ok=True)
            return None
        self._on_disk[namespace] = tokens
        return CachedPrefix(namespace, tokens, state)


class ContextMemory:
    """Which namespace the live context holds, and moving state in and out of it."""

    def __init__(self, cache: PrefixCache, min_tokens: int = 16):
        self.cache = cache
        self.min_tokens = min_tokens  # shorter prefixes are cheaper to evaluate than to stash
        self.live: Namespace | None = None

    def prepare(self, llm, namespace: Namespace, tokens: list[int]) -> int:
        """Make the context hold all of `tokens` but the last; return how many came from memory.

        The last prompt token is always evaluated alone, by the generation that
        follows: its logits start the answer, and evaluating it the same way warm or
        cold keeps a repeated greedy call's answer identical to the first.
        """
        if namespace != self.live:
            self._stash(llm)
            self._clear(llm)
            self.live = namespace
            entry = self.cache.get(namespace)
            if entry is not None:
                self._restore(llm, entry)
        held = llm.n_tokens
        limit = min(held, len(tokens) - 1)
        differ = np.flatnonzero(llm.input_ids[:limit] != np.asarray(tokens[:limit], dtype=llm.input_ids.dtype))
        reuse = int(differ[0]) if differ.size else limit
        if reuse < held:
            if not _seq_rm(llm, reuse):
                reuse = 0
                self._clear(llm)
            llm.n_tokens = reuse
        if reuse < len(tokens) - 1:
            llm.eval(tokens[reuse:-1])
        return reuse

    def settle(self, llm, namespace: Namespace, prompt_tokens: int) -> None:
        """After a call: keep only its prompt in the context, and on disk if persisting."""
        if llm.n_tokens > prompt_tokens:
            if _seq_rm(llm, prompt_tokens):
                llm.n_tokens = prompt_tokens
            else:
                self.forget(llm)
                return
        tokens = _held(llm)
        if len(tokens) >= self.min_tokens and not self.cache.persisted(namespace, tokens):
            entry = self._snapshot(llm, namespace)
            if entry is not None:
                self.cache.put(entry)
                self.cache.save(entry)

    def forget(self, llm) -> None:
        """The context's state is unknown (a failed decode): start the next call cold."""
        self._clear(llm)
        self.live = None

    def _stash(self, llm) -> None:
        if self.live is None or llm.n_tokens < self.min_tokens or self.cache.holds(self.live, _held(llm)):
            return
        entry = self._snapshot(llm, self.live)
        if entry is not None:
            self.cache.put(entry)

    def _snapshot(self, llm, namespace: Namespace) -> CachedPrefix | None:
        size = llama_cpp.llama_state_seq_get_size(llm.ctx, SEQ)
        state = bytearray(size)
        written = llama_cpp.llama_state_seq_get_data(llm.ctx, _c_bytes(state), size, SEQ)
        if written != size:
            log.warning("llama.cpp saved %d of %d bytes of the context state; not cached", written, size)
            return None
        return CachedPrefix(namespace, _held(llm), state)

    def _restore(self, llm, entry: CachedPrefix) -> bool:
        count = len(entry.tokens)
        if count < len(llm.input_ids):
            read = llama_cpp.llama_state_seq_set_data(llm.ctx, _c_bytes(entry.state), len(entry.state), SEQ)
            memory = llama_cpp.llama_get_memory(llm.ctx)
            # The cells restored must be exactly the positions its tokens name.
            if read and llama_cpp.llama_memory_seq_pos_max(memory, SEQ) + 1 == count:
                llm.input_ids[:count] = entry.tokens
                llm.n_tokens = count
                return True
        log.warning("discarding the cached prefix of module %s: it does not fit this context",
                    entry.namespace.module)
        self.cache.discard(entry.namespace)
        self._clear(llm)
        return False
    def _clear(self, llm) -> None:
        memory = llama_cpp.llama_get_memory(llm.ctx)
        llama_cpp.llama_memory_clear(memory, True)
        llm.n_tokens = 0


def _held(llm) -> tuple[int, ...]:
    """The tokens whose state the context holds."""
    return tuple(llm.input_ids[: llm.n_tokens].tolist())


def _seq_rm(llm, start: int) -> bool:
    """Drop the context's cells from position `start` on; False if the memory cannot."""
    memory = llama_cpp.llama_get_memory(llm.ctx)
    return bool(llama_cpp.llama_memory_seq_rm(memory, SEQ, start, -1))


def _c_bytes(buffer: bytearray):
    return (ctypes.c_uint8 * len(buffer)).from_buffer(buffer)
