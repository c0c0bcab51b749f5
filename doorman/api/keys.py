"""API keys: minted once, stored only as SHA-256 in the config, each bound to one module."""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import os
import re
import secrets
import tempfile
from pathlib import Path

from doorman.core.config import Config, load_config
from doorman.core.errors import AuthenticationFailed, ConfigError, ModuleNotAllowed
from doorman.ledger.entry import utc_timestamp

KEY = re.compile(r"dm_([0-9a-f]{8})_[A-Za-z0-9_-]{32}")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def authenticate(config: Config, authorization: str | None, module_id: str | None) -> None:
    """Raise unless the request may use `module_id`; open when no key is configured."""
    if not config.api_keys:
        return
    scheme, _, key = (authorization or "").partition(" ")
    match = KEY.fullmatch(key.strip()) if scheme.lower() == "bearer" else None
    stored = config.api_keys.get(f"k_{match.group(1)}") if match else None
    if stored is None or not hmac.compare_digest(stored.sha256, hash_key(key.strip())):
        raise AuthenticationFailed("a valid API key is required: send 'Authorization: Bearer KEY'")
    if module_id is not None and stored.module != module_id:
        raise ModuleNotAllowed(f"this API key is bound to module {stored.module!r}, not {module_id!r}")


def create_key(config_file: Path, module: str) -> tuple[str, str]:
    """Mint a key for `module`, store its hash in the config; return (key id, key)."""
    config = load_config(config_file)
    if module not in config.modules:
        known = ", ".join(sorted(config.modules))
        raise ConfigError(f"unknown module {module!r} (known modules: {known})")
    key_id = secrets.token_hex(4)
    key = f"dm_{key_id}_{secrets.token_urlsafe(24)}"
    block = (
        f'\n[api_keys.k_{key_id}]\nmodule = "{module}"\nsha256 = "{hash_key(key)}"\n'
        f'created = "{utc_timestamp()}"\n'
    )
    _edit(config_file, lambda text: text.rstrip("\n") + ("\n" if text.strip() else "") + block)
    return f"k_{key_id}", key


def revoke_key(config_file: Path, key_id: str) -> None:
    """Remove a key's table from the config; requests with it fail from then on."""
    if key_id not in load_config(config_file).api_keys:
        raise ConfigError(f"no API key {key_id!r} in {config_file}")

    def without(text: str) -> str:
        kept, skipping = [], False
        for line in text.splitlines(keepends=True):
            header = line.strip()
            if header.startswith("["):
                skipping = header == f"[api_keys.{key_id}]"
            if not skipping:
                kept.append(line)
        return "".join(kept)

    _edit(config_file, without)


def _edit(config_file: Path, change) -> None:
    """Rewrite the config atomically under a lock, checking the result still parses."""
    config_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock_fd = os.open(config_file.parent / ".config.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        text = config_file.read_text(encoding="utf-8") if config_file.exists() else ""
        updated = change(text)
        fd, temp = tempfile.mkstemp(dir=config_file.parent, prefix=".doorman.toml.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(updated)
                handle.flush()
                os.fsync(handle.fileno())
            load_config(Path(temp))  # never leave a config that does not load
            os.replace(temp, config_file)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    finally:
        os.close(lock_fd)
