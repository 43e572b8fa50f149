"""The reader's own marks on articles — read, with notes, with highlights, edited since
annotated — as a part of a Whoosh query (``is:unread``, ``has:notes``…).

The marks are not in the index: the index is a cache that may be deleted at any moment
(rule 2), and opening an article must not re-write it there. So the reading state and
the notes store say which articles carry a mark, and a Marked query turns those ids
into the documents of each segment, through the id column that every segment keeps.
Whoosh then intersects, unites and counts them with the rest of the query like any
posting list: the count is that of the whole library, not of a page of hits.
"""

from __future__ import annotations

import weakref
from bisect import bisect_left
from collections.abc import Callable

from whoosh import matching, query as wq
from whoosh.matching import ReadTooFar

MARK_NAMES = ("read", "notes", "highlights", "edited")

Marks = Callable[[str], frozenset[str]]  # a mark's name -> the ids of the articles that carry it


def no_marks(_name: str) -> frozenset[str]:
    return frozenset()


# Each segment reader's id -> document number, made once per reader (a searcher keeps its
# readers until the index changes; a new reader gets its own).
_documents_of: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def documents_by_id(reader) -> dict[str, int]:
    """The live documents of one segment, by article id."""
    if not reader.has_column("id"):  # an index with no segment yet: no documents
        return {}
    found = _documents_of.get(reader)
    if found is None:
        ids = reader.column_reader("id")
        deleted = reader.has_deletions()
        found = {}
        for docnum, value in enumerate(ids):
            if value and not (deleted and reader.is_deleted(docnum)):
                found[value.decode("utf-8") if isinstance(value, bytes) else value] = docnum
        _documents_of[reader] = found
    return found


class Marked(wq.Query):
    """The documents of a set of article ids (or, without, every other document), each
    scored alike: a filter adds the same to every hit, so the ranking is the rest of the
    query's. Its own positive list even for is:unread, not Whoosh's Not: an intersection
    then skips along it by bisection instead of stepping an inverse document by document."""

    def __init__(self, name: str, ids: frozenset[str], without: bool = False):
        self.name = name
        self.ids = ids
        self.without = without

    def __eq__(self, other):
        return (isinstance(other, Marked) and (self.name, self.without) == (other.name, other.without)
                and self.ids == other.ids)

    def __hash__(self):
        return hash((self.name, self.without, len(self.ids)))

    def __repr__(self):
        return f"Marked({'not ' if self.without else ''}{self.name}: {len(self.ids)} articles)"

    __str__ = __repr__

    def estimate_size(self, ixreader):
        return ixreader.doc_count() - len(self.ids) if self.without else len(self.ids)

    def matcher(self, searcher, context=None):
        found = self.documents(searcher.reader())
        return SortedListMatcher(found) if found else matching.NullMatcher()

    def documents(self, reader) -> list[int]:
        """The segment's matching documents, ascending; kept per reader for the same marks
        (typing a query asks the same is:unread at each keystroke)."""
        kept = _lists_of.setdefault(reader, {})
        key = (self.without, self.ids)
        if key not in kept:
            documents = documents_by_id(reader)
            if self.without:
                found = sorted(n for i, n in documents.items() if i not in self.ids)
            elif len(self.ids) < len(documents):
                found = sorted(documents[i] for i in self.ids if i in documents)
            else:
                found = sorted(n for i, n in documents.items() if i in self.ids)
            if len(kept) > 8:
                kept.clear()
            kept[key] = found
        return kept[key]


_lists_of: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class SortedListMatcher(matching.ListMatcher):
    """Whoosh's ListMatcher, skipping by bisection (its own steps one by one)."""

    def skip_to(self, id):
        if not self.is_active():
            raise ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect_left(self._ids, id, self._i)


def marked_query(name: str, without: bool, marks: Marks):
    """The query for articles with the mark, or (without) those lacking it."""
    return Marked(name, frozenset(marks(name)), without)
