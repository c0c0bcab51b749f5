"""The lexical index: SQLite FTS5 (BM25) over chunk text, keyed by the chunks table's rowid.

LadybugDB's own FTS extension downloads itself at run time, which an appliance cannot do.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

SCHEMA = "CREATE VIRTUAL TABLE IF NOT EXISTS chunk_text USING fts5(text, tokenize='unicode61 remove_diacritics 2')"
VOCABULARY = "CREATE VIRTUAL TABLE IF NOT EXISTS chunk_terms USING fts5vocab(chunk_text, 'row')"
MAX_TERMS = 24
# A term in more than COMMON of all chunks (and in more than COMMON_MIN of them) barely moves
# BM25 but costs a score per chunk it is in: such terms are left out of the query.
COMMON = 0.1
COMMON_MIN = 200
_WORD = re.compile(r"\w+")
STOPWORDS = frozenset(
    "a an and are as at be by can could did do does for from had has have how i in is it its of on or our "
    "say says said should so than that the their them then there these they this to was we were what when "
    "where which who whom why will with would you your me my tell about please give list".split()
)


@dataclass(frozen=True)
class Hit:
    chunk_id: str
    doc: str
    name: str
    gen: str
    section: str
    page: int | None
    page_end: int | None
    ord: int
    text: str
    rank: float  # BM25, lower is better


def content_words(question: str) -> list[str]:
    """The question's words as the index spells them (lower case, no diacritics), stopwords left out."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", question.lower()) if not unicodedata.combining(c))
    terms: list[str] = []
    for word in _WORD.findall(folded):
        if (len(word) > 1 or word.isdigit()) and word not in STOPWORDS and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def fts_query(terms: list[str]) -> str | None:
    """Terms OR-ed and quoted: no FTS syntax from the caller gets through."""
    return " OR ".join(f'"{t}"' for t in terms) or None


def telling_terms(conn: sqlite3.Connection, terms: list[str]) -> list[str]:
    """The terms the index holds, without those in most chunks (the two rarest stay if all are common)."""
    if not terms:
        return []
    marks = ", ".join("?" * len(terms))
    counts = dict(conn.execute(f"SELECT term, doc FROM chunk_terms WHERE term IN ({marks})", terms).fetchall())
    present = sorted((counts[t], t) for t in terms if counts.get(t))
    total = conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
    telling = [t for n, t in present if n <= max(COMMON * total, COMMON_MIN)]
    return telling or [t for _, t in present[:2]]


def index(conn: sqlite3.Connection, rows: Iterable[tuple[int, str]]) -> None:
    conn.executemany("INSERT INTO chunk_text(rowid, text) VALUES (?, ?)", rows)


def unindex(conn: sqlite3.Connection, gen: str) -> None:
    conn.execute("DELETE FROM chunk_text WHERE rowid IN (SELECT id FROM chunks WHERE gen = ?)", (gen,))


def search(conn: sqlite3.Connection, module: str, question: str, limit: int) -> list[Hit]:
    """The module's best chunks for the question, among live document versions only."""
    query = fts_query(telling_terms(conn, content_words(question)))
    if query is None:
        return []
    rows = conn.execute(
        "SELECT c.chunk_id, c.doc, d.name, c.gen, c.section, c.page, c.page_end, c.ord, t.text, bm25(chunk_text) "
        "FROM chunk_text t JOIN chunks c ON c.id = t.rowid "
        "JOIN documents d ON d.module = c.module AND d.doc = c.doc AND d.gen = c.gen "
        "WHERE chunk_text MATCH ? AND c.module = ? AND d.state = 'live' "
        "ORDER BY bm25(chunk_text) LIMIT ?",
        (query, module, limit),
    ).fetchall()
    return [Hit(*row) for row in rows]
