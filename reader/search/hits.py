"""What a search gives back: hits with their snippets and the fields they matched in,
ranked by relevance or date, and the exact number of matches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from whoosh import collectors

from reader.search.compiler import Compiled
from reader.search.snippets import Snippet, Terms, make_snippet, matches

_MATCHED_IN = {"title": "title", "body": "body", "authors": "authors", "tags": "tags", "tag": "tags", "notes": "notes"}


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    authors: tuple[str, ...]
    date: dt.date | None
    tags: tuple[str, ...]
    source: str
    score: float
    snippet: Snippet
    matched_in: tuple[str, ...]
    minutes: int = 0  # the reading time
    url: str = ""  # the web address it was saved from, "" when its file does not say


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[Hit]
    suggestion: str | None
    highlight: frozenset[str] = frozenset()  # stems to emphasise in the article view


def number_date(value: int | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        return None


class CountingTopCollector(collectors.TopCollector):
    """The top N hits, and the count of every match. Whoosh's TopCollector, once its
    heap is full, replaces the matcher with one that drops the parts of the query no
    document could enter the top N by (``matcher.replace(minscore)``), and counts only
    what is left: "crates" on 857 articles counted 64 with a limit of 1 and 324 with
    1,000. Keeping the minimum score at 0 keeps every part; block skipping is off too."""

    def __init__(self, limit: int):
        super().__init__(limit=limit, usequality=False)

    def _collect(self, global_docnum, score):
        result = super()._collect(global_docnum, score)
        self.minscore = 0
        return result


def ranked(searcher, compiled: Compiled, limit: int, sort: str, with_hits: bool,
           offset: int = 0, columns: bool = True) -> tuple[int, list[Hit]]:
    """The number of matches, and the hits ranked offset..limit-1 (none unless with_hits):
    scored a column at a time (reader.search.column_scoring), or by Whoosh's collector for
    a query that cannot be (columns=False: always by Whoosh, to compare the two)."""
    if columns:
        from reader.search.column_scoring import Unsupported, ranked_columns

        try:
            total, found = ranked_columns(searcher, compiled.query, CountingTopCollector(max(limit, 1)), max(limit, 1), sort)
        except Unsupported:
            total, found = _ranked_by_whoosh(searcher, compiled, limit, sort)
    else:
        total, found = _ranked_by_whoosh(searcher, compiled, limit, sort)
    if not with_hits:
        return total, []
    terms: dict[str, Terms] = {}  # per language: the hits of a page mostly share one
    return total, [hit_of(searcher.stored_fields(doc), score, compiled, terms) for doc, score in found[offset:limit]]


def _ranked_by_whoosh(searcher, compiled: Compiled, limit: int, sort: str) -> tuple[int, list[tuple[int, float]]]:
    """The number of matches and the top limit (document, score), collected by Whoosh."""
    if sort == "date":
        results = searcher.search(compiled.query, limit=max(limit, 1), sortedby="sortdate", reverse=True)
    else:
        collector = CountingTopCollector(max(limit, 1))
        searcher.search_with_collector(compiled.query, collector)
        results = collector.results()
    return len(results), [(results.docnum(n), results.score(n)) for n in range(results.scored_length())]


def hit_of(stored: dict, score: float | None, compiled: Compiled, known: dict[str, Terms] | None = None) -> Hit:
    """A hit as shown (known: the Terms of each language, made once a page)."""
    lang = stored.get("lang", "")
    known = {} if known is None else known
    if lang not in known:
        known[lang] = Terms(compiled.terms_for(lang))
    terms = known[lang]
    body = stored.get("body", "")
    in_body = matches(body, terms, lang) if terms and body else []
    # Which fields matched, for the shown hits only: asking Whoosh (terms=True)
    # tracks terms for every matching document, a third of a broad query's time.
    matched = {_MATCHED_IN[name] for name in _MATCHED_IN
               if name != "body" and terms.found_in(stored.get(name, ""), lang)}
    matched = sorted(matched | ({"body"} if in_body else set()))
    snippet = make_snippet(body, terms, lang, found=in_body)
    if not snippet.spans and "notes" in matched:
        snippet = make_snippet(stored.get("notes", ""), terms, lang)
    return Hit(
        id=stored["id"],
        title=stored.get("title", ""),
        authors=tuple(a for a in stored.get("authors", "").split("\n") if a),
        date=number_date(stored.get("date")),
        tags=tuple(t for t in stored.get("tags", "").split("\n") if t),
        source=stored.get("source", ""),
        score=round(float(score or 0.0), 4),
        snippet=snippet,
        matched_in=tuple(matched),
        minutes=int(stored.get("minutes") or 0),
        url=stored.get("url") or "",
    )
