"""Two small buttons by a selection in the article — Highlight, Comment… — as reading
apps offer them, so a passage is marked without a trip to a menu or a key. The same on a
PDF's pages (reader.ui.pdfview)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAction, QTextCursor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton

from reader.ui.articleview import ArticleView


class SelectionPopup(QFrame):
    def __init__(self, view, highlight: QAction, comment: QAction):
        super().__init__(view.viewport())
        self.setObjectName("selectionPopup")
        self.view = view
        self.setFrameShape(QFrame.StyledPanel)
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(3, 2, 3, 2)
        layout.setSpacing(2)
        for action, name, label in ((highlight, "highlightButton", "Highlight"), (comment, "commentButton", "Comment…")):
            button = QToolButton()
            button.setObjectName(name)
            button.setText(label)
            button.setToolTip(f"{action.text().replace('&', '')} ({action.shortcut().toString()})")
            button.setAutoRaise(True)
            button.setCursor(Qt.PointingHandCursor)
            button.clicked.connect(action.trigger)
            layout.addWidget(button)
        self.hide()
        view.selection_made.connect(self.show_by_selection)
        if isinstance(view, ArticleView):
            view.selectionChanged.connect(self._hide_when_gone)
        view.verticalScrollBar().valueChanged.connect(lambda _: self.hide())

    def _selection(self) -> tuple[QRect, QRect] | None:
        """Where the selection starts and ends in the view's viewport."""
        if not isinstance(self.view, ArticleView):
            found = self.view.selection_rects()
            return (found[0].toRect(), found[1].toRect()) if found else None
        cursor = self.view.textCursor()
        if not cursor.hasSelection():
            return None
        first = QTextCursor(cursor)
        first.setPosition(cursor.selectionStart())
        return self.view.cursorRect(first), self.view.cursorRect(cursor)

    def show_by_selection(self) -> None:
        found = self._selection()
        if found is None:
            self.hide()
            return
        self.adjustSize()
        start, end = found
        viewport = self.view.viewport().rect()
        x = min(max(4, end.left() - self.width() // 2), viewport.width() - self.width() - 4)
        y = end.bottom() + 6  # below the selection; with no room there, above its first line
        if y + self.height() > viewport.height() - 4:
            x = min(max(4, start.left()), viewport.width() - self.width() - 4)
            y = max(4, start.top() - self.height() - 6)
        self.move(QPoint(x, y))
        self.show()
        self.raise_()

    def _hide_when_gone(self) -> None:
        if not self.view.textCursor().hasSelection():
            self.hide()
