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
from collections.abc import Callable

from whoosh import matching, query as wq

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
    """The documents of a set of article ids, each scored alike (a filter adds the same
    to every hit, so the ranking is the rest of the query's)."""

    def __init__(self, name: str, ids: frozenset[str]):
        self.name = name
        self.ids = ids

    def __eq__(self, other):
        return isinstance(other, Marked) and self.name == other.name and self.ids == other.ids

    def __hash__(self):
        return hash((self.name, len(self.ids)))

    def __repr__(self):
        return f"Marked({self.name}: {len(self.ids)} articles)"

    __str__ = __repr__

    def estimate_size(self, ixreader):
        return len(self.ids)

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        documents = documents_by_id(reader)
        if len(self.ids) < len(documents):
            found = sorted(documents[i] for i in self.ids if i in documents)
        else:
            found = sorted(n for i, n in documents.items() if i in self.ids)
        return matching.ListMatcher(found) if found else matching.NullMatcher()


def marked_query(name: str, without: bool, marks: Marks):
    """The query for articles with the mark, or (without) those lacking it."""
    query = Marked(name, frozenset(marks(name)))
    return wq.Not(query) if without else query
