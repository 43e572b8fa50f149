"""All notes: every comment and highlight of the library in one list, newest first,
with a filter box that takes the query language (asked of the notes), as calibre's
annotations browser does. Opening one opens its article at the passage."""

from __future__ import annotations

import html

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from reader.library.catalog import ArticleInfo
from reader.notes.anchoring import DETACHED
from reader.notes.store import Note, local_time
from reader.service import NotesListing
from reader.ui.delegates import HtmlRowDelegate, rich_list
from reader.ui.models import date_text
from reader.ui.workers import Workers

FILTER_DELAY_MS = 120
NOTE_ROLE = Qt.UserRole + 50
QUOTE_CHARS = 280


class AllNotesModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.notes: list[Note] = []
        self.articles: dict[str, ArticleInfo] = {}

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.notes)

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        note = self.notes[index.row()]
        if role == Qt.DisplayRole:
            return note.text or (note.quote.exact if note.quote else "")
        if role == NOTE_ROLE:
            return note
        if role == Qt.ToolTipRole:
            return note.article
        return None

    def set_listing(self, listing: NotesListing) -> None:
        self.beginResetModel()
        self.notes = list(listing.notes)
        self.articles = dict(listing.articles)
        self.endResetModel()

    def row_html(self, note: Note, muted: str, accent: str) -> str:
        info = self.articles.get(note.article)
        title = html.escape(note.article_title or note.article)
        marks = []
        if note.orphaned or info is None:
            marks.append("article missing")
        elif note.anchor is not None and note.anchor.state == DETACHED:
            marks.append("passage no longer in the article")
        mark = "".join(f" &nbsp;<span style='color:{accent}'>⚠ {m}</span>" for m in marks)
        dated = f" · {date_text(info.date)}" if info and info.date else ""
        parts = [f"<div style='color:{muted}; font-size:small'>{html.escape(local_time(note.created))}"
                 f" &nbsp;·&nbsp; <b>{title}</b>{dated}{mark}</div>"]
        if note.quote:
            exact = note.quote.exact
            exact = exact if len(exact) <= QUOTE_CHARS else exact[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
            parts.append(f"<div style='margin-top:3px'><i>“{html.escape(exact)}”</i></div>")
        if note.text:
            parts.append(f"<div style='margin-top:3px'>{html.escape(note.text).replace(chr(10), '<br>')}</div>")
        return "".join(parts)


class _NoteDelegate(HtmlRowDelegate):
    def html_for(self, index, palette, selected):
        muted, accent = self.colors(palette, selected)
        return index.model().row_html(index.data(NOTE_ROLE), muted, accent)


class AllNotesPane(QWidget):
    note_activated = Signal(str, int)  # article id, note id: open the article at the note

    def __init__(self, parent=None):
        super().__init__(parent)
        self.workers: Workers | None = None
        self.seq = 0
        self.filter_field = QLineEdit()
        self.filter_field.setObjectName("allNotesFilter")
        self.filter_field.setPlaceholderText("Filter: words, \"a phrase\", title:, date:2025 …")
        self.filter_field.setClearButtonEnabled(True)
        self.count = QLabel("")
        self.count.setObjectName("allNotesCount")
        self.model = AllNotesModel(self)
        self.view = rich_list("allNotesView", self.model, _NoteDelegate)
        top = QHBoxLayout()
        top.setContentsMargins(8, 6, 8, 0)
        top.addWidget(QLabel("<b>All notes</b>"))
        top.addWidget(self.filter_field, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

        self.timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self.filter_field.textChanged.connect(lambda _: self.timer.start())
        self.filter_field.returnPressed.connect(self._open_current)
        self.timer.timeout.connect(self.refresh)
        self.view.activated.connect(self._open)
        self.view.clicked.connect(self._open)

    def set_workers(self, workers: Workers | None) -> None:
        self.workers = workers
        self.seq += 1
        self.model.set_listing(NotesListing([], {}))
        if workers is None:
            self.timer.stop()

    def focus(self) -> None:
        self.filter_field.setFocus()
        self.filter_field.selectAll()

    def refresh(self) -> None:
        """Ask for the notes that the filter finds (all of them when it is empty)."""
        if self.workers is None:
            return
        self.seq += 1
        seq, query = self.seq, self.filter_field.text()
        self.workers.call(self.workers.notes, lambda svc: svc.notes_matching(query),
                          lambda listing: self._on_listing(seq, listing), stale=lambda: seq != self.seq)

    def _on_listing(self, seq: int, listing: NotesListing) -> None:
        if seq != self.seq:
            return
        self.model.set_listing(listing)
        count = len(listing.notes)
        filtered = " found" if self.filter_field.text().strip() else ""
        self.count.setText(f"{count} note{'s' if count != 1 else ''}{filtered}")

    def _open(self, index: QModelIndex) -> None:
        note = index.data(NOTE_ROLE) if index.isValid() else None
        if note is not None:
            self.note_activated.emit(note.article, note.id)

    def _open_current(self) -> None:
        index = self.view.currentIndex()
        self._open(index if index.isValid() else self.model.index(0))
