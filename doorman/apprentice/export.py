"""`doorman corpus export`: verified verdicts as training data, streamed line by line.

SFT (chat-messages form): the attempt's messages plus the target as the assistant's
message: the attempt itself when accepted, the reviewer's text when refined, Tier
C's answer when deferred. Preference (`prompt`, `chosen`, `rejected`, in
conversational form): the attempt is `rejected`, and `chosen` is the text that
replaced it: a refine's text, or a defer-tier-c candidate. A reject alone names no
better answer; it becomes a pair once a later refine or defer-tier-c supersedes it.
Only the verdict in force counts, and only when it, its attempt and any candidate verify.

Memory: one small entry per reviewed attempt id (the latest verdict's offset), never text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from doorman.apprentice.corpus import Corpus, adapters_label, parse
from doorman.apprentice.verify import Checker, attempt_problem
from doorman.core.errors import InvalidArgument

FORMATS = ("sft", "preference")
UNVERIFIED = -1


@dataclass
class ExportSummary:
    written: int = 0
    unverified: int = 0  # the attempt, its verdict in force or its candidate does not verify
    unreviewed: int = 0
    no_target: int = 0  # rejected (or deferred without an answer) with nothing better to train on
    not_for_format: int = 0  # e.g. an accept in a preference export


def check_since(since: str | None) -> str | None:
    """A date or RFC 3339 time, as a prefix comparable with the records' `ts`."""
    if since is None:
        return None
    try:
        moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidArgument(f"--since: expected a date (YYYY-MM-DD) or an RFC 3339 time, got {since!r}") from None
    if len(since) == 10:
        return since
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def export(home_root: Path, module: str, fmt: str, out: TextIO, since: str | None = None,
           on_line: Callable[[], None] = lambda: None) -> ExportSummary:
    if fmt not in FORMATS:
        raise InvalidArgument(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    since = check_since(since)
    corpus = Corpus(home_root).module(module)
    checker = Checker(home_root)
    latest: dict[str, int] = {}  # request_id -> offset of the verdict in force, or UNVERIFIED
    candidates: dict[str, int] = {}  # verdict_id -> offset of its verified candidate
    kinds: dict[str, str] = {}  # verified verdict_id -> kind
    for line, record in corpus.verdict_records():
        on_line()
        if record is None:
            continue
        if record.get("kind") == "verdict":
            ok = checker.verdict_problem(record, module) is None
            latest[record.get("request_id")] = line.offset if ok else UNVERIFIED
            if ok:
                kinds[record["verdict_id"]] = record["verdict"]
        elif record.get("kind") == "candidate" and checker.candidate_problem(record, kinds) is None:
            candidates[record["verdict_id"]] = line.offset

    summary = ExportSummary()
    for line in corpus.attempts.lines():
        on_line()
        attempt = parse(line)
        if attempt_problem(attempt, module) is not None:
            summary.unverified += 1
            continue
        if since and attempt["ts"] < since:
            continue
        offset = latest.get(attempt["request_id"])
        if offset is None:
            summary.unreviewed += 1
            continue
        verdict = json.loads(corpus.verdicts.line_at(offset)) if offset != UNVERIFIED else None
        if verdict is None or verdict["attempt_sha256"] != attempt["sha256"]:
            summary.unverified += 1
            continue
        better = _replacement(corpus, verdict, candidates)
        if verdict["verdict"] == "defer-tier-c" and better is None:
            summary.no_target += 1
            continue
        if fmt == "sft":
            row = _sft(attempt, verdict, better)
        else:
            row = _preference(attempt, verdict, better)
        if row is None:
            if verdict["verdict"] == "reject":
                summary.no_target += 1
            else:
                summary.not_for_format += 1
            continue
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        summary.written += 1
    return summary


def _replacement(corpus, verdict: dict[str, Any], candidates: dict[str, int]) -> str | None:
    """The text that replaces the attempt: a refine's, or the verified Tier C candidate's."""
    if verdict["verdict"] == "refine":
        return verdict["refined"]
    if verdict["verdict"] == "defer-tier-c" and verdict["verdict_id"] in candidates:
        return json.loads(corpus.verdicts.line_at(candidates[verdict["verdict_id"]]))["text"]
    return None


def _metadata(attempt: dict[str, Any], verdict: dict[str, Any]) -> dict[str, Any]:
    return {"request_id": attempt["request_id"], "module": attempt["module"], "verdict": verdict["verdict"],
            "verdict_id": verdict["verdict_id"], "reviewer": verdict["reviewer"], "model": attempt["model"],
            "adapters": adapters_label(attempt), "ts": attempt["ts"]}


def _sft(attempt: dict[str, Any], verdict: dict[str, Any], better: str | None) -> dict[str, Any] | None:
    target = attempt["response"] if verdict["verdict"] == "accept" else better
    if target is None:
        return None
    messages = attempt["messages"] + [{"role": "assistant", "content": target}]
    return {"messages": messages, "metadata": _metadata(attempt, verdict)}


def _preference(attempt: dict[str, Any], verdict: dict[str, Any], better: str | None) -> dict[str, Any] | None:
    if better is None:
        return None
    return {
        "prompt": attempt["messages"],
        "chosen": [{"role": "assistant", "content": better}],
        "rejected": [{"role": "assistant", "content": attempt["response"]}],
        "metadata": _metadata(attempt, verdict),
    }
