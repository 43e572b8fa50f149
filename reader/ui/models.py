"""Qt models over the engine's plain data: the library list and search results."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import (
    QAbstractListModel, QAbstractTableModel, QModelIndex, QRegularExpression, QSortFilterProxyModel, Qt, Signal,
)
from PySide6.QtGui import QFont

from reader.library.catalog import ArticleInfo
from reader.library.reading_time import minutes_text
from reader.search.hits import Hit

ID_ROLE = Qt.UserRole + 1
SORT_ROLE = Qt.UserRole + 2
SNIPPET_ROLE = Qt.UserRole + 3
DATE_ROLE = Qt.UserRole + 4
NOTES_ROLE = Qt.UserRole + 5
META_ROLE = Qt.UserRole + 6  # the second line of a compact row: date · by · tags · notes
FILTER_ROLE = Qt.UserRole + 7  # what the folder and tag filter reads: "id\x1f\x1etag\x1etag\x1e"

COLUMNS = ("Title", "Date", "By", "Tags", "Notes")


def date_text(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


class LibraryModel(QAbstractTableModel):
    """Every article, with its notes count and read state."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.articles: list[ArticleInfo] = []
        self._row_of: dict[str, int] = {}
        self.note_counts: dict[str, int] = {}
        self.edited: set[str] = set()  # changed since a note on them was written
        self.read: set[str] = set()
        self.sort_column = 1
        self.sort_order = Qt.DescendingOrder
        self._bold = QFont()
        self._bold.setBold(True)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.articles)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        info = self.articles[index.row()]
        column = index.column()
        if role == Qt.DisplayRole:
            return self._display(info, column)
        if role == ID_ROLE:
            return info.id
        if role == SORT_ROLE:
            return self._sort_key(info, column)
        if role == Qt.FontRole and column == 0 and info.id not in self.read:
            return self._bold
        if role == META_ROLE:
            return self._meta(info)
        if role == FILTER_ROLE:
            return f"{info.id}\x1f\x1e" + "".join(f"{t.casefold()}\x1e" for t in info.tags)
        if role == Qt.ToolTipRole:
            edited = "\n\nEdited since your notes on it." if info.id in self.edited else ""
            return f"{info.title}\n{info.id}" + (f"\n\n{info.summary}" if info.summary else "") + edited
        if role == Qt.TextAlignmentRole and column == 4:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def _display(self, info: ArticleInfo, column: int) -> str:
        if column == 0:
            return info.title
        if column == 1:
            return date_text(info.date)
        if column == 2:
            return ", ".join(info.authors) or info.source
        if column == 3:
            return ", ".join(info.tags)
        count = self.note_counts.get(info.id, 0)
        mark = " ⚠" if info.id in self.edited else ""
        return f"{count}{mark}" if count else ""

    def _meta(self, info: ArticleInfo) -> str:
        parts = [date_text(info.date), minutes_text(info.minutes), ", ".join(info.authors) or info.source,
                 ", ".join(info.tags)]
        count = self.note_counts.get(info.id, 0)
        if count:
            parts.append(f"✎ {count}" + (" · edited since your notes" if info.id in self.edited else ""))
        return "  ·  ".join(p for p in parts if p)

    def _sort_key(self, info: ArticleInfo, column: int):
        if column == 1:
            return info.date.toordinal() if info.date else 0  # undated sort below every date
        if column == 4:
            return self.note_counts.get(info.id, 0)
        return self._display(info, column).casefold()

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        """Sort the list itself (Python's sort: milliseconds for 10k rows), rather than
        letting a proxy call back into Python for every comparison."""
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        kept = [(self.articles[i.row()].id, i.column()) for i in old]
        self._sort_in_place()
        self.changePersistentIndexList(old, [self.index(self._row_of[a], c) for a, c in kept])
        self.layoutChanged.emit()

    def _sort_in_place(self) -> None:
        self.articles.sort(key=lambda a: a.title.casefold())  # ties stay A to Z: the sort below is stable
        self.articles.sort(key=lambda a: self._sort_key(a, self.sort_column),
                           reverse=self.sort_order == Qt.DescendingOrder)
        self._row_of = {a.id: i for i, a in enumerate(self.articles)}

    # ------------------------------------------------------------ changes

    def set_articles(self, articles: list[ArticleInfo]) -> None:
        self.beginResetModel()
        self.articles = list(articles)
        self._sort_in_place()
        self.endResetModel()

    def merge(self, batch: list[ArticleInfo]) -> None:
        """Add or refresh some articles (while indexing), keeping the rest."""
        fresh = [a for a in batch if a.id not in self._row_of]
        for info in batch:
            row = self._row_of.get(info.id)
            if row is not None:
                self.articles[row] = info
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        if fresh:
            start = len(self.articles)
            self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
            for offset, info in enumerate(fresh):
                self._row_of[info.id] = start + offset
                self.articles.append(info)
            self.endInsertRows()
            self.sort(self.sort_column, self.sort_order)

    def set_note_counts(self, counts: dict[str, int]) -> None:
        self.note_counts = counts
        self._all_changed()

    def set_edited(self, edited: set[str]) -> None:
        if edited != self.edited:
            self.edited = set(edited)
            self._all_changed()

    def _all_changed(self) -> None:
        if self.articles:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.articles) - 1, len(COLUMNS) - 1))

    def set_read(self, read: set[str]) -> None:
        self.read = read
        self._all_changed()

    def mark_read(self, article_id: str, read: bool = True) -> None:
        if (article_id in self.read) == read:
            return
        (self.read.add if read else self.read.discard)(article_id)
        row = self._row_of.get(article_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def info(self, article_id: str) -> ArticleInfo | None:
        row = self._row_of.get(article_id)
        return self.articles[row] if row is not None else None


class LibraryFilter(QSortFilterProxyModel):
    """The library as listed: filtered by folder and tag, sorted by any column.

    The filter is a regular expression Qt matches itself on each row's FILTER_ROLE, not a
    Python filterAcceptsRow: Qt would call that for every row on every reset, 70 ms at
    10,000 articles; with no folder or tag chosen Qt now accepts every row at once."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.folder: str | None = None
        self.tag: str | None = None
        self.setFilterRole(FILTER_ROLE)
        self.setFilterKeyColumn(0)
        # The filter reads folders and tags only: a change of notes or read marks (dataChanged
        # for every row) need not filter the rows again (41 ms at launch).
        self.setDynamicSortFilter(False)

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)  # the proxy keeps the source's order

    def set_folder(self, folder: str | None) -> None:
        self.folder = folder
        self._apply()

    def set_tag(self, tag: str | None) -> None:
        self.tag = tag
        self._apply()

    def _apply(self) -> None:
        folder = QRegularExpression.escape(self.folder + "/") if self.folder else ""
        tag = "[^\x1f]*\x1f.*\x1e" + QRegularExpression.escape(self.tag.casefold()) + "\x1e" if self.tag else ""
        self.setFilterRegularExpression(QRegularExpression("^" + folder + tag if folder or tag else ""))

    def accepts(self, info: ArticleInfo) -> bool:
        if self.folder and not info.id.startswith(self.folder + "/"):
            return False
        if self.tag and self.tag.casefold() not in {t.casefold() for t in info.tags}:
            return False
        return True

    def ids(self) -> list[str]:
        # The proxy keeps the source's order, so the list is read in Python: asking the
        # proxy row by row was half a second at 10,000 articles.
        return [info.id for info in self.sourceModel().articles if self.accepts(info)]


class ResultsModel(QAbstractListModel):
    """The hits of the current search, in rank (or date) order: a first page, then more
    as the view scrolls to the end (Qt's fetchMore), since each hit's snippet costs."""

    more_wanted = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.hits: list[Hit] = []
        self.total = 0
        self.query = ""
        self.fetching = False

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        hit = self.hits[index.row()]
        if role == Qt.DisplayRole:
            return hit.title
        if role == ID_ROLE:
            return hit.id
        if role == DATE_ROLE:
            return "  ·  ".join(p for p in (date_text(hit.date), minutes_text(hit.minutes)) if p)
        if role == SNIPPET_ROLE:
            return hit.snippet.marked("\x01", "\x02")
        if role == NOTES_ROLE:
            return "notes" in hit.matched_in
        if role == Qt.ToolTipRole:
            return hit.id
        return None

    def set_hits(self, hits: list[Hit], total: int = 0, query: str = "") -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.total = max(total, len(self.hits))
        self.query = query
        self.fetching = False
        self.endResetModel()

    def add_hits(self, hits: list[Hit]) -> None:
        self.fetching = False
        known = {h.id for h in self.hits}
        hits = [h for h in hits if h.id not in known]  # the index may have moved on
        if hits:
            self.beginInsertRows(QModelIndex(), len(self.hits), len(self.hits) + len(hits) - 1)
            self.hits.extend(hits)
            self.endInsertRows()
        else:
            self.total = len(self.hits)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and not self.fetching and len(self.hits) < self.total

    def fetchMore(self, parent=QModelIndex()) -> None:
        if self.canFetchMore(parent):
            self.fetching = True
            self.more_wanted.emit()

    def ids(self) -> list[str]:
        return [h.id for h in self.hits]


def marked_html(text: str, bold_color: str) -> str:
    """Snippet text with \\x01…\\x02 markers as escaped HTML with the hits emphasised."""
    escaped = html.escape(text, quote=False)
    return escaped.replace("\x01", f"<b style='color:{bold_color}'>").replace("\x02", "</b>")
