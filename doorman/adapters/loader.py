"""Applying a module's adapter stack to the one loaded model, through llama.cpp's adapter API.

Each adapter file is loaded once per process (llama_adapter_lora_init) and kept;
switching stacks is one llama_set_adapters_lora call on the context, well under a
millisecond, instead of a model reload.
"""

from __future__ import annotations

import ctypes
import hashlib
from pathlib import Path

import llama_cpp

from doorman.adapters.gguf_header import GGUFHeader
from doorman.adapters.registry import ResolvedAdapter
from doorman.adapters.validate import read_base_header, validate_lora
from doorman.core.digest import file_sha256
from doorman.core.errors import AdapterInvalid, InferenceFailed


def stack_fingerprint(stack: list[ResolvedAdapter]) -> str:
    """Names a stack by content and scales; "base" for the bare model."""
    if not stack:
        return "base"
    text = ";".join(f"{adapter.sha256}:{adapter.scale!r}" for adapter in stack)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class AdapterLoader:
    def __init__(self, llm, model_path: Path):
        self.llm = llm
        self.model_path = model_path
        self._base: GGUFHeader | None = None  # read on the first adapter: most modules have none
        self._loaded: dict[str, object] = {}  # sha256 -> llama_adapter_lora pointer
        self._applied: tuple[tuple[str, float], ...] | None = None

    def apply(self, module: str, stack: list[ResolvedAdapter]) -> None:
        """Set exactly `stack` on the context; an empty stack runs the bare base model."""
        key = tuple((adapter.sha256, adapter.scale) for adapter in stack)
        if key == self._applied:
            return
        pointers = [self._load(module, adapter) for adapter in stack]
        count = len(pointers)
        adapters = (llama_cpp.llama_adapter_lora_p_ctypes * count)(*pointers) if count else None
        scales = (ctypes.c_float * count)(*(a.scale for a in stack)) if count else None
        self._applied = None
        if llama_cpp.llama_set_adapters_lora(self.llm.ctx, adapters, count, scales) != 0:
            raise InferenceFailed(f"module {module!r}: llama.cpp could not set its adapter stack")
        self._applied = key

    def _load(self, module: str, adapter: ResolvedAdapter):
        pointer = self._loaded.get(adapter.sha256)
        if pointer is not None:
            return pointer
        where = f"module {module!r}: adapter {adapter.name!r}"
        try:
            intact = file_sha256(adapter.path) == adapter.sha256
        except OSError:
            intact = False
        if not intact:
            raise AdapterInvalid(
                f"{where}: the stored file {adapter.path} is missing or changed; "
                f"run `doorman adapters verify`, then add the adapter again"
            )
        if self._base is None:
            self._base = read_base_header(self.model_path)
        validate_lora(adapter.path, self._base)  # the config may now name another base model
        pointer = llama_cpp.llama_adapter_lora_init(self.llm.model, str(adapter.path).encode())
        if not pointer:
            raise AdapterInvalid(f"{where}: llama.cpp could not load {adapter.path}")
        self._loaded[adapter.sha256] = pointer
        return pointer
