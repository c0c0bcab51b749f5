"""Placeholders back to values, for a whole answer or chunk by chunk as it streams."""

from __future__ import annotations

from doorman.boundary.placeholders import LONGEST_PARTIAL, LOOSE, PARTIAL, PlaceholderMap, key


class Rehydrator:
    """Feed streamed chunks; get text back at once, holding only a possible partial placeholder."""

    def __init__(self, mapping: PlaceholderMap):
        self.mapping = mapping
        self.pending = ""
        self.invented = 0  # placeholder-shaped text the model made up: left as is, counted

    def feed(self, chunk: str) -> str:
        text = self.pending + chunk
        cut = _hold_from(text)
        self.pending = text[cut:]
        return self._restore(text[:cut])

    def flush(self) -> str:
        text, self.pending = self.pending, ""
        return self._restore(text)

    def _restore(self, text: str) -> str:
        if "[" not in text:
            return text
        return LOOSE.sub(self._value, text)

    def _value(self, match) -> str:
        k = key(match.group(1), match.group(2))
        value = self.mapping.by_key.get(k)
        if value is None:
            if k not in self.mapping.reserved:
                self.invented += 1
            return match.group()
        return value


def rehydrate(text: str, mapping: PlaceholderMap) -> str:
    """Every placeholder of `mapping` in `text` replaced by its value."""
    rehydrator = Rehydrator(mapping)
    return rehydrator.feed(text) + rehydrator.flush()


def _hold_from(text: str) -> int:
    """Where a possibly unfinished placeholder starts at the end of `text` (len(text) when there is none)."""
    start = text.rfind("[", max(0, len(text) - LONGEST_PARTIAL))
    if start != -1 and PARTIAL.fullmatch(text, start):
        return start
    return len(text)
