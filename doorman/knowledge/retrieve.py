"""Retrieval: the module's best chunks by BM25, widened through the graph to their neighbours in the
same section, packed into a token budget."""

from __future__ import annotations

from dataclasses import dataclass

from doorman.knowledge.store import Reader
from doorman.knowledge.tokens import SAFETY, estimate_tokens

TOP_K = 4


@dataclass(frozen=True)
class Passage:
    """What goes into the prompt: a hit and its neighbours, with where they come from."""

    doc: str
    name: str
    section: str
    page: int | None
    page_end: int | None
    text: str
    chunk_ids: tuple[str, ...]
    rank: float

    @property
    def source(self) -> str:
        """'report.pdf, p. 3 (Payment terms)': document, then page and section when it has them."""
        where = self.name
        if self.page is not None:
            where += f", p. {self.page}" if self.page_end in (None, self.page) else f", pp. {self.page}-{self.page_end}"
        return where + (f" ({self.section})" if self.section else "")


def retrieve(reader: Reader, module: str, question: str, budget_tokens: int, top_k: int = TOP_K) -> list[Passage]:
    """The passages for `question` from `module` only, best first, within `budget_tokens`."""
    hits = reader.search(module, question, top_k)
    if not hits or budget_tokens <= 0:
        return []
    around: dict[str, list] = {}
    neighbours = reader.graph.neighbours(module, [h.chunk_id for h in hits])
    texts = reader.texts([n.id for n in neighbours])
    for n in neighbours:
        if n.id in texts:
            around.setdefault(n.of, []).append(n)
    passages: list[Passage] = []
    used: set[str] = set()
    left = budget_tokens
    for hit in hits:
        if hit.chunk_id in used:
            continue  # already in an earlier, better passage as a neighbour
        parts = [(hit.ord, hit.chunk_id, hit.text, hit.page, hit.page_end)]
        parts += [(n.ord, n.id, texts[n.id], n.page, n.page_end) for n in around.get(hit.chunk_id, [])
                  if n.id not in used]
        parts.sort()
        passage = _passage(hit, parts)
        cost = _cost(passage)
        if cost > left and len(parts) > 1:  # no room for the neighbours: the hit alone
            passage = _passage(hit, [(hit.ord, hit.chunk_id, hit.text, hit.page, hit.page_end)])
            cost = _cost(passage)
        if cost > left:
            continue
        passages.append(passage)
        used.update(passage.chunk_ids)
        left -= cost
    return passages


def _passage(hit, parts: list[tuple]) -> Passage:
    pages = [p for part in parts for p in (part[3], part[4]) if p is not None]
    return Passage(
        doc=hit.doc, name=hit.name, section=hit.section,
        page=min(pages) if pages else None, page_end=max(pages) if pages else None,
        text="\n".join(part[2] for part in parts), chunk_ids=tuple(part[1] for part in parts), rank=hit.rank,
    )


def _cost(passage: Passage) -> int:
    """Tokens in the prompt: the text and its source line, with the estimate's safety margin."""
    return int((estimate_tokens(passage.text) + estimate_tokens(passage.source) + 4) * SAFETY) + 1
