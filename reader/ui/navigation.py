"""Previous and next: the articles before and after the open one in the list the reader
came from — the library in its sort and filter, or the search results."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal


class Navigation(QObject):
    changed = Signal(bool, bool)  # whether there is a previous, and a next, article to go to

    def __init__(self, lists: dict[str, Callable[[], list[str]]], parent=None):
        super().__init__(parent)
        self.lists = lists  # list name -> the ids it shows, in order
        self.source = "library"
        self.current: str | None = None

    def ids(self) -> list[str]:
        return self.lists[self.source]()

    def neighbours(self, ids: list[str] | None = None) -> tuple[str | None, str | None]:
        ids = self.ids() if ids is None else ids
        if self.current not in ids:
            return None, None
        pos = ids.index(self.current)
        return (ids[pos - 1] if pos > 0 else None), (ids[pos + 1] if pos + 1 < len(ids) else None)

    def target(self, delta: int) -> str | None:
        """The article delta steps away (+1 next, -1 previous); the first when the open
        one is not in the list; None past either end."""
        ids = self.ids()
        if not ids:
            return None
        if self.current not in ids:
            return ids[0]
        pos = ids.index(self.current) + delta
        return ids[pos] if 0 <= pos < len(ids) else None

    def update(self) -> None:
        ids = self.ids()  # one pass over the list (10k rows): reused below
        previous, following = self.neighbours(ids)
        self.changed.emit(previous is not None, following is not None or (bool(ids) and self.current not in ids))
