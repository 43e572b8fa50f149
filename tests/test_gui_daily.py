"""Daily reading in the real window: smart filters, reading time, saved searches and
related articles, driven with clicks and keys (offscreen)."""

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from qt_helpers import (
    NEWEST, SAMPLE_ROWS, WAIT, article_text, click_row, find, library_view, open_window, row_ids, settled,
    type_text, wait_article,
)
from reader.ui.models import DATE_ROLE, META_ROLE

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def window(qtbot, sample_copy, data):
    w = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS)
    yield w
    w.close()


def ask(qtbot, w, text):
    """Type a query and wait for its answer (which may be no hits at all)."""
    field = find(w, QLineEdit, "searchField")
    field.clear()
    type_text(qtbot, field, text)
    settled(qtbot, w, text)
    return w.search.model.total, w.search.ids()


def test_opening_an_article_shows_in_the_next_unread_search(qtbot, window):
    assert ask(qtbot, window, "is:unread")[0] == SAMPLE_ROWS
    assert ask(qtbot, window, "is:read") == (0, [])
    find(window, QLineEdit, "searchField").clear()
    click_row(qtbot, library_view(window), 0)
    qtbot.waitUntil(lambda: window.current_id == NEWEST and window.reading.page is not None, timeout=WAIT)
    assert ask(qtbot, window, "is:read") == (1, [NEWEST])
    total, ids = ask(qtbot, window, "is:unread")
    assert total == SAMPLE_ROWS - 1 and NEWEST not in ids
    # Shift+U marks the open article unread again; the list shows it bold again.
    window.reading.view.setFocus()
    qtbot.keyClick(window.reading.view, Qt.Key_U, Qt.ShiftModifier)
    assert ask(qtbot, window, "is:read") == (0, [])
    assert row_ids(library_view(window))[0] == NEWEST
    assert library_view(window).model().index(0, 0).data(Qt.FontRole).bold()


def test_reading_time_in_the_list_the_header_and_the_hits(qtbot, window):
    view = library_view(window)
    meta = view.model().index(0, 0).data(META_ROLE)
    minutes = int(re.search(r"(\d+) min read", meta).group(1))
    click_row(qtbot, view, 0)
    wait_article(qtbot, window, "min read")
    assert f"{minutes} min read" in article_text(window)[:400]  # in the header, above the text
    total, ids = ask(qtbot, window, f"minutes:{minutes}")
    assert NEWEST in ids
    assert f"{minutes} min read" in window.search.model.index(ids.index(NEWEST)).data(DATE_ROLE)
    shorter, _ = ask(qtbot, window, f"minutes:<{minutes}")
    longer, _ = ask(qtbot, window, f"minutes:>{minutes}")
    assert shorter + longer + total == SAMPLE_ROWS
