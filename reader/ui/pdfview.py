"""A PDF's pages, drawn: the page view of the reading pane (objectName ``pdfView``).

Pages are laid out one under the other, as wide as the pane at zoom 0 (Ctrl+0), sharper
at every zoom and on HiDPI screens because each is drawn for the size it is shown at.
The view holds no PDF: it asks for a page's pixels (``page_wanted``) and for its
characters' boxes (``chars_wanted``) when it needs them — the pages in sight first, then
their neighbours — and keeps a bounded number of each, so a 1,000-page document costs no
more memory than a short one. Marks (highlights, the searched words, find matches, the
selection, a flash) are stretches of the article's text, turned into boxes on the pages
through the document's layout (reader.library.pdf.PdfLayout); they are drawn over the
words, multiplied in, so the type stays black. In the dark theme the pages are dimmed.
"""

from __future__ import annotations

import bisect
from array import array
from collections import OrderedDict

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QLabel

from reader.ui.pdfmarks import Mark, line_boxes
from reader.ui.pdfselection import TextSelection

MARGIN = 16
GAP = 12
KEEP_PIXELS = 160 * 1024 * 1024  # bytes of drawn pages kept
KEEP_CHAR_PAGES = 40
MAX_PAGE_PIXELS = 40_000_000  # a page is never drawn bigger than this (a poster at zoom 10)
LAYERS = ("search", "highlights", "find", "selection", "flash")  # later drawn over earlier


class PdfView(TextSelection, QAbstractScrollArea):
    page_wanted = Signal(int, float)  # page (0-based), pixels a point
    chars_wanted = Signal(int)  # page (0-based)
    selection_made = Signal()  # the mouse let go of a selection
    clicked_at = Signal(int)  # a click that selected nothing, at this offset of the text (-1: none)
    menu_wanted = Signal(object, int)  # the context menu to add to, and the offset under the pointer
    link_clicked = Signal(QUrl)  # a link after the last page (a related article, a neighbour)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("pdfView")
        self.setFocusPolicy(Qt.StrongFocus)
        self.viewport().setCursor(Qt.IBeamCursor)
        self.layout_ = None  # PdfLayout
        self.key: object = None  # the document shown (its id and version)
        self.zoom = 0
        self.dark = False
        self.images: OrderedDict[int, tuple[float, QImage]] = OrderedDict()
        self.chars: OrderedDict[int, tuple[str, array]] = OrderedDict()
        self.asked: set[tuple[int, float]] = set()
        self.asked_chars: set[int] = set()
        self.layers: dict[str, list[Mark]] = {}
        self._widest = 0.0  # the widest page's width, in points
        self._wanted: tuple[float, int] | None = None  # a place not reachable yet, and where the bar stopped
        self._placed: tuple[float | None, list[float]] = (None, [])  # the scale, and each page's top at it
        self._boxes: dict[tuple[int, int], list[QRectF]] = {}  # (start, end) -> rects in page points, by page
        self._anchor: tuple[int, int] | None = None  # where a selection started: (page, character)
        self._pressed = False
        self.selection: tuple[int, int] | None = None  # offsets in the text
        self._ask_timer = QTimer(self, singleShot=True, interval=60)
        self._ask_timer.timeout.connect(self._ask_for_pages)
        self.verticalScrollBar().valueChanged.connect(lambda _: self._soon())
        self.horizontalScrollBar().valueChanged.connect(lambda _: self._soon())
        self.footer = QLabel(self.viewport(), objectName="pdfFooter", wordWrap=True, textFormat=Qt.RichText)
        self.footer.linkActivated.connect(lambda href: self.link_clicked.emit(QUrl(href)))
        self.footer.hide()

    # ------------------------------------------------------------ the document

    def set_document(self, layout, key: object) -> None:
        """Show another document (or the same one again: what was drawn is kept)."""
        if key != self.key:
            self.images.clear()
            self.chars.clear()
            self.asked.clear()
            self.asked_chars.clear()
            self._boxes.clear()
            self.selection = None
            self.footer.clear()
            self.footer.hide()
        self.layout_, self.key = layout, key
        self._widest = max((w for w, _ in layout.sizes), default=0.0) if layout else 0.0
        self._placed = (None, [])
        self._relayout()

    def set_image(self, key: object, number: int, scale: float, image: QImage) -> None:
        self.asked.discard((number, scale))
        if key != self.key or image.isNull():
            return
        image.setDevicePixelRatio(self.devicePixelRatioF())
        self.images[number] = (scale, image)
        self.images.move_to_end(number)
        self._forget_images()
        self.viewport().update()

    def set_chars(self, key: object, number: int, text: str, boxes: bytes) -> None:
        self.asked_chars.discard(number)
        if key != self.key:
            return
        self.chars[number] = (text, array("f", boxes))
        self.chars.move_to_end(number)
        while len(self.chars) > KEEP_CHAR_PAGES:
            self.chars.popitem(last=False)
        self._boxes.clear()
        self.viewport().update()

    def page_failed(self, number: int, scale: float) -> None:
        self.asked.discard((number, scale))

    # ------------------------------------------------------------ geometry

    def scale(self) -> float:
        """Pixels a point: the widest page as wide as the pane at zoom 0."""
        if not self.layout_ or not self.layout_.sizes:
            return 1.0
        return max(0.1, (self.viewport().width() - 2 * MARGIN) / (self._widest or 612.0)) * (1.1 ** self.zoom)

    def page_rect(self, number: int) -> QRectF:
        """Where a page is, in document pixels (before scrolling)."""
        scale, tops = self._tops()
        width, height = self.layout_.sizes[number]
        x = max(MARGIN, (self._content_width() - width * scale) / 2)
        return QRectF(x, tops[number], width * scale, height * scale)

    def _tops(self) -> tuple[float, list[float]]:
        """The scale, and where each page starts at it (worked out once a scale: a
        1,000-page document is asked where its pages are at every paint)."""
        scale = self.scale()
        if self._placed[0] != scale:
            tops, y = [], float(MARGIN)
            for _, height in self.layout_.sizes:
                tops.append(y)
                y += height * scale + GAP
            self._placed = (scale, tops)
        return self._placed

    def _content_width(self) -> float:
        return max(self.viewport().width(), self._widest * self.scale() + 2 * MARGIN)

    def _content_height(self) -> float:
        scale, tops = self._tops()
        pages = tops[-1] + self.layout_.sizes[-1][1] * scale + MARGIN if tops else 2.0 * MARGIN
        return pages + (self.footer.height() + 2 * GAP if self.footer.isVisible() else 0)

    def set_footer(self, html: str) -> None:
        """What follows the last page, as on any article: the related articles and the links
        to the previous and next ones."""
        self.footer.setText(html)
        self.footer.setVisible(bool(html))
        self._relayout()

    def _place_footer(self) -> None:
        if not self.footer.isVisible() or not self.layout_ or not self.layout_.sizes:
            return
        scale, tops = self._tops()
        width = int(min(self._widest * scale, 760))
        self.footer.resize(width, self.footer.heightForWidth(width))
        bottom = tops[-1] + self.layout_.sizes[-1][1] * scale + 2 * GAP
        x = (self._content_width() - width) / 2 - self.horizontalScrollBar().value()
        self.footer.move(int(x), int(bottom - self.verticalScrollBar().value()))

    def _relayout(self) -> None:
        if not self.layout_:
            self.verticalScrollBar().setRange(0, 0)
            self.viewport().update()
            return
        self._place_footer()
        bar = self.verticalScrollBar()
        bar.setPageStep(self.viewport().height())
        bar.setSingleStep(40)
        bar.setRange(0, max(0, int(self._content_height() - self.viewport().height())))
        wide = self.horizontalScrollBar()
        wide.setPageStep(self.viewport().width())
        wide.setRange(0, max(0, int(self._content_width() - self.viewport().width())))
        wanted, self._wanted = self._wanted, None
        if wanted is not None and bar.value() == wanted[1]:
            self.set_scroll_fraction(wanted[0])
        self._soon()

    def resizeEvent(self, event) -> None:
        # The viewport has its new width already: the place is read at the pages' last scale.
        fraction = self.scroll_fraction(self._placed if self._placed[0] is not None else None)
        super().resizeEvent(event)
        self._relayout()
        self.set_scroll_fraction(fraction)

    def set_zoom(self, steps: int) -> None:
        fraction = self.scroll_fraction()
        self.zoom = max(-6, min(10, steps))
        self._relayout()
        self.set_scroll_fraction(fraction)

    def scroll_fraction(self, placed: tuple[float, list[float]] | None = None) -> float:
        """Where the reader is, as (page + the part of it above the top of the view) / pages:
        the same page and place at any zoom, whatever follows the last page (placed: the
        scale and page tops to read it at, if not the present ones)."""
        if not self.layout_ or not self.layout_.sizes:
            return 0.0
        scale, tops = placed or self._tops()
        top = self.verticalScrollBar().value()
        page = max(0, bisect.bisect_right(tops, top) - 1)
        within = (top - tops[page]) / (self.layout_.sizes[page][1] * scale + GAP)
        return (page + min(within, 1.0)) / len(tops)

    def set_scroll_fraction(self, fraction: float) -> None:
        if not self.layout_ or not self.layout_.sizes:
            return
        scale, tops = self._tops()
        place = max(0.0, fraction) * len(tops)
        page = min(int(place), len(tops) - 1)
        within = place - page
        bar = self.verticalScrollBar()
        target = int(round(tops[page] + within * (self.layout_.sizes[page][1] * scale + GAP)))
        bar.setValue(target)
        # A place past the end of what is laid out yet (the footer comes later, the window
        # grows) is taken again when there is room, unless the reader has scrolled since.
        self._wanted = (fraction, bar.value()) if bar.value() < target else None

    def visible_pages(self) -> list[int]:
        if not self.layout_ or not self.layout_.sizes:
            return []
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        scale, tops = self._tops()
        first = max(0, bisect.bisect_right(tops, top) - 1)  # the page the top of the view is on (or the gap after it)
        if tops[first] + self.layout_.sizes[first][1] * scale < top:
            first += 1
        last = bisect.bisect_right(tops, bottom)
        return list(range(first, min(last, len(tops))))

    def _to_view(self, number: int, box: QRectF) -> QRectF:
        """A box in a page's points (y upwards) in the viewport's pixels."""
        page = self.page_rect(number)
        scale = self.scale()
        height = self.layout_.sizes[number][1]
        return QRectF(page.x() + box.left() * scale - self.horizontalScrollBar().value(),
                      page.y() + (height - box.bottom()) * scale - self.verticalScrollBar().value(),
                      box.width() * scale, box.height() * scale)

    # ------------------------------------------------------------ asking for pages

    def _soon(self) -> None:
        self._ask_timer.start()
        self._place_footer()
        self.viewport().update()

    def _ask_for_pages(self) -> None:
        """Pixels for the pages in sight, then for one page either side; characters for
        the pages in sight (marks and selection are made of them)."""
        seen = self.visible_pages()
        if not seen:
            return
        wanted = seen + [n for n in (seen[0] - 1, seen[-1] + 1) if 0 <= n < len(self.layout_.sizes)]
        scale = self._render_scale()
        for number in wanted:
            have = self.images.get(number)
            if (have is None or abs(have[0] - self._fit_scale(number, scale)) > 0.01) and \
                    (number, self._fit_scale(number, scale)) not in self.asked:
                self.asked.add((number, self._fit_scale(number, scale)))
                self.page_wanted.emit(number, self._fit_scale(number, scale))
        for number in seen:
            if number not in self.chars and number not in self.asked_chars:
                self.asked_chars.add(number)
                self.chars_wanted.emit(number)

    def _render_scale(self) -> float:
        return round(self.scale() * self.devicePixelRatioF(), 2)

    def _fit_scale(self, number: int, scale: float) -> float:
        width, height = self.layout_.sizes[number]
        most = (MAX_PAGE_PIXELS / max(1.0, width * height)) ** 0.5
        return round(min(scale, most), 2)

    def _forget_images(self) -> None:
        seen = set(self.visible_pages())
        total = sum(image.sizeInBytes() for _, image in self.images.values())
        for number in list(self.images):
            if total <= KEEP_PIXELS:
                break
            if number not in seen:
                total -= self.images.pop(number)[1].sizeInBytes()

    # ------------------------------------------------------------ drawing

    def paintEvent(self, event) -> None:
        painter = QPainter(self.viewport())
        painter.fillRect(self.viewport().rect(), QColor("#15171a" if self.dark else "#d9dbde"))
        if not self.layout_:
            return
        marks = [(mark, layer) for layer in LAYERS for mark in self.layers.get(layer, [])]
        for number in self.visible_pages():
            target = self._to_view(number, QRectF(0, 0, *self.layout_.sizes[number]))
            have = self.images.get(number)
            if have is not None:
                painter.setRenderHint(QPainter.SmoothPixmapTransform, abs(have[0] - self._render_scale()) > 0.01)
                painter.drawImage(target, have[1])
            else:
                painter.fillRect(target, QColor("white"))
            for mark, layer in marks:
                self._draw_mark(painter, number, mark, layer)
            if self.dark:
                painter.fillRect(target, QColor(0, 0, 0, 70))  # dimmed, as a page under a reading lamp
        painter.end()
        if any(self.images.get(n) is None or abs(self.images[n][0] - self._fit_scale(n, self._render_scale())) > 0.01
               for n in self.visible_pages()):
            self._ask_timer.start()

    def _draw_mark(self, painter: QPainter, number: int, mark: Mark, layer: str) -> None:
        for rect in self.boxes(mark.start, mark.end).get(number, []):
            area = self._to_view(number, rect)
            painter.setCompositionMode(QPainter.CompositionMode_Multiply)
            painter.fillRect(area, mark.color)
            painter.setCompositionMode(QPainter.CompositionMode_SourceOver)
            if mark.underline is not None:
                painter.setPen(QPen(mark.underline, max(1.0, self.scale() * 0.8)))
                painter.drawLine(QPointF(area.left(), area.bottom()), QPointF(area.right(), area.bottom()))

    def boxes(self, start: int, end: int) -> dict[int, list[QRectF]]:
        """The boxes, by page, that text[start:end] covers (lines merged), in page points;
        pages whose characters are not here yet are asked for."""
        key = (start, end)
        if key in self._boxes:
            return self._boxes[key]
        found: dict[int, list[QRectF]] = {}
        complete = True
        for page, first, last in self.layout_.spans(start, end) if self.layout_ else []:
            if page not in self.chars:
                complete = False
                if page not in self.asked_chars:
                    self.asked_chars.add(page)
                    self.chars_wanted.emit(page)
                continue
            found.setdefault(page, []).extend(line_boxes(self.chars[page][1], first, last))
        if complete:
            self._boxes[key] = found
        return found

    def set_layer(self, name: str, marks: list[Mark]) -> None:
        self.layers[name] = marks
        self.viewport().update()

    def scroll_to(self, start: int) -> bool:
        """Bring the place of text[start] into sight (a third from the top); False if unknown."""
        if not self.layout_:
            return False
        page = self.layout_.page_of(start)
        boxes = self.boxes(start, start + 1).get(page)
        rect = self.page_rect(page)
        y = rect.y() if not boxes else self._to_view(page, boxes[0]).top() + self.verticalScrollBar().value()
        self.verticalScrollBar().setValue(int(y - self.viewport().height() / 3))
        return True

    def keyPressEvent(self, event) -> None:
        bar = self.verticalScrollBar()
        steps = {Qt.Key_Down: bar.singleStep(), Qt.Key_Up: -bar.singleStep(), Qt.Key_PageDown: bar.pageStep(),
                 Qt.Key_PageUp: -bar.pageStep(), Qt.Key_Space: bar.pageStep()}
        if event.matches(QKeySequence.Copy):
            self.copy()
        elif event.key() in steps and not event.modifiers() & Qt.ControlModifier:
            bar.setValue(bar.value() + steps[event.key()])
        elif event.key() == Qt.Key_Home:
            bar.setValue(0)
        elif event.key() == Qt.Key_End:
            bar.setValue(bar.maximum())
        else:
            super().keyPressEvent(event)
