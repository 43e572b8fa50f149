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

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from reader.library.catalog import ArticleInfo
from reader.library.formats import format_of
from reader.notes.anchoring import quote_at
from reader.notes.annotations import edit_notice
from reader.notes.reading import ReadingState
from reader.notes.store import COLORS, Note
from reader.render import Neighbour, Page, article_css, article_page, message_html, neighbours_html
from reader.search.snippets import Terms
from reader.service import ReaderService
from reader.ui import searchmarks, theme
from reader.ui.articlenotes import ArticleNotes
from reader.ui.articleview import ArticleView, open_web_link
from reader.ui.comments import CommentsPanel
from reader.ui.commentsroom import CommentsRoom
from reader.ui.findbar import FindBar
from reader.ui.highlights import COLORS as DRAWN, HighlightLayer
from reader.ui.pdfsurface import PdfSurface
from reader.ui.pdfview import PdfView
from reader.ui.related import RelatedLinks
from reader.ui.selection import SelectionPopup
from reader.ui.workers import Workers

SAVE_POSITIONS_MS = 1500


@dataclass
class Rendered:
    article_id: str
    page: Page
    hash: str


class ReadingPane(CommentsRoom):
    message = Signal(str)  # something to say in the status bar
    text_mode_changed = Signal(bool, bool)  # a PDF is open (the text mode can be chosen), and it is chosen

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
        self._rendered: Rendered | None = None
        self._previewed: str | None = None  # the PDF whose pages are shown before its text

        self.view = ArticleView()
        self.pdf_view = PdfView()
        self.surfaces = QStackedWidget()  # the article as text, or a PDF as its pages
        self.surfaces.addWidget(self.view)
        self.surfaces.addWidget(self.pdf_view)
        self.find_bar = FindBar()
        article_box = QWidget()
        article_layout = QVBoxLayout(article_box)
        article_layout.setContentsMargins(0, 0, 0, 0)
        article_layout.setSpacing(0)
        article_layout.addWidget(self.surfaces, 1)
        article_layout.addWidget(self.find_bar)
        self.comments = CommentsPanel()
        self.addWidget(article_box)
        self.addWidget(self.comments)
        self.setStretchFactor(0, 1)
        self.setStretchFactor(1, 0)

        self.notes = ArticleNotes(self)
        self.layer = HighlightLayer(self.view, self)
        self.pdf = PdfSurface(self.pdf_view, self)
        self.related = RelatedLinks(self.view)
        self.highlight_action = QAction("&Highlight", self, objectName="highlightAction")
        self.highlight_action.setShortcut("H")
        self.comment_action = QAction("Highlight and &Comment…", self, objectName="highlightCommentAction")
        self.comment_action.setShortcut("C")
        self.popup = SelectionPopup(self.view, self.highlight_action, self.comment_action)
        self.pdf_popup = SelectionPopup(self.pdf_view, self.highlight_action, self.comment_action)
        self.save_timer = QTimer(self, singleShot=True, interval=SAVE_POSITIONS_MS)

        self.highlight_action.triggered.connect(lambda: self.highlight_selection(False))
        self.comment_action.triggered.connect(lambda: self.highlight_selection(True))
        self.save_timer.timeout.connect(self.save_positions)
        self.notes.loaded.connect(self._on_notes)
        self.layer.highlight_clicked.connect(self.comments.select)
        self.pdf.highlight_clicked.connect(self.comments.select)
        self.comments.note_selected.connect(self.show_note)
        self.comments.post_requested.connect(self._post)
        self.comments.edit_requested.connect(
            lambda note_id, text: self.notes.edit(note_id, text, self.comments.saved, self._box_failed))
        self.comments.delete_requested.connect(self.notes.delete)
        self.comments.wanted_changed.connect(self.fit_comments)
        self.find_bar.attach(lambda: self.pdf if self.showing_pages() else self.view, (self.view, self.pdf),
                             lambda: self.surface().setFocus())
        self.pdf.previewed.connect(self._on_previewed)
        self.pdf_view.link_clicked.connect(self.view.follow)
        self.notes.failed.connect(lambda message: self.message.emit(f"The note could not be saved: {message}"))
        self.view.menu_wanted.connect(lambda menu, at: self._extend_menu(menu, self.layer.at(at)))
        self.pdf_view.menu_wanted.connect(lambda menu, at: self._extend_menu(menu, self.pdf.note_at(at)))
        self.show_message("Article Reader", "Pick an article from the list to read it, or search the whole "
                          "library with <b>Ctrl+K</b>.", "Press <b>F1</b> for the search syntax.")
        self.comments.hide()

    # ------------------------------------------------------------ the library

    def set_library(self, workers: Workers | None, root: Path | None, reading: ReadingState | None) -> None:
        self.save_positions()
        self.workers, self.root, self.reading = workers, root, reading
        self.notes.set_workers(workers)
        self.pdf.set_workers(workers)
        self.article_id = None
        self.page = None
        self.comments.set_article(None)
        self.layer.set_page(None)
        self.pdf.clear()

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
            self.page = None  # until it is rendered: nothing of the last article is taken for this one's
            self.comments.show()
            self.comments.set_article(article_id)
            self.comments.set_notes([])
            self.fit_comments()
        self.render(neighbours, terms)
        if changed and format_of(article_id) == "pdf" and not self.text_mode():
            self.pdf.preview(article_id, theme.is_dark())

    def _on_previewed(self, article_id: str) -> None:
        """A PDF's pages laid out before its text is read: shown, at the place the reader left."""
        if article_id != self.article_id or self.page is not None:
            return
        self.surfaces.setCurrentWidget(self.pdf_view)
        self.text_mode_changed.emit(True, False)
        self.pdf_view.set_scroll_fraction(self.reading.positions.get(article_id, 0.0) if self.reading else 0.0)
        self._previewed = article_id

    def render(self, neighbours=(None, None), terms: Terms | None = None) -> None:
        if self.workers is None or self.article_id is None:
            return
        self._render_args = (neighbours, terms)
        article_id, (previous, following) = self.article_id, neighbours
        self.render_seq += 1
        seq = self.render_seq

        def job(svc: ReaderService) -> Rendered:
            article = svc.as_seen(svc.read(article_id))  # with the reader's own tags
            notice = edit_notice(svc.notes_on(article_id), article.hash)
            page = article_page(article, svc.root, terms, previous, following, notice)
            return Rendered(article_id, page, article.hash)

        self.workers.call(self.workers.renderer, job, lambda r: self._on_rendered(seq, r),
                          lambda message: self._on_render_failed(seq, article_id, message),
                          stale=lambda: seq != self.render_seq)

    def _on_rendered(self, seq: int, rendered: Rendered) -> None:
        if seq != self.render_seq:
            return
        self.page, self.hash, self._rendered = rendered.page, rendered.hash, rendered
        self.view.root = self.root
        self.popup.hide()
        self.pdf_popup.hide()
        self._show(rendered)
        previewed, self._previewed = self._previewed == rendered.article_id and self.showing_pages(), None
        fraction = self.reading.positions.get(rendered.article_id, 0.0) if self.reading else 0.0
        if not previewed:  # else the pages are where the reader has scrolled them meanwhile
            QTimer.singleShot(0, lambda: self.surface().set_scroll_fraction(fraction) if seq == self.render_seq else None)
        self.find_bar.refresh()
        self.notes.load(rendered.article_id)

    def _show(self, rendered: Rendered) -> None:
        """The page on the surface it is read on: a PDF as its pages (unless the reader chose
        its text), everything else as text."""
        page, dark = rendered.page, theme.is_dark()
        pages = page.layout is not None and not self.text_mode()
        self.surfaces.setCurrentWidget(self.pdf_view if pages else self.view)
        self.text_mode_changed.emit(page.layout is not None, not pages)
        if pages:
            self.pdf.show(rendered.article_id, page, dark)
            self.pdf.mark_search(page, dark)
            self.layer.set_page(None)
            neighbours = neighbours_html(*self._render_args[0])
            self.pdf_view.set_footer(neighbours)
            self.related.ask(self.workers, rendered.article_id, dark,
                             lambda related: self.pdf_view.set_footer(f"{related}{neighbours}"))
            return
        self.pdf.clear()
        self.view.show_html(page.html, article_css(dark))
        self.layer.set_page(page)
        searchmarks.draw(self.view, page, self.layer.document_text() if page.hits else None, dark)
        self.related.ask(self.workers, rendered.article_id, dark)

    def showing_pages(self) -> bool:
        return self.surfaces.currentWidget() is self.pdf_view

    def surface(self):
        """The widget the article is read in now (the text view, or the PDF's pages)."""
        return self.surfaces.currentWidget()

    def text_mode(self) -> bool:
        return self.reading is not None and self.article_id in self.reading.text_mode

    def set_text_mode(self, on: bool) -> None:
        """View → Text: a PDF read as its extracted text (remembered per article)."""
        if self.reading is None or self.article_id is None or self.page is None or self.page.layout is None:
            return
        self.remember_position()
        (self.reading.text_mode.add if on else self.reading.text_mode.discard)(self.article_id)
        self.save_timer.start()
        self._show(self._rendered)
        self.surface().set_scroll_fraction(self.reading.positions.get(self.article_id, 0.0))
        self.notes.load(self.article_id)

    def set_zoom(self, steps: int) -> None:
        self.view.set_zoom(steps)
        self.pdf_view.set_zoom(steps)

    def _on_render_failed(self, seq: int, article_id: str, message: str) -> None:
        if seq != self.render_seq:
            return
        self.page = None
        self.layer.set_page(None)
        searchmarks.clear(self.view)
        self.surfaces.setCurrentWidget(self.view)
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
            (self.pdf if self.showing_pages() else self.layer).draw(notes, theme.is_dark())
        if self.focus_note is not None and self.page is not None:
            note_id, self.focus_note = self.focus_note, None
            self.comments.select(note_id)
            QTimer.singleShot(0, lambda: self.show_note(note_id))

    def show_note(self, note_id: int) -> None:
        """Scroll to a note's passage and flash it (a note on the whole article: nothing to show)."""
        note = self.notes.get(note_id)
        if note is None or note.quote is None:
            return
        if not (self.pdf.show_note if self.showing_pages() else self.layer.show)(note_id):
            self.message.emit("That passage is no longer in the article; the note keeps its quote.")

    def clear_search_marks(self) -> None:
        """The search is over: its words are no longer marked, now or when the page is shown again."""
        neighbours, _ = self._render_args
        self._render_args = (neighbours, None)
        searchmarks.clear(self.view)
        self.pdf.clear_search()

    def show_message(self, title: str, text: str, hint: str = "") -> None:
        html = message_html(title, text + (f"</p><p>{hint}" if hint else ""))
        self.related.forget()
        self.page = None
        self.layer.set_page(None)
        searchmarks.clear(self.view)
        self.pdf.clear()
        self.surfaces.setCurrentWidget(self.view)
        self.view.show_html(html, article_css(theme.is_dark()))

    def open_original(self) -> None:
        """The article's web address in the browser (asked for: nothing here goes online)."""
        if self.page is not None and self.page.url:
            open_web_link(QUrl(self.page.url))
        elif self.article_id:
            self.message.emit("This article's file does not say which web page it was saved from.")

    def reload(self) -> None:
        """Show the article again where the reader was (its file changed, or the theme)."""
        if self.article_id:
            self.remember_position()
            self.render(*self._render_args)

    # ------------------------------------------------------------ making highlights

    def highlight_selection(self, with_comment: bool) -> None:
        """Highlight the selected passage; with_comment, open the comment box on it."""
        span = self._selected_flat()
        if span is None:
            self.message.emit("Select a passage of the article first, then Highlight (H) or Comment (C).")
            return
        quote = quote_at(self.page.shown.flat, *span)
        self.popup.hide()
        self.pdf_popup.hide()
        self.pdf.clear_selection()
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)
        if with_comment:
            self.pending_hint = span[0]
            self.comments.set_pending_quote(quote)
            self.comments.editor.setFocus()
        else:
            self._save_highlight(quote, span[0], "", from_box=False)

    def _selected_flat(self) -> tuple[int, int] | None:
        """The selection as offsets of the body's flat text (where quotes are made)."""
        if self.page is None:
            return None
        if self.showing_pages():
            selected = self.pdf.selected()
            return (self.page.shown.to_flat(selected[0]), self.page.shown.to_flat(selected[1])) if selected else None
        text = self.layer.document_text()
        return text.flat_range(self.view.textCursor()) if text else None

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

    def _extend_menu(self, menu, note_id: int | None) -> None:
        """The page's context menu: highlight a selection; recolour or remove the highlight under it."""
        menu.addSeparator()
        menu.addAction(self.highlight_action)
        menu.addAction(self.comment_action)
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
            self.reading.positions[self.article_id] = round(self.surface().scroll_fraction(), 4)
            if save_soon:
                self.save_timer.start()

    def save_positions(self) -> None:
        self.remember_position(save_soon=False)
        self.save_timer.stop()
        if self.reading is not None:
            self.reading.save()
