"""The reading pane: the article, its highlights, find-in-article, and the comments below.

Opening an article renders it on the renderer thread, then loads its notes on the
notes thread (highlights anchored on the file as it is); the highlights are drawn
on the page, and a click on one selects its comment, as choosing a comment shows its
passage. Where the reader stopped in each article, and what was read, are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QLineEdit, QSplitter, QSplitterHandle, QToolButton, QVBoxLayout, QWidget,
)

from reader.library.catalog import ArticleInfo
from reader.notes.annotations import edit_notice
from reader.notes.reading import ReadingState
from reader.notes.store import COLORS, Note
from reader.render import Neighbour, Page, article_css, article_page, message_html
from reader.search.snippets import Terms
from reader.service import ReaderService
from reader.ui import searchmarks, theme
from reader.ui.articlenotes import ArticleNotes
from reader.ui.articleview import ArticleView
from reader.ui.comments import CommentsPanel
from reader.ui.highlights import COLORS as DRAWN, HighlightLayer
from reader.ui.related import RelatedLinks
from reader.ui.selection import SelectionPopup
from reader.ui.workers import Workers

SAVE_POSITIONS_MS = 1500
COMMENTS_SHARE = 0.35  # of the pane's height, the most the comments panel takes (its list then scrolls)


@dataclass
class Rendered:
    article_id: str
    page: Page
    hash: str


class ReadingPane(QSplitter):
    message = Signal(str)  # something to say in the status bar
    resized_by_reader = Signal()  # the reader moved the divider above the comments (sizes then stay theirs)

    def __init__(self, info_of: Callable[[str], ArticleInfo | None], parent=None):
        super().__init__(Qt.Vertical, parent)
        self.setObjectName("readerSplitter")
        self.info_of = info_of  # what the list knows of an article (its notes are saved with it)
        self.workers: Workers | None = None
        self.root: Path | None = None
        self.article_id: str | None = None
        self.page: Page | None = None
        self.hash: str | None = None
        self.reading: ReadingState | None = None
        self.render_seq = 0
        self.focus_note: int | None = None  # a note whose passage to show once the page is there
        self.pending_hint: int | None = None  # where the passage of the comment being written starts
        self.highlight_color = COLORS[0]
        self._render_args: tuple = ((None, None), None)

        self.view = ArticleView()
        self.find_bar = self._build_find_bar()
        article_box = QWidget()
        article_layout = QVBoxLayout(article_box)
        article_layout.setContentsMargins(0, 0, 0, 0)
        article_layout.setSpacing(0)
        article_layout.addWidget(self.view, 1)
        article_layout.addWidget(self.find_bar)
        self.comments = CommentsPanel()
        self.addWidget(article_box)
        self.addWidget(self.comments)
        self.setStretchFactor(0, 1)
        self.setStretchFactor(1, 0)
        self.sized_by_reader = False  # the divider where the reader put it, not where the comments need it

        self.notes = ArticleNotes(self)
        self.layer = HighlightLayer(self.view, self)
        self.related = RelatedLinks(self.view)
        self.highlight_action = QAction("&Highlight", self, objectName="highlightAction")
        self.highlight_action.setShortcut("H")
        self.comment_action = QAction("Highlight and &Comment…", self, objectName="highlightCommentAction")
        self.comment_action.setShortcut("C")
        self.popup = SelectionPopup(self.view, self.highlight_action, self.comment_action)
        self.save_timer = QTimer(self, singleShot=True, interval=SAVE_POSITIONS_MS)

        self.highlight_action.triggered.connect(lambda: self.highlight_selection(False))
        self.comment_action.triggered.connect(lambda: self.highlight_selection(True))
        self.save_timer.timeout.connect(self.save_positions)
        self.notes.loaded.connect(self._on_notes)
        self.layer.highlight_clicked.connect(self.comments.select)
        self.comments.note_selected.connect(self.show_note)
        self.comments.post_requested.connect(self._post)
        self.comments.edit_requested.connect(
            lambda note_id, text: self.notes.edit(note_id, text, self.comments.saved, self._box_failed))
        self.comments.delete_requested.connect(self.notes.delete)
        self.comments.wanted_changed.connect(self.fit_comments)
        self.splitterMoved.connect(self._moved_by_reader)
        self.notes.failed.connect(lambda message: self.message.emit(f"The note could not be saved: {message}"))
        self.view.menu_wanted.connect(self._extend_menu)
        self.show_message("Article Reader", "Pick an article from the list to read it, or search the whole "
                          "library with <b>Ctrl+K</b>.", "Press <b>F1</b> for the search syntax.")
        self.comments.hide()

    def _build_find_bar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("findBar")
        self.find_field = QLineEdit()
        self.find_field.setObjectName("findField")
        self.find_field.setPlaceholderText("Find in article")
        self.find_count = QLabel("")
        self.find_count.setObjectName("findCount")
        previous = QToolButton(text="▲", toolTip="Previous match (Shift+F3)")
        following = QToolButton(text="▼", toolTip="Next match (F3)")
        close = QToolButton(text="✕", toolTip="Close (Esc)")
        previous.clicked.connect(lambda: self.step_find(False))
        following.clicked.connect(lambda: self.step_find(True))
        close.clicked.connect(self.close_find)
        self.find_field.textChanged.connect(self._find)
        self.find_field.returnPressed.connect(lambda: self.step_find(True))
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(8, 4, 8, 4)
        for widget in (self.find_field, self.find_count, previous, following, close):
            layout.addWidget(widget)
        bar.hide()
        return bar

    # ------------------------------------------------------------ the room the comments take

    def fit_comments(self) -> None:
        """Give the comments the room they need (up to COMMENTS_SHARE of the pane) and the
        article the rest — unless the reader has put the divider somewhere themselves."""
        total = sum(self.sizes())
        if self.sized_by_reader or self.comments.isHidden() or total <= 0:
            return
        self.comments.layout().activate()  # its minimum follows a box that just closed, before the splitter asks
        wanted = self.comments.wanted_height(int(total * COMMENTS_SHARE))
        wanted = min(wanted, total - self.view.minimumSizeHint().height())
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

    # ------------------------------------------------------------ the library

    def set_library(self, workers: Workers | None, root: Path | None, reading: ReadingState | None) -> None:
        self.save_positions()
        self.workers, self.root, self.reading = workers, root, reading
        self.notes.set_workers(workers)
        self.article_id = None
        self.page = None
        self.comments.set_article(None)
        self.layer.set_page(None)

    # ------------------------------------------------------------ showing an article

    def open(self, article_id: str, neighbours: tuple[Neighbour | None, Neighbour | None] = (None, None),
             terms: Terms | None = None, focus_note: int | None = None) -> None:
        """Show an article (its neighbours named at the end, the searched words marked)."""
        self.remember_position()
        changed = article_id != self.article_id
        self.article_id = article_id
        self.focus_note = focus_note
        if self.reading is not None:
            self.reading.read.add(article_id)
            self.save_timer.start()
        if changed:
            self.comments.show()
            self.comments.set_article(article_id)
            self.comments.set_notes([])
            self.fit_comments()
        self.render(neighbours, terms)

    def render(self, neighbours=(None, None), terms: Terms | None = None) -> None:
        if self.workers is None or self.article_id is None:
            return
        self._render_args = (neighbours, terms)
        article_id, (previous, following) = self.article_id, neighbours
        self.render_seq += 1
        seq = self.render_seq

        def job(svc: ReaderService) -> Rendered:
            article = svc.read(article_id)
            notice = edit_notice(svc.notes_on(article_id), article.hash)
            page = article_page(article, svc.root, terms, previous, following, notice)
            return Rendered(article_id, page, article.hash)

        self.workers.call(self.workers.renderer, job, lambda r: self._on_rendered(seq, r),
                          lambda message: self._on_render_failed(seq, article_id, message),
                          stale=lambda: seq != self.render_seq)

    def _on_rendered(self, seq: int, rendered: Rendered) -> None:
        if seq != self.render_seq:
            return
        self.page, self.hash = rendered.page, rendered.hash
        self.view.root = self.root
        self.popup.hide()
        self.view.show_html(rendered.page.html, article_css(theme.is_dark()))
        self.layer.set_page(rendered.page)
        searchmarks.draw(self.view, rendered.page, self.layer.document_text() if rendered.page.hits else None,
                         theme.is_dark())
        self.related.ask(self.workers, rendered.article_id, theme.is_dark())
        fraction = self.reading.positions.get(rendered.article_id, 0.0) if self.reading else 0.0
        QTimer.singleShot(0, lambda: self.view.set_scroll_fraction(fraction) if seq == self.render_seq else None)
        if self.find_bar.isVisible() and self.find_field.text():
            self._find(self.find_field.text())
        self.notes.load(rendered.article_id)

    def _on_render_failed(self, seq: int, article_id: str, message: str) -> None:
        if seq != self.render_seq:
            return
        self.page = None
        self.layer.set_page(None)
        searchmarks.clear(self.view)
        self.show_message("This article can't be shown", f"<code>{article_id}</code>: {message}.",
                          "Its comments are kept below; if the file comes back they stay with it.")
        self.notes.load(article_id)

    def _on_notes(self, notes: list[Note]) -> None:
        self.comments.colors = {name: DRAWN[name][1 if theme.is_dark() else 0] for name in DRAWN}
        self.comments.set_notes(notes)
        if self.page is not None and edit_notice(notes, self.hash) != self.page.notice:
            self.reload()  # what the header says of the notes changed with them
            return
        if self.page is not None:
            self.layer.draw(notes, theme.is_dark())
        if self.focus_note is not None and self.page is not None:
            note_id, self.focus_note = self.focus_note, None
            self.comments.select(note_id)
            QTimer.singleShot(0, lambda: self.show_note(note_id))

    def show_note(self, note_id: int) -> None:
        """Scroll to a note's passage and flash it (a note on the whole article: nothing to show)."""
        note = self.notes.get(note_id)
        if note is None or note.quote is None:
            return
        if not self.layer.show(note_id):
            self.message.emit("That passage is no longer in the article; the note keeps its quote.")

    def clear_search_marks(self) -> None:
        """The search is over: its words are no longer marked, now or when the page is shown again."""
        neighbours, _ = self._render_args
        self._render_args = (neighbours, None)
        searchmarks.clear(self.view)

    def show_message(self, title: str, text: str, hint: str = "") -> None:
        html = message_html(title, text + (f"</p><p>{hint}" if hint else ""))
        self.related.forget()
        self.page = None
        self.layer.set_page(None)
        searchmarks.clear(self.view)
        self.view.show_html(html, article_css(theme.is_dark()))

    def reload(self) -> None:
        """Show the article again where the reader was (its file changed, or the theme)."""
        if self.article_id:
            self.remember_position()
            self.render(*self._render_args)

    # ------------------------------------------------------------ making highlights

    def highlight_selection(self, with_comment: bool) -> None:
        """Highlight the selected passage; with_comment, open the comment box on it."""
        text = self.layer.document_text() if self.page is not None else None
        span = text.flat_range(self.view.textCursor()) if text else None
        if span is None:
            self.message.emit("Select a passage of the article first, then Highlight (H) or Comment (C).")
            return
        quote = text.quote(*span)
        self.popup.hide()
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)
        if with_comment:
            self.pending_hint = span[0]
            self.comments.set_pending_quote(quote)
            self.comments.editor.setFocus()
        else:
            self._save_highlight(quote, span[0], "", from_box=False)

    def _post(self, text: str, quote) -> None:
        if quote is None:
            self._save_comment(text)
        else:
            self._save_highlight(quote, self.pending_hint, text, from_box=True)

    def _save_comment(self, text: str) -> None:
        info = self.info_of(self.article_id) if self.article_id else None
        if info is None:
            self.comments.show_problem("This article is not in the library any more; the comment was not saved.")
            return
        self.notes.post(info, text, then=self.comments.saved, failed=self._box_failed)

    def _save_highlight(self, quote, hint: int | None, text: str, from_box: bool) -> None:
        info = self.info_of(self.article_id) if self.article_id else None
        if info is None:
            self.comments.show_problem("This article is not in the library any more; the highlight was not saved.")
            return
        # Only a save from the comment box empties it: a bare highlight leaves what is being typed there.
        then, failed = (self.comments.saved, self._box_failed) if from_box else (None, None)
        self.notes.post(info, text, quote, hint, self.highlight_color, then, failed)

    def _box_failed(self, message: str) -> None:
        self.comments.show_problem(f"Not saved: {message}. Your text is still here.")

    def _extend_menu(self, menu, position: int) -> None:
        """The page's context menu: highlight a selection; recolour or remove a highlight."""
        menu.addSeparator()
        menu.addAction(self.highlight_action)
        menu.addAction(self.comment_action)
        note_id = self.layer.at(position)
        if note_id is None:
            return
        menu.addSeparator()
        colours = menu.addMenu("Highlight &Colour")
        for name in COLORS:
            action = colours.addAction(name.capitalize())
            action.setObjectName(f"color_{name}")
            action.triggered.connect(lambda _=False, c=name, n=note_id: self.recolor(n, c))
        remove = menu.addAction("&Remove Highlight")
        remove.setObjectName("removeHighlightAction")
        remove.triggered.connect(lambda: self.notes.delete(note_id))

    def recolor(self, note_id: int, color: str) -> None:
        self.highlight_color = color  # the next highlight takes the colour chosen last
        self.notes.set_color(note_id, color)

    # ------------------------------------------------------------ find in the article

    def show_find(self) -> None:
        self.find_bar.show()
        self.find_field.setFocus()
        self.find_field.selectAll()
        self._find(self.find_field.text())

    def _find(self, text: str) -> None:
        count = self.view.find_all(text)
        self.find_count.setText(f"1 of {count}" if count else ("No matches" if text else ""))

    def step_find(self, forward: bool) -> None:
        if not self.find_bar.isVisible():
            self.show_find()
            return
        number = self.view.step_find(forward)
        if number:
            self.find_count.setText(f"{number} of {self.view.match_count}")

    def close_find(self) -> None:
        self.find_bar.hide()
        self.view.clear_find()
        self.view.setFocus()

    def mark_unread(self) -> str | None:
        """Mark the open article unread (until it is opened again); its id, if one is open."""
        if self.reading is None or self.article_id is None:
            return None
        self.reading.read.discard(self.article_id)
        self.save_timer.start()
        return self.article_id

    # ------------------------------------------------------------ where the reader stopped

    def remember_position(self, save_soon: bool = True) -> None:
        if self.article_id and self.reading is not None and self.page is not None:
            self.reading.positions[self.article_id] = round(self.view.scroll_fraction(), 4)
            if save_soon:
                self.save_timer.start()

    def save_positions(self) -> None:
        self.remember_position(save_soon=False)
        self.save_timer.stop()
        if self.reading is not None:
            self.reading.save()


class _Divider(QSplitterHandle):
    """The divider above the comments: dragged, it stays; double-clicked, it fits them again."""

    def mouseDoubleClickEvent(self, event) -> None:
        self.splitter().size_automatically()
