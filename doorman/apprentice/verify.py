"""`doorman corpus verify`: every attempt's hash, every verdict's and candidate's signature.

A record that fails is named by file and line with the reason. A partial last line
(a crash mid-write) is reported but is not an error: it was never committed, and
the next append moves it aside.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from doorman.apprentice.corpus import Corpus, ModuleCorpus, parse, record_sha256
from doorman.apprentice.reviewers import ReviewerKeys
from doorman.apprentice.signing import VERDICTS, candidate_payload, payload_of, signature_ok, text_sha256
from doorman.core.errors import ReviewerKeyMissing
from doorman.ledger import keys


@dataclass
class Report:
    attempts: int = 0
    verdicts: int = 0
    candidates: int = 0
    problems: list[str] = field(default_factory=list)  # "FILE:LINE: reason"
    torn: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def attempt_problem(record: dict[str, Any] | None, module: str) -> str | None:
    if record is None:
        return "not a JSON object"
    if record.get("kind") != "attempt" or not isinstance(record.get("request_id"), str):
        return "not an attempt record"
    if record.get("module") != module:
        return f"module {record.get('module')!r} in the corpus of {module!r}"
    if record_sha256(record) != record.get("sha256"):
        return f"attempt {record['request_id']}: its fields do not match its sha256 (edited)"
    return None


class Checker:
    """Checks verdicts and candidates; reviewer and appliance keys are loaded once."""

    def __init__(self, home_root: Path):
        self.reviewers = ReviewerKeys(home_root)
        self._keys: dict[str, Ed25519PublicKey | None] = {}
        self._appliance = keys.appliance_public_key(keys.default_key_path(home_root / "ledger"))

    def reviewer_key(self, name: str) -> Ed25519PublicKey | None:
        if name not in self._keys:
            try:
                self._keys[name] = self.reviewers.public_key(name)
            except ReviewerKeyMissing:
                self._keys[name] = None
        return self._keys[name]

    def verdict_problem(self, record: dict[str, Any], module: str) -> str | None:
        """Everything about a verdict that needs no attempt: its form and its signature."""
        try:
            if record.get("verdict") not in VERDICTS:
                return f"unknown verdict {record.get('verdict')!r}"
            if record.get("module") != module:
                return f"module {record.get('module')!r} in the corpus of {module!r}"
            if record.get("verdict") == "refine" and not record.get("refined"):
                return "refine without refined text"
            if text_sha256(record.get("refined")) != record.get("refined_sha256"):
                return "refined text does not match its refined_sha256 (edited)"
            key = self.reviewer_key(record["reviewer"])
            if key is None:
                return f"reviewer {record['reviewer']!r} has no listed public key"
            if keys.public_hex(key) != record.get("reviewer_key"):
                return f"signed with a key other than the one listed for reviewer {record['reviewer']!r}"
            if not signature_ok(key, payload_of(record), record["signature"]):
                return f"signature does not verify for reviewer {record['reviewer']!r} (edited or forged)"
        except (KeyError, TypeError, AttributeError) as exc:
            return f"malformed verdict: {type(exc).__name__} {exc}"
        return None

    def candidate_problem(self, record: dict[str, Any], verdicts: dict[str, str]) -> str | None:
        try:
            if verdicts.get(record["verdict_id"]) != "defer-tier-c":
                return f"candidate for {record['verdict_id']}, which is no defer-tier-c verdict before it"
            if text_sha256(record["text"]) != record.get("text_sha256"):
                return "candidate text does not match its text_sha256 (edited)"
            if self._appliance is None or keys.public_hex(self._appliance) != record.get("appliance_key"):
                return "candidate not signed by this appliance's key"
            if not signature_ok(self._appliance, candidate_payload(record), record["signature"]):
                return "candidate signature does not verify (edited or forged)"
        except (KeyError, TypeError, AttributeError) as exc:
            return f"malformed candidate: {type(exc).__name__} {exc}"
        return None


def verify_module(corpus: ModuleCorpus, checker: Checker, report: Report,
                  on_line: Callable[[], None] = lambda: None) -> None:
    hashes: dict[str, str] = {}  # request_id -> sha256 of intact attempts
    for line in corpus.attempts.lines():
        on_line()
        record = parse(line)
        report.attempts += 1
        if problem := attempt_problem(record, corpus.module):
            report.problems.append(f"{line.where}: {problem}")
        else:
            hashes[record["request_id"]] = record["sha256"]
    if corpus.attempts.torn_tail():
        report.torn.append(corpus.attempts.path)

    verdict_kinds: dict[str, str] = {}  # verdict_id -> kind, for the candidates after them
    for line, record in corpus.verdict_records():
        on_line()
        kind = record.get("kind") if record else None
        if kind == "verdict":
            report.verdicts += 1
            problem = checker.verdict_problem(record, corpus.module)
            if problem is None:
                attempt_hash = hashes.get(record["request_id"])
                if attempt_hash is None:
                    problem = f"verdict on {record['request_id']}, which has no intact attempt"
                elif attempt_hash != record["attempt_sha256"]:
                    problem = f"verdict signed over a different attempt than {record['request_id']}'s"
            if problem is None:
                verdict_kinds[record["verdict_id"]] = record["verdict"]
        elif kind == "candidate":
            report.candidates += 1
            problem = checker.candidate_problem(record, verdict_kinds)
        else:
            problem = "not a verdict or candidate record"
        if problem:
            report.problems.append(f"{line.where}: {problem}")
    if corpus.verdicts.torn_tail():
        report.torn.append(corpus.verdicts.path)


def verify_corpus(home_root: Path, module: str | None = None,
                  on_line: Callable[[], None] = lambda: None) -> Report:
    report = Report()
    checker = Checker(home_root)
    corpus = Corpus(home_root)
    for module_corpus in ([corpus.module(module)] if module else corpus.modules()):
        verify_module(module_corpus, checker, report, on_line)
    return report
