"""A search scored a whole column at a time: every match of a query, its BM25F score, the
exact count and the top N, computed over numpy arrays instead of Whoosh's collector
stepping document by document in Python (~15–20 µs a matching document: a word in 30,000
articles cost ~0.5 s at 100,000 articles).

What is worked out is Whoosh's own matcher tree for each segment, built by Whoosh's query
objects exactly as its collector would build it, so the tree's shape — and with it the
order in which each document's score is summed — is Whoosh's; reader.index.matcher_arrays
turns each matcher into arrays, to the last bit of Whoosh's scores. Matches are then ranked
by score, ties by document number (as Whoosh's top-N heap keeps them), or by date, newest
first, ties by the higher document number (as its reversed sort has them).

A matcher not known there (a DisjunctionMax, a scored list, a span query…) raises
Unsupported, and the search is collected by Whoosh as before (reader.search.hits).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reader.index.matcher_arrays import SegmentArrays, Unsupported, nothing
from reader.index.whoosh_fixes import trees_for_arrays
from reader.search.filters import sort_dates

__all__ = ["Matches", "Unsupported", "all_matches", "best", "newest", "ranked_columns"]


@dataclass
class Matches:
    """A search's matching documents (global numbers) and their scores, in document order."""

    docs: np.ndarray  # int64, ascending
    scores: np.ndarray  # float64


def ranked_columns(searcher, query, collector, limit: int, sort: str) -> tuple[int, list[tuple[int, float]]]:
    """The number of matches and the best limit (document, score) — by date: (document, its
    date number), as Whoosh's sorting collector gives them. collector: the one Whoosh would
    collect the search with (its matcher trees are built as for it)."""
    if sort == "date":
        collector = searcher.collector(limit=limit, sortedby="sortdate", reverse=True)
    matches = all_matches(collector, searcher, query)
    docs, scores = newest(matches, searcher, limit) if sort == "date" else best(matches, limit)
    return len(matches.docs), list(zip(docs.tolist(), scores.tolist()))


def all_matches(collector, searcher, query) -> Matches:
    """Every match of the query in every segment, each matcher tree built by Whoosh as the
    collector (prepared for this search) would build it; Unsupported if one cannot be
    worked out here."""
    collector.prepare(searcher, query, searcher.context())
    scored = collector.context.weighting is not None
    parts_docs, parts_scores = [], []
    for subsearcher, offset in searcher.leaf_searchers():
        with trees_for_arrays():
            collector.set_subsearcher(subsearcher, offset)
        docs, scores = SegmentArrays(subsearcher.reader(), scored).evaluate(collector.matcher)
        parts_docs.append(docs + offset)
        parts_scores.append(scores)
    if not parts_docs:
        return Matches(*nothing())
    return Matches(np.concatenate(parts_docs), np.concatenate(parts_scores))


def best(matches: Matches, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The count best matches (documents, scores): highest score first, ties by document."""
    docs, scores = matches.docs, matches.scores
    if len(docs) > count:
        # Everything at least as good as the count-th score: ties at the edge stay in, so
        # the tie order below is that of the whole set.
        edge = np.partition(scores, len(scores) - count)[len(scores) - count]
        keep = scores >= edge
        docs, scores = docs[keep], scores[keep]
    order = np.lexsort((docs, -scores))[:count]
    return docs[order], scores[order]


def newest(matches: Matches, searcher, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The count newest matches (documents, their date numbers): ties by the higher document
    number first, as Whoosh's reversed sort has them."""
    # The segments' documents are numbered one after the other: their dates, side by side,
    # are every document's by its global number.
    dates = [sort_dates(reader) for reader, _ in searcher.reader().leaf_readers()]
    keys = np.concatenate(dates)[matches.docs] if dates else np.zeros(0, dtype=np.int64)
    order = np.lexsort((matches.docs, keys))[::-1][:count]
    return matches.docs[order], keys[order].astype(np.float64)


