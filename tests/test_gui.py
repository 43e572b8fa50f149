"""The desktop reader, driven through its real window with clicks and keys (offscreen)."""

import sys

import pytest
from conftest import CORPORA, write
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLabel, QLineEdit, QPlainTextEdit, QTextBrowser
from qt_helpers import (
    DRILLS, NEWEST, SAMPLE_ROWS, WAIT, article_text, click_row, comments, find, leave_comment, library_view,
    open_window, results_view, row_ids, search, search_marks, wait_article,
)

from reader.app import build_window
from test_no_network import recorder  # noqa: F401  (a pytest fixture: the system browser, recorded)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# ---------------------------------------------------------------- the contract

def test_widgets_carry_the_agreed_object_names(window):
    for name in ("libraryView", "searchResults"):
        find(window, QAbstractItemView, name)
    find(window, QTextBrowser, "articleView")
    find(window, QLineEdit, "searchField")
    find(window, QAbstractItemView, "commentsList")
    find(window, QPlainTextEdit, "commentEdit")
    for name in ("leaveCommentButton", "previousButton", "nextButton"):
        find(window, QAbstractButton, name)


def test_signal_emits_do_not_leak(qapp):
    class Emitter(QObject):
        fired = Signal(int)

    emitter = Emitter()
    received = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(True)
    for i in range(10_000):
        emitter.fired.emit(i)
    assert len(received) == 10_000
    assert sys.getrefcount(True) - before > -50  # PySide6 6.12.0 on Python 3.11 loses one per emit


# ---------------------------------------------------------------- browsing

def test_the_list_is_newest_first_with_undated_last_and_unread_in_bold(window):
    view = library_view(window)
    ids = row_ids(view)
    assert ids[0] == NEWEST and len(ids) == SAMPLE_ROWS
    dates = [view.model().index(r, 1).data() for r in range(SAMPLE_ROWS)]
    dated = [d for d in dates if d != "—"]
    assert dated == sorted(dated, reverse=True) and dates[-3:] == ["—", "—", "—"]
    font = view.model().index(0, 0).data(Qt.FontRole)
    assert isinstance(font, QFont) and font.bold()


def test_clicking_a_column_header_sorts_by_it(qtbot, window):
    view = library_view(window)
    header = view.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=_section_center(header, 0))
    titles = [view.model().index(r, 0).data() for r in range(view.model().rowCount())]
    assert titles == sorted(titles, key=str.casefold) or titles == sorted(titles, key=str.casefold, reverse=True)


def _section_center(header, section):
    from PySide6.QtCore import QPoint

    return QPoint(header.sectionViewportPosition(section) + header.sectionSize(section) // 2, header.height() // 2)


def test_clicking_a_row_opens_the_article_and_marks_it_read(qtbot, window):
    view = library_view(window)
    click_row(qtbot, view, 2)
    wait_article(qtbot, window, "Japan-US Drills Near Russia Draw a Diplomatic Protest")
    text = article_text(window)
    assert "Mariko Sato" in text and "26 September 2025" in text and "The Harbour Gazette" in text
    assert "Keen Sword-25" in text and "Personnel" in text  # body and table
    font = view.model().index(2, 0).data(Qt.FontRole)
    assert not (isinstance(font, QFont) and font.bold())


def test_the_window_title_names_the_library_then_the_open_article(qtbot, window, sample_copy):
    assert window.windowTitle() == f"{sample_copy.name} — Article Reader"
    view = library_view(window)
    click_row(qtbot, view, 2)
    wait_article(qtbot, window, "Japan-US Drills Near Russia Draw a Diplomatic Protest")
    assert window.windowTitle() == (f"Japan-US Drills Near Russia Draw a Diplomatic Protest — {sample_copy.name}"
                                    " — Article Reader")
    qtbot.keyClick(window, Qt.Key_Right, Qt.AltModifier)
    qtbot.waitUntil(lambda: window.windowTitle().startswith(window.library.info(window.current_id).title + " — "))


def test_enter_on_a_row_opens_it(qtbot, window):
    view = library_view(window)
    view.setFocus()
    view.setCurrentIndex(view.model().index(1, 0))
    qtbot.keyClick(view, Qt.Key_Return)
    wait_article(qtbot, window, "The Rain Over Dry Earth")


def test_side_panel_filters_by_folder_and_by_tag(qtbot, window):
    tree = window.sidebar.folders
    food = next(tree.topLevelItem(0).child(i) for i in range(tree.topLevelItem(0).childCount())
                if tree.topLevelItem(0).child(i).text(0).startswith("food"))
    assert food.text(0) == "food  (3)"
    tree.setCurrentItem(food)
    assert sorted(row_ids(library_view(window))) == ["food/cafe-culture-returns.md", "food/fermentation-at-home.md",
                                                     "food/seville-orange-marmalade.md"]
    tree.setCurrentItem(tree.topLevelItem(0))
    tags = window.sidebar.tags
    defence = next(tags.item(i) for i in range(tags.count()) if tags.item(i).text().startswith("defence"))
    tags.setCurrentItem(defence)
    assert sorted(row_ids(library_view(window))) == [DRILLS, NEWEST]


def test_folder_and_tag_filters_match_names_with_any_characters(qtbot, library, data):
    """Qt matches the filter itself (a regular expression): names with regex characters,
    accents and case must list exactly what the engine-side filter (previous/next) lists."""
    write(library, "C++ (notes)/a.b [x]/one.md", "---\ntags: [C++, Straße]\n---\n# One\ntext")
    write(library, "C++ (notes)/two.md", "---\ntags: [c++]\n---\n# Two\ntext")
    write(library, "C++x/three.md", "---\ntags: [STRASSE, a.b]\n---\n# Three\ntext")
    write(library, "plain/four.md", "---\ntags: [ab]\n---\n# Four\ntext")
    w = open_window(qtbot, library, data, rows=4)
    view, lib = library_view(w), w.library
    cases = {(None, None): 4, ("C++ (notes)", None): 2, ("C++ (notes)/a.b [x]", None): 1, ("C++x", None): 1,
             (None, "c++"): 2, (None, "Straße"): 2, (None, "a.b"): 1, ("C++ (notes)", "C++"): 2, ("plain", "c++"): 0}
    for (folder, tag), count in cases.items():
        lib.filter_folder(folder)
        lib.filter_tag(tag)
        assert sorted(row_ids(view)) == sorted(lib.ids()), (folder, tag)
        assert len(lib.ids()) == count, (folder, tag)


# ---------------------------------------------------------------- previous / next

def test_previous_and_next_follow_the_library_order(qtbot, window):
    view = library_view(window)
    ids = row_ids(view)
    previous, following = find(window, QAbstractButton, "previousButton"), find(window, QAbstractButton, "nextButton")
    click_row(qtbot, view, 0)
    wait_article(qtbot, window, "Lavrov Warns")
    assert not previous.isEnabled() and following.isEnabled()
    assert "Next article: The Rain Over Dry Earth" in article_text(window)
    qtbot.mouseClick(following, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.current_id == ids[1])
    wait_article(qtbot, window, "Previous article: Lavrov Warns")
    qtbot.keyClick(window, Qt.Key_Right, Qt.AltModifier)
    qtbot.waitUntil(lambda: window.current_id == ids[2])
    qtbot.keyClick(window, Qt.Key_Left, Qt.AltModifier)
    qtbot.waitUntil(lambda: window.current_id == ids[1])
    qtbot.mouseClick(previous, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.current_id == ids[0])
    click_row(qtbot, view, len(ids) - 1)
    qtbot.waitUntil(lambda: window.current_id == ids[-1])
    assert not following.isEnabled() and previous.isEnabled()


def test_j_and_k_step_through_the_list(qtbot, window):
    view = library_view(window)
    ids = row_ids(view)
    click_row(qtbot, view, 3)
    qtbot.waitUntil(lambda: window.current_id == ids[3])
    qtbot.keyClick(view, Qt.Key_J)
    qtbot.waitUntil(lambda: window.current_id == ids[4])
    qtbot.keyClick(view, Qt.Key_K)
    qtbot.keyClick(view, Qt.Key_K)
    qtbot.waitUntil(lambda: window.current_id == ids[2])


def test_previous_and_next_follow_the_search_results_when_opened_from_them(qtbot, window):
    search(qtbot, window, "defence")
    hits = row_ids(results_view(window))
    assert len(hits) == 2
    click_row(qtbot, results_view(window), 0)
    qtbot.waitUntil(lambda: window.current_id == hits[0])
    following = find(window, QAbstractButton, "nextButton")
    qtbot.mouseClick(following, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.current_id == hits[1])
    assert not following.isEnabled()
    qtbot.mouseClick(find(window, QAbstractButton, "previousButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: window.current_id == hits[0])


# ---------------------------------------------------------------- search as you type

def test_typing_shows_results_with_count_and_snippet_then_enter_opens_the_first(qtbot, window):
    search(qtbot, window, "marmalade")
    assert row_ids(results_view(window)) == ["food/seville-orange-marmalade.md"]
    assert "1</b> match" in find(window, QLabel, "resultsCount").text()
    assert "marmalade" in window.search.model.hits[0].snippet.text.lower()
    qtbot.keyClick(find(window, QLineEdit, "searchField"), Qt.Key_Return)
    wait_article(qtbot, window, "The Short Season of Seville Orange Marmalade")
    view = find(window, QTextBrowser, "articleView")
    qtbot.waitUntil(lambda: search_marks(view) and {m.lower() for m in search_marks(view)} == {"marmalade"})


def test_stale_answers_are_dropped_and_the_last_query_wins(qtbot, window):
    field = find(window, QLineEdit, "searchField")
    for text in ("octopus", "comet", "marmalade"):
        field.setText(text)
        window.search.run()
    qtbot.waitUntil(lambda: row_ids(results_view(window)) == ["food/seville-orange-marmalade.md"], timeout=WAIT)
    qtbot.wait(300)
    assert row_ids(results_view(window)) == ["food/seville-orange-marmalade.md"]


def test_did_you_mean_is_a_clickable_suggestion(qtbot, window):
    field = find(window, QLineEdit, "searchField")
    qtbot.keyClicks(field, "marmelade")
    suggestion = find(window, QLabel, "didYouMean")
    qtbot.waitUntil(lambda: "marmalade" in suggestion.text(), timeout=WAIT)
    suggestion.linkActivated.emit("marmalade")
    assert field.text() == "marmalade"
    qtbot.waitUntil(lambda: window.search.model.rowCount() == 1, timeout=WAIT)


def test_escape_clears_the_search_and_returns_to_the_library(qtbot, window):
    search(qtbot, window, "drills")
    field = find(window, QLineEdit, "searchField")
    qtbot.keyClick(field, Qt.Key_Escape)
    assert field.text() == "" and window.middle.currentIndex() == 0


def test_ctrl_k_focuses_the_search_field_and_typing_j_there_types(qtbot, window):
    library_view(window).setFocus()
    qtbot.keyClick(window, Qt.Key_K, Qt.ControlModifier)
    field = find(window, QLineEdit, "searchField")
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClicks(field, "jk")
    assert field.text() == "jk"


def test_a_malformed_query_answers_without_breaking(qtbot, window):
    field = find(window, QLineEdit, "searchField")
    qtbot.keyClicks(field, '(drills OR "unclosed')
    qtbot.waitUntil(lambda: window.middle.currentIndex() == 1 and not window.search.timer.isActive(), timeout=WAIT)
    qtbot.waitUntil(lambda: "match" in find(window, QLabel, "resultsCount").text(), timeout=WAIT)


# ---------------------------------------------------------------- reading

def test_find_in_the_article_counts_and_steps_through_matches(qtbot, window):
    window.open_article(DRILLS)
    wait_article(qtbot, window, "Keen Sword")
    qtbot.keyClick(window, Qt.Key_F, Qt.ControlModifier)
    find_field = find(window, QLineEdit, "findField")
    qtbot.waitUntil(find_field.isVisible)
    qtbot.keyClicks(find_field, "drills")
    count = find(window, QLabel, "findCount")
    assert count.text().startswith("1 of ") and int(count.text().split()[-1]) >= 2
    qtbot.keyClick(find_field, Qt.Key_Return)
    assert count.text().startswith("2 of ")


def test_zoom_is_applied_and_remembered(qtbot, sample_copy, data):
    first = open_window(qtbot, sample_copy, data)
    qtbot.keyClick(first, Qt.Key_Equal, Qt.ControlModifier)
    qtbot.keyClick(first, Qt.Key_Equal, Qt.ControlModifier)
    assert first.reading.view.zoom == 2
    first.close()
    second = open_window(qtbot, sample_copy, data)
    assert second.reading.view.zoom == 2
    qtbot.keyClick(second, Qt.Key_0, Qt.ControlModifier)
    assert second.reading.view.zoom == 0
    second.close()


def test_theme_toggle_switches_and_is_remembered(qtbot, sample_copy, data):
    from reader.ui import theme

    first = open_window(qtbot, sample_copy, data)
    was_dark = theme.is_dark()
    first.look.toggle_theme()
    assert theme.is_dark() != was_dark
    first.close()
    second = open_window(qtbot, sample_copy, data)
    assert theme.is_dark() != was_dark
    second.look.set_theme("system")
    second.close()


def test_images_in_the_library_load_and_remote_ones_get_a_placeholder(qtbot, sample_copy, data):
    write(sample_copy, "world/pictures.md", "# Pictures\n\n![local](../images/flood-barrier.png)\n\n"
          "![a remote chart](https://example.invalid/chart.png)\n\n![escape](/dev/zero)\n")
    w = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS + 1)
    w.open_article("world/pictures.md")
    wait_article(qtbot, w, "Pictures")
    html = w.reading.view.toHtml()
    assert "reader-image:images/flood-barrier.png" in html and "reader-missing:a%20remote%20chart" in html
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument
    local = w.reading.view.loadResource(QTextDocument.ImageResource, QUrl("reader-image:images/flood-barrier.png"))
    assert local.width() > 100 and not local.isNull()
    remote = w.reading.view.loadResource(QTextDocument.ImageResource, QUrl("https://example.invalid/chart.png"))
    assert remote.isNull()  # never fetched
    w.close()


def test_the_reading_position_is_restored(qtbot, sample_copy, data):
    write(sample_copy, "long/long.md", "# Long\n\n" + "\n\n".join(f"Paragraph {i} " + "words " * 60 for i in range(80)))
    first = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS + 1)
    first.open_article("long/long.md")
    wait_article(qtbot, first, "Paragraph 79")
    bar = first.reading.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum() // 2)
    first.open_article(NEWEST)
    first.close()
    second = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS + 1)
    second.open_article("long/long.md")
    wait_article(qtbot, second, "Paragraph 79")
    bar = second.reading.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and abs(bar.value() - bar.maximum() // 2) <= bar.maximum() // 20)
    second.close()


def test_the_last_open_article_is_reopened(qtbot, sample_copy, data):
    first = open_window(qtbot, sample_copy, data)
    first.open_article(DRILLS)
    wait_article(qtbot, first, "Keen Sword")
    first.close()
    second = open_window(qtbot, sample_copy, data)
    qtbot.waitUntil(lambda: second.current_id == DRILLS, timeout=WAIT)
    second.close()


# ---------------------------------------------------------------- comments

def test_a_comment_is_saved_found_by_search_and_still_there_in_a_new_window(qtbot, sample_copy, data):
    w = open_window(qtbot, sample_copy, data)
    w.open_article(DRILLS)
    wait_article(qtbot, w, "Keen Sword")
    leave_comment(qtbot, w, "Ask about the hotline, capybara angle")
    qtbot.waitUntil(lambda: comments(w) == ["Ask about the hotline, capybara angle"], timeout=WAIT)
    assert find(w, QPlainTextEdit, "commentEdit").toPlainText() == ""
    qtbot.waitUntil(lambda: w.library.model.note_counts.get(DRILLS) == 1, timeout=WAIT)
    search(qtbot, w, "capybara")
    assert row_ids(results_view(w)) == [DRILLS] and w.search.model.hits[0].matched_in == ("notes",)
    w.close()
    again = open_window(qtbot, sample_copy, data)
    again.open_article(DRILLS)
    qtbot.waitUntil(lambda: comments(again) == ["Ask about the hotline, capybara angle"], timeout=WAIT)
    again.close()


def test_a_full_disk_keeps_the_typed_comment_and_everything_saved(qtbot, sample_copy, small_disk):
    w = open_window(qtbot, sample_copy, small_disk.path / "data")
    w.open_article(DRILLS)
    wait_article(qtbot, w, "Keen Sword")
    leave_comment(qtbot, w, "saved before")
    qtbot.waitUntil(lambda: comments(w) == ["saved before"], timeout=WAIT)

    small_disk.fill()
    edit = find(w, QPlainTextEdit, "commentEdit")
    typed = "Written while the disk was full. " * 300
    edit.setPlainText(typed)
    edit.moveCursor(QTextCursor.End)
    qtbot.keyClicks(edit, "The end.")
    qtbot.mouseClick(find(w, QAbstractButton, "leaveCommentButton"), Qt.LeftButton)
    hint = find(w, QLabel, "commentHint")
    qtbot.waitUntil(lambda: "Not saved" in hint.text(), timeout=WAIT)
    assert "the disk is full" in hint.text() and "still here" in hint.text() and hint.isVisible()
    assert edit.toPlainText() == typed + "The end." and comments(w) == ["saved before"]

    small_disk.free()
    qtbot.mouseClick(find(w, QAbstractButton, "leaveCommentButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: len(comments(w)) == 2, timeout=WAIT)
    assert comments(w) == ["saved before", (typed + "The end.").strip()] and edit.toPlainText() == ""
    w.close()


def test_ctrl_enter_posts_and_comments_are_oldest_first(qtbot, window):
    window.open_article(DRILLS)
    wait_article(qtbot, window, "Keen Sword")
    edit = find(window, QPlainTextEdit, "commentEdit")
    for text in ("first", "second"):
        edit.setFocus()
        qtbot.keyClicks(edit, text)
        qtbot.keyClick(edit, Qt.Key_Return, Qt.ControlModifier)
        qtbot.waitUntil(lambda t=text: t in comments(window), timeout=WAIT)
    assert comments(window) == ["first", "second"]


def test_an_empty_comment_is_refused_with_a_visible_hint(qtbot, window):
    window.open_article(DRILLS)
    wait_article(qtbot, window, "Keen Sword")
    qtbot.keyClicks(find(window, QPlainTextEdit, "commentEdit"), "   ")
    qtbot.mouseClick(find(window, QAbstractButton, "leaveCommentButton"), Qt.LeftButton)
    hint = find(window, QLabel, "commentHint")
    assert "empty comment" in hint.text() and hint.isVisible()
    qtbot.wait(300)
    assert comments(window) == []


def test_a_comment_can_be_edited_and_deleted_with_undo(qtbot, window):
    window.open_article(DRILLS)
    wait_article(qtbot, window, "Keen Sword")
    leave_comment(qtbot, window, "draft thought")
    qtbot.waitUntil(lambda: comments(window) == ["draft thought"], timeout=WAIT)
    listing = find(window, QAbstractItemView, "commentsList")
    listing.setCurrentIndex(listing.model().index(0, 0))
    qtbot.mouseClick(find(window, QAbstractButton, "editCommentButton"), Qt.LeftButton)
    edit = find(window, QPlainTextEdit, "commentEdit")
    assert edit.toPlainText() == "draft thought"
    edit.selectAll()
    qtbot.keyClicks(edit, "final thought")
    qtbot.mouseClick(find(window, QAbstractButton, "leaveCommentButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: comments(window) == ["final thought"], timeout=WAIT)
    listing.setCurrentIndex(listing.model().index(0, 0))
    qtbot.mouseClick(find(window, QAbstractButton, "deleteCommentButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: comments(window) == [], timeout=WAIT)
    undo = find(window, QAbstractButton, "undoButton")
    qtbot.waitUntil(undo.isVisible)
    qtbot.mouseClick(undo, Qt.LeftButton)
    qtbot.waitUntil(lambda: comments(window) == ["final thought"], timeout=WAIT)


def test_orphaned_notes_have_a_place(qtbot, sample_copy, data):
    w = open_window(qtbot, sample_copy, data)
    w.open_article(DRILLS)
    wait_article(qtbot, w, "Keen Sword")
    leave_comment(qtbot, w, "will be orphaned")
    qtbot.waitUntil(lambda: comments(w) == ["will be orphaned"], timeout=WAIT)
    (sample_copy / DRILLS).unlink()
    qtbot.waitUntil(lambda: w.library.model.rowCount() == SAMPLE_ROWS - 1, timeout=WAIT)
    button = find(w, QAbstractButton, "orphansButton")
    qtbot.waitUntil(lambda: button.isVisible() and "(1)" in button.text(), timeout=WAIT)
    qtbot.mouseClick(button, Qt.LeftButton)
    qtbot.waitUntil(lambda: w.findChild(QAbstractItemView, "orphanedList") is not None, timeout=WAIT)
    listing = w.findChild(QAbstractItemView, "orphanedList")
    assert "will be orphaned" in listing.model().index(0, 0).data()
    w.close()


# ---------------------------------------------------------------- live library

def test_a_file_dropped_into_the_library_appears_without_a_restart(qtbot, window, sample_copy):
    write(sample_copy, "science/new-arrival.md", "---\ntitle: A New Arrival\ndate: 2026-01-02\n---\nFresh text.\n")
    qtbot.waitUntil(lambda: "science/new-arrival.md" in row_ids(library_view(window)), timeout=5000)
    assert row_ids(library_view(window))[0] == "science/new-arrival.md"  # the newest


def test_files_renamed_and_removed_show_up_too(qtbot, window, sample_copy):
    (sample_copy / "food" / "fermentation-at-home.md").rename(sample_copy / "food" / "fermenting.md")
    (sample_copy / "culture" / "museum-night-2018.md").unlink()
    qtbot.waitUntil(lambda: "food/fermenting.md" in row_ids(library_view(window))
                    and "culture/museum-night-2018.md" not in row_ids(library_view(window)), timeout=5000)


def test_the_open_article_reloads_when_its_file_changes_and_says_when_it_is_gone(qtbot, window, sample_copy):
    window.open_article(DRILLS)
    wait_article(qtbot, window, "Keen Sword")
    path = sample_copy / DRILLS
    path.write_text(path.read_text(encoding="utf-8") + "\nA late correction about the ferry schedules.\n",
                    encoding="utf-8")
    wait_article(qtbot, window, "ferry schedules")
    path.unlink()
    wait_article(qtbot, window, "can't be shown")


def test_a_new_folder_with_files_is_noticed(qtbot, window, sample_copy):
    write(sample_copy, "brand/new/folder/story.md", "# Deep Story\ntext")
    qtbot.waitUntil(lambda: "brand/new/folder/story.md" in row_ids(library_view(window)), timeout=5000)
    write(sample_copy, "brand/new/folder/second.md", "# Second Deep Story\ntext")
    qtbot.waitUntil(lambda: "brand/new/folder/second.md" in row_ids(library_view(window)), timeout=5000)


# ---------------------------------------------------------------- starting

def test_a_missing_library_shows_a_friendly_page(qtbot, tmp_path, data):
    w = build_window(tmp_path / "nowhere", data)
    qtbot.addWidget(w)
    w.show()
    assert "Open Library" in article_text(w) and "not found" in article_text(w)
    w.close()


def test_an_empty_library_says_what_to_do(qtbot, tmp_path, data):
    empty = tmp_path / "empty"
    empty.mkdir()
    w = build_window(empty, data)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: "library is empty" in article_text(w), timeout=WAIT)
    write(empty, "first.md", "# First Article\nhello")
    qtbot.waitUntil(lambda: w.library.model.rowCount() == 1, timeout=5000)
    w.close()


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside this checkout")
def test_the_corpora_open_with_the_newest_first(qtbot, tmp_path, data):
    w = open_window(qtbot, CORPORA, data, rows=857, timeout=120_000)
    view = library_view(w)
    dates = [view.model().index(r, 1).data() for r in range(10)]
    all_dates = sorted((a.date for a in w.library.model.articles if a.date), reverse=True)
    assert dates == [d.isoformat() for d in all_dates[:10]]
    w.close()


def test_two_windows_on_one_data_dir_both_save_comments(qtbot, sample_copy, data):
    first = open_window(qtbot, sample_copy, data)
    second = open_window(qtbot, sample_copy, data)
    for window, text in ((first, "from the first window"), (second, "from the second window")):
        window.open_article(DRILLS)
        wait_article(qtbot, window, "Keen Sword")
        leave_comment(qtbot, window, text)
        qtbot.waitUntil(lambda w=window, t=text: t in comments(w), timeout=WAIT)
    first.open_article(NEWEST)
    first.open_article(DRILLS)
    qtbot.waitUntil(lambda: comments(first) == ["from the first window", "from the second window"], timeout=WAIT)
    first.close()
    second.close()


def test_closing_while_a_search_is_pending_is_quiet(qtbot, sample_copy, data):
    w = open_window(qtbot, sample_copy, data)
    qtbot.keyClicks(find(w, QLineEdit, "searchField"), "drills")
    assert w.search.timer.isActive()
    w.close()
    qtbot.wait(300)  # past the debounce: an exception in a Qt callback would fail this test


def test_undated_articles_are_last_in_title_order(window):
    view = library_view(window)
    titles = [view.model().index(r, 0).data() for r in range(SAMPLE_ROWS - 3, SAMPLE_ROWS)]
    assert titles == ["Comet returns", "Solar Paint Moves Out of the Laboratory", "Video Calls, Everywhere, All at Once"]


def test_nothing_the_window_writes_lands_outside_the_data_dir_or_the_chosen_export_file(qtbot, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QFileDialog

    library = tmp_path / "lib"
    hostile = ["dots..and..more/name.md", "CON.md", "a/" + "x" * 200 + ".md", "sp ace/$(reboot) `x`.md"]
    for n, name in enumerate(hostile):
        write(library, name, f"# Hostile {n}\n\ntext {n}")
    data = tmp_path / "data"
    exports = tmp_path / "exports"
    exports.mkdir()
    snapshot = lambda: {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in tmp_path.rglob("*")  # noqa: E731
                        if not p.is_symlink() and not {data, exports} & {p, *p.parents}}
    before = snapshot()

    w = open_window(qtbot, library, data, rows=len(hostile))
    for name in hostile[:2]:
        w.open_article(name)
        wait_article(qtbot, w, "text")
        leave_comment(qtbot, w, "../../../etc/passwd /tmp/x `rm -rf /` $(reboot) <script>")
        qtbot.waitUntil(lambda: len(comments(w)) == 1, timeout=WAIT)
    search(qtbot, w, "../../etc OR text")
    w.look.zoom(2)
    w.look.toggle_theme()

    target = exports / "my notes.json"

    def answer_the_save_dialog():
        dialogs = [d for d in w.findChildren(QFileDialog) if d.isVisible()]
        if not dialogs:
            QTimer.singleShot(50, answer_the_save_dialog)
            return
        dialog = dialogs[0]
        dialog.setDirectory(str(target.parent))  # typed as a user would: folder, then name
        dialog.findChild(QLineEdit, "fileNameEdit").setText(target.name)
        dialog.accept()

    QTimer.singleShot(50, answer_the_save_dialog)
    export = next(a for a in w.findChildren(QAction) if a.text().startswith("&Export Notes"))
    export.trigger()
    qtbot.waitUntil(target.exists, timeout=WAIT)
    w.close()

    assert snapshot() == before  # the library and everything beside it untouched
    assert sorted(p.name for p in exports.iterdir()) == ["my notes.json"]  # no stray temp file
    assert "../../../etc/passwd" in target.read_text()


def test_results_come_a_page_at_a_time_and_scrolling_to_the_end_fetches_more(qtbot, tmp_path):
    library = tmp_path / "lib"
    for n in range(45):
        write(library, f"many/a{n:02d}.md", f"# Article {n}\n\nEvery one mentions the kestrel, {n} times over.")
    w = open_window(qtbot, library, tmp_path / "data", rows=45)
    search(qtbot, w, "kestrel")
    view = results_view(w)
    assert w.search.model.rowCount() == 20 and "45" in w.search.count.text()
    assert "more as you scroll" in w.search.count.text()
    for expected in (40, 45):
        view.scrollToBottom()
        qtbot.waitUntil(lambda e=expected: w.search.model.rowCount() == e, timeout=WAIT)
    assert len(set(row_ids(view))) == 45 and "more as you scroll" not in w.search.count.text()
    w.close()


def test_reopening_an_indexed_library_keeps_its_list_and_searches_at_once(qtbot, sample_copy, data):
    """The second launch finds nothing changed (asked of a child process, so the window's
    interpreter is free for the first search): the list from the catalog stands, the status
    says so, and a word typed at once is found."""
    from qt_helpers import SAMPLE_ROWS, open_window, results_view, type_text

    first = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS)
    first.close()
    w = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS)
    qtbot.waitUntil(lambda: "up to date" in w.status.text.text(), timeout=10_000)
    assert w.library.model.rowCount() == SAMPLE_ROWS
    type_text(qtbot, w.search.field, "rust")
    qtbot.waitUntil(lambda: results_view(w).model().rowCount() > 0, timeout=10_000)
    write(sample_copy, "fresh/new-arrival.md", "# A new arrival\nquokkas everywhere\n")
    w.live.request_update()  # what the folder watcher asks a moment after the file appears
    qtbot.waitUntil(lambda: w.library.model.rowCount() == SAMPLE_ROWS + 1, timeout=10_000)
    w.close()


def test_the_header_shows_the_site_and_open_original_hands_the_address_to_the_browser(qtbot, library, data, recorder):
    """Only when asked: the link in the header, or View → Open Original; never on its own."""
    from PySide6.QtGui import QAction
    from qt_helpers import article_text, open_window, wait_article

    write(library, "clip.md", "---\ntitle: Clipped\nsource: https://www.nytimes.com/2024/01/02/clip.html\n---\n"
                              "The clipped text.\n")
    write(library, "plain.md", "# Plain\nNo address here.\n")
    w = open_window(qtbot, library, data, rows=2)
    w.open_article("clip.md")
    wait_article(qtbot, w, "The clipped text")
    assert "nytimes.com" in article_text(w) and "Open Original" in article_text(w)
    qtbot.wait(200)
    assert recorder.opened == []  # showing it opened nothing
    w.findChild(QAction, "openOriginalAction").trigger()
    assert recorder.opened == ["https://www.nytimes.com/2024/01/02/clip.html"]
    w.open_article("plain.md")
    wait_article(qtbot, w, "No address here")
    assert "Open Original" not in article_text(w)
    w.findChild(QAction, "openOriginalAction").trigger()
    assert recorder.opened == ["https://www.nytimes.com/2024/01/02/clip.html"]
    assert "does not say" in w.status.text.text()
    w.close()


def test_article_reader_open_and_its_links_are_handed_to_the_running_window(qtbot, library, data):
    """`article-reader open ARTICLE --note ID`, and the article-reader:// link a notes export
    writes, show the article (at the passage) in the window already running on the data
    folder: no second window."""
    import subprocess
    import time

    from conftest import _entry_point
    from qt_helpers import open_window, wait_article

    from reader.notes.obsidian import open_link

    write(library, "first.md", "# First\nThe first article.\n")
    write(library, "second.md", "# Second\nThe second article, with a passage to find.\n")
    w = open_window(qtbot, library, data, rows=2)
    note = w.workers  # the notes go through the window's own engine, as the window adds them
    added = []
    note.call(note.notes, lambda svc: svc.add_quoted("second.md", "a passage to find"), added.append)
    qtbot.waitUntil(lambda: bool(added), timeout=10_000)
    w.open_article("first.md")
    wait_article(qtbot, w, "The first article")

    def hand(*args):
        proc = subprocess.Popen([_entry_point(), "--data-dir", str(data), "--library", str(library), "open", *args])
        deadline = time.monotonic() + 20
        while proc.poll() is None and time.monotonic() < deadline:
            qtbot.wait(20)  # the window answers while the command waits
        assert proc.returncode == 0

    hand("second.md", "--note", str(added[0].id))
    qtbot.waitUntil(lambda: w.current_id == "second.md", timeout=10_000)
    wait_article(qtbot, w, "The second article")
    qtbot.waitUntil(lambda: w.reading.comments.selected_id() == added[0].id, timeout=10_000)  # at its passage
    w.open_article("first.md")
    wait_article(qtbot, w, "The first article")
    hand(open_link(str(library.resolve()), "second.md", added[0].id))
    qtbot.waitUntil(lambda: w.current_id == "second.md", timeout=10_000)
    hand("no-such.md")
    qtbot.waitUntil(lambda: "no article no-such.md" in w.status.text.text(), timeout=10_000)
    w.close()
