"""Chunks that follow a document's structure: never across sections, table rows kept whole,
prose packed to a target size in tokens with a small overlap."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from doorman.knowledge.blocks import Block
from doorman.knowledge.tokens import estimate_tokens

TARGET_TOKENS = 200
OVERLAP_TOKENS = 24
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")


@dataclass(frozen=True, slots=True)
class Chunk:
    text: str
    section: tuple[str, ...]
    page: int | None
    page_end: int | None
    tokens: int


@dataclass
class _Piece:
    text: str
    page: int | None
    tokens: int
    row: bool


def chunk_blocks(blocks: Iterable[Block], target: int = TARGET_TOKENS, overlap: int = OVERLAP_TOKENS
                 ) -> Iterator[Chunk]:
    section: tuple[str, ...] | None = None
    pieces: list[_Piece] = []
    size = 0
    for block in blocks:
        if block.section != section:
            if pieces:
                yield _chunk(pieces, section or ())
            pieces, size, section = [], 0, block.section
        for piece in _pieces(block, target):
            if pieces and size + piece.tokens > target:
                yield _chunk(pieces, section)
                carry = _tail(pieces[-1], overlap) if not (piece.row or pieces[-1].row) else None
                pieces = [carry] if carry else []
                size = carry.tokens if carry else 0
            pieces.append(piece)
            size += piece.tokens
    if pieces:
        yield _chunk(pieces, section or ())


def _pieces(block: Block, target: int) -> Iterator[_Piece]:
    """The block whole when it fits the target, else its sentences packed up to it. Each
    sentence is counted once: counting is most of chunking's cost."""
    if block.row:
        yield _Piece(block.text, block.page, estimate_tokens(block.text), True)
        return
    sized = [(part, estimate_tokens(part)) for sentence in _SENTENCE_END.split(block.text)
             for part in _words(sentence, target)]
    if sum(tokens for _, tokens in sized) <= target:
        yield _Piece(block.text, block.page, sum(tokens for _, tokens in sized), False)
        return
    buffer: list[str] = []
    size = 0
    for part, tokens in sized:
        if buffer and size + tokens > target:
            yield _Piece(" ".join(buffer), block.page, size, False)
            buffer, size = [], 0
        buffer.append(part)
        size += tokens
    if buffer:
        yield _Piece(" ".join(buffer), block.page, size, False)


def _words(sentence: str, target: int) -> Iterator[str]:
    """The sentence, or when it is longer than `target` tokens could be, runs of its words."""
    if len(sentence) <= target or estimate_tokens(sentence) <= target:  # a token is at least a character
        yield sentence
        return
    words = sentence.split()
    step = max(1, target // 2)  # a word is at least one token; most are one or two
    for start in range(0, len(words), step):
        yield " ".join(words[start:start + step])


def _tail(piece: _Piece, overlap: int) -> _Piece | None:
    """The last words of a piece, about `overlap` tokens, to open the next chunk."""
    if overlap <= 0:
        return None
    words = piece.text.split()
    tail: list[str] = []
    size = 0
    for word in reversed(words):
        size += estimate_tokens(word)
        if size > overlap:
            break
        tail.append(word)
    if not tail or len(tail) == len(words):
        return None
    text = "… " + " ".join(reversed(tail))
    return _Piece(text, None, estimate_tokens(text), False)  # the page a chunk cites is its new text's


def _chunk(pieces: list[_Piece], section: tuple[str, ...]) -> Chunk:
    pages = [p.page for p in pieces if p.page is not None]
    separator = "\n" if any(p.row for p in pieces) else "\n\n"
    return Chunk(
        text=separator.join(p.text for p in pieces),
        section=section,
        page=min(pages) if pages else None,
        page_end=max(pages) if pages else None,
        tokens=sum(p.tokens for p in pieces),
    )
