"""The searched words and the reader's own highlights on the page, in the real window:
marked so that no highlight colour can be taken for a search mark in either theme, the
reader's highlight drawn over a searched word, and the marks gone once the search is
cleared (Esc) or another article is opened from the library."""

from collections import Counter

import pytest
from conftest import write
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QLineEdit, QTextBrowser
from qt_helpers import WAIT, click_row, find, library_view, open_window, row_ids, search, search_marks, wait_article
from test_gui_highlights import action, highlighted, select

from reader.ui.highlights import COLORS as HIGHLIGHT_COLORS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

BORROW = """---
title: The borrow checker, explained
date: 2025-03-01
summary: What the borrow checker wants, and why.
---
Rust's borrow checker rejects code that would let two owners change one value at once.

Learning to read what the borrow checker says is most of learning Rust.
"""
OTHER = "---\ntitle: Notes on gardening\ndate: 2024-01-01\n---\nTomatoes want sun and patience.\n"
SENTENCE = "Learning to read what the borrow checker says is most of learning Rust."


@pytest.fixture
def window(qtbot, library, data):
    write(library, "borrow.md", BORROW)
    write(library, "garden.md", OTHER)
    return open_window(qtbot, library, data, rows=2)


def view(w) -> QTextBrowser:
    return find(w, QTextBrowser, "articleView")


def open_from_search(qtbot, w, query):
    search(qtbot, w, query)
    qtbot.keyClick(find(w, QLineEdit, "searchField"), Qt.Key_Return)
    wait_article(qtbot, w, "two owners")
    qtbot.waitUntil(lambda: len(search_marks(view(w))) == 8, timeout=WAIT)


def distance(a: QColor, b: QColor) -> float:
    return ((a.red() - b.red()) ** 2 + (a.green() - b.green()) ** 2 + (a.blue() - b.blue()) ** 2) ** 0.5


def mark_formats(w):
    return [QTextCharFormat(s.format) for s in view(w).extraSelections()
            if s.format.underlineStyle() != QTextCharFormat.NoUnderline]


def fill_of(w, cursor: QTextCursor) -> QColor:
    """The colour most of a word's box is painted in on screen (the fill around its letters)."""
    start = QTextCursor(cursor)
    start.setPosition(cursor.selectionStart())
    end = QTextCursor(cursor)
    end.setPosition(cursor.selectionEnd())
    box = QRect(view(w).cursorRect(start).topLeft(), view(w).cursorRect(end).bottomLeft()).adjusted(1, 1, -1, -1)
    image = view(w).viewport().grab().toImage()
    counts = Counter(image.pixelColor(QPoint(x, y)).name() for x in range(box.left(), box.right())
                     for y in range(box.top(), box.bottom()))
    return QColor(counts.most_common(1)[0][0])


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_search_marks_look_like_no_highlight_and_highlights_are_drawn_over_them(qtbot, window, theme):
    window.look.set_theme(theme)
    open_from_search(qtbot, window, "borrow checker")
    assert search_marks(view(window)) == ["borrow", "checker"] * 4  # the title, the summary, each paragraph
    dark = theme == "dark"
    for fmt in mark_formats(window):
        assert fmt.underlineStyle() == QTextCharFormat.SingleUnderline
        wash = fmt.background().color()
        # A grey among colours: every highlight of this theme is a colour (saturated), the
        # wash is not, and it stands apart from the page.
        for pair in HIGHLIGHT_COLORS.values():
            highlight_color = QColor(pair[1 if dark else 0])
            assert highlight_color.hslSaturationF() > 0.3 and wash.hslSaturationF() < 0.08
            assert distance(wash, highlight_color) > 30
        assert distance(wash, view(window).palette().base().color()) > 25
        assert distance(fmt.underlineColor(), wash) > 120  # the line stands out of its wash

    # What the screen shows: a searched word in its wash; once highlighted, in the highlight's colour.
    second = [QTextCursor(s.cursor) for s in view(window).extraSelections() if s.cursor.selectedText() == "checker"][3]
    assert distance(fill_of(window, second), mark_formats(window)[0].background().color()) < 8
    select(window, SENTENCE)
    action(window, "highlightAction").trigger()
    qtbot.waitUntil(lambda: SENTENCE in highlighted(window), timeout=WAIT)
    selections = view(window).extraSelections()
    order = [("mark" if s.format.underlineStyle() != QTextCharFormat.NoUnderline else "highlight") for s in selections]
    assert order == ["mark"] * 8 + ["highlight"]  # drawn later: over the marks
    yellow = QColor(HIGHLIGHT_COLORS["yellow"][1 if dark else 0])
    view(window).viewport().repaint()
    assert distance(fill_of(window, second), yellow) < 8
    assert search_marks(view(window)) == ["borrow", "checker"] * 4  # the search mark is still there, under it


def test_esc_clears_the_marks_and_they_do_not_come_back(qtbot, window):
    open_from_search(qtbot, window, "borrow checker")
    select(window, SENTENCE)
    action(window, "highlightAction").trigger()
    qtbot.waitUntil(lambda: SENTENCE in highlighted(window), timeout=WAIT)
    qtbot.keyClick(find(window, QLineEdit, "searchField"), Qt.Key_Escape)
    qtbot.waitUntil(lambda: search_marks(view(window)) == [], timeout=WAIT)
    assert highlighted(window) == [SENTENCE]  # the reader's own highlight stays
    window.look.toggle_theme()  # the page is drawn again: the search is over, so no marks
    qtbot.waitUntil(lambda: highlighted(window) == [SENTENCE], timeout=WAIT)
    assert search_marks(view(window)) == []


def test_opening_from_the_library_shows_no_marks(qtbot, window):
    open_from_search(qtbot, window, "borrow checker")
    qtbot.keyClick(find(window, QLineEdit, "searchField"), Qt.Key_Escape)
    listing = library_view(window)
    click_row(qtbot, listing, row_ids(listing).index("garden.md"))
    wait_article(qtbot, window, "Tomatoes")
    click_row(qtbot, listing, row_ids(listing).index("borrow.md"))
    wait_article(qtbot, window, "two owners")
    qtbot.wait(200)
    assert search_marks(view(window)) == []
