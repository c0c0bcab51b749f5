"""Reviewer keys: one ed25519 pair per reviewer, the public halves listed in the home.

    HOME/keys/reviewers/NAME.ed25519       private key, PEM, 0600 (absent for a service
                                           reviewer that holds its own private key)
    HOME/keys/reviewers/NAME.ed25519.pub   public key, 64 hex digits

Keys are never removed: old verdicts must keep verifying.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from doorman.core.config import MODULE_NAME
from doorman.core.errors import InvalidArgument, ReviewerKeyMissing
from doorman.ledger import keys
from doorman.ledger.durable import fsync_dir, locked

REVIEWERS_DIR = Path("keys") / "reviewers"
SUFFIX = ".ed25519"
PUB_SUFFIX = SUFFIX + ".pub"


@dataclass(frozen=True)
class Reviewer:
    name: str
    public_hex: str
    signs_here: bool  # the private key is in this home (else a service holds it)


class ReviewerKeys:
    def __init__(self, home_root: Path):
        self.dir = home_root / REVIEWERS_DIR

    def private_path(self, name: str) -> Path:
        return self.dir / f"{name}{SUFFIX}"

    def public_path(self, name: str) -> Path:
        return keys.public_key_path(self.private_path(name))

    def create(self, name: str) -> Reviewer:
        """A new key pair for NAME; refused when NAME already has one."""
        self._check_name(name)
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with locked(self.dir / ".lock"):
            self._refuse_existing(name)
            key = keys.load_or_create(self.private_path(name))
            fsync_dir(self.dir)
        return Reviewer(name, keys.public_hex(key.public_key()), True)

    def add_public(self, name: str, public_key: str) -> Reviewer:
        """List a service reviewer's public key (64 hex digits, or a file holding them or a PEM)."""
        self._check_name(name)
        try:
            path = Path(public_key)
            key = keys.load_public(path) if path.is_file() else Ed25519PublicKey.from_public_bytes(
                bytes.fromhex(public_key.strip()))
        except ValueError as exc:
            raise InvalidArgument(f"public key for {name!r}: not an ed25519 public key ({exc})") from None
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with locked(self.dir / ".lock"):
            self._refuse_existing(name)
            fd = os.open(self.public_path(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                os.write(fd, (keys.public_hex(key) + "\n").encode())
                os.fsync(fd)
            finally:
                os.close(fd)
            fsync_dir(self.dir)
        return Reviewer(name, keys.public_hex(key), False)

    def list(self) -> list[Reviewer]:
        if not self.dir.is_dir():
            return []
        found = []
        for entry in sorted(self.dir.glob("*" + PUB_SUFFIX)):
            name = entry.name.removesuffix(PUB_SUFFIX)
            try:
                public_hex = keys.public_hex(keys.load_public(entry))
            except (OSError, ValueError):
                public_hex = "(unreadable)"
            found.append(Reviewer(name, public_hex, self.private_path(name).exists()))
        return found

    def public_key(self, name: str) -> Ed25519PublicKey:
        path = self.public_path(name)
        if not MODULE_NAME.fullmatch(name) or not path.exists():
            raise ReviewerKeyMissing(
                f"no reviewer {name!r} in {self.dir}: create one with `doorman keys reviewer new {name}`")
        try:
            return keys.load_public(path)
        except (OSError, ValueError) as exc:
            raise ReviewerKeyMissing(f"{path}: unreadable reviewer public key: {exc}") from None

    def private_key(self, name: str) -> Ed25519PrivateKey:
        path = self.private_path(name)
        if not MODULE_NAME.fullmatch(name) or not path.exists():
            hint = ("only its public key is listed here (a service signs for it)"
                    if self.public_path(name).exists() and MODULE_NAME.fullmatch(name)
                    else f"create one with `doorman keys reviewer new {name}`")
            raise ReviewerKeyMissing(f"no private key for reviewer {name!r} in {self.dir}: {hint}")
        try:
            return keys.load_private(path)
        except (OSError, ValueError) as exc:
            raise ReviewerKeyMissing(f"{path}: unreadable reviewer key: {exc}") from None

    def _refuse_existing(self, name: str) -> None:
        if self.public_path(name).exists() or self.private_path(name).exists():
            raise InvalidArgument(f"reviewer {name!r} already has a key in {self.dir}; keys are never replaced")

    @staticmethod
    def _check_name(name: str) -> None:
        if not MODULE_NAME.fullmatch(name):
            raise InvalidArgument(
                f"reviewer name {name!r}: use lowercase letters, digits, '.', '_' or '-', at most 64 characters")
