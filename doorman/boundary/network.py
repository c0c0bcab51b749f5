"""IPv4 and IPv6 addresses, and URLs that carry credentials or tokens."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from doorman.boundary.findings import Finding, long_number_starts, match_at

IPV4 = re.compile(r"(?<![\w.\-])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:/\d{1,2})?(?![\w\-]|\.\d)")
# `(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}...`, opening with its first character (searched fast), then looking behind
IPV6 = re.compile(
    r"[0-9A-Fa-f:](?<![\w:.].)(?:(?<=:)|(?<=[0-9A-Fa-f])[0-9A-Fa-f]{0,3}:)(?:[0-9A-Fa-f]{0,4}:){1,6}"
    r"(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?:/\d{1,3})?(?![\w:])"
)
URL = re.compile(r"\b[a-z][a-z0-9+.\-]{1,15}://[^\s<>\"'`)\]}]+", re.IGNORECASE)
# user:password@ in the authority, or a query/fragment parameter whose name says it is a secret
URL_USERINFO = re.compile(r"^[a-z][a-z0-9+.\-]*://[^/?#@\s]+:[^/\s@]*@", re.IGNORECASE)
URL_SECRET_PARAM = re.compile(
    r"[?&#;](?:[\w\-]*(?:token|key|secret|sig|signature|password|passwd|pwd|auth|session|sid|code|credential)[\w\-]*"
    r"|x-amz-[\w\-]+|email|user|uid|login)=",
    re.IGNORECASE,
)
DSN_PASSWORD = re.compile(
    r"(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|oracle|jdbc:[a-z]+|"
    r"clickhouse|cassandra|couchdb|neo4j|ldaps?|smtps?|imaps?|sftp|ssh)://[^/?#@\s:]+:([^/\s@]+)@",
    re.IGNORECASE,
)
# webhook URLs whose path itself is the secret
URL_SECRET_PATH = re.compile(r"hooks\.slack\.com/|discord(?:app)?\.com/api/webhooks/|/webhook/[A-Za-z0-9]{16,}", re.IGNORECASE)


# What IPV6 cannot match without: two colons with at most four hex digits between them.
_TWO_COLONS = re.compile(r":[0-9A-Fa-f]{0,4}:")

# loopback, "any" and broadcast name no host
_NOT_IDENTIFYING_V4 = ("127.", "0.0.0.0", "255.255.255.255")


class IpRecogniser:
    def find(self, text: str) -> Iterator[Finding]:
        if "." in text:
            for m in match_at(IPV4, text, long_number_starts(text, 7)):
                if not _version_context(text, m.start()) and not m.group().startswith(_NOT_IDENTIFYING_V4):
                    yield Finding(m.start(), m.end(), "IP", 6)
        if ("::" in text or text.count(":") >= 3) and _TWO_COLONS.search(text):
            for m in IPV6.finditer(text):
                value = m.group().split("/")[0]
                if value.count(":") >= 2 and value not in ("::1", "::") and _is_ipv6(value):
                    yield Finding(m.start(), m.end(), "IP", 6)


class SecretUrlRecogniser:
    def find(self, text: str) -> Iterator[Finding]:
        if "://" not in text:
            return
        for m in URL.finditer(text):
            url = m.group().rstrip(".,;:!?")
            dsn = DSN_PASSWORD.match(url)
            if dsn:  # a connection string: its password is the secret; host, port and database are configuration
                yield Finding(m.start() + dsn.start(1), m.start() + dsn.end(1), "SECRET", 21)
            elif URL_USERINFO.match(url) or URL_SECRET_PARAM.search(url) or URL_SECRET_PATH.search(url):
                # above the vault: a credential URL goes whole, even when its host is a known one
                yield Finding(m.start(), m.start() + len(url), "URL", 21)


def _is_ipv6(value: str) -> bool:
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    # a bare time like 12:30:45 parses as nothing; "1:2:3" neither; require some hex width
    return len(value) >= 6


def _version_context(text: str, start: int) -> bool:
    """'v1.2.3.4' or 'version 10.0.0.1' is a version, not an address."""
    before = text[max(0, start - 9):start].lower()
    return before.endswith("v") or "version" in before
