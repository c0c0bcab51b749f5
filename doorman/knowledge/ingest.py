"""Ingest: files and folders in, each file's current version in the module's store.

Per file: sniff its type, hash it (an unchanged file is a no-op), extract, chunk, find the
entities it mentions, and write it as one version. A file that cannot be read is reported
with a reason and the batch goes on.
"""

from __future__ import annotations

import fnmatch
import hashlib
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal, Protocol

from doorman.boundary import Sanitiser
from doorman.core.digest import file_sha256
from doorman.knowledge import sniff
from doorman.knowledge.blocks import Block, Unreadable
from doorman.knowledge.catalog import DocumentRow
from doorman.knowledge.chunking import chunk_blocks
from doorman.knowledge.entities import find_mentions
from doorman.knowledge.extract import extract
from doorman.knowledge.store import DocumentVersion, KnowledgeStore, Writer

Status = Literal["ingested", "unchanged", "failed", "skipped"]
HOLD_S = 1.0  # longest a batch keeps the writer lock before letting readers (a running serve) in


@dataclass(frozen=True)
class Candidate:
    path: Path
    named: bool  # given on the command line (an unsupported type fails) rather than found in a folder (skipped)


@dataclass(frozen=True)
class Outcome:
    path: Path
    status: Status
    kind: str | None = None
    doc: str | None = None
    pages: int | None = None
    chunks: int = 0
    bytes: int = 0
    reason: str | None = None


class Progress(Protocol):
    def file_started(self, path: Path, size: int) -> None: ...
    def page_done(self) -> None: ...
    def file_done(self, outcome: Outcome) -> None: ...


def discover(paths: Sequence[Path], pattern: str | None) -> list[Candidate]:
    """The files to ingest: each file named, and every file under each folder (recursive, hidden ones
    left out), filtered by `pattern` on the name or the path below the folder."""
    found: list[Candidate] = []
    seen: set[Path] = set()
    for given in paths:
        root = given.expanduser().absolute()
        if root.is_dir():
            files = sorted(p for p in root.rglob("*") if p.is_file() and not _hidden(p.relative_to(root)))
            for path in files:
                relative = path.relative_to(root).as_posix()
                if pattern and not (fnmatch.fnmatch(path.name, pattern) or fnmatch.fnmatch(relative, pattern)):
                    continue
                if path not in seen:
                    seen.add(path)
                    found.append(Candidate(path, named=False))
        elif root not in seen:
            seen.add(root)
            found.append(Candidate(root, named=True))
    return found


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def document_key(module: str, path: Path) -> str:
    """A document is its path within a module: a changed file replaces its old version."""
    return hashlib.sha256(f"{module}\0{path}".encode()).hexdigest()[:16]


class Ingest:
    def __init__(self, store: KnowledgeStore, module: str, sanitiser: Sanitiser, progress: Progress,
                 on_wait: Callable[[str], None] | None = None):
        self.store = store
        self.module = module
        self.sanitiser = sanitiser
        self.progress = progress
        self.on_wait = on_wait

    def run(self, candidates: Iterable[Candidate]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        with ExitStack() as held:
            writer: Writer | None = None
            since = 0.0
            for candidate in candidates:
                if writer is None:
                    writer = held.enter_context(self.store.writer(self.on_wait))
                    since = time.monotonic()
                outcome = self.one(writer, candidate)
                outcomes.append(outcome)
                self.progress.file_done(outcome)
                if time.monotonic() - since > HOLD_S:
                    held.close()
                    writer = None
        return outcomes

    def one(self, writer: Writer, candidate: Candidate) -> Outcome:
        path = candidate.path
        try:
            size = path.stat().st_size
        except OSError as exc:
            return Outcome(path, "failed", reason=f"cannot read: {exc.strerror or exc}")
        self.progress.file_started(path, size)
        try:
            kind = sniff.content_type(path)
        except ValueError as exc:
            return Outcome(path, "failed" if candidate.named else "skipped", bytes=size, reason=str(exc))
        except OSError as exc:
            return Outcome(path, "failed", bytes=size, reason=f"cannot read: {exc.strerror or exc}")
        doc = document_key(self.module, path)
        sha256 = file_sha256(path)
        live = writer.catalog.live_at(self.module, doc)
        if live is not None and live.sha256 == sha256:
            return Outcome(path, "unchanged", kind, doc, live.pages, live.chunks, size)
        try:
            pages: list[int] = []
            chunks = list(chunk_blocks(self._counted(extract(path, kind), pages)))
        except Unreadable as exc:
            return Outcome(path, "failed", kind, bytes=size, reason=exc.reason)
        except Exception as exc:  # a parser's own failure on a damaged file: report it, go on with the batch
            return Outcome(path, "failed", kind, bytes=size, reason=f"unreadable {kind} ({type(exc).__name__}: {exc})")
        if not chunks:
            return Outcome(path, "failed", kind, bytes=size, reason="no text in it")
        mentions = find_mentions(self.sanitiser, [c.text for c in chunks])
        row = DocumentRow(
            module=self.module, doc=doc, gen=uuid.uuid4().hex, state="pending", name=path.name, path=str(path),
            kind=kind, sha256=sha256, bytes=size, pages=max(pages) if pages else None, chunks=len(chunks),
            ingested_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )
        writer.put(DocumentVersion(row, chunks, mentions))
        return Outcome(path, "ingested", kind, doc, row.pages, len(chunks), size)

    def _counted(self, blocks: Iterator[Block], pages: list[int]) -> Iterator[Block]:
        for block in blocks:
            if block.page is not None and (not pages or block.page > pages[-1]):
                for _ in range(block.page - (pages[-1] if pages else 0)):
                    self.progress.page_done()
                pages.append(block.page)
            yield block
