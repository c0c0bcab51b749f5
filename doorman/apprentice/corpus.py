"""The corpus: every Tier A attempt of an apprenticeship module, and the verdicts on it.

    HOME/corpus/MODULE/attempts.jsonl   one line per attempt, as the local model answered
    HOME/corpus/MODULE/verdicts.jsonl   signed verdicts and Tier C candidates, in order

The corpus is local data and holds text (prompts, answers); the ledger never does.
Each attempt carries `sha256`, the hash of its other fields in canonical JSON, which
every verdict on it signs.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from doorman.adapters.registry import ResolvedAdapter
from doorman.apprentice.store import AppendFile, Line
from doorman.core.config import MODULE_NAME
from doorman.core.types import Message, Request
from doorman.ledger.entry import utc_timestamp

CORPUS_DIR = "corpus"
ATTEMPTS = "attempts.jsonl"
VERDICTS = "verdicts.jsonl"


def canonical(record: dict[str, Any]) -> bytes:
    """The bytes that are hashed and signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def record_sha256(record: dict[str, Any]) -> str:
    """An attempt's hash: its fields other than `sha256` itself, canonical."""
    return hashlib.sha256(canonical({k: v for k, v in record.items() if k != "sha256"})).hexdigest()


def attempt_record(request: Request, module: str, adapters: list[ResolvedAdapter], model: str,
                   response: str, finish_reason: str | None) -> dict[str, Any]:
    record = {
        "kind": "attempt",
        "request_id": request.request_id,
        "module": module,
        "adapters": [{"name": a.name, "sha256": a.sha256, "scale": a.scale} for a in adapters],
        "model": model,
        "messages": [{"role": m.role, "content": m.content} for m in request.messages],
        "params": {"max_tokens": request.max_tokens, "temperature": request.temperature,
                   "seed": request.seed, "raw_prompt": request.raw_prompt},
        "response": response,
        "finish_reason": finish_reason,
        "ts": utc_timestamp(),
    }
    record["sha256"] = record_sha256(record)
    return record


def attempt_messages(record: dict[str, Any]) -> tuple[Message, ...]:
    return tuple(Message(m["role"], m["content"]) for m in record["messages"])


def adapters_label(record: dict[str, Any]) -> str:
    """The adapter stack an attempt ran under, short: `tone@1a2b3c4d+terms@...`, or `(base)`."""
    stack = record.get("adapters") or []
    return "+".join(f"{a['name']}@{a['sha256'][:8]}" for a in stack) or "(base)"


@dataclass(frozen=True)
class Found:
    """An attempt located in the corpus, parsed."""

    corpus: ModuleCorpus
    line: Line
    record: dict[str, Any]


class ModuleCorpus:
    """One module's two files; they share one lock."""

    def __init__(self, root: Path, module: str):
        self.module = module
        self.dir = root / module
        self.attempts = AppendFile(self.dir / ATTEMPTS)
        self.verdicts = AppendFile(self.dir / VERDICTS)

    def keep(self, record: dict[str, Any]) -> None:
        with self.attempts.lock():
            self.attempts.append(record)

    def find(self, request_id: str) -> Found | None:
        needle = f'"request_id":{json.dumps(request_id)}'.encode()
        for line in self.attempts.lines():
            if needle in line.raw:
                record = parse(line)
                if record is not None and record.get("request_id") == request_id:
                    return Found(self, line, record)
        return None

    def verdict_records(self) -> Iterator[tuple[Line, dict[str, Any] | None]]:
        for line in self.verdicts.lines():
            yield line, parse(line)

    def latest_verdict(self, request_id: str) -> dict[str, Any] | None:
        """The verdict in force on an attempt: the last one written (earlier ones stay, superseded)."""
        needle = f'"request_id":{json.dumps(request_id)}'.encode()
        latest = None
        for line in self.verdicts.lines():
            if needle in line.raw:
                record = parse(line)
                if record and record.get("kind") == "verdict" and record.get("request_id") == request_id:
                    latest = record
        return latest


class Corpus:
    """Every module's corpus under the home."""

    def __init__(self, home_root: Path):
        self.root = home_root / CORPUS_DIR

    def module(self, name: str) -> ModuleCorpus:
        return ModuleCorpus(self.root, name)

    def modules(self) -> list[ModuleCorpus]:
        if not self.root.is_dir():
            return []
        return [self.module(name) for name in sorted(os.listdir(self.root))
                if MODULE_NAME.fullmatch(name) and (self.root / name).is_dir()]

    def find(self, request_id: str) -> Found | None:
        for corpus in self.modules():
            if (found := corpus.find(request_id)) is not None:
                return found
        return None


def parse(line: Line) -> dict[str, Any] | None:
    """A line's record, or None when it is not a JSON object (verify names such lines)."""
    try:
        record = json.loads(line.raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return record if isinstance(record, dict) else None
