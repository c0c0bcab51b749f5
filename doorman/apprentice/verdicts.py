"""Recording a verdict: checked, signed, appended; a deferral asks Tier C through the Doorman.

A verdict is accepted only when its attempt exists in an apprenticeship module's
corpus and is intact, its signature verifies against the reviewer's listed public
key, and it names as `supersedes` the verdict currently in force (so nothing is
overridden unseen). Earlier verdicts are never rewritten: the latest line wins.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from doorman.apprentice.corpus import Corpus, Found, attempt_messages, record_sha256
from doorman.apprentice.reviewers import ReviewerKeys
from doorman.apprentice.signing import (
    VERDICTS, candidate_payload, sign, signature_ok, text_sha256, verdict_id, verdict_payload,
)
from doorman.core.config import Config
from doorman.core.errors import (
    ApprenticeshipOff, AttemptNotFound, CorpusTampered, InvalidArgument, InvalidSignature, TierNotAllowed,
    VerdictConflict,
)
from doorman.core.home import Home
from doorman.core.types import Completion, Request
from doorman.ledger import keys
from doorman.ledger.durable import locked
from doorman.ledger.entry import utc_timestamp
from doorman.ledger.reader import day_files
from doorman.ledger.writer import LOCK_NAME as LEDGER_LOCK

RunTierC = Callable[[Request], Completion]


@dataclass(frozen=True)
class VerdictDraft:
    """A signed verdict as a reviewer hands it in (the CLI signs here; a service signs its own)."""

    request_id: str
    verdict: str
    reviewer: str
    ts: str
    supersedes: str | None
    attempt_sha256: str
    signature: str
    refined: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Recorded:
    verdict: dict[str, Any]
    candidate: dict[str, Any] | None  # the Tier C answer, for defer-tier-c


class VerdictDesk:
    def __init__(self, home: Home, config: Config, run_tier_c: RunTierC | None = None):
        self.home = home
        self.config = config
        self.corpus = Corpus(home.root)
        self.reviewers = ReviewerKeys(home.root)
        self.run_tier_c = run_tier_c

    def attempt(self, request_id: str) -> Found:
        """The attempt a verdict is about; refused for modules without apprenticeship."""
        found = self.locate(request_id, explain=True)
        self.check_module(found)
        return found

    def locate(self, request_id: str, explain: bool = False) -> Found:
        """The attempt, or AttemptNotFound; `explain` looks in the ledger to say why (local callers
        only: it names the call's module)."""
        found = self.corpus.find(request_id)
        if found is None:
            raise self._not_found(request_id) if explain else AttemptNotFound(f"no attempt {request_id} in the corpus")
        return found

    def check_module(self, found: Found) -> None:
        request_id = found.record["request_id"]
        module = self.config.modules.get(found.record.get("module"))
        if module is None or not module.apprenticeship:
            raise ApprenticeshipOff(
                f"request {request_id}: module {found.corpus.module!r} no longer has apprenticeship = true; "
                f"verdicts are taken only for modules that keep attempts")

    def current(self, found: Found) -> str | None:
        latest = found.corpus.latest_verdict(found.record["request_id"])
        return latest["verdict_id"] if latest else None

    def sign_here(self, request_id: str, verdict: str, reviewer: str, refined: str | None = None,
                  note: str | None = None) -> VerdictDraft:
        """Sign a verdict with the reviewer's private key held in this home."""
        check_kind(verdict, refined)
        found = self.attempt(request_id)
        key = self.reviewers.private_key(reviewer)
        fields = dict(request_id=request_id, verdict=verdict, reviewer=reviewer, ts=utc_timestamp(),
                      supersedes=self.current(found), attempt_sha256=found.record["sha256"],
                      refined=refined, note=note)
        payload = verdict_payload(module=found.corpus.module, **fields)
        return VerdictDraft(signature=sign(key, payload), **fields)

    def record(self, draft: VerdictDraft) -> Recorded:
        check_kind(draft.verdict, draft.refined)
        check_ts(draft.ts)
        found = self.attempt(draft.request_id)
        module = found.corpus.module
        if record_sha256(found.record) != found.record.get("sha256"):
            raise CorpusTampered(f"{found.line.where}: the attempt {draft.request_id} does not match its "
                                 f"sha256; run `doorman corpus verify`")
        if draft.attempt_sha256 != found.record["sha256"]:
            raise InvalidArgument(f"attempt_sha256: {draft.request_id}'s attempt hashes to "
                                  f"{found.record['sha256']}, not {draft.attempt_sha256}")
        public = self.reviewers.public_key(draft.reviewer)
        payload = verdict_payload(
            request_id=draft.request_id, module=module, verdict=draft.verdict,
            attempt_sha256=draft.attempt_sha256, refined=draft.refined, note=draft.note,
            reviewer=draft.reviewer, ts=draft.ts, supersedes=draft.supersedes)
        if not signature_ok(public, payload, draft.signature):
            raise InvalidSignature(f"the verdict on {draft.request_id} is not signed by reviewer "
                                   f"{draft.reviewer!r}'s listed key")
        self._check_current(found, draft)  # early, before any Tier C spend; again under the lock
        record = {
            "kind": "verdict", "verdict_id": verdict_id(draft.signature), "request_id": draft.request_id,
            "module": module, "verdict": draft.verdict, "attempt_sha256": draft.attempt_sha256,
            "refined": draft.refined, "refined_sha256": text_sha256(draft.refined), "note": draft.note,
            "reviewer": draft.reviewer, "reviewer_key": keys.public_hex(public), "ts": draft.ts,
            "supersedes": draft.supersedes, "signature": draft.signature,
        }
        candidate = self._defer(found, record) if draft.verdict == "defer-tier-c" else None
        with found.corpus.verdicts.lock():
            self._check_current(found, draft)
            found.corpus.verdicts.append(record, *([candidate] if candidate else []))
        return Recorded(record, candidate)

    def _check_current(self, found: Found, draft: VerdictDraft) -> None:
        current = self.current(found)
        if draft.supersedes != current:
            raise VerdictConflict(
                f"supersedes: the verdict in force on {draft.request_id} is {current or 'none'}, "
                f"not {draft.supersedes or 'none'}; review again and sign against it")

    def _defer(self, found: Found, verdict: dict[str, Any]) -> dict[str, Any]:
        """Ask Tier C through the Doorman (sanitised, budgeted, ledgered); keep its rehydrated answer."""
        module = self.config.modules[found.corpus.module]
        if "C" not in module.tiers or self.run_tier_c is None:
            raise TierNotAllowed(f"module {module.name} does not allow tier C (tiers = {list(module.tiers)}); "
                                 f"defer-tier-c needs it")
        params = found.record.get("params") or {}
        completion = self.run_tier_c(Request(
            module_id=module.name, messages=attempt_messages(found.record), tier="C",
            max_tokens=params.get("max_tokens"), temperature=params.get("temperature"), seed=params.get("seed"),
        ))
        candidate = {
            "kind": "candidate", "verdict_id": verdict["verdict_id"], "request_id": verdict["request_id"],
            "tier_c_request_id": completion.request_id, "model": completion.model, "text": completion.text,
            "text_sha256": text_sha256(completion.text), "ts": utc_timestamp(),
        }
        key = self._appliance_key()
        candidate["appliance_key"] = keys.public_hex(key.public_key())
        candidate["signature"] = sign(key, candidate_payload(candidate))
        return candidate

    def _appliance_key(self):
        ledger_dir = self.home.ledger_dir
        ledger_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with locked(ledger_dir / LEDGER_LOCK):  # the ledger's rule: never two keys
            return keys.load_or_create(keys.default_key_path(ledger_dir))

    def _not_found(self, request_id: str) -> Exception:
        line = ledger_line(self.home, request_id)
        if line is None:
            return AttemptNotFound(f"no call {request_id} in the corpus or the ledger")
        module = self.config.modules.get(line.get("module_id"))
        if module is not None and not module.apprenticeship:
            return ApprenticeshipOff(f"request {request_id} ran under module {module.name}, which does not keep "
                                     f"attempts: set apprenticeship = true in [modules.{module.name}]")
        return AttemptNotFound(f"request {request_id} (tier {line.get('tier')}, status {line.get('status')}) "
                               f"left no attempt: only ok Tier A answers are kept")


def check_kind(verdict: str, refined: str | None) -> None:
    if verdict not in VERDICTS:
        raise InvalidArgument(f"verdict: expected one of {', '.join(VERDICTS)}, got {verdict!r}", param="verdict")
    if verdict == "refine" and not (refined and refined.strip()):
        raise InvalidArgument("refine needs the refined text: --refined TEXT or --refined-file FILE",
                              param="refined")
    if verdict != "refine" and refined is not None:
        raise InvalidArgument(f"refined text is only for refine, not {verdict}", param="refined")


def check_ts(ts: str) -> None:
    try:
        datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise InvalidArgument(f"ts: expected an RFC 3339 time, got {ts!r}", param="ts") from None


def ledger_line(home: Home, request_id: str) -> dict[str, Any] | None:
    """The ledger line of a call, newest day first (an error path: a plain scan)."""
    needle = f'"request_id":{json.dumps(request_id)}'.encode()
    for path in reversed(day_files(home.ledger_dir)):
        with path.open("rb") as handle:
            for raw in handle:
                if needle in raw:
                    try:
                        return json.loads(raw)
                    except ValueError:
                        continue
    return None
