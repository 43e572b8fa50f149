"""Fixes to Whoosh (unmaintained) that the index depends on, applied once on import.

Each fix is small, keeps Whoosh's behaviour, and says what it measured.
"""

from __future__ import annotations

import pickle
from array import array
from itertools import islice

from whoosh import externalsort
from whoosh.codec import whoosh3

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
            reader = _Lengths(reader.load())
        self._readers[fieldname] = reader
        return reader


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


def apply() -> None:
    global _applied
    if _applied:
        return
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    externalsort.SortingPool._write_run = _write_run
    externalsort.SortingPool._read_run = _read_run
    _applied = True
