"""Entities a chunk mentions: what the sanitise recognisers and the module's vault dictionary find."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from doorman.boundary import Sanitiser

BATCH = 64  # chunks per sanitise call: names echo within a batch, memory stays small


@dataclass(frozen=True, slots=True)
class Mention:
    chunk: int  # the chunk's position in its document
    label: str  # the recogniser's type: PERSON, EMAIL, the vault's type, ...
    value: str
    count: int


def find_mentions(sanitiser: Sanitiser, texts: Sequence[str]) -> list[Mention]:
    mentions: list[Mention] = []
    for start in range(0, len(texts), BATCH):
        result = sanitiser.sanitise(texts[start:start + BATCH])
        counts = Counter((r.message, r.label, normalise(r.value)) for r in result.replacements)
        mentions.extend(Mention(start + message, label, value, count)
                        for (message, label, value), count in counts.items() if value)
    return mentions


def normalise(value: str) -> str:
    """One spelling per entity: spaces and line breaks collapsed (case is kept for display)."""
    return " ".join(value.split())
