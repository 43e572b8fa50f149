"""The reading pane: a QTextBrowser that loads nothing it was not meant to.

Qt's own resource loader opens any local path (``<img src="/dev/zero">`` aborts
the process) and follows ``file:`` links. Here every resource request is answered
by us, always with a valid object: returning None would hand the request back to
Qt's loader.
"""

from __future__ import annotations

import base64
import binascii
import os
import stat
import zipfile
from pathlib import Path
from urllib.parse import unquote

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor, QDesktopServices, QFont, QFontMetrics, QImage, QImageReader, QPainter, QTextCharFormat, QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QAbstractSlider, QTextBrowser, QTextEdit

from reader.library.epub import BOOK_SCHEME
from reader.render import MAX_IMAGE_BYTES

MAX_COLUMN_CHARS = 74  # a comfortable line length, in average character widths
MAX_IMAGE_PIXELS = 4096


class ArticleView(QTextBrowser):
    article_link = Signal(str)  # another article of the library was clicked
    nav_link = Signal(str)  # "prev" or "next"
    web_link = Signal(QUrl)  # an http(s)/mailto link was clicked
    clicked_at = Signal(int)  # a click that selected nothing, at this document position
    selection_made = Signal()  # the mouse let go of a selection
    menu_wanted = Signal(object, int)  # the standard context menu (QMenu) to add to, and where (document position)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("articleView")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QTextBrowser.NoFrame)
        # Passages are selected with Shift+arrows too, to be highlighted from the keyboard.
        self.setTextInteractionFlags(self.textInteractionFlags() | Qt.TextSelectableByKeyboard)
        self.anchorClicked.connect(self.follow)
        self.root: Path | None = None
        self.base_point_size = 12.0
        self.zoom = 0
        self._matches: list[QTextCursor] = []
        self._current = -1
        self._layers: dict[str, list[QTextEdit.ExtraSelection]] = {}
        self._apply_font()

    # ------------------------------------------------------------ resources

    def loadResource(self, kind: int, url: QUrl):
        if kind == QTextDocument.ImageResource:
            return self._image(url)
        return ""  # style sheets and anything else: nothing, never a file

    def _image(self, url: QUrl) -> QImage:
        scheme = url.scheme()
        if scheme == "reader-image" and self.root is not None:
            image = self._library_image(unquote(url.path()))
            if image is not None:
                return image
            return placeholder_image("image could not be shown")
        if scheme == "reader-missing":
            return placeholder_image(unquote(url.path()) or "image")
        if scheme == "data":
            return self._inline_image(url.toString()) or placeholder_image("image could not be shown")
        if scheme == BOOK_SCHEME and self.root is not None:
            return self._book_image(unquote(url.path())) or placeholder_image("image could not be shown")
        return QImage()

    def _library_image(self, relative: str) -> QImage | None:
        path = self._library_path(relative)
        try:
            if path is None or os.stat(path).st_size > MAX_IMAGE_BYTES:
                return None
        except OSError:
            return None
        return self._decoded(QImageReader(str(path)))

    def _library_path(self, relative: str) -> Path | None:
        """A regular file inside the library, or None (outside it, missing, a device)."""
        try:
            path = (self.root / relative).resolve()
            path.relative_to(self.root)
            st = os.stat(path)
        except (OSError, ValueError, RuntimeError):
            return None
        return path if stat.S_ISREG(st.st_mode) else None

    def _book_image(self, where: str) -> QImage | None:
        """An image inside a book of the library ("book.epub!/OEBPS/images/plate.png"): read
        from the book, no more than an image may be, and decoded with the usual guards."""
        article_id, _, member = where.partition("!/")
        book = self._library_path(article_id)
        if book is None:
            return None
        try:
            with zipfile.ZipFile(book) as archive, archive.open(member) as handle:
                data = handle.read(MAX_IMAGE_BYTES + 1)
        except (OSError, KeyError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
            return None
        if len(data) > MAX_IMAGE_BYTES:
            return None
        self._inline = QBuffer()  # kept while the reader reads from it
        self._inline.setData(QByteArray(data))
        self._inline.open(QIODevice.ReadOnly)
        return self._decoded(QImageReader(self._inline))

    def _inline_image(self, url: str) -> QImage | None:
        """An image carried in the page itself (a data: URI, as SingleFile saves them)."""
        header, comma, payload = url.partition(",")
        if not comma or not header.startswith("data:image/") or len(payload) > 4 * MAX_IMAGE_BYTES // 3 + 64:
            return None
        try:
            data = base64.b64decode(unquote(payload)) if header.endswith(";base64") else unquote(payload).encode()
        except (ValueError, binascii.Error):
            return None
        self._inline = QBuffer()  # kept while the reader reads from it
        self._inline.setData(QByteArray(data))
        self._inline.open(QIODevice.ReadOnly)
        return self._decoded(QImageReader(self._inline))

    def _decoded(self, reader: QImageReader) -> QImage | None:
        """An image read with the guards every image gets: no decompression bomb, no more
        than 4,096 pixels a side, no wider than the text column."""
        reader.setAllocationLimit(64)  # MB: a decompression bomb is refused, not decoded
        size = reader.size()
        if size.isValid() and max(size.width(), size.height()) > MAX_IMAGE_PIXELS:
            reader.setScaledSize(size.scaled(MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS, Qt.KeepAspectRatio))
        image = reader.read()
        if image.isNull():
            return None
        # setHtml loads images before our margins are back on the root frame: compute, don't read them.
        scrollbar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        column = min(self._column_width(), self.viewport().width() - 2 * self._side_margin() - scrollbar - 8)
        if column > 50 and image.width() > column:
            image = image.scaledToWidth(column, Qt.SmoothTransformation)
        return image

    # ------------------------------------------------------------ links

    def follow(self, url: QUrl) -> None:
        """A link clicked on the page (or at the end of a PDF's pages): another article, a
        neighbour, a web link (to the browser), a place in the page; nothing else."""
        scheme = url.scheme()
        if scheme == "reader-article":
            self.article_link.emit(unquote(url.path()))
        elif scheme == "reader-nav":
            self.nav_link.emit(url.path())
        elif scheme in ("http", "https", "mailto"):
            self.web_link.emit(url)
        elif not scheme and url.hasFragment():
            self.scrollToAnchor(url.fragment())
        # anything else goes nowhere: file:, javascript:, and friends never reach the OS

    # ------------------------------------------------------------ layout and zoom

    def _apply_font(self) -> None:
        font = QFont("DejaVu Serif")
        font.setStyleHint(QFont.Serif)
        font.setPointSizeF(self.base_point_size * (1.1 ** self.zoom))
        self.document().setDefaultFont(font)
        fmt = self.document().rootFrame().frameFormat()
        fmt.setLeftMargin(-1)  # force _update_margins to re-apply
        self.document().rootFrame().setFrameFormat(fmt)
        self._update_margins()

    def set_zoom(self, steps: int) -> None:
        self.zoom = max(-6, min(10, steps))
        self._apply_font()

    def _column_width(self) -> int:
        return max(200, QFontMetrics(self.document().defaultFont()).averageCharWidth() * MAX_COLUMN_CHARS)

    def _side_margin(self) -> int:
        return max(20, (self.viewport().width() - self._column_width()) // 2)

    def _update_margins(self) -> None:
        """Centre a column of comfortable width: margins on the document's root frame,
        so the background and the scroll bar stay at the widget's edges."""
        side = self._side_margin()
        root = self.document().rootFrame()
        fmt = root.frameFormat()
        if (fmt.leftMargin(), fmt.rightMargin()) != (side, side):
            fmt.setLeftMargin(side)
            fmt.setRightMargin(side)
            fmt.setTopMargin(18)
            fmt.setBottomMargin(24)
            root.setFrameFormat(fmt)

    def resizeEvent(self, event) -> None:
        self._update_margins()
        super().resizeEvent(event)

    # ------------------------------------------------------------ showing

    def show_html(self, html_text: str, css: str) -> None:
        self.document().setDefaultStyleSheet(css)
        self.setHtml(html_text)
        self._apply_font()  # setHtml resets the root frame's margins
        self.clear_find()

    def scroll_fraction(self) -> float:
        bar = self.verticalScrollBar()
        return bar.value() / bar.maximum() if bar.maximum() else 0.0

    def set_scroll_fraction(self, fraction: float) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(int(round(fraction * bar.maximum())))

    # ------------------------------------------------------------ find in article

    def find_all(self, text: str) -> int:
        """Highlight every match of text; returns how many there are."""
        self._matches = []
        self._current = -1
        if text:
            cursor = QTextCursor(self.document())
            while True:
                cursor = self.document().find(text, cursor)
                if cursor.isNull():
                    break
                self._matches.append(QTextCursor(cursor))
        if self._matches:
            self._current = 0
        self._paint_matches()
        return len(self._matches)

    def step_find(self, forward: bool = True) -> int:
        """Move to the next (or previous) match; returns its 1-based number, or 0."""
        if not self._matches:
            return 0
        self._current = (self._current + (1 if forward else -1)) % len(self._matches)
        self._paint_matches()
        return self._current + 1

    def clear_find(self) -> None:
        self._matches = []
        self._current = -1
        self.set_layer("find", [])

    def _paint_matches(self) -> None:
        selections = []
        for i, cursor in enumerate(self._matches):
            selections.append(extra_selection(cursor, QColor("#ff9f1c") if i == self._current else QColor("#ffe27a"),
                                              QColor("#1f2328")))
        self.set_layer("find", selections)
        if 0 <= self._current < len(self._matches):
            self.setTextCursor(self._matches[self._current])
            self.ensureCursorVisible()
            cursor = self.textCursor()
            cursor.clearSelection()

    @property
    def match_count(self) -> int:
        return len(self._matches)

    # ------------------------------------------------------------ layers of marks on the text

    LAYER_ORDER = ("search", "highlights", "flash", "find")  # later layers are drawn over earlier ones

    def set_layer(self, name: str, selections: list) -> None:
        """Marks drawn over the text as extra selections, kept per layer (searched words,
        highlights, the flash of a highlight, find matches) so that setting one keeps the others."""
        self._layers[name] = selections
        self.setExtraSelections([s for layer in self.LAYER_ORDER for s in self._layers.get(layer, [])])

    # ------------------------------------------------------------ keys, mouse and menu

    _SCROLL_KEYS = {
        Qt.Key_Down: QAbstractSlider.SliderSingleStepAdd, Qt.Key_Up: QAbstractSlider.SliderSingleStepSub,
        Qt.Key_PageDown: QAbstractSlider.SliderPageStepAdd, Qt.Key_PageUp: QAbstractSlider.SliderPageStepSub,
        Qt.Key_Space: QAbstractSlider.SliderPageStepAdd,
        Qt.Key_Home: QAbstractSlider.SliderToMinimum, Qt.Key_End: QAbstractSlider.SliderToMaximum,
    }

    def keyPressEvent(self, event) -> None:
        """Keys scroll the page, as a reader expects; with Shift they select from where the
        caret is — or, if it is out of sight, from the top of what is shown."""
        shifted = bool(event.modifiers() & Qt.ShiftModifier)
        if not shifted and not event.modifiers() & Qt.ControlModifier and event.key() in self._SCROLL_KEYS:
            self.verticalScrollBar().triggerAction(self._SCROLL_KEYS[event.key()])
            return
        if shifted and event.key() in (Qt.Key_Left, Qt.Key_Right, Qt.Key_Up, Qt.Key_Down, Qt.Key_Home, Qt.Key_End):
            caret = self.cursorRect()
            if not self.viewport().rect().intersects(caret) and not self.textCursor().hasSelection():
                self.setTextCursor(self.cursorForPosition(QPoint(self._side_margin(), 4)))
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.LeftButton:
            return
        if self.textCursor().hasSelection():
            self.selection_made.emit()
        elif not self.anchorAt(event.position().toPoint()):
            self.clicked_at.emit(self.cursorForPosition(event.position().toPoint()).position())

    def contextMenuEvent(self, event) -> None:
        menu = self.createStandardContextMenu(event.pos())
        self.menu_wanted.emit(menu, self.cursorForPosition(event.pos()).position())
        menu.exec(event.globalPos())
        menu.deleteLater()


def extra_selection(cursor: QTextCursor, background: QColor, foreground: QColor | None = None):
    selection = QTextEdit.ExtraSelection()
    fmt = QTextCharFormat()
    fmt.setBackground(background)
    if foreground is not None:
        fmt.setForeground(foreground)
    selection.format = fmt
    selection.cursor = cursor
    return selection


def placeholder_image(label: str) -> QImage:
    """A grey box naming an image we did not load (remote images are never fetched)."""
    text = f"▢  {label}"[:120]
    font = QFont()
    font.setPointSize(10)
    width = min(560, QFontMetrics(font).horizontalAdvance(text) + 28)
    image = QImage(max(120, width), 34, QImage.Format_ARGB32)
    image.fill(QColor("#e6e8eb"))
    painter = QPainter(image)
    painter.setPen(QColor("#5f6670"))
    painter.setFont(font)
    painter.drawRect(0, 0, image.width() - 1, image.height() - 1)
    painter.drawText(image.rect().adjusted(10, 0, -10, 0), Qt.AlignVCenter | Qt.AlignLeft, text)
    painter.end()
    return image


def open_web_link(url: QUrl) -> None:
    """Hand a clicked web link to the system browser (only http, https and mailto)."""
    if url.scheme() in ("http", "https", "mailto"):
        QDesktopServices.openUrl(url)
