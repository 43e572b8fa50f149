"""The find bar under the article (Ctrl+F): a field, how many matches, previous, next,
close; it finds in whichever surface the article is read on (its text, or a PDF's pages)."""

from __future__ import annotations

from collections.abc import Callable

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
        self.current: Callable[[], object] = lambda: None
        self.finders: tuple = ()
        self.done: Callable[[], None] = lambda: None
        self.changed.connect(self.search)
        self.stepped.connect(self.step)
        self.closed.connect(self.close_bar)
        self.hide()

    def attach(self, current: Callable[[], object], finders: tuple, done: Callable[[], None]) -> None:
        """Find in current() (each finder has find_all, step_find, match_count, clear_find);
        on closing, every finder's matches cleared, then done()."""
        self.current, self.finders, self.done = current, finders, done

    def start(self) -> None:
        """Ctrl+F: the bar open, the text in it found again."""
        self.open()
        self.search(self.field.text())

    def search(self, text: str) -> None:
        self.found(self.current().find_all(text))

    def refresh(self) -> None:
        """The article shown anew: its matches found again, if the bar is in use."""
        if self.isVisible() and self.field.text():
            self.search(self.field.text())

    def step(self, forward: bool) -> None:
        if not self.isVisible():
            self.start()
            return
        number = self.current().step_find(forward)
        if number:
            self.at(number, self.current().match_count)

    def close_bar(self) -> None:
        self.hide()
        for finder in self.finders:
            finder.clear_find()
        self.done()

    def open(self) -> None:
        self.show()
        self.field.setFocus()
        self.field.selectAll()

    def found(self, count: int) -> None:
        """What a new search found: the first match of so many, or none."""
        self.count.setText(f"1 of {count}" if count else ("No matches" if self.field.text() else ""))

    def at(self, number: int, count: int) -> None:
        self.count.setText(f"{number} of {count}")
