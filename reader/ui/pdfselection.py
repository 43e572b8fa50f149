"""Selecting text on a PDF's pages (a part of reader.ui.pdfview.PdfView): a press, a drag
and a release select from the character nearest the press to the one nearest the pointer,
as offsets of the article's text (the text quotes are made on); copy gives that text; the
context menu offers what the reading pane adds to it."""

from __future__ import annotations

from array import array

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QGuiApplication

from reader.ui.pdfmarks import Mark, nearest_char


class TextSelection:
    """Mixed into PdfView, whose layout_, chars, layers, page geometry and signals it uses."""

    def char_at(self, point: QPoint) -> tuple[int, int] | None:
        """(page, character) nearest a point of the viewport, on a page whose characters are here."""
        for number in self.visible_pages():
            rect = self._to_view(number, QRectF(0, 0, *self.layout_.sizes[number]))
            if not rect.contains(QPointF(point)) or number not in self.chars:
                continue
            scale = self.scale()
            x = (point.x() - rect.left()) / scale
            y = self.layout_.sizes[number][1] - (point.y() - rect.top()) / scale
            return number, nearest_char(self.chars[number][1], x, y)
        return None

    def offset_at(self, point: QPoint) -> int:
        found = self.char_at(point)
        return self._offset(found) if found else -1

    def _offset(self, place: tuple[int, int], forward: bool = True) -> int:
        page, char = place
        chars = self.chars.get(page, ("", array("f")))[0]
        for step in range(0, max(1, len(chars))):
            candidate = char + step if forward else char - step
            offset = self.layout_.offset_of(page, candidate)
            if offset is not None:
                return offset
        return -1

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self._anchor = self.char_at(event.position().toPoint())
            self._pressed = True
            self.selection = None
            self.set_layer("selection", [])
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._pressed and self._anchor is not None:
            here = self.char_at(event.position().toPoint())
            if here is not None:
                self._select(self._anchor, here)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.LeftButton:
            return
        self._pressed = False
        if self.selection:
            self.selection_made.emit()
        else:
            self.clicked_at.emit(self.offset_at(event.position().toPoint()))

    def _select(self, first: tuple[int, int], second: tuple[int, int]) -> None:
        a, b = self._offset(first), self._offset(second)
        if a < 0 or b < 0 or a == b:
            self.selection = None
            self.set_layer("selection", [])
            return
        self.select_text(min(a, b), max(a, b) + 1)

    def select_text(self, start: int, end: int) -> None:
        """Select text[start:end] of the article, drawn as a selection is."""
        self.selection = (start, end)
        self.set_layer("selection", [Mark(start, end, self.palette().highlight().color().lighter(160))])

    def clear_selection(self) -> None:
        self.selection = None
        self.set_layer("selection", [])

    def selection_rects(self) -> tuple[QRectF, QRectF] | None:
        """The first and the last box of the selection, in the viewport (where the small
        Highlight and Comment buttons go)."""
        if not self.selection:
            return None
        boxes = [(page, rect) for page, rects in sorted(self.boxes(*self.selection).items()) for rect in rects]
        if not boxes:
            return None
        return self._to_view(*boxes[0]), self._to_view(*boxes[-1])

    def contextMenuEvent(self, event) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        copy = menu.addAction("&Copy", self.copy)
        copy.setEnabled(bool(self.selection))
        self.menu_wanted.emit(menu, self.offset_at(event.pos()))
        menu.exec(event.globalPos())
        menu.deleteLater()

    def copy(self) -> None:
        if self.selection and self.layout_:
            start, end = self.selection
            QGuiApplication.clipboard().setText(self.layout_.text.text[start:end])
