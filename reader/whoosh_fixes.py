"""Fixes to Whoosh (unmaintained) that the index depends on, applied once on import.

Each fix is small, keeps Whoosh's behaviour, and says what it measured.
"""

from __future__ import annotations

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
        self._readers[fieldname] = reader
        return reader


def apply() -> None:
    global _applied
    if _applied:
        return
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    _applied = True
