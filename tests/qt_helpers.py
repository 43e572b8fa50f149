"""Driving the real window in tests: finding its widgets, waiting for what a user would see."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLineEdit, QPlainTextEdit, QTextBrowser

from reader.app import build_window
from reader.ui.models import ID_ROLE

NEWEST = "world/lavrov-remilitarisation-remarks.md"
DRILLS = "world/japan-us-drills-near-russia.md"
WAIT = 20_000


def _sample_rows() -> int:
    from conftest import SAMPLE

    from reader.library.scanning import scan_library

    return len(scan_library(SAMPLE).files)


SAMPLE_ROWS = _sample_rows()  # the bundled sample library's articles


def find(window, cls, name):
    widget = window.findChild(cls, name)
    assert widget is not None, f"no {cls.__name__} named {name}"
    return widget


def open_window(qtbot, library, data, rows=None, timeout=WAIT):
    window = build_window(library, data)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.update_running and window.library.model.rowCount() > 0
                    and (rows is None or window.library.model.rowCount() == rows), timeout=timeout)
    return window


def library_view(w):
    return find(w, QAbstractItemView, "libraryView")


def results_view(w):
    return find(w, QAbstractItemView, "searchResults")


def article_text(w):
    return find(w, QTextBrowser, "articleView").toPlainText()


def row_ids(view):
    model = view.model()
    return [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())]


def click_row(qtbot, view, row):
    index = view.model().index(row, 0)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=view.visualRect(index).center())


def wait_article(qtbot, w, text):
    qtbot.waitUntil(lambda: text in article_text(w), timeout=WAIT)


def type_text(qtbot, widget, text):
    """Type as a user does: keys for ASCII, and what an input method commits for the
    rest (CJK is typed through one; QTest's key clicks know ASCII only)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def search(qtbot, w, text):
    field = find(w, QLineEdit, "searchField")
    field.clear()
    type_text(qtbot, field, text)
    settled(qtbot, w, text)
    qtbot.waitUntil(lambda: w.search.model.rowCount() > 0, timeout=WAIT)


def settled(qtbot, w, text):
    """Wait until the results shown are the answer to this text (not the last query's)."""
    qtbot.waitUntil(lambda: w.middle.currentIndex() == 1 and not w.search.timer.isActive()
                    and w.search.shown_seq == w.search.seq and w.search.model.query == text, timeout=WAIT)


def leave_comment(qtbot, w, text):
    edit = find(w, QPlainTextEdit, "commentEdit")
    edit.setFocus()
    qtbot.keyClicks(edit, text)
    qtbot.mouseClick(find(w, QAbstractButton, "leaveCommentButton"), Qt.LeftButton)


def comments(w):
    listing = find(w, QAbstractItemView, "commentsList")
    return [listing.model().index(r, 0).data() for r in range(listing.model().rowCount())]


def search_marks(view) -> list[str]:
    """The runs of the article marked as searched words (underlined, not filled like a
    highlight), in the order they are drawn."""
    from PySide6.QtGui import QTextCharFormat

    return [s.cursor.selectedText() for s in view.extraSelections()
            if s.format.underlineStyle() == QTextCharFormat.SingleUnderline]
