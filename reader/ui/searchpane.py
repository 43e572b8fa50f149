"""Search as you type: the search field, the results a page at a time, the count and
did-you-mean. Searches run on the searcher thread; an answer to anything but the last
query typed is dropped."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from reader.search.hits import SearchResults
from reader.search.snippets import Terms
from reader.ui.delegates import HitDelegate, rich_list
from reader.ui.models import ID_ROLE, ResultsModel
from reader.ui.workers import Workers

SEARCH_DELAY_MS = 30
SEARCH_PAGE = 20  # hits fetched at once; more as the list scrolls to its end
# numpy (~50 ms to import) held the interpreter against the first searches typed at launch:
# they are collected by Whoosh meanwhile (the same answers), and it is imported after.
WARM_SCORING_AFTER_MS = 1500


class SearchPane(QWidget):
    article_activated = Signal(str)  # a hit was opened
    showing_changed = Signal(bool)  # the results (True) or nothing to show (False)
    left = Signal()  # Esc in the search field: back to the library

    def __init__(self, parent=None):
        super().__init__(parent)
        self.workers: Workers | None = None
        self.seq = 0  # the last search asked for
        self.shown_seq = 0  # the search whose answer is on screen
        self.highlight = Terms()
        self.indexing: tuple[int, int] | None = None  # (read, of) while the library is being indexed

        self.field = QLineEdit()
        self.field.setObjectName("searchField")
        self.field.setPlaceholderText("Search articles and notes  (Ctrl+K)")
        self.field.setClearButtonEnabled(True)
        self.field.setMinimumWidth(220)
        self.model = ResultsModel(self)
        self.view = rich_list("searchResults", self.model, HitDelegate)  # snippets wrap to the width
        self.count = QLabel("")
        self.count.setObjectName("resultsCount")
        self.count.setWordWrap(True)
        self.suggestion = QLabel("")
        self.suggestion.setObjectName("didYouMean")
        self.suggestion.setTextInteractionFlags(Qt.LinksAccessibleByMouse | Qt.LinksAccessibleByKeyboard)
        top = QHBoxLayout()
        top.setContentsMargins(8, 0, 8, 0)
        top.addWidget(self.count, 1)
        top.addWidget(self.suggestion)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

        self.timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.field.textChanged.connect(lambda _: self.timer.start())
        self.field.returnPressed.connect(self.open_selected)
        self.field.installEventFilter(self)
        self.timer.timeout.connect(self.run)
        self.model.more_wanted.connect(self._more)
        self.suggestion.linkActivated.connect(self.field.setText)
        self.view.activated.connect(self._activate)
        self.view.clicked.connect(self._activate)

    def set_workers(self, workers: Workers | None) -> None:
        self.workers = workers
        if workers is None:
            self.timer.stop()
            self.seq += 1
            self.model.set_hits([])
            self.field.clear()

    @property
    def active(self) -> bool:
        return bool(self.field.text().strip())

    def focus(self) -> None:
        self.field.setFocus()
        self.field.selectAll()

    def clear(self) -> None:
        if self.field.text():
            self.field.clear()
        self.timer.stop()
        self.run()

    def ids(self) -> list[str]:
        return self.model.ids()

    def title_of(self, article_id: str) -> str | None:
        hit = next((h for h in self.model.hits if h.id == article_id), None)
        return hit.title if hit else None

    # ------------------------------------------------------------ searching

    def run(self) -> None:
        if self.workers is None:
            return
        text = self.field.text()
        self.seq += 1
        if not text.strip():
            self.model.set_hits([])
            self.highlight = Terms()
            self.showing_changed.emit(False)
            return
        seq = self.seq
        self.workers.call(self.workers.searcher, lambda svc: svc.search(text, limit=SEARCH_PAGE),
                          lambda results: self._on_results(seq, results), lambda message: self._on_failed(seq, message),
                          stale=lambda: seq != self.seq)

    def prepare(self) -> None:
        """Get the searcher thread ready for the first query, and import the column scoring
        on the notes thread (idle at launch) so the searcher need not wait for numpy."""
        if self.workers is not None:
            self.workers.call(self.workers.searcher, lambda svc: svc.prepare_search())
            QTimer.singleShot(WARM_SCORING_AFTER_MS, self._warm_scoring)

    def _warm_scoring(self) -> None:
        if self.workers is not None:
            self.workers.call(self.workers.notes, lambda svc: svc.warm_scoring())

    def refresh(self) -> None:
        """Ask again (the library changed under the results)."""
        if self.active:
            self.run()

    def _more(self) -> None:
        # The query of the hits shown, not the field's text: it may have changed since.
        seq, text, have = self.seq, self.model.query, len(self.model.hits)
        self.workers.call(self.workers.searcher, lambda svc: svc.search(text, limit=have + SEARCH_PAGE, offset=have),
                          lambda results: self._on_more(seq, results), lambda message: self._on_failed(seq, message),
                          stale=lambda: seq != self.seq)

    def _on_more(self, seq: int, results: SearchResults) -> None:
        if seq == self.seq:
            self.model.add_hits(results.hits)
            self._show_count(results.total)

    def _on_results(self, seq: int, results: SearchResults) -> None:
        if seq != self.seq:
            return  # an older query answered late: drop it
        self.model.set_hits(results.hits, results.total, results.query)
        self.shown_seq = seq
        self._show_count(results.total)
        if results.suggestion:
            link = html.escape(results.suggestion, quote=True)
            self.suggestion.setText(f"Did you mean <a href='{link}'>{link}</a>?")
        else:
            self.suggestion.setText("")
        self.highlight = Terms(results.highlight)
        self.showing_changed.emit(True)

    def set_indexing(self, progress: tuple[int, int] | None) -> None:
        """While indexing, the count says the answer is from what is indexed so far."""
        self.indexing = progress
        if self.model.query:
            self._show_count(self.model.total)

    def _show_count(self, count: int) -> None:
        shown = len(self.model.hits)
        more = f" — {shown} shown, more as you scroll" if shown < count else ""
        text = f"<b>{count}</b> match{'es' if count != 1 else ''}{more}"
        if self.indexing:
            done, total = self.indexing
            text += (f"<br><span style='font-size:small'>Still indexing ({done:,} of {total:,} articles read): "
                     "these are the matches so far; the list refreshes when it is done.</span>")
        self.count.setText(text)

    def _on_failed(self, seq: int, message: str) -> None:
        if seq == self.seq:
            self.count.setText(f"Search failed: {html.escape(message)}")

    # ------------------------------------------------------------ opening hits

    def _activate(self, index: QModelIndex) -> None:
        if index.isValid():
            self.article_activated.emit(index.data(ID_ROLE))

    def open_selected(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.run()
            return  # the answer arrives shortly; Enter again opens it
        index = self.view.currentIndex()
        row = index.row() if index.isValid() else 0
        if self.model.rowCount():
            self.article_activated.emit(self.model.hits[row].id)

    def select(self, article_id: str | None) -> None:
        ids = self.ids()
        if article_id in ids:
            index = self.model.index(ids.index(article_id))
            self.view.blockSignals(True)
            self.view.setCurrentIndex(index)
            self.view.blockSignals(False)
            self.view.scrollTo(index)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.field and event.type() == event.Type.KeyPress:
            if event.key() == Qt.Key_Escape:
                self.left.emit()
                return True
            if event.key() == Qt.Key_Down and self.model.rowCount():
                self.view.setFocus()
                if not self.view.currentIndex().isValid():
                    self.view.setCurrentIndex(self.model.index(0))
                return True
        return super().eventFilter(obj, event)
