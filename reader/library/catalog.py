"""The catalog: what was indexed, as plain rows beside the Whoosh index.

It answers "what changed since last time?" without unpickling Whoosh's stored
fields (a 10k library re-checks in milliseconds), and lists the library for
browsing before the full-text index exists. Like the index it is a cache.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from reader.library.article import Article
from reader.library.reading_time import minutes_for, word_count

CATALOG_FORMAT = "7"  # 5: the language of each article; 6: its words (reading time); 7: spellings


@dataclass(frozen=True)
class ArticleInfo:
    """What the list of articles shows, and what the re-check compares."""

    id: str
    title: str
    authors: tuple[str, ...]
    date: dt.date | None
    tags: tuple[str, ...]
    source: str
    summary: str
    hash: str
    size: int
    mtime_ns: int
    lang: str = ""
    words: int = 0

    @property
    def minutes(self) -> int:
        """The reading time, in whole minutes."""
        return minutes_for(self.words)

    @classmethod
    def of(cls, article: Article, size: int, mtime_ns: int) -> "ArticleInfo":
        return cls(
            article.id, article.title, article.authors, article.date, article.tags,
            article.source, article.summary, article.hash, size, mtime_ns, article.lang,
            word_count(article.text),
        )


@dataclass(frozen=True)
class FileStat:
    """What the re-check compares: the file as last indexed."""

    size: int
    mtime_ns: int
    hash: str


class CatalogError(Exception):
    pass


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles(
    id TEXT PRIMARY KEY, title TEXT NOT NULL, authors TEXT NOT NULL, date TEXT,
    tags TEXT NOT NULL, source TEXT NOT NULL, summary TEXT NOT NULL,
    hash TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, lang TEXT NOT NULL DEFAULT '',
    words INTEGER NOT NULL DEFAULT 0);
-- Words as written, ever seen in the library (never removed: a stale word only
-- expands to a term that matches nothing).
-- Folded, in the language of the articles they are in; plain: written so (not only the
-- folded form of a word written with accents).
CREATE TABLE IF NOT EXISTS vocab(word TEXT NOT NULL, lang TEXT NOT NULL, plain INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY(word, lang)) WITHOUT ROWID;
-- The words written with accents, under the folded key a query typed without them looks
-- up, with the language of the articles they are written in.
CREATE TABLE IF NOT EXISTS spellings(key TEXT NOT NULL, word TEXT NOT NULL, lang TEXT NOT NULL,
    PRIMARY KEY(key, word, lang)) WITHOUT ROWID;
"""
_COLUMNS = "id, title, authors, date, tags, source, summary, hash, size, mtime_ns, lang, words"


class Catalog:
    def __init__(self, path: Path):
        self.path = path
        try:
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise CatalogError(str(exc)) from None

    def close(self) -> None:
        self.db.close()

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def entries(self) -> dict[str, ArticleInfo]:
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM articles").fetchall()
        return {row[0]: _info(row) for row in rows}

    def stats(self) -> dict[str, FileStat]:
        """Every article's size, mtime and hash: the re-check's whole need, without
        decoding 10,000 rows of titles, authors and tags."""
        rows = self.db.execute("SELECT id, size, mtime_ns, hash FROM articles")
        return {row[0]: FileStat(row[1], row[2], row[3]) for row in rows}

    def get(self, article_id: str) -> ArticleInfo | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM articles WHERE id=?", (article_id,)).fetchone()
        return _info(row) if row else None

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def languages(self) -> set[str]:
        """The languages of the library's articles."""
        return {row[0] for row in self.db.execute("SELECT DISTINCT lang FROM articles") if row[0]}

    def words(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT DISTINCT word FROM vocab ORDER BY word")]

    def spellings(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Every (spelling, language) of each folded key that is written with accents, the
        key itself among them where it is written without:
        {'educacion': (('educación', 'es'),), 'ano': (('ano', 'pt'), ('año', 'es'))}."""
        found: dict[str, list[tuple[str, str]]] = {}
        rows = self.db.execute("SELECT key, word, lang FROM spellings UNION ALL SELECT word, word, lang FROM vocab"
                               " WHERE plain = 1 AND word IN (SELECT key FROM spellings)")
        for key, word, lang in rows:
            found.setdefault(key, []).append((word, lang))
        return {key: tuple(words) for key, words in found.items()}

    def apply(self, upserts: list[ArticleInfo], deletes: list[str], meta: dict[str, str],
              words: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),  # (folded, language)
              spellings: set[tuple[str, str, str]] | frozenset[tuple[str, str, str]] = frozenset()) -> None:
        """One transaction: the catalog moves from one consistent state to the next."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            if words:
                self.db.executemany("INSERT INTO vocab(word, lang) VALUES (?,?) ON CONFLICT(word, lang)"
                                    " DO UPDATE SET plain = 1 WHERE plain = 0", sorted(words))
            if spellings:
                self.db.executemany("INSERT OR IGNORE INTO vocab(word, lang, plain) VALUES (?, ?, 0)",
                                    sorted({(key, lang) for key, _, lang in spellings}))
                self.db.executemany("INSERT OR IGNORE INTO spellings(key, word, lang) VALUES (?,?,?)",
                                    sorted(spellings))
            self.db.executemany("DELETE FROM articles WHERE id=?", [(i,) for i in deletes])
            self.db.executemany(
                f"INSERT OR REPLACE INTO articles({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [_row(info) for info in upserts],
            )
            self.db.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?,?)", list(meta.items()))


def _row(info: ArticleInfo) -> tuple:
    return (
        info.id, info.title, json.dumps(info.authors, ensure_ascii=False),
        info.date.isoformat() if info.date else None, json.dumps(info.tags, ensure_ascii=False),
        info.source, info.summary, info.hash, info.size, info.mtime_ns, info.lang, info.words,
    )


def _info(row) -> ArticleInfo:
    return ArticleInfo(
        row[0], row[1], tuple(json.loads(row[2])), dt.date.fromisoformat(row[3]) if row[3] else None,
        tuple(json.loads(row[4])), row[5], row[6], row[7], row[8], row[9], row[10], row[11],
    )
