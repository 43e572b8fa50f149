"""The library list: every article, newest first, filtered by the side panel.

Wide, it is a table (Title, Date, By, Tags, Notes) sorted by a click on a header.
Narrow (a small laptop, a narrow pane), the title needs the room: each row becomes
two lines — the title, then date · by · tags · notes — as feed readers draw them.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from reader.library.catalog import ArticleInfo
from reader.ui.delegates import COMPACT_ROW_HEIGHT, LibraryRowDelegate
from reader.ui.models import COLUMNS, ID_ROLE, LibraryFilter, LibraryModel

COMPACT_BELOW_PX = 600  # narrower than this, rows are two lines and only the title column shows
ROW_HEIGHT = 26
COLUMN_WIDTHS = {1: 92, 2: 104, 3: 84, 4: 52}


class LibraryPane(QWidget):
    article_activated = Signal(str)  # an article was clicked or Enter pressed on it
    counts_changed = Signal()  # the number of articles listed, or shown, changed

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = LibraryModel(self)
        self.filter = LibraryFilter(self)
        self.filter.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setObjectName("libraryView")
        self.view.setModel(self.filter)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setHighlightSections(False)
        for column, width in COLUMN_WIDTHS.items():
            header.setSectionResizeMode(column, QHeaderView.Interactive)
            self.view.setColumnWidth(column, width)
        self.view.sortByColumn(1, Qt.DescendingOrder)
        self._row_delegate = LibraryRowDelegate(self.view)
        self.compact = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

        self.view.activated.connect(self._activate)
        self.view.clicked.connect(self._activate)
        for signal in (self.filter.layoutChanged, self.filter.rowsInserted, self.filter.modelReset,
                       self.filter.rowsRemoved):
            signal.connect(lambda *_: self.counts_changed.emit())

    def _activate(self, index: QModelIndex) -> None:
        if index.isValid():
            self.article_activated.emit(index.data(ID_ROLE))

    # ------------------------------------------------------------ the width decides the shape

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.set_compact(self.width() < COMPACT_BELOW_PX)

    def set_compact(self, compact: bool) -> None:
        if compact == self.compact:
            return
        self.compact = compact
        for column in range(1, len(COLUMNS)):
            self.view.setColumnHidden(column, compact)
        self.view.setItemDelegateForColumn(0, self._row_delegate if compact else None)
        self.view.verticalHeader().setDefaultSectionSize(COMPACT_ROW_HEIGHT if compact else ROW_HEIGHT)
        self.view.setAlternatingRowColors(not compact)

    def sort_by(self, column: int) -> None:
        """Sort by a column (newest, or A to Z), also when its header is hidden."""
        order = Qt.DescendingOrder if column in (1, 4) else Qt.AscendingOrder
        self.view.sortByColumn(column, order)

    # ------------------------------------------------------------ what is listed

    def set_articles(self, articles: list[ArticleInfo]) -> None:
        self.model.set_articles(articles)

    def merge(self, batch: list[ArticleInfo]) -> None:
        self.model.merge(batch)

    def set_notes(self, counts: dict[str, int], edited: set[str] | None = None) -> None:
        self.model.set_note_counts(counts)
        if edited is not None:
            self.model.set_edited(edited)

    def filter_folder(self, folder: str | None) -> None:
        self.filter.set_folder(folder)

    def filter_tag(self, tag: str | None) -> None:
        self.filter.set_tag(tag)

    def ids(self) -> list[str]:
        """The listed articles in their shown order (previous/next follow it)."""
        return self.filter.ids()

    def info(self, article_id: str | None) -> ArticleInfo | None:
        return self.model.info(article_id) if article_id else None

    def count_text(self) -> str:
        total = len(self.model.articles)
        shown = self.filter.rowCount()
        text = f"{total} article{'s' if total != 1 else ''}"
        return text if shown == total else f"{shown} of {text}"

    def select(self, article_id: str | None) -> None:
        """Show the article as the current row, without opening it again."""
        if article_id is None:
            return
        ids = self.ids()
        if article_id in ids:
            index = self.filter.index(ids.index(article_id), 0)
            self.view.blockSignals(True)
            self.view.setCurrentIndex(index)
            self.view.blockSignals(False)
            self.view.scrollTo(index)
