"""The adapter store: named LoRA adapters, content-addressed under HOME/adapters.

    HOME/adapters/index.json             name -> sha256, scale, facts checked at `add`
    HOME/adapters/sha256/<hex>.gguf      the accepted bytes, named by their hash

A file is copied in before it is validated, and the copy is what is validated and
served: later edits of the source file change nothing.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from doorman.adapters.gguf_header import GGUFHeader
from doorman.adapters.validate import validate_lora
from doorman.core.config import MODULE_NAME, AdapterRef
from doorman.core.digest import file_sha256
from doorman.core.errors import AdapterInvalid, AdapterNotFound, InvalidRequest

INDEX_VERSION = 1
_CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredAdapter:
    name: str
    sha256: str
    size: int
    scale: float  # used when a module names the adapter without a scale of its own
    base_model: str
    architecture: str
    rank: int
    alpha: float | None
    targets: int
    source: str  # the file name it was added from
    added: str


@dataclass(frozen=True)
class ResolvedAdapter:
    """One adapter of a module's stack, ready to load: its stored file and its scale."""

    name: str
    sha256: str
    path: Path
    scale: float


class AdapterStore:
    def __init__(self, root: Path):
        self.root = root

    @property
    def index_file(self) -> Path:
        return self.root / "index.json"

    def blob(self, sha256: str) -> Path:
        return self.root / "sha256" / f"{sha256}.gguf"

    def entries(self) -> list[StoredAdapter]:
        return sorted(self._read().values(), key=lambda entry: entry.name)

    def get(self, name: str) -> StoredAdapter:
        entry = self._read().get(name)
        if entry is None:
            known = ", ".join(sorted(self._read())) or "none"
            raise AdapterNotFound(f"no adapter named {name!r} in {self.root} (stored adapters: {known})")
        return entry

    def add(self, name: str, source: Path, scale: float, base: GGUFHeader, base_model: str) -> StoredAdapter:
        """Copy `source` in, validate the copy against `base`, and name it."""
        if not MODULE_NAME.fullmatch(name):
            raise InvalidRequest(
                f"invalid adapter name {name[:64]!r}: use lowercase letters, digits, '.', '_' or '-', "
                f"at most 64 characters"
            )
        if not source.is_file():
            raise AdapterInvalid(f"{source}: no such file")
        blobs = self.root / "sha256"
        blobs.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=blobs, suffix=".partial")
        temp = Path(temp_name)
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            try:
                info = validate_lora(temp, base)
            except AdapterInvalid as exc:  # name the user's file, not the temporary copy
                raise AdapterInvalid(exc.message.replace(str(temp), str(source))) from None
            sha256 = digest.hexdigest()
            entry = StoredAdapter(
                name=name, sha256=sha256, size=temp.stat().st_size, scale=scale,
                base_model=base_model, architecture=info.architecture, rank=info.rank,
                alpha=info.alpha, targets=len(info.targets), source=source.name,
                added=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            )
            with self._locked():
                index = self._read()
                if name in index and index[name].sha256 != sha256:
                    raise AdapterInvalid(
                        f"an adapter named {name!r} already exists with other content "
                        f"(sha256 {index[name].sha256[:12]}); remove it first or choose another name"
                    )
                os.replace(temp, self.blob(sha256))
                index[name] = entry
                self._write(index)
            return entry
        except OSError as exc:
            raise AdapterInvalid(f"cannot store {source} in {self.root}: {exc}") from None
        finally:
            temp.unlink(missing_ok=True)

    def remove(self, name: str) -> StoredAdapter:
        with self._locked():
            index = self._read()
            if name not in index:
                self.get(name)  # raises AdapterNotFound naming the stored ones
            entry = index.pop(name)
            self._write(index)
            if all(other.sha256 != entry.sha256 for other in index.values()):
                self.blob(entry.sha256).unlink(missing_ok=True)
        return entry

    def verify(self) -> Iterator[tuple[StoredAdapter, str | None]]:
        """Re-hash every stored file: (entry, None) when intact, else what is wrong."""
        for entry in self.entries():
            yield entry, self.check(entry)

    def check(self, entry: StoredAdapter) -> str | None:
        path = self.blob(entry.sha256)
        try:
            if file_sha256(path) != entry.sha256:
                return f"changed: {path} no longer has sha256 {entry.sha256[:12]}"
        except FileNotFoundError:
            return f"missing: {path}"
        except OSError as exc:
            return f"unreadable: {path}: {exc.strerror or exc}"
        return None

    def resolve(self, module: str, refs: tuple[AdapterRef, ...]) -> list[ResolvedAdapter]:
        """A module's stack as stored files and scales; a missing one names the module."""
        index = self._read() if refs else {}
        stack = []
        for ref in refs:
            entry = index.get(ref.name)
            if entry is None:
                raise AdapterNotFound(
                    f"module {module!r} uses adapter {ref.name!r}, which is not in the adapter store "
                    f"{self.root}: add it with `doorman adapters add {ref.name} FILE`"
                )
            scale = entry.scale if ref.scale is None else ref.scale
            stack.append(ResolvedAdapter(entry.name, entry.sha256, self.blob(entry.sha256), scale))
        return stack

    def _read(self) -> dict[str, StoredAdapter]:
        try:
            data = json.loads(self.index_file.read_text(encoding="utf-8"))
            return {name: StoredAdapter(**fields) for name, fields in data["adapters"].items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise AdapterInvalid(f"{self.index_file}: unreadable adapter index: {exc}") from None

    def _write(self, index: dict[str, StoredAdapter]) -> None:
        data = {"version": INDEX_VERSION, "adapters": {n: asdict(e) for n, e in sorted(index.items())}}
        temp = self.index_file.with_suffix(".json.partial")
        temp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(temp, self.index_file)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)
