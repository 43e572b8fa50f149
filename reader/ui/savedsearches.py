"""The side panel's saved searches: each with how many articles it finds now (counted on
the searcher thread whenever the library, the notes or the reading state move), run by
a click, saved from the search field, renamed, reordered (drag, or the context menu)
and deleted. The store itself is reader.search.saved_searches."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QInputDialog, QLabel, QListWidget, QListWidgetItem, QMenu, QToolButton, QVBoxLayout,
    QWidget,
)

from reader.search.saved_searches import SavedSearch, SavedSearchError, SavedSearches
from reader.ui.workers import Workers

NAME_ROLE = Qt.UserRole + 41
RECOUNT_DELAY_MS = 250  # opening articles in a row recounts once


class SavedSearchesPane(QWidget):
    chosen = Signal(str)  # the query of the saved search clicked
    message = Signal(str)  # for the status bar

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("savedSearches")
        self.workers: Workers | None = None
        self.store: SavedSearches | None = None
        self.counts: dict[str, int] = {}
        self.dialog: QInputDialog | None = None
        self.list = QListWidget()
        self.list.setObjectName("savedSearchList")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.list.setWordWrap(True)  # "Edited since annotated (3)" in a narrow side panel
        self.list.setTextElideMode(Qt.ElideNone)
        self.list.setDragDropMode(QAbstractItemView.InternalMove)
        self.list.setContextMenuPolicy(Qt.CustomContextMenu)
        self.list.itemClicked.connect(lambda item: self.chosen.emit(self._saved(item).query))
        self.list.itemActivated.connect(lambda item: self.chosen.emit(self._saved(item).query))
        self.list.customContextMenuRequested.connect(self._context_menu)
        # After the drop has finished: the list is filled again from the store.
        self.list.model().rowsMoved.connect(lambda *_: QTimer.singleShot(0, self._on_dragged))
        self.save_button = QToolButton()
        self.save_button.setObjectName("saveSearchButton")
        self.save_button.setText("+")
        self.save_button.setToolTip("Save the current search (Ctrl+S)")
        self.save_button.setAutoRaise(True)
        # What happened to a damaged file, said where the reader looks for the searches
        # (the status bar moves on within a second at launch); gone at the next change.
        self.problem = QLabel("")
        self.problem.setObjectName("savedSearchProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.timer = QTimer(self, singleShot=True, interval=RECOUNT_DELAY_MS)
        self.timer.timeout.connect(self._count)
        heading = QHBoxLayout()
        heading.setContentsMargins(0, 0, 0, 0)
        title = QLabel("<b>Saved searches</b>")
        title.setContentsMargins(2, 2, 0, 2)
        heading.addWidget(title, 1)
        heading.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(heading)
        layout.addWidget(self.problem)
        layout.addWidget(self.list)

    def set_workers(self, workers: Workers | None, store: SavedSearches | None = None) -> None:
        self.workers = workers
        self.store = store
        self.counts = {}
        self._fill()
        self.problem.setText(store.problem if store is not None and store.problem else "")
        self.problem.setVisible(bool(self.problem.text()))
        self.recount()

    # ------------------------------------------------------------ showing

    def _saved(self, item: QListWidgetItem) -> SavedSearch:
        return next(s for s in self.store.items if s.name == item.data(NAME_ROLE))

    def _fill(self) -> None:
        current = self.list.currentItem().data(NAME_ROLE) if self.list.currentItem() else None
        self.list.blockSignals(True)
        self.list.clear()
        for saved in self.store.items if self.store else ():
            count = self.counts.get(saved.name)
            item = QListWidgetItem(saved.name + (f"  ({count})" if count is not None else ""))
            item.setData(NAME_ROLE, saved.name)
            item.setToolTip(saved.query)
            self.list.addItem(item)
            if saved.name == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def names(self) -> list[str]:
        return [self.list.item(r).data(NAME_ROLE) for r in range(self.list.count())]

    def match(self, query: str) -> None:
        """Select the saved search the search field is running, if it is one."""
        wanted = query.strip()
        self.list.blockSignals(True)
        self.list.clearSelection()
        self.list.setCurrentItem(None)
        for row, saved in enumerate(self.store.items if self.store and wanted else ()):
            if saved.query == wanted:
                self.list.setCurrentRow(row)
                break
        self.list.blockSignals(False)

    # ------------------------------------------------------------ counting

    def recount(self) -> None:
        """Count again soon (the library, the notes or the reading state moved)."""
        if self.workers is not None:
            self.timer.start()

    def _count(self) -> None:
        if self.workers is not None:
            self.workers.call(self.workers.searcher, lambda svc: svc.saved_counts(), self._show_counts)

    def _show_counts(self, counted: list[tuple[SavedSearch, int]]) -> None:
        self.counts = {s.name: n for s, n in counted}
        self._fill()

    # ------------------------------------------------------------ changing

    def _change(self, change) -> bool:
        try:
            change(self.store)
        except SavedSearchError as exc:
            self.message.emit(str(exc)[:1].upper() + str(exc)[1:] + ".")
            return False
        self.problem.hide()
        self._fill()
        self.recount()
        return True

    def ask_to_save(self, query: str) -> None:
        """Ask for a name, then save the query under it."""
        if not query.strip():
            self.message.emit("Type a search first, then save it.")
            return
        self._ask("saveSearchDialog", "Save Search", f"Save “{query.strip()}” as:", "",
                  lambda name: self._change(lambda store: store.add(name, query)) and self.message.emit(
                      f"Saved search “{name.strip()}” added."))

    def ask_to_rename(self, name: str) -> None:
        self._ask("renameSearchDialog", "Rename Saved Search", "New name:", name,
                  lambda new: self._change(lambda store: store.rename(name, new)))

    def _ask(self, object_name: str, title: str, label: str, text: str, then) -> None:
        # Opened, not exec()'d: the window stays live, and a test can answer it.
        self.dialog = QInputDialog(self)
        self.dialog.setObjectName(object_name)
        self.dialog.setWindowTitle(title)
        self.dialog.setLabelText(label)
        self.dialog.setTextValue(text)
        self.dialog.textValueSelected.connect(then)
        self.dialog.open()

    def delete(self, name: str) -> None:
        if self._change(lambda store: store.delete(name)):
            self.message.emit(f"Saved search “{name}” deleted.")

    def move(self, name: str, position: int) -> None:
        self._change(lambda store: store.move(name, position))

    def _on_dragged(self) -> None:
        order = self.names()
        for position, name in enumerate(order):
            if self.store.items[position].name != name:
                self._change(lambda store, n=name, p=position: store.move(n, p))
                break

    def _context_menu(self, pos) -> None:
        item = self.list.itemAt(pos)
        if item is None or self.store is None:
            return
        name, row = item.data(NAME_ROLE), self.list.row(item)
        menu = QMenu(self)
        menu.addAction("Rename…", lambda: self.ask_to_rename(name))
        menu.addAction("Move Up", lambda: self.move(name, row - 1)).setEnabled(row > 0)
        menu.addAction("Move Down", lambda: self.move(name, row + 1)).setEnabled(row < self.list.count() - 1)
        menu.addSeparator()
        menu.addAction("Delete", lambda: self.delete(name))
        menu.popup(self.list.viewport().mapToGlobal(pos))

    def keyPressEvent(self, event) -> None:
        item = self.list.currentItem()
        if item is not None and event.key() == Qt.Key_F2:
            self.ask_to_rename(item.data(NAME_ROLE))
        elif item is not None and event.key() == Qt.Key_Delete:
            self.delete(item.data(NAME_ROLE))
        else:
            super().keyPressEvent(event)
