"""What an article is in the index: the Whoosh schema, and the document an article
becomes under it. Both index.py (which creates the index) and index_writing.py (which
fills it, in worker processes too) read them from here."""

from __future__ import annotations

import datetime as dt

from whoosh import columns, fields

from reader.library.addresses import site_keys, url_key
from reader.library.article import Article
from reader.library.reading_time import minutes_for
from reader.text.analysis import LinesTokenizer, TermPositions, TermTokenizer, fold_phrase

# 4: per-language terms, CJK bigrams, parts; 5: CJK runs' widths; 6: columnar postings;
# 7: reading minutes, and the id as a column (smart filters map ids to documents);
# 8: the date stored only (date: reads the sortdate column); 9: the web address (url, site:)
INDEX_FORMAT = "9"
MAX_MINUTES = 32_767  # what a signed 16-bit field holds (a 7-million-word article)


def make_schema() -> fields.Schema:
    stemmed = TermTokenizer()
    exact = LinesTokenizer()
    schema = fields.Schema(
        # sortable: a column of every document's id, read in one go per segment (reader.search.filters)
        id=fields.ID(unique=True, stored=True, sortable=True),
        folder=fields.KEYWORD(analyzer=exact),
        title=fields.TEXT(analyzer=stemmed, stored=True, field_boost=3.0),
        body=fields.TEXT(analyzer=stemmed, stored=True),
        authors=fields.TEXT(analyzer=stemmed, stored=True, field_boost=1.5),
        tags=fields.TEXT(analyzer=stemmed, stored=True, field_boost=1.5),
        tag=fields.KEYWORD(analyzer=exact),
        lang=fields.KEYWORD(analyzer=exact, stored=True),
        source=fields.TEXT(analyzer=stemmed, stored=True),
        notes=fields.TEXT(analyzer=stemmed, stored=True),
        # Shown only: date: ranges read the sortdate column (reader.search.filters.DateSpan),
        # not the 8 tiered terms a NUMERIC indexes an article, each a posting in Whoosh's pool.
        date=fields.STORED(),
        # One term per article, not a NUMERIC's 8 tiers (each a posting through Whoosh's pool):
        # a range reads the few hundred distinct minutes there are.
        minutes=fields.NUMERIC(int, bits=16, shift_step=16, stored=True),
        # Only sorted by, never searched: a column, without the 8 tiered terms a NUMERIC indexes.
        sortdate=fields.COLUMN(columns.NumericColumn("i", default=0)),
        # The web address it was saved from, shown with each hit; url: finds it normalised,
        # site: by its host and every domain above it (reader.library.addresses).
        url=fields.STORED(),
        address=fields.KEYWORD(analyzer=exact),
        site=fields.KEYWORD(analyzer=exact),
    )
    for name in ("title", "body", "authors", "tags", "source", "notes"):
        schema[name].format = TermPositions(field_boost=schema[name].format.field_boost)
    return schema


def date_number(day: dt.date | None) -> int:
    return day.year * 10000 + day.month * 100 + day.day if day else 0


def folder_key(path: str) -> str:
    """A folder path folded for matching: 'World/Asia-Pacific/' -> 'world/asia pacific'."""
    return "/".join(k for k in (fold_phrase(p) for p in path.strip("/").split("/")) if k)


def folder_keys(article_id: str) -> list[str]:
    """Every folder the article is inside: 'a/b/c.md' -> ['a', 'a/b']."""
    parts = article_id.split("/")[:-1]
    return [folder_key("/".join(parts[: i + 1])) for i in range(len(parts))]


def document(article: Article, words: int, notes: str = "") -> dict:
    """The Whoosh document of an article (words: its count, for the reading time)."""
    date = date_number(article.date)
    doc = dict(
        id=article.id,
        folder="\n".join(folder_keys(article.id)),
        title=article.title,
        body=article.text,
        authors="\n".join(article.authors),
        tags="\n".join(article.tags),
        tag="\n".join(fold_phrase(t) for t in article.tags),
        source=article.source,
        notes=notes,
        sortdate=date,
        minutes=min(minutes_for(words), MAX_MINUTES),
        lang=article.lang,
        url=article.url,
        address=url_key(article.url) if article.url else "",
        site="\n".join(site_keys(article.url)) if article.url else "",
    )
    if date:
        doc["date"] = date
    return doc
