"""Filters answered as lists of documents: the reader's own marks on articles (read, with
notes, with highlights, edited since annotated: ``is:unread``, ``has:notes``…), the
reading time (``minutes:<10``) and dates (``date:2015``), as parts of a Whoosh query.

A filter is a sorted list of a segment's documents, kept per segment reader for the
same question (typing a query asks the same is:unread at every keystroke), and stepped
by bisection where an intersection skips along it. Whoosh's own ways were a Not stepping
an inverse document by document, and a union of posting lists walked in Python.

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

from reader.index import whoosh_fixes
from reader.index.list_matchers import SortedListMatcher

Marks = Callable[[str], frozenset[str]]  # a mark's name -> the ids of the articles that carry it


def no_marks(_name: str) -> frozenset[str]:
    return frozenset()


# Each segment reader's id -> document number, made once per reader (a searcher keeps its
# readers until the index changes; a new reader gets its own).
_documents_of: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Each segment reader's filter lists, by the filter's key (see Listed.documents).
_lists_of: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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


class Listed(wq.Query):
    """A query whose documents in a segment are a list worked out once (documents()), each
    scored alike: a filter adds the same to every hit, so the ranking is the rest of the
    query's."""

    def key(self) -> tuple:
        raise NotImplementedError

    def find(self, reader) -> list[int]:
        raise NotImplementedError

    def __eq__(self, other):
        return type(other) is type(self) and other.key() == self.key()

    def __hash__(self):
        return hash(self.key())

    def __str__(self):
        return repr(self)

    def matcher(self, searcher, context=None):
        found = self.documents(searcher.reader())
        return SortedListMatcher(found) if found else matching.NullMatcher()

    def documents(self, reader) -> list[int]:
        """The segment's matching documents, ascending (kept per reader)."""
        kept = _lists_of.setdefault(reader, {})
        key = self.key()
        if key not in kept:
            if len(kept) > 8:
                kept.clear()
            kept[key] = self.find(reader)
        return kept[key]


class Marked(Listed):
    """The documents of a set of article ids (or, without, every other document): its own
    positive list even for is:unread."""

    def __init__(self, name: str, ids: frozenset[str], without: bool = False):
        self.name = name
        self.ids = ids
        self.without = without

    def key(self) -> tuple:
        return ("mark", self.name, self.without, self.ids)

    def __repr__(self):
        return f"Marked({'not ' if self.without else ''}{self.name}: {len(self.ids)} articles)"

    def estimate_size(self, ixreader):
        return ixreader.doc_count() - len(self.ids) if self.without else len(self.ids)

    def find(self, reader) -> list[int]:
        documents = documents_by_id(reader)
        if self.without:
            return sorted(n for i, n in documents.items() if i not in self.ids)
        if len(self.ids) < len(documents):
            return sorted(documents[i] for i in self.ids if i in documents)
        return sorted(n for i, n in documents.items() if i in self.ids)


class NumberRange(Listed):
    """The documents whose one-term number field (the reading minutes) is within bounds
    (inclusive, None open): the union of the few terms in range, read a block at a time."""

    def __init__(self, fieldname: str, low: int | None, high: int | None):
        self.fieldname, self.low, self.high = fieldname, low, high

    def key(self) -> tuple:
        return ("range", self.fieldname, self.low, self.high)

    def __repr__(self):
        return f"NumberRange({self.fieldname}: {self.low}..{self.high})"

    def estimate_size(self, ixreader):
        return ixreader.doc_count()

    def find(self, reader) -> list[int]:
        if self.fieldname not in reader.schema or not reader.doc_count_all():
            return []
        field = reader.schema[self.fieldname]
        found: set[int] = set()
        for term in list(reader.lexicon(self.fieldname)):
            value = field.from_bytes(term)
            if (self.low is None or value >= self.low) and (self.high is None or value <= self.high):
                found |= whoosh_fixes.posting_ids(reader, self.fieldname, term)
        return sorted(found)


class DateSpan(Listed):
    """The dated articles whose date is within bounds (date numbers, inclusive; None open),
    read from every document's sortdate at once. Whoosh's NumericRange is an OR of up to
    ~15 tiered term ranges, each a union walked in Python (8 ms at 10,000 articles).
    Scored as Whoosh's constant-score range is: 1.0 a match."""

    def __init__(self, low: int | None, high: int | None):
        self.low, self.high = low, high

    def key(self) -> tuple:
        return ("date", self.low, self.high)

    def __repr__(self):
        return f"DateSpan({self.low}..{self.high})"

    def estimate_size(self, ixreader):
        return ixreader.doc_count()

    def find(self, reader) -> list[int]:
        import numpy as np  # here: the window imports the query side at launch

        dates = sort_dates(reader)
        wanted = dates > 0  # 0: an article without a date
        if self.low is not None:
            wanted &= dates >= self.low
        if self.high is not None:
            wanted &= dates <= self.high
        if reader.has_deletions():
            wanted[whoosh_fixes.deleted_documents(reader)] = False
        return np.flatnonzero(wanted).tolist()


_dates_of: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def sort_dates(reader):
    """Every document's date number (0: none) in one segment, as a numpy array, from its
    sortdate column (kept per segment reader)."""
    found = _dates_of.get(reader)
    if found is None:
        import numpy as np

        doccount = reader.doc_count_all()
        found = np.zeros(doccount, dtype=np.int64)
        if reader.has_column("sortdate"):
            column = reader.column_reader("sortdate", translate=False)
            raw = whoosh_fixes.fixed_column_bytes(column) if getattr(column, "_typecode", "") == "i" else None
            if raw is not None:
                # Big-endian int32s; past the last document written, the column's default.
                values = np.frombuffer(raw, dtype=">i4")[:doccount]
                found[:len(values)] = values
                found[len(values):] = column._default
            else:
                found[:] = [column[n] for n in range(doccount)]
        _dates_of[reader] = found
    return found


def marked_query(name: str, without: bool, marks: Marks):
    """The query for articles with the mark, or (without) those lacking it."""
    return Marked(name, frozenset(marks(name)), without)
