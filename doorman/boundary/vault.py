"""The vault dictionary: a module's known entities (clients, projects, hosts, staff), always replaced."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from doorman.boundary.findings import Finding, folded, match_at, word_starts
from doorman.core.errors import ConfigError

_LABEL_CHARS = re.compile(r"[^A-Z]+")


@dataclass(frozen=True)
class VaultEntry:
    value: str
    label: str


def load_vault(path: Path) -> list[VaultEntry]:
    """Read a `value,type` CSV; errors name the file and the line."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the vault dictionary: {exc.strerror or exc}") from None
    entries: list[VaultEntry] = []
    with handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip().lower() for h in next(reader, [])]
            if header[:2] != ["value", "type"]:
                raise ConfigError(f"{path}: line 1: expected the header 'value,type', got {','.join(header)!r}")
            for row in reader:
                if not row or not "".join(row).strip():
                    continue
                if len(row) < 2 or not row[0].strip():
                    raise ConfigError(f"{path}: line {reader.line_num}: expected 'value,type', got {','.join(row)!r}")
                entries.append(VaultEntry(row[0].strip(), label_for(row[1])))
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: line {reader.line_num}: {exc}") from None
    return entries


def label_for(kind: str) -> str:
    """A vault type as a placeholder label: 'hostname' -> HOSTNAME; letters only, never the value."""
    return _LABEL_CHARS.sub("", kind.upper())[:20] or "VAULT"


class VaultRecogniser:
    """Case-insensitive whole-word matches; a line break or run of spaces may stand for any space of a name."""

    def __init__(self, entries: list[VaultEntry]):
        self.labels = {e.value.lower(): e.label for e in entries}
        # every entry's first word, lower-cased: a text holding none of them cannot hold an entry
        self.first_words = tuple({e.value.split()[0].lower() for e in entries if e.value.split()})
        alternatives = sorted({e.value for e in entries}, key=len, reverse=True)
        self.pattern = (
            re.compile(
                r"(?<![\w])(?:" + "|".join(r"\s+".join(map(re.escape, v.split())) for v in alternatives) + r")(?![\w])",
                re.IGNORECASE,
            )
            if alternatives
            else None
        )

    def find(self, text: str) -> Iterator[Finding]:
        if self.pattern is None:
            return
        lower = folded(text)
        if lower is None:
            matches = self.pattern.finditer(text) if any(w in text.lower() for w in self.first_words) else ()
        else:  # every match starts with an entry's first word
            matches = match_at(self.pattern, text, word_starts(lower, self.first_words))
        for m in matches:
            key = " ".join(m.group().split()).lower()
            yield Finding(m.start(), m.end(), self.labels.get(key, "VAULT"), 20)
