"""The find bar under the article (Ctrl+F): a field, how many matches, previous, next, close."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget


class FindBar(QWidget):
    changed = Signal(str)  # the text to find
    stepped = Signal(bool)  # to the next match (True) or the previous one
    closed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("findBar")
        self.field = QLineEdit()
        self.field.setObjectName("findField")
        self.field.setPlaceholderText("Find in article")
        self.count = QLabel("")
        self.count.setObjectName("findCount")
        previous = QToolButton(text="▲", toolTip="Previous match (Shift+F3)")
        following = QToolButton(text="▼", toolTip="Next match (F3)")
        close = QToolButton(text="✕", toolTip="Close (Esc)")
        previous.clicked.connect(lambda: self.stepped.emit(False))
        following.clicked.connect(lambda: self.stepped.emit(True))
        close.clicked.connect(self.closed.emit)
        self.field.textChanged.connect(self.changed.emit)
        self.field.returnPressed.connect(lambda: self.stepped.emit(True))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        for widget in (self.field, self.count, previous, following, close):
            layout.addWidget(widget)
        self.hide()

    def open(self) -> None:
        self.show()
        self.field.setFocus()
        self.field.selectAll()

    def found(self, count: int) -> None:
        """What a new search found: the first match of so many, or none."""
        self.count.setText(f"1 of {count}" if count else ("No matches" if self.field.text() else ""))

    def at(self, number: int, count: int) -> None:
        self.count.setText(f"{number} of {count}")
