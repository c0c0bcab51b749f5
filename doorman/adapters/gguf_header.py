"""Reading a GGUF file's header: metadata and tensor shapes, never the weights.

A small reader of our own: validating an adapter needs only names, shapes and
types, and the `gguf` package's reader parses every vocabulary entry of a base
model into numpy objects (tens of seconds on a small box).
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32

# GGUF value types: struct format of the scalar ones.
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9

# ggml tensor types an adapter may use: name, elements per block, bytes per block.
GGML_TYPES = {0: ("F32", 1, 4), 1: ("F16", 1, 2), 8: ("Q8_0", 32, 34), 30: ("BF16", 1, 2)}


class GGUFFormatError(ValueError):
    """The file is not a readable GGUF file; the message says where it broke."""


@dataclass(frozen=True)
class TensorInfo:
    name: str
    shape: tuple[int, ...]  # ggml order: shape[0] is the row length (a matrix's input size)
    type_id: int
    offset: int

    @property
    def type_name(self) -> str:
        return GGML_TYPES.get(self.type_id, (f"type {self.type_id}",))[0]

    def nbytes(self) -> int | None:
        """Bytes of data, for the types an adapter may use; None for others."""
        if self.type_id not in GGML_TYPES:
            return None
        _, block, size = GGML_TYPES[self.type_id]
        count = 1
        for dim in self.shape:
            count *= dim
        return count // block * size


@dataclass(frozen=True)
class GGUFHeader:
    version: int
    metadata: dict[str, object]  # arrays are left out: a base model's vocabulary is large
    tensors: dict[str, TensorInfo]
    data_start: int
    file_size: int

    def string(self, key: str) -> str | None:
        value = self.metadata.get(key)
        return value if isinstance(value, str) else None


def read_header(path: Path) -> GGUFHeader:
    """Parse `path`'s GGUF header; GGUFFormatError names what is wrong and where."""
    with open(path, "rb") as file:
        size = file.seek(0, 2)
        if size < 24:
            raise GGUFFormatError(f"{size} bytes: too short for a GGUF header")
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _Parser(data, size).header()


class _Parser:
    def __init__(self, data: mmap.mmap, size: int):
        self.data = data
        self.size = size
        self.pos = 0

    def _take(self, fmt: str):
        width = struct.calcsize(fmt)
        if self.pos + width > self.size:
            raise GGUFFormatError(f"truncated header at byte {self.pos}")
        (value,) = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += width
        return value

    def _string(self) -> str:
        length = self._take("<Q")
        if self.pos + length > self.size:
            raise GGUFFormatError(f"truncated header: a string at byte {self.pos} runs past the end")
        raw = self.data[self.pos:self.pos + length]
        self.pos += length
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise GGUFFormatError(f"a string before byte {self.pos} is not UTF-8") from None

    def _value(self, kind: int):
        if kind in _SCALARS:
            return self._take(_SCALARS[kind])
        if kind == _STRING:
            return self._string()
        if kind == _ARRAY:
            item_kind, count = self._take("<I"), self._take("<Q")
            if item_kind in _SCALARS:  # skipped whole: only its length matters here
                end = self.pos + count * struct.calcsize(_SCALARS[item_kind])
                if end > self.size:
                    raise GGUFFormatError(f"truncated header: an array at byte {self.pos} runs past the end")
                self.pos = end
            elif item_kind == _STRING:
                for _ in range(count):
                    length = self._take("<Q")
                    self.pos += length
                if self.pos > self.size:
                    raise GGUFFormatError("truncated header: a string array runs past the end")
            else:
                raise GGUFFormatError(f"unsupported array item type {item_kind} at byte {self.pos}")
            return None
        raise GGUFFormatError(f"unknown value type {kind} at byte {self.pos}")

    def header(self) -> GGUFHeader:
        if bytes(self.data[:4]) != MAGIC:
            raise GGUFFormatError("not a GGUF file (bad magic bytes)")
        self.pos = 4
        version = self._take("<I")
        if version not in (2, 3):
            raise GGUFFormatError(f"unsupported GGUF version {version}")
        n_tensors, n_kv = self._take("<Q"), self._take("<Q")
        if n_tensors > 1_000_000 or n_kv > 1_000_000:
            raise GGUFFormatError("implausible tensor or key count: the header is corrupt")
        metadata: dict[str, object] = {}
        for _ in range(n_kv):
            key = self._string()
            value = self._value(self._take("<I"))
            if value is not None:
                metadata[key] = value
        tensors: dict[str, TensorInfo] = {}
        for _ in range(n_tensors):
            name = self._string()
            n_dims = self._take("<I")
            if not 1 <= n_dims <= 4:
                raise GGUFFormatError(f"tensor {name!r}: {n_dims} dimensions")
            shape = tuple(self._take("<Q") for _ in range(n_dims))
            tensors[name] = TensorInfo(name, shape, self._take("<I"), self._take("<Q"))
        alignment = metadata.get("general.alignment", DEFAULT_ALIGNMENT)
        if not isinstance(alignment, int) or alignment <= 0:
            raise GGUFFormatError(f"invalid general.alignment {alignment!r}")
        data_start = -(-self.pos // alignment) * alignment
        return GGUFHeader(version, metadata, tensors, data_start, self.size)
