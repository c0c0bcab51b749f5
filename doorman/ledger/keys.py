"""The appliance's ed25519 signing key for daily seals, kept under the home."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_NAME = "ledger.ed25519"


def default_key_path(ledger_dir: Path) -> Path:
    """HOME/keys/ledger.ed25519 for the ledger at HOME/ledger."""
    return ledger_dir.parent / "keys" / KEY_NAME


def public_key_path(key_path: Path) -> Path:
    return key_path.with_name(key_path.name + ".pub")


def load_or_create(key_path: Path) -> Ed25519PrivateKey:
    """The private key; created on first use (mode 0600) with its public half beside it.

    Call under the ledger lock, so that two processes never create two keys."""
    if key_path.exists():
        return load_private(key_path)
    key_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write_new(key_path, pem, 0o600)
    _write_new(public_key_path(key_path), (public_hex(key.public_key()) + "\n").encode(), 0o644)
    return key


def load_private(key_path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{key_path} is not an ed25519 private key")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    """A public key file: the 64 hex digits doorman writes, or a PEM public key."""
    data = path.read_bytes().strip()
    if data.startswith(b"-----BEGIN"):
        key = serialization.load_pem_public_key(data)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError(f"{path} is not an ed25519 public key")
        return key
    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(data.decode("ascii")))


def appliance_public_key(key_path: Path) -> Ed25519PublicKey | None:
    """The appliance's public key, or None when no key was made yet."""
    pub = public_key_path(key_path)
    if pub.exists():
        return load_public(pub)
    if key_path.exists():
        return load_private(key_path).public_key()
    return None


def public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def _write_new(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, mode)  # explicit: the umask must not decide who may read the key
    os.replace(tmp, path)
