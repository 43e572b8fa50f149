"""The searched words, marked on the open article in a look no highlight has.

The reader's own highlights are fills in five colours; a searched word is a grey wash
with a dark underline (light under a dark theme), so the two are never confused, and
it is drawn under the highlights, so a highlight over a searched word keeps its colour.
The marks come from the engine (``Page.hits``: offsets in the body's flat text;
``Page.header_hits``: in the title and summary) and go when the search is cleared or
another article is opened.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

from reader.render import Page
from reader.ui.articleview import ArticleView
from reader.ui.highlights import DocumentText

# (wash, underline) in the light and the dark theme: greys, which no highlight colour is.
MARK_COLORS = {False: ("#e0e0e0", "#3c3c3c"), True: ("#46484c", "#d6d6d6")}
LAYER = "search"


def mark_format(dark: bool) -> QTextCharFormat:
    wash, line = MARK_COLORS[dark]
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(wash))
    fmt.setUnderlineStyle(QTextCharFormat.SingleUnderline)
    fmt.setUnderlineColor(QColor(line))
    return fmt


def draw(view: ArticleView, page: Page | None, text: DocumentText | None, dark: bool) -> int:
    """Mark the page's searched words on the view; how many are marked."""
    fmt = mark_format(dark)
    cursors = _header_cursors(view, page) if page is not None else []
    if page is not None and page.hits and text is not None:
        cursors += [c for start, end in page.hits if (c := text.cursor(view.document(), start, end)) is not None]
    selections = []
    for cursor in cursors:
        selection = QTextEdit.ExtraSelection()
        selection.format = fmt
        selection.cursor = cursor
        selections.append(selection)
    view.set_layer(LAYER, selections)
    return len(selections)


def clear(view: ArticleView) -> None:
    view.set_layer(LAYER, [])


def _header_cursors(view: ArticleView, page: Page) -> list[QTextCursor]:
    """The header's marks: its blocks with text, counted as the engine counted them."""
    blocks, block = [], view.document().begin()
    while block.isValid() and len(blocks) < page.header_blocks:
        if block.text().strip():
            blocks.append(block)
        block = block.next()
    cursors = []
    for number, start, end in page.header_hits:
        if number < len(blocks) and end <= len(blocks[number].text()):
            cursor = QTextCursor(view.document())
            cursor.setPosition(blocks[number].position() + start)
            cursor.setPosition(blocks[number].position() + end, QTextCursor.KeepAnchor)
            cursors.append(cursor)
    return cursors
