"""Highlights on the page: where the engine's passages are in the shown document,
drawing them, finding the one under a click, and flashing one to show it.

The engine anchors passages in the flat shown text of an article's body (see
reader.library.shown_text); the document QTextBrowser builds from the same HTML holds that
text after its header blocks, with its own spacing. DocumentText lines the two up
character by character, so offsets cross between them exactly.
"""

from __future__ import annotations

import bisect
import re
from array import array

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QColor, QTextCursor, QTextDocument

from reader.notes.anchoring import Quote, quote_at
from reader.notes.store import DEFAULT_COLOR, Note
from reader.render import Page
from reader.ui.articleview import ArticleView, extra_selection

FLASH_MS = 900
_RUN = re.compile(r"\S+")
_OBJECT = "\ufffc"  # an image in the document's text: the shown text has nothing there

# Background colours a highlight is drawn in, light and dark: readable under the text.
COLORS = {
    "yellow": ("#fff0a0", "#6e5c12"), "green": ("#c9efc3", "#2d5a33"), "blue": ("#cfe2ff", "#2a4a72"),
    "pink": ("#ffd3e4", "#6e2d4b"), "purple": ("#e4d6ff", "#4e3b76"),
}
FLASH_COLOR = ("#ff9f1c", "#b36200")


def color_of(name: str | None, dark: bool) -> QColor:
    light_color, dark_color = COLORS.get(name or DEFAULT_COLOR, COLORS[DEFAULT_COLOR])
    return QColor(dark_color if dark else light_color)


class DocumentText:
    """The body of a shown document as flat text, with the document position of each of
    its characters: made once per page, when highlights are drawn or made."""

    def __init__(self, document: QTextDocument, page: Page):
        flat_parts: list[str] = []
        positions = array("l")
        blocks_seen = 0
        block = document.begin()
        while block.isValid():
            text = block.text()
            if text.strip(" \t\n\u2028\u2029\xa0" + _OBJECT):
                blocks_seen += 1
                if blocks_seen > page.header_blocks:
                    _add_block(text, block.position(), flat_parts, positions)
            block = block.next()
        built = "".join(flat_parts)
        self.flat = page.shown.flat
        self.positions = positions
        self.shown = page.shown
        # The body's text comes first, then whatever follows it (the links to neighbours).
        self.ok = built.startswith(self.flat)

    def cursor(self, document: QTextDocument, start: int, end: int) -> QTextCursor | None:
        """A cursor selecting flat[start:end] of the body."""
        if not self.ok or start is None or end is None or not 0 <= start < end <= len(self.flat):
            return None
        cursor = QTextCursor(document)
        cursor.setPosition(self.positions[start])
        cursor.setPosition(self.positions[end - 1] + 1, QTextCursor.KeepAnchor)
        return cursor

    def flat_range(self, cursor: QTextCursor) -> tuple[int, int] | None:
        """The flat offsets of a selection's part inside the body, or None if it has none."""
        if not self.ok or not cursor.hasSelection():
            return None
        start, end = self._between(cursor.selectionStart(), cursor.selectionEnd())
        while start < end and self.flat[start] == " ":
            start += 1
        while end > start and self.flat[end - 1] == " ":
            end -= 1
        return (start, end) if end > start else None

    def _between(self, low: int, high: int) -> tuple[int, int]:
        """The flat offsets whose document position is in [low, high): positions only
        ever grow, so two bisections find them (past the body: not counted)."""
        limit = len(self.flat)
        return (bisect.bisect_left(self.positions, low, 0, limit),
                bisect.bisect_left(self.positions, high, 0, limit))

    def quote(self, start: int, end: int) -> Quote:
        return quote_at(self.flat, start, end)


def _add_block(text: str, position: int, parts: list[str], positions: array) -> None:
    """Append a block's words, one space between runs, and each character's position.
    A space stands at the position just after the character before it: white space
    or the end of a block, so the positions only ever grow."""
    offsets = None
    if _OBJECT in text:  # an image inside a line: its character goes, the words around it join
        offsets = [i for i, c in enumerate(text) if c != _OBJECT]
        text = text.replace(_OBJECT, "")
    for match in _RUN.finditer(text):
        if parts:
            parts.append(" ")
            positions.append(positions[-1] + 1)
        parts.append(match.group())
        if offsets is None:
            positions.extend(range(position + match.start(), position + match.end()))
        else:
            positions.extend(position + offsets[i] for i in range(match.start(), match.end()))


class HighlightLayer(QObject):
    """The highlights of the open article, drawn on its view; tells which one is clicked."""

    highlight_clicked = Signal(int)  # note id

    def __init__(self, view: ArticleView, parent=None):
        super().__init__(parent)
        self.view = view
        self.page: Page | None = None
        self.text: DocumentText | None = None
        self.notes: list[Note] = []
        self.dark = False
        self.spans: list[tuple[int, int, int]] = []  # (document start, end, note id), drawn
        self._flash_timer = QTimer(self, singleShot=True, interval=FLASH_MS)
        self._flash_timer.timeout.connect(lambda: self.view.set_layer("flash", []))
        view.clicked_at.connect(self._on_click)

    def set_page(self, page: Page | None) -> None:
        """A new document is shown: its text is lined up again when first needed."""
        self.page = page
        self.text = None
        self.notes = []
        self.spans = []
        self.view.set_layer("highlights", [])
        self.view.set_layer("flash", [])

    def document_text(self) -> DocumentText | None:
        if self.page is None:
            return None
        if self.text is None:
            self.text = DocumentText(self.view.document(), self.page)
        return self.text

    def draw(self, notes: list[Note], dark: bool) -> None:
        self.notes = [n for n in notes if n.quote is not None]
        self.dark = dark
        self.spans = []
        selections = []
        text = self.document_text() if self.notes else None
        if text is not None:
            for note in self.notes:
                cursor = self._cursor(note)
                if cursor is None:
                    continue
                selections.append(extra_selection(cursor, color_of(note.color, dark)))
                self.spans.append((cursor.selectionStart(), cursor.selectionEnd(), note.id))
        self.view.set_layer("highlights", selections)

    def _cursor(self, note: Note) -> QTextCursor | None:
        anchor = note.anchor
        if anchor is None or not anchor.attached or self.text is None:
            return None
        shown = self.text.shown
        return self.text.cursor(self.view.document(), shown.to_flat(anchor.start), shown.to_flat(anchor.end))

    def at(self, position: int) -> int | None:
        """The note id of the highlight at a document position (the shortest, if nested)."""
        inside = [(end - start, note_id) for start, end, note_id in self.spans if start <= position < end]
        return min(inside)[1] if inside else None

    def _on_click(self, position: int) -> None:
        note_id = self.at(position)
        if note_id is not None:
            self.highlight_clicked.emit(note_id)

    def show(self, note_id: int) -> bool:
        """Scroll to a highlight's passage and flash it; False when it is not on the page."""
        note = next((n for n in self.notes if n.id == note_id), None)
        cursor = self._cursor(note) if note else None
        if cursor is None:
            return False
        light, dark = FLASH_COLOR
        self.view.set_layer("flash", [extra_selection(cursor, QColor(dark if self.dark else light))])
        end = QTextCursor(cursor)
        end.clearSelection()
        self.view.setTextCursor(end)
        self.view.ensureCursorVisible()
        self._flash_timer.start()
        return True
