"""How much of the reading pane the comments take: the room they need (a heading and a
one-line box with none; each comment its height, up to COMMENTS_SHARE of the pane, then
they scroll), the article the rest — unless the reader has dragged the divider, which
then stays where they put it until they double-click it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QSplitter, QSplitterHandle

COMMENTS_SHARE = 0.35  # of the pane's height, the most the comments panel takes (its list then scrolls)


class CommentsRoom(QSplitter):
    """A vertical splitter of the article (first) and the comments panel (`self.comments`)."""

    resized_by_reader = Signal()  # the reader moved the divider (sizes then stay theirs)

    def __init__(self, orientation, parent=None):
        super().__init__(orientation, parent)
        self.sized_by_reader = False  # the divider where the reader put it, not where the comments need it
        self.splitterMoved.connect(self._moved_by_reader)

    def fit_comments(self) -> None:
        """Give the comments the room they need (up to COMMENTS_SHARE of the pane) and the
        article the rest — unless the reader has put the divider somewhere themselves."""
        total = sum(self.sizes())
        if self.sized_by_reader or self.comments.isHidden() or total <= 0:
            return
        self.comments.layout().activate()  # its minimum follows a box that just closed, before the splitter asks
        wanted = self.comments.wanted_height(int(total * COMMENTS_SHARE))
        wanted = min(wanted, total - self.widget(0).minimumSizeHint().height())
        if self.sizes()[1] != wanted:
            self.setSizes([total - wanted, wanted])

    def _moved_by_reader(self) -> None:
        self.sized_by_reader = True
        self.resized_by_reader.emit()

    def size_automatically(self) -> None:
        """Let the comments take the room they need again (a double-click on the divider)."""
        self.sized_by_reader = False
        self.resized_by_reader.emit()
        self.fit_comments()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_comments()

    def createHandle(self):
        return _Divider(self.orientation(), self)


class _Divider(QSplitterHandle):
    """The divider above the comments: dragged, it stays; double-clicked, it fits them again."""

    def mouseDoubleClickEvent(self, event) -> None:
        self.splitter().size_automatically()
