"""The reading pane's page view of a PDF and what it shows on the pages: the reader's
highlights (translucent, in their colours; a click on one selects its comment), the
searched words, find-in-article matches, a highlight flashed to show it, the selection
made into a passage to highlight. Pages are drawn, and their characters read, by PDFium
in a sandbox child of the *pages* thread (reader.library.pdf.page_image): a PDF that
crashes or hangs PDFium while drawn leaves a blank page, never a broken window.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QColor, QImage

from reader.library.pdf import PdfLayout
from reader.notes.store import Note
from reader.render import Page
from reader.ui.highlights import FLASH_COLOR, color_of
from reader.ui.pdfmarks import Mark
from reader.ui.pdfview import PdfView
from reader.ui.searchmarks import MARK_COLORS

FLASH_MS = 900
FIND_COLORS = ("#ffe27a", "#ff9f1c")  # a match, and the current one


class PdfSurface(QObject):
    highlight_clicked = Signal(int)  # note id
    previewed = Signal(str)  # an article's pages are laid out before its text is read

    def __init__(self, view: PdfView, parent=None):
        super().__init__(parent)
        self.view = view
        self.workers = None
        self.article_id: str | None = None
        self.page: Page | None = None
        self.stamp: str | None = None  # the version of the file drawn (its content hash)
        self._preview_of: str | None = None
        self.notes: list[Note] = []
        self.matches: list[tuple[int, int]] = []
        self.current = -1
        self._flash = QTimer(self, singleShot=True, interval=FLASH_MS)
        self._flash.timeout.connect(lambda: view.set_layer("flash", []))
        view.page_wanted.connect(self._draw_page)
        view.chars_wanted.connect(self._read_chars)
        view.clicked_at.connect(self._on_click)

    def set_workers(self, workers) -> None:
        self.workers = workers

    def show(self, article_id: str, page: Page, dark: bool) -> None:
        self.article_id, self.page, self.stamp, self._preview_of = article_id, page, page.stamp, None
        self.view.dark = dark
        self.view.set_document(page.layout, (article_id, page.stamp))
        self.clear_find()

    def preview(self, article_id: str, dark: bool) -> None:
        """Lay out a PDF's pages from their sizes alone and start drawing the first ones, while
        its text is read (a second for 300 pages): the same document, kept, when the text comes."""
        if self.workers is None:
            return
        self._preview_of = article_id
        self.workers.call(self.workers.pages, lambda svc: svc.pdf_sizes(article_id),
                          lambda found: self._on_sizes(article_id, dark, *found), lambda message: None,
                          stale=lambda: self._preview_of != article_id)

    def _on_sizes(self, article_id: str, dark: bool, stamp: str, sizes) -> None:
        if self._preview_of != article_id:
            return
        self.clear()
        self.article_id, self.stamp = article_id, stamp
        self.view.dark = dark
        self.view.set_document(PdfLayout.of_sizes(sizes), (article_id, stamp))
        self.previewed.emit(article_id)

    def clear(self) -> None:
        self.article_id, self.page, self.stamp, self._preview_of, self.notes = None, None, None, None, []
        self.view.set_document(None, None)
        for layer in ("search", "highlights", "find", "selection", "flash"):
            self.view.set_layer(layer, [])

    # ------------------------------------------------------------ the engine

    def _draw_page(self, number: int, scale: float) -> None:
        """Ask the pages thread for a page's pixels (dropped if it scrolled far away meanwhile)."""
        if self.workers is None or self.stamp is None:
            return
        key, article_id, stamp = self.view.key, self.article_id, self.stamp
        self.workers.call(self.workers.pages, lambda svc: svc.pdf_page(article_id, stamp, number, scale),
                          lambda drawn: self._on_page(key, number, scale, drawn),
                          lambda message: self.view.page_failed(number, scale),
                          stale=lambda: key != self.view.key or number not in self._near())

    def _near(self) -> set[int]:
        seen = self.view.visible_pages()
        return set(range(seen[0] - 2, seen[-1] + 3)) if seen else set()

    def _on_page(self, key, number: int, scale: float, drawn: tuple[int, int, bytes]) -> None:
        width, height, data = drawn
        image = QImage(data, width, height, width * 3, QImage.Format_RGB888).copy()
        self.view.set_image(key, number, scale, image)

    def _read_chars(self, number: int) -> None:
        if self.workers is None or self.stamp is None:
            return
        key, article_id, stamp = self.view.key, self.article_id, self.stamp
        self.workers.call(self.workers.pages, lambda svc: svc.pdf_chars(article_id, stamp, number),
                          lambda found: self.view.set_chars(key, number, *found),
                          lambda message: self.view.set_chars(key, number, "", b""),
                          stale=lambda: key != self.view.key)

    # ------------------------------------------------------------ highlights

    def draw(self, notes: list[Note], dark: bool) -> None:
        self.notes = [n for n in notes if n.quote is not None and n.anchor is not None and n.anchor.attached]
        marks = []
        for note in self.notes:
            color = QColor(color_of(note.color, False))  # multiplied into the page: the light colours
            marks.append(Mark(note.anchor.start, note.anchor.end, color, key=note.id))
        self.view.set_layer("highlights", marks)

    def note_at(self, offset: int) -> int | None:
        """The note id of the highlight over a place of the text (the shortest, if nested)."""
        inside = [(n.anchor.end - n.anchor.start, n.id) for n in self.notes if n.anchor.start <= offset < n.anchor.end]
        return min(inside)[1] if inside else None

    def _on_click(self, offset: int) -> None:
        note_id = self.note_at(offset) if offset >= 0 else None
        if note_id is not None:
            self.highlight_clicked.emit(note_id)

    def show_note(self, note_id: int) -> bool:
        """Scroll to a highlight's passage and flash it; False when it is not on the pages."""
        note = next((n for n in self.notes if n.id == note_id), None)
        if note is None:
            return False
        self.view.scroll_to(note.anchor.start)
        self.view.set_layer("flash", [Mark(note.anchor.start, note.anchor.end, QColor(FLASH_COLOR[0]))])
        self._flash.start()
        return True

    def selected(self) -> tuple[int, int] | None:
        """The selected passage as offsets of the text (where quotes are made)."""
        return self.view.selection

    def clear_selection(self) -> None:
        self.view.clear_selection()

    # ------------------------------------------------------------ searched words and find

    def mark_search(self, page: Page, dark: bool) -> None:
        wash, line = MARK_COLORS[False]
        to_text = page.shown.to_text
        self.view.set_layer("search", [Mark(to_text(a), to_text(b), QColor(wash), QColor(line)) for a, b in page.hits])

    def clear_search(self) -> None:
        self.view.set_layer("search", [])

    def find_all(self, text: str) -> int:
        self.matches = []
        if text and self.view.layout_:
            body = self.view.layout_.text.text
            self.matches = [(m.start(), m.end()) for m in re.finditer(re.escape(text), body, re.IGNORECASE)]
        self.current = 0 if self.matches else -1
        self._paint_matches()
        return len(self.matches)

    def step_find(self, forward: bool = True) -> int:
        if not self.matches:
            return 0
        self.current = (self.current + (1 if forward else -1)) % len(self.matches)
        self._paint_matches()
        return self.current + 1

    def clear_find(self) -> None:
        self.matches, self.current = [], -1
        self.view.set_layer("find", [])

    def _paint_matches(self) -> None:
        marks = [Mark(a, b, QColor(FIND_COLORS[1] if i == self.current else FIND_COLORS[0]))
                 for i, (a, b) in enumerate(self.matches)]
        self.view.set_layer("find", marks)
        if 0 <= self.current < len(self.matches):
            self.view.scroll_to(self.matches[self.current][0])

    @property
    def match_count(self) -> int:
        return len(self.matches)
