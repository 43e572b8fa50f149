"""Fixes to Whoosh (unmaintained) that the index depends on, applied once on import.

Each fix is small, keeps Whoosh's behaviour, and says what it measured.
"""

from __future__ import annotations

import pickle
import threading
from array import array
from contextlib import contextmanager
from bisect import bisect_left
from itertools import compress, islice

from whoosh import externalsort, matching
from whoosh.codec import whoosh3
from whoosh.matching import binary, wrappers
from whoosh.matching.combo import ArrayUnionMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query.spans import Span, SpanNear2

_applied = False


def _cached_reader(self, fieldname, column):
    # Whoosh caches a lengths-column reader only when the column exists, so a field
    # without lengths (our unscored vocab/tag/folder fields) stats a file for every
    # posting written: 288,000 stat calls, 60% of the 857-article corpus build.
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        if reader is not None and column is whoosh3.LENGTHS_COLUMN:
            reader = _Lengths(_length_bytes(reader))
        self._readers[fieldname] = reader
        return reader


def _length_bytes(reader) -> array:
    """A lengths column's bytes (one a document: its length byte). Whoosh's load() unpacks
    them one by one: 11 ms for 10,000 documents, the bulk of the first search after a launch."""
    raw = fixed_column_bytes(reader) if getattr(reader, "_fixedlen", 0) == 1 else None
    return reader.load() if raw is None else array("B", raw)


def fixed_column_bytes(column) -> bytes | None:
    """A fixed-width column's values as they lie in the file, one after another, up to the
    last document written (later ones have the column's default); None for another kind."""
    raw = getattr(column, "_dbfile", None)
    if raw is None or not hasattr(column, "_fixedlen"):
        return None
    return raw.get(column._basepos, column._count * column._fixedlen)


class _Lengths:
    """A field's lengths column held in memory: one byte per document, read for every
    posting written at commit and every document scored. From the file that is a seek
    and a read each (3.1 s of a 1,000-article build); in memory it is 10 KB per 10k."""

    __slots__ = ("_values",)

    def __init__(self, values: array):
        self._values = values

    def __getitem__(self, docnum: int) -> int:
        # The column stops at the last document with a length; later ones have none.
        return self._values[docnum] if docnum < len(self._values) else 0

    def __iter__(self):
        return iter(self._values)


RUN_CHUNK = 4096


def _write_run(self, f, items):
    # Whoosh pickles each posting of a spilled run on its own, and unpickles it one
    # by one at commit: 16 µs a posting, a fifth of a 3,000-article build once its
    # pool passes limitmb. Whole chunks pickle at C speed.
    items = iter(items)
    while chunk := list(islice(items, RUN_CHUNK)):
        pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
    f.close()


def _read_run(self, path):
    f = self._open_run(path)
    try:
        while True:
            try:
                chunk = pickle.load(f)
            except EOFError:
                return
            yield from chunk
    finally:
        f.close()
        self._remove_run(path)


class FastArrayUnionMatcher(ArrayUnionMatcher):
    """Whoosh's array union (scores of a block of 2,048 documents summed in an array),
    with its per-slot Python loops done in C: zeroing the array and finding the next
    scored document (a bisect in the block's list of scored documents, made once).
    It serves every OR of many terms (prefix and fuzzy expansions, date ranges) and,
    per segment of up to 5,000 documents, Whoosh's own ORs."""

    def __init__(self, submatchers, doccount, boost=1.0, scored=True, partsize=2048):
        self._zeros = array("d", bytes(8 * (partsize or doccount)))
        self._hits: list[int] = []
        super().__init__(submatchers, doccount, boost=boost, scored=scored, partsize=partsize)

    def _read_part(self):
        if unstepped():
            self.__class__ = UnsteppedArrayUnion
            return
        boost = self._boost
        scored = self._scored
        offset = self._docnum
        limit = min(offset + self._partsize, self._doccount)
        a = self._a
        a[:] = self._zeros
        for m in self._submatchers:
            while m.is_active() and m.id() < limit:
                if scored:
                    a[m.id() - offset] += m.score() * boost
                else:
                    a[m.id() - offset] = 1
                m.next()
        self._offset = offset
        self._limit = limit
        self._hits = list(compress(range(offset, limit), a[: limit - offset]))

    def _find_next(self):
        hits = self._hits
        i = bisect_left(hits, self._docnum)
        if i < len(hits):
            self._docnum = hits[i]
        else:
            self._docnum = self._min_id()
            if self._docnum < self._doccount:
                self._read_part()

    def all_ids(self):
        while self._docnum < self._doccount:
            hits = self._hits
            yield from hits[bisect_left(hits, self._docnum):]
            self._docnum = self._min_id()
            if self._docnum < self._doccount:
                self._read_part()


_trees = threading.local()


@contextmanager
def _trees_unstepped(flag: bool):
    before, _trees.unstepped = unstepped(), flag
    try:
        yield
    finally:
        _trees.unstepped = before


def trees_for_arrays():
    """Matcher trees built, in this thread, to be worked out as arrays (reader.index.
    matcher_arrays) and never stepped: their constructors skip stepping to the first match
    (an intersection of two words walked both in Python to their first common document:
    a fifth of a two-word search at 100,000 articles)."""
    return _trees_unstepped(True)


def stepped_trees():
    """Inside trees_for_arrays, a matcher Whoosh steps as it builds it (a span phrase walks
    its words' intersection to the first place they stand together)."""
    return _trees_unstepped(False)


def unstepped() -> bool:
    return getattr(_trees, "unstepped", False)


class _Unstepped:
    """A matcher built inside trees_for_arrays, not yet moved to its first match. What the
    arrays read of it (its children and settings) is read as is; anything else — a matcher
    Whoosh steps as it builds it, like a span phrase over an intersection — first takes
    the skipped step, and the matcher is then its own class again."""

    _READ_AS_IS = frozenset(("a", "b", "child", "limit", "missing", "_weight", "_submatchers", "_doccount",
                             "_scored", "_boost", "__class__", "__dict__"))

    def __getattribute__(self, name):
        if name not in _Unstepped._READ_AS_IS:
            stock = type(self).__mro__[2]
            object.__setattr__(self, "__class__", stock)
            _FIRST_STEPS[stock](self)
        return object.__getattribute__(self, name)


class UnsteppedIntersection(_Unstepped, binary.IntersectionMatcher):
    pass


class UnsteppedInverse(_Unstepped, wrappers.InverseMatcher):
    pass


class UnsteppedArrayUnion(_Unstepped, FastArrayUnionMatcher):
    pass


_stock_find_first = binary.IntersectionMatcher._find_first
_FIRST_STEPS = {binary.IntersectionMatcher: _stock_find_first, wrappers.InverseMatcher: wrappers.InverseMatcher._find_next,
                FastArrayUnionMatcher: FastArrayUnionMatcher._read_part}


def _find_first(self):
    if unstepped():
        self.__class__ = UnsteppedIntersection
    else:
        _stock_find_first(self)


def unfiltered(matcher) -> tuple[object, frozenset[int]]:
    """A segment's term matcher without the filter Whoosh wraps it in when the segment has
    deleted documents, and those documents (read whole, they must be left out by hand)."""
    if isinstance(matcher, FilterMatcher) and matcher._exclude:
        return matcher.child, frozenset(matcher._ids)
    return matcher, frozenset()


def deleted_documents(reader):
    """A segment's deleted documents, as a numpy array."""
    import numpy as np  # here: checking an index (every launch) needs no numpy

    found = reader.deleted_docs_set  # a method of Whoosh's reader, a set once cached
    found = found() if callable(found) else found
    return np.fromiter(found, dtype=np.int64, count=len(found))


def posting_ids(reader, fieldname: str, text: str) -> set[int]:
    """The live document numbers of one term in one segment, read a block at a time:
    Whoosh's all_ids() steps posting by posting in Python (~5 µs each)."""
    matcher, deleted = unfiltered(reader.postings(fieldname, text))
    if not isinstance(matcher, whoosh3.W3LeafMatcher):
        return set(matcher.all_ids()) - deleted
    found: set[int] = set()
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        found.update(matcher._ids[matcher._i:])
        matcher._next_block()
    return found - deleted


_spans_of_near = SpanNear2.SpanNear2Matcher._get_spans  # Whoosh's own, for any other kind of span


def _adjacent_spans(self):
    """Where an exact phrase (slop 1, in order: every Phrase query) occurs in the current
    document, found by set arithmetic on its words' positions. Whoosh builds a Span object
    per position and walks them pairwise (55,000 candidate documents of the benchmark's
    phrases: 2.2 s of its 4.1). The same spans come out, and the words' intersection
    still scores each document, so results are identical (a differential test)."""
    if self.slop != 1 or not self.ordered or self.mindist != 1:
        return _spans_of_near(self)
    ms = self.ms
    starts = set(ms[0].value_as("positions"))
    for offset in range(1, len(ms)):
        if not starts:
            return []
        starts.intersection_update([p - offset for p in ms[offset].value_as("positions")])
    last = len(ms) - 1
    return [Span(start, start + last) for start in sorted(starts)]


def apply() -> None:
    global _applied
    if _applied:
        return
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    externalsort.SortingPool._write_run = _write_run
    externalsort.SortingPool._read_run = _read_run
    matching.ArrayUnionMatcher = FastArrayUnionMatcher
    SpanNear2.SpanNear2Matcher._get_spans = _adjacent_spans
    binary.IntersectionMatcher._find_first = _find_first
    wrappers.InverseMatcher.__init__ = _inverse_init
    _applied = True


def _inverse_init(self, child, limit, missing=None, weight=1.0, id=0):
    # Whoosh's, but for its last step (to the first document the child lacks) when the
    # tree is for arrays (then it is an UnsteppedInverse until something steps it).
    wrappers.WrappingMatcher.__init__(self, child)
    self.limit, self._weight, self._id = limit, weight, id
    self.missing = missing or (lambda id: False)
    if unstepped():
        self.__class__ = UnsteppedInverse
    else:
        self._find_next()
