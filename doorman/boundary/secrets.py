"""Secrets: cloud access keys, GitHub/Slack/Stripe-style tokens, bearer tokens, JWTs, PEM private keys, password=..."""

from __future__ import annotations

import re
from collections.abc import Iterator

from doorman.boundary.findings import (
    Finding,
    line_starts,
    match_at,
    mentions,
    scan_from_words,
    word_starts,
)

_ASSIGNED_WORDS = ("bearer", "token", "key", "secret", "pass", "pwd", "mot de passe", "contrase", "kennwort")

PEM = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----\s*\n(.*?)\n?\s*-----END \1-----", re.DOTALL
)
# Well-known token shapes: the prefix names the issuer, the rest is the secret.
TOKENS = re.compile(
    r"(?<![\w\-])(?:"
    r"(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}"  # AWS access key ids
    r"|gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{40,255}"
    r"|xox[abposr]-[A-Za-z0-9\-]{10,250}"  # Slack
    r"|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{10,99}"  # Stripe
    r"|sk-(?:proj-|ant-)?[A-Za-z0-9_\-]{20,200}"  # OpenAI / Anthropic style
    r"|AIza[0-9A-Za-z_\-]{35}"  # Google API keys
    r"|glpat-[A-Za-z0-9_\-]{20}"
    r"|npm_[A-Za-z0-9]{36}"
    r"|(?:tok|key|api|secret|token|sess|pat)_[A-Za-z0-9]{16,128}"
    r"|eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"  # JWT
    r")(?![\w\-])"
)
# How each of TOKENS' alternatives begins (case-sensitive), to try it only there.
_TOKEN_PREFIXES = (
    "AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA", "gh", "github_pat_", "xox", "sk_", "pk_", "rk_", "sk-", "AIza",
    "glpat-", "npm_", "tok_", "key_", "api_", "secret_", "token_", "sess_", "pat_", "eyJ",
)
# After "Bearer", "token", "password=", "secret:" ... the next opaque word is the secret.
ASSIGNED = re.compile(
    r"(?i)(?:\bbearer|\b(?:access|refresh|auth|api|session|bearer|secret|private|client)[_\- ]?(?:token|key|secret)"
    r"|\b(?:passwor[dt]|passwd|pwd|pass|passphrase|mot de passe|contrase[ñn]a|kennwort|secret|token|apikey|api_key)"
    r")\b(?:\"|')?\s*(?:[:=]|=>|\bis\b|\bwas\b)?\s*[\"']?"
    r"(?P<value>[^\s\"'`,;)\]}>]{8,512})"
)
# How each of ASSIGNED's cue words begins, lower-case.
_ASSIGNED_STARTS = (
    "bearer", "access", "refresh", "auth", "api", "session", "secret", "private", "client", "pass", "pwd",
    "mot de passe", "contrase", "kennwort", "token",
)
_ENV_KEY_WORDS = ("SECRET", "TOKEN", "PASSW", "API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY")  # one is in every key
SECRET_ENV_KEY = re.compile(
    r"(?m)^\s*(?:export\s+)?[A-Z0-9_]*(?:SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY)[A-Z0-9_]*"
    r"\s*[:=]\s*[\"']?(?P<value>[^\s\"']{6,512})"
)


class SecretRecogniser:
    def find(self, text: str) -> Iterator[Finding]:
        if "-----BEGIN" in text:
            for m in PEM.finditer(text):
                yield Finding(m.start(2), m.end(2), "SECRET", 10)
        for m in match_at(TOKENS, text, word_starts(text, _TOKEN_PREFIXES, "-")):
            yield Finding(m.start(), m.end(), "SECRET", 9)
        for m in scan_from_words(ASSIGNED, text, _ASSIGNED_STARTS) if mentions(text, _ASSIGNED_WORDS) else ():
            value = m.group("value")
            if _opaque(value):
                yield Finding(m.start("value"), m.end("value"), "SECRET", 8)
        if ("=" in text or ":" in text) and any(w in text for w in _ENV_KEY_WORDS):
            for m in match_at(SECRET_ENV_KEY, text, line_starts(text)):
                if _opaque(m.group("value")):
                    yield Finding(m.start("value"), m.end("value"), "SECRET", 8)


def _opaque(value: str) -> bool:
    """A secret-looking word: mixes letters with digits or symbols, and is not a plain word or path."""
    if value.lower() in {"required", "expired", "invalid", "missing", "redacted", "provided", "revoked"}:
        return False
    if value.startswith(("/", "http")) or _CODE_EXPRESSION.fullmatch(value):
        return False
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return (has_digit and has_alpha) or any(c in "!#$%^&*+=?@~" for c in value)


# config.get(, self.api_key, dict[str, os.environ["X"]: code that names a secret, not the secret
_CODE_EXPRESSION = re.compile(r"[A-Za-z_]\w*(?:(?:\.[A-Za-z_]\w*)+\(?|\(|\[[\w\"']*\]?,?|,)")
