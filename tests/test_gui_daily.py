"""Daily reading in the real window: smart filters, reading time, saved searches and
related articles, driven with clicks and keys (offscreen)."""

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from qt_helpers import (
    NEWEST, SAMPLE_ROWS, WAIT, article_text, click_row, find, library_view, open_window, row_ids, settled, type_text,
    wait_article,
)

from reader.ui.models import DATE_ROLE, META_ROLE

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


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


# ---------------------------------------------------------------- saved searches

def saved_rows(w):
    listing = w.saved.list
    return [listing.item(r).text() for r in range(listing.count())]


def answer_dialog(qtbot, w, name, text):
    qtbot.waitUntil(lambda: w.saved.dialog is not None and w.saved.dialog.objectName() == name
                    and w.saved.dialog.isVisible(), timeout=WAIT)
    w.saved.dialog.setTextValue(text)
    w.saved.dialog.accept()


def context_action(qtbot, w, row, text):
    from PySide6.QtWidgets import QMenu

    listing = w.saved.list
    listing.customContextMenuRequested.emit(listing.visualItemRect(listing.item(row)).center())
    menu = w.saved.findChildren(QMenu)[-1]
    action = next(a for a in menu.actions() if a.text() == text)
    assert action.isEnabled()
    action.trigger()
    menu.close()


def test_saved_searches_are_live_and_can_be_saved_renamed_moved_deleted(qtbot, window, data):
    unread = f"Unread  ({SAMPLE_ROWS})"
    qtbot.waitUntil(lambda: saved_rows(window) == [unread, "Annotated  (0)", "Edited since annotated  (0)"],
                    timeout=WAIT)
    # A click runs it: the search field shows its query, the list its articles.
    listing = window.saved.list
    qtbot.mouseClick(listing.viewport(), Qt.LeftButton, pos=listing.visualItemRect(listing.item(0)).center())
    settled(qtbot, window, "is:unread")
    assert window.search.model.total == SAMPLE_ROWS
    # Opening an article and leaving a comment move the counts.
    click_row(qtbot, window.search.view, 0)
    opened = window.search.ids()[0]
    qtbot.waitUntil(lambda: window.current_id == opened and window.reading.page is not None, timeout=WAIT)
    from qt_helpers import leave_comment

    leave_comment(qtbot, window, "Worth keeping.")
    qtbot.waitUntil(lambda: saved_rows(window)[:2] == [f"Unread  ({SAMPLE_ROWS - 1})", "Annotated  (1)"],
                    timeout=WAIT)
    # Save the current search under a name (the + button, then the name asked for).
    total, _ = ask(qtbot, window, "tag:diplomacy")
    qtbot.mouseClick(window.saved.save_button, Qt.LeftButton)
    answer_dialog(qtbot, window, "saveSearchDialog", "Diplomacy")
    qtbot.waitUntil(lambda: saved_rows(window)[-1] == f"Diplomacy  ({total})", timeout=WAIT)
    assert listing.currentItem() is None or listing.currentItem().text().startswith("Diplomacy")
    # Rename (F2), move up (the context menu), delete (the Delete key).
    listing.setFocus()
    listing.setCurrentRow(3)
    qtbot.keyClick(listing, Qt.Key_F2)
    answer_dialog(qtbot, window, "renameSearchDialog", "Talks")
    qtbot.waitUntil(lambda: saved_rows(window)[-1].startswith("Talks"), timeout=WAIT)
    context_action(qtbot, window, 3, "Move Up")
    assert [r.split("  (")[0] for r in saved_rows(window)] == ["Unread", "Annotated", "Talks", "Edited since annotated"]
    listing.setCurrentRow(0)
    qtbot.keyClick(listing, Qt.Key_Delete)
    assert [r.split("  (")[0] for r in saved_rows(window)] == ["Annotated", "Talks", "Edited since annotated"]
    # Kept in the data folder: a new window shows the same, in the same order.
    from reader.search.saved_searches import SavedSearches

    assert [s.name for s in SavedSearches(data).items] == ["Annotated", "Talks", "Edited since annotated"]


def test_a_damaged_saved_searches_file_is_set_aside_with_a_message(qtbot, sample_copy, data):
    (data / "saved-searches.json").write_text("{not json", encoding="utf-8")
    w = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS)
    try:
        assert w.saved.problem.isVisible() and "set aside as saved-searches.damaged-" in w.saved.problem.text()
        assert [r.split("  (")[0] for r in saved_rows(w)] == ["Unread", "Annotated", "Edited since annotated"]
        assert len(list(data.glob("saved-searches.damaged-*.json"))) == 1
    finally:
        w.close()


# ---------------------------------------------------------------- related articles

def test_related_articles_follow_the_article_as_links_before_the_neighbours(qtbot, window):
    click_row(qtbot, library_view(window), 0)
    qtbot.waitUntil(lambda: window.current_id == NEWEST and window.reading.page is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: "Related articles" in article_text(window), timeout=WAIT)
    related = window.reading.related.shown
    assert 1 <= len(related) <= 5 and NEWEST not in [r.id for r in related]
    text = article_text(window)
    end = text.index("Related articles")
    assert text.index(related[0].title, end) < text.index("Next article:")
    assert end > text.index(window.reading.page.shown.flat[-40:].strip()[:20])  # after the body
    # Clicking one opens it, and its own related articles replace these.
    view = window.reading.view
    link = view.document().find(related[0].title, view.document().find("Related articles"))
    from PySide6.QtGui import QTextCursor

    inside = QTextCursor(view.document())
    inside.setPosition(link.selectionStart() + 2)  # on the link's text, not at its edge
    view.setTextCursor(inside)
    view.ensureCursorVisible()
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=view.cursorRect(inside).center())
    qtbot.waitUntil(lambda: window.current_id == related[0].id, timeout=WAIT)
    qtbot.waitUntil(lambda: window.reading.related.article_id == related[0].id, timeout=WAIT)
    assert related[0].id not in [r.id for r in window.reading.related.shown]


def test_dragging_a_saved_search_keeps_the_new_order(qtbot, window, data):
    from PySide6.QtCore import QModelIndex

    from reader.search.saved_searches import SavedSearches

    qtbot.waitUntil(lambda: len(saved_rows(window)) == 3, timeout=WAIT)
    # What a drop in the list does: Qt moves the row in the list's model.
    assert window.saved.list.model().moveRow(QModelIndex(), 2, QModelIndex(), 0)
    qtbot.waitUntil(lambda: [s.name for s in SavedSearches(data).items]
                    == ["Edited since annotated", "Unread", "Annotated"], timeout=WAIT)
    assert [r.split("  (")[0] for r in saved_rows(window)] == ["Edited since annotated", "Unread", "Annotated"]
