"""Daily seals: a signed line that closes a day file with its line count and head hash."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from doorman.ledger.keys import public_hex


def seal_message(day: str, lines: int, head: str) -> bytes:
    """The exact bytes a seal signs."""
    return f"doorman-ledger-seal v1\n{day}\n{lines}\n{head}\n".encode("ascii")


def seal_fields(key: Ed25519PrivateKey, day: str, lines: int, head: str) -> dict[str, Any]:
    """The seal's own fields (the chain adds ts, seq, prev and hash)."""
    signature = key.sign(seal_message(day, lines, head))
    return {
        "kind": "seal",
        "day": day,
        "lines": lines,
        "head": head,
        "key": public_hex(key.public_key()),
        "sig": base64.b64encode(signature).decode("ascii"),
    }


@dataclass(frozen=True)
class SealCheck:
    ok: bool
    reason: str = ""


def check_seal(
    seal: dict[str, Any], *, day: str, lines_before: int, head: str | None, trusted: Ed25519PublicKey | None
) -> SealCheck:
    """Does the seal match the file it closes, and is it signed by the appliance's key?"""
    if seal.get("day") != day:
        return SealCheck(False, f"seals day {seal.get('day')!r} but sits in the file of {day}")
    if seal.get("lines") != lines_before:
        return SealCheck(
            False, f"says the day had {seal.get('lines')} lines before it, the file has {lines_before}"
        )
    if seal.get("head") != head:
        return SealCheck(False, "its head hash is not the hash of the line before it")
    try:
        signer = Ed25519PublicKey.from_public_bytes(bytes.fromhex(seal["key"]))
        signature = base64.b64decode(seal["sig"], validate=True)
        signer.verify(signature, seal_message(day, lines_before, head))
    except (KeyError, ValueError, TypeError, InvalidSignature):
        return SealCheck(False, "bad seal signature")
    if trusted is not None and public_hex(trusted) != seal["key"]:
        return SealCheck(False, "bad seal signature: signed by a key that is not this appliance's")
    return SealCheck(True)
