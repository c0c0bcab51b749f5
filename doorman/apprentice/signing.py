"""What a verdict's signature covers, and how it is made and checked.

A reviewer signs, with ed25519, the canonical JSON (sorted keys, no spaces, UTF-8) of

    {"doorman_verdict": 1, "request_id", "module", "verdict", "attempt_sha256",
     "refined_sha256", "note", "reviewer", "ts", "supersedes"}

`refined_sha256` is the SHA-256 of the refined text's UTF-8 bytes (null without one);
`supersedes` is the verdict id the reviewer saw as current (null for the first), so a
replayed or raced verdict cannot silently override a newer one. A service reviewer
builds the same bytes with its own private key; `verdict_payload` is the reference.
"""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.exceptions import InvalidSignature as _BadSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from doorman.apprentice.corpus import canonical

VERDICTS = ("accept", "refine", "reject", "defer-tier-c")
PAYLOAD_VERSION = 1


def text_sha256(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def verdict_payload(*, request_id: str, module: str, verdict: str, attempt_sha256: str,
                    refined: str | None, note: str | None, reviewer: str, ts: str,
                    supersedes: str | None) -> bytes:
    return canonical({
        "doorman_verdict": PAYLOAD_VERSION, "request_id": request_id, "module": module, "verdict": verdict,
        "attempt_sha256": attempt_sha256, "refined_sha256": text_sha256(refined), "note": note,
        "reviewer": reviewer, "ts": ts, "supersedes": supersedes,
    })


def payload_of(record: dict[str, Any]) -> bytes:
    """The signed bytes of a stored verdict record."""
    return verdict_payload(
        request_id=record["request_id"], module=record["module"], verdict=record["verdict"],
        attempt_sha256=record["attempt_sha256"], refined=record.get("refined"), note=record.get("note"),
        reviewer=record["reviewer"], ts=record["ts"], supersedes=record.get("supersedes"),
    )


def candidate_payload(record: dict[str, Any]) -> bytes:
    """What the appliance signs for a Tier C answer stored against a defer-tier-c verdict."""
    return canonical({
        "doorman_candidate": PAYLOAD_VERSION, "verdict_id": record["verdict_id"],
        "request_id": record["request_id"], "tier_c_request_id": record["tier_c_request_id"],
        "model": record["model"], "text_sha256": text_sha256(record["text"]), "ts": record["ts"],
    })


def sign(key: Ed25519PrivateKey, payload: bytes) -> str:
    return key.sign(payload).hex()


def signature_ok(key: Ed25519PublicKey, payload: bytes, signature: str) -> bool:
    try:
        key.verify(bytes.fromhex(signature), payload)
    except (_BadSignature, ValueError, TypeError):
        return False
    return True


def verdict_id(signature: str) -> str:
    """A verdict's id: derived from its signature, so a service needs nothing else to know it."""
    return "vd_" + hashlib.sha256(bytes.fromhex(signature)).hexdigest()[:32]
