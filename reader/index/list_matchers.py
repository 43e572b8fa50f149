"""Matchers over a segment's documents held as lists: a filter's sorted list, stepped by
bisection (Whoosh's ListMatcher steps one by one), and documents with their weights worked
out as numpy columns (a phrase's, a prefix's), whose lists are made only if Whoosh steps
them."""

from __future__ import annotations

from bisect import bisect_left

from whoosh.matching import ListMatcher, ReadTooFar


class SortedListMatcher(ListMatcher):
    """Whoosh's ListMatcher, skipping by bisection (its own steps one by one)."""

    def skip_to(self, id):
        if not self.is_active():
            raise ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect_left(self._ids, id, self._i)


class ColumnListMatcher(SortedListMatcher):
    """Documents and their weights worked out as numpy columns (a phrase's, a prefix's):
    `columns` for whole-column scoring (reader.search.column_scoring), and the lists
    Whoosh's matchers step made from them only if Whoosh collects the search."""

    def __init__(self, docs, weights, position: int = 0):
        super().__init__(None, position=position)
        del self._ids, self._weights  # made on first use, by __getattr__
        self.columns = (docs, weights)

    def __getattr__(self, name):
        if name not in ("_ids", "_weights"):
            raise AttributeError(name)
        docs, weights = self.__dict__["columns"]
        self._ids, self._weights = docs.tolist(), weights.tolist()
        return self.__dict__[name]

    def copy(self):
        return ColumnListMatcher(*self.columns, position=self._i)
