"""Highlights and All notes in the real window: select text in the article, highlight it,
comment on it, restart, edit the file on disk, and check what the reader sees."""

import pytest
from conftest import CORPORA, FLOOD_STORY as STORY, SAMPLE, write
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLabel, QLineEdit, QMenu, QPlainTextEdit, QTextBrowser
from qt_helpers import DRILLS, SAMPLE_ROWS, WAIT, comments, find, leave_comment, open_window, wait_article

from reader.app import build_window
from reader.library.shown_text import collapse

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PASSAGE = "about 45,000 personnel from the Self-Defense Forces"


def view(w) -> QTextBrowser:
    return find(w, QTextBrowser, "articleView")


def action(w, name) -> QAction:
    found = w.findChild(QAction, name)
    assert found is not None, f"no QAction named {name}"
    return found


def select(w, text, occurrence=1):
    """Select text in the article as a reader would with the mouse or Shift+arrows."""
    document = view(w).document()
    cursor = QTextCursor(document)
    for _ in range(occurrence):
        cursor = document.find(text, cursor)
    assert not cursor.isNull(), text
    view(w).setTextCursor(cursor)
    return cursor


def highlighted(w) -> list[str]:
    """The text under each highlight drawn on the article (its extra selections filled with
    a colour; the searched words are underlined, not highlights)."""
    shown = []
    for selection in view(w).extraSelections():
        if (selection.format.background().style() != Qt.NoBrush and selection.cursor.hasSelection()
                and selection.format.underlineStyle() == QTextCharFormat.NoUnderline):
            shown.append(collapse(selection.cursor.selectedText().replace("\u2029", " ").replace("\u2028", " ")))
    return shown


def open_article(qtbot, w, article, text):
    w.open_article(article)
    wait_article(qtbot, w, text)


def highlight(qtbot, w, text, occurrence=1):
    before = len(w.reading.notes.notes)
    select(w, text, occurrence)
    action(w, "highlightAction").trigger()
    qtbot.waitUntil(lambda: len(w.reading.notes.notes) == before + 1 and text in highlighted(w), timeout=WAIT)


# ---------------------------------------------------------------- the contract

def test_the_agreed_objects_are_there(window):
    for name in ("highlightAction", "highlightCommentAction"):
        action(window, name)
    window.show_all_notes()
    find(window, QAbstractItemView, "allNotesView")
    find(window, QLineEdit, "allNotesFilter")


# ---------------------------------------------------------------- making highlights

def test_selecting_and_highlighting_draws_it_and_lists_its_quote(qtbot, window):
    open_article(qtbot, window, DRILLS, "Keen Sword")
    highlight(qtbot, window, PASSAGE)
    assert highlighted(window) == [PASSAGE]
    note = window.reading.notes.notes[0]
    assert note.quote.exact == PASSAGE and note.text == "" and note.color == "yellow"
    assert comments(window) == [PASSAGE]  # a bare highlight shows its passage in the list


def test_the_h_key_highlights_the_selection(qtbot, window):
    open_article(qtbot, window, DRILLS, "Keen Sword")
    select(window, "defensive", 2)  # the first is in the summary, above the body
    view(window).setFocus()
    qtbot.keyClick(view(window), Qt.Key_H)
    qtbot.waitUntil(lambda: highlighted(window) == ["defensive"], timeout=WAIT)


def test_a_passage_selected_with_the_keyboard_is_highlighted(qtbot, window):
    open_article(qtbot, window, DRILLS, "Keen Sword")
    start = select(window, "alliance interoperability").selectionStart()
    caret = QTextCursor(view(window).document())
    caret.setPosition(start)
    view(window).setTextCursor(caret)
    view(window).setFocus()
    for _ in range(len("alliance")):
        qtbot.keyClick(view(window), Qt.Key_Right, Qt.ShiftModifier)
    assert view(window).textCursor().selectedText() == "alliance"
    qtbot.keyClick(view(window), Qt.Key_H)
    qtbot.waitUntil(lambda: highlighted(window) == ["alliance"], timeout=WAIT)


def test_arrows_still_scroll_the_article_and_shift_selects_from_what_is_shown(qtbot, sample_copy, data):
    write(sample_copy, "long/long.md", "# Long\n\n" + "\n\n".join(f"Paragraph {i} " + "words " * 60 for i in range(60)))
    w = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS + 1)
    open_article(qtbot, w, "long/long.md", "Paragraph 59")
    bar = view(w).verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=WAIT)
    view(w).setFocus()
    qtbot.keyClick(view(w), Qt.Key_PageDown)
    qtbot.keyClick(view(w), Qt.Key_Down)
    assert bar.value() > bar.pageStep()
    qtbot.keyClick(view(w), Qt.Key_Right, Qt.ShiftModifier)
    selected = view(w).textCursor()
    assert selected.hasSelection() and view(w).viewport().rect().intersects(view(w).cursorRect(selected))
    w.close()


def test_highlight_and_comment_puts_the_passage_on_the_comment_being_written(qtbot, window):
    open_article(qtbot, window, DRILLS, "Keen Sword")
    select(window, PASSAGE)
    action(window, "highlightCommentAction").trigger()
    pending = find(window, QLabel, "pendingQuote")
    assert pending.isVisible() and PASSAGE in pending.text()
    edit = find(window, QPlainTextEdit, "commentEdit")
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClicks(edit, "Check this figure")
    qtbot.mouseClick(find(window, QAbstractButton, "leaveCommentButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: comments(window) == ["Check this figure"], timeout=WAIT)
    note = window.reading.notes.notes[0]
    assert note.quote.exact == PASSAGE and not pending.isVisible() and edit.toPlainText() == ""
    qtbot.waitUntil(lambda: highlighted(window) == [PASSAGE], timeout=WAIT)
    html = window.reading.comments.list.item(0).data(Qt.UserRole + 21)
    assert PASSAGE in html and "Check this figure" in html  # the quote above the comment


def test_a_bare_highlight_leaves_a_comment_being_typed_alone(qtbot, window):
    open_article(qtbot, window, DRILLS, "Keen Sword")
    edit = find(window, QPlainTextEdit, "commentEdit")
    edit.setFocus()
    qtbot.keyClicks(edit, "half a thought")
    highlight(qtbot, window, PASSAGE)
    assert edit.toPlainText() == "half a thought"


def test_a_selection_outside_the_body_is_not_highlighted(qtbot, window):
    open_article(qtbot, window, DRILLS, "Keen Sword")
    select(window, "Japan-US Drills Near Russia")  # the title, in the header
    action(window, "highlightAction").trigger()
    qtbot.wait(300)
    assert window.reading.notes.notes == [] and "Select a passage" in window.status.text.text()


def test_highlights_are_drawn_again_in_a_new_window(qtbot, sample_copy, data):
    first = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS)
    open_article(qtbot, first, DRILLS, "Keen Sword")
    highlight(qtbot, first, PASSAGE)
    highlight(qtbot, first, "Keen Sword-25", 3)
    first.close()
    second = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS)
    open_article(qtbot, second, DRILLS, "Keen Sword")
    qtbot.waitUntil(lambda: sorted(highlighted(second)) == sorted([PASSAGE, "Keen Sword-25"]), timeout=WAIT)
    spans = [s.cursor.selectionStart() for s in view(second).extraSelections() if s.cursor.selectedText() == "Keen Sword-25"]
    third = select(second, "Keen Sword-25", 3)
    assert spans == [third.selectionStart()]  # the third occurrence, not the first
    second.close()


# ---------------------------------------------------------------- clicking, choosing, removing

def test_clicking_a_highlight_selects_its_comment_and_choosing_a_comment_flashes_its_passage(qtbot, sample_copy, data):
    write(sample_copy, "long/long.md", "# Long\n\n" + "\n\n".join(f"Paragraph {i} " + "words " * 60 for i in range(60))
          + "\n\nThe very last paragraph has the passage worth keeping.\n")
    w = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS + 1)
    open_article(qtbot, w, "long/long.md", "Paragraph 59")
    leave_comment(qtbot, w, "a comment on the whole")
    qtbot.waitUntil(lambda: len(comments(w)) == 1, timeout=WAIT)
    select(w, "the passage worth keeping")
    action(w, "highlightCommentAction").trigger()
    qtbot.keyClicks(find(w, QPlainTextEdit, "commentEdit"), "why it matters")
    qtbot.mouseClick(find(w, QAbstractButton, "leaveCommentButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: "why it matters" in comments(w) and bool(highlighted(w)), timeout=WAIT)

    listing = find(w, QAbstractItemView, "commentsList")
    bar = view(w).verticalScrollBar()
    bar.setValue(0)
    listing.setCurrentIndex(listing.model().index(1, 0))  # the comment on the passage
    qtbot.waitUntil(lambda: bar.value() > bar.maximum() // 2, timeout=WAIT)  # scrolled down to it
    flashes = [s for s in view(w).extraSelections() if s.cursor.selectedText() == "the passage worth keeping"]
    assert len(flashes) == 2  # the highlight, and the flash drawn over it

    listing.setCurrentIndex(listing.model().index(0, 0))
    probe = QTextCursor(view(w).document())
    probe.setPosition(select(w, "passage worth").selectionStart() + 3)  # inside the highlight
    view(w).setTextCursor(probe)
    view(w).ensureCursorVisible()
    qtbot.mouseClick(view(w).viewport(), Qt.LeftButton, pos=view(w).cursorRect(probe).center())
    qtbot.waitUntil(lambda: listing.currentIndex().row() == 1, timeout=WAIT)
    w.close()


def test_a_highlight_is_removed_from_its_menu_and_comes_back_with_undo(qtbot, window):
    open_article(qtbot, window, DRILLS, "Keen Sword")
    highlight(qtbot, window, PASSAGE)
    position = select(window, "45,000").selectionStart()
    menu = QMenu()
    window.reading.view.menu_wanted.emit(menu, position)
    names = [a.objectName() for a in menu.actions()]
    assert "highlightAction" in names and "removeHighlightAction" in names
    next(a for a in menu.actions() if a.objectName() == "removeHighlightAction").trigger()
    qtbot.waitUntil(lambda: highlighted(window) == [] and comments(window) == [], timeout=WAIT)
    undo = find(window, QAbstractButton, "undoButton")
    qtbot.waitUntil(undo.isVisible)
    qtbot.mouseClick(undo, Qt.LeftButton)
    qtbot.waitUntil(lambda: highlighted(window) == [PASSAGE], timeout=WAIT)


def test_a_highlight_can_take_another_colour(qtbot, window):
    open_article(qtbot, window, DRILLS, "Keen Sword")
    highlight(qtbot, window, PASSAGE)
    before = next(s.format.background().color().name() for s in view(window).extraSelections())
    menu = QMenu()
    window.reading.view.menu_wanted.emit(menu, select(window, "45,000").selectionStart())
    colours = next(a.menu() for a in menu.actions() if a.menu() is not None)
    next(a for a in colours.actions() if a.objectName() == "color_green").trigger()
    qtbot.waitUntil(lambda: window.reading.notes.notes and window.reading.notes.notes[0].color == "green", timeout=WAIT)
    qtbot.waitUntil(lambda: next(s.format.background().color().name() for s in view(window).extraSelections()) != before,
                    timeout=WAIT)


# ---------------------------------------------------------------- the file changes

def test_an_edited_article_says_so_and_keeps_every_highlight(qtbot, library, data):
    path = write(library, "news/flood.md", STORY)
    w = open_window(qtbot, library, data, rows=1)
    open_article(qtbot, w, "news/flood.md", "eastern quay")
    highlight(qtbot, w, "should be finished by 2027")
    highlight(qtbot, w, "It will cost about forty million euros, most of it from the national government.")
    highlight(qtbot, w, "Residents asked for details.")
    qtbot.waitUntil(lambda: w.library.model.note_counts.get("news/flood.md") == 3, timeout=WAIT)
    path.write_text(STORY.replace("Residents asked for details.", "Several neighbours wanted to know more.")
                    .replace("It will cost\nabout forty million euros, most of it from the national government.",
                             "It will cost around forty-two million euros, most of it paid by the state."),
                    encoding="utf-8")
    wait_article(qtbot, w, "Edited since your notes: 1 passage reworded, 1 no longer found")
    qtbot.waitUntil(lambda: sorted(highlighted(w)) == sorted([
        "should be finished by 2027", "It will cost around forty-two million euros, most of it paid by the state."]),
        timeout=WAIT)
    listed = w.reading.comments.list
    detached = next(listed.item(r) for r in range(listed.count()) if "Residents asked" in listed.item(r).text())
    assert "passage no longer in the article" in detached.data(Qt.UserRole + 21)
    model = w.library.model
    qtbot.waitUntil(lambda: "news/flood.md" in model.edited, timeout=WAIT)
    assert "⚠" in model.index(0, 4).data() and "edited since your notes" in model.index(0, 0).data(Qt.UserRole + 6)
    w.close()


# ---------------------------------------------------------------- all notes

def test_all_notes_lists_every_note_newest_first_filters_and_opens_at_the_passage(qtbot, sample_copy, data):
    w = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS)
    open_article(qtbot, w, DRILLS, "Keen Sword")
    highlight(qtbot, w, PASSAGE)
    open_article(qtbot, w, "food/seville-orange-marmalade.md", "Marmalade")
    leave_comment(qtbot, w, "buy oranges in January")
    qtbot.waitUntil(lambda: comments(w) == ["buy oranges in January"], timeout=WAIT)

    qtbot.keyClick(w, Qt.Key_N, Qt.ControlModifier | Qt.ShiftModifier)
    listing = find(w, QAbstractItemView, "allNotesView")
    qtbot.waitUntil(lambda: listing.isVisible() and listing.model().rowCount() == 2, timeout=WAIT)
    texts = [listing.model().index(r, 0).data() for r in range(2)]
    assert texts == ["buy oranges in January", PASSAGE]  # newest first

    box = find(w, QLineEdit, "allNotesFilter")
    qtbot.keyClicks(box, "title:drills")
    qtbot.waitUntil(lambda: listing.model().rowCount() == 1, timeout=WAIT)
    assert listing.model().index(0, 0).data() == PASSAGE
    box.clear()
    qtbot.keyClicks(box, "oranges OR personnel")
    qtbot.waitUntil(lambda: listing.model().rowCount() == 2, timeout=WAIT)
    box.clear()
    qtbot.keyClicks(box, '"self defense forces"')
    qtbot.waitUntil(lambda: listing.model().rowCount() == 1, timeout=WAIT)

    listing.setFocus()
    listing.setCurrentIndex(listing.model().index(0, 0))
    qtbot.keyClick(listing, Qt.Key_Return)
    qtbot.waitUntil(lambda: w.current_id == DRILLS, timeout=WAIT)
    qtbot.waitUntil(lambda: any(s.cursor.selectedText() == PASSAGE for s in view(w).extraSelections()
                                if s.format.background().color().name() in ("#ff9f1c", "#b36200")), timeout=WAIT)
    w.close()


def test_all_notes_marks_notes_whose_article_has_gone(qtbot, sample_copy, data):
    w = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS)
    open_article(qtbot, w, DRILLS, "Keen Sword")
    highlight(qtbot, w, PASSAGE)
    (sample_copy / DRILLS).unlink()
    qtbot.waitUntil(lambda: w.library.model.rowCount() == SAMPLE_ROWS - 1, timeout=WAIT)
    w.show_all_notes()
    listing = find(w, QAbstractItemView, "allNotesView")
    qtbot.waitUntil(lambda: listing.model().rowCount() == 1, timeout=WAIT)
    assert "article missing" in listing.model().row_html(listing.model().notes[0], "#000", "#000")
    w.close()


# ---------------------------------------------------------------- the page and the engine agree

def _articles():
    from reader.library.scanning import scan_library

    return [f.id for f in scan_library(SAMPLE).files]


def test_every_sample_article_lines_up_with_the_engine_text(qtbot, window):
    """What the engine quotes from is exactly the text on the page, passage by passage."""
    from reader.ui.highlights import DocumentText

    for article_id in _articles():
        window.open_article(article_id)
        qtbot.waitUntil(lambda a=article_id: window.reading.page is not None and window.reading.article_id == a
                        and window.reading.layer.page is window.reading.page, timeout=WAIT)
        page = window.reading.page
        text = DocumentText(view(window).document(), page)
        assert text.ok, article_id
        words = page.shown.flat.split(" ")
        if len(words) > 8:
            start = len(" ".join(words[: len(words) // 3])) + 1
            end = start + len(" ".join(words[len(words) // 3: len(words) // 3 + 6]))
            cursor = text.cursor(view(window).document(), start, end)
            got = collapse(cursor.selectedText().replace("\u2029", " ").replace("\u2028", " ").replace("\ufffc", ""))
            assert got == page.shown.flat[start:end], article_id
            assert text.flat_range(cursor) == (start, end)


# ---------------------------------------------------------------- seen when tried as a new user

@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside this checkout")
def test_a_long_code_line_wraps_and_code_blocks_end_without_an_empty_line(qtbot, tmp_path, data):
    source = CORPORA / "rust-blog" / "Rust-1.64.0.md"
    library = tmp_path / "lib"
    write(library, "rust-1.64.md", source.read_bytes())
    w = open_window(qtbot, library, data, rows=1)
    w.resize(1024, 640)
    open_article(qtbot, w, "rust-1.64.md", "IntoFuture")
    qtbot.wait(100)
    assert view(w).horizontalScrollBar().maximum() == 0
    document = view(w).document()
    block = document.begin()
    while block.isValid():
        if block.blockFormat().nonBreakableLines() and not block.text().strip():
            nxt = block.next()
            assert not nxt.isValid() or not nxt.blockFormat().nonBreakableLines(), "an empty line closes a code block"
        block = block.next()
    w.close()


def test_a_small_window_gives_the_titles_room(qtbot, sample_copy, data):
    w = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS)
    w.resize(1024, 640)
    qtbot.waitUntil(lambda: w.library.compact, timeout=WAIT)
    table = w.library.view
    assert all(table.isColumnHidden(c) for c in range(1, 5)) and not w.sidebar.isVisible()
    assert table.columnWidth(0) >= 300 and table.verticalHeader().defaultSectionSize() >= 40
    assert w.reading.width() >= 500
    w.resize(1500, 860)  # wide again, and the reader gives the list more room: the table is back
    qtbot.waitUntil(lambda: w.sidebar.isVisible(), timeout=WAIT)
    w.main_split.setSizes([165, 760, 575])
    qtbot.waitUntil(lambda: not w.library.compact, timeout=WAIT)
    assert not any(table.isColumnHidden(c) for c in range(1, 5))
    w.close()


def test_the_first_launch_counts_what_is_listed_and_says_indexing_is_still_going(qtbot, tmp_path, data):
    library = tmp_path / "lib"
    for n in range(1500):  # the list fills in a second; the full text takes several
        write(library, f"many/a{n:04d}.md", f"# Article {n}\n\nThe kestrel number {n}. " + "filler words " * 150)
    w = build_window(library, data)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.library.model.rowCount() == 1500, timeout=WAIT)
    assert w.update_running, "the full text was indexed before the test could look: make the library bigger"
    assert "(1500)" in w.sidebar.folders.topLevelItem(0).text(0)
    assert find(w, QLabel, "countLabel").text() == "1500 articles"
    label = find(w, QLabel, "indexProgressLabel")
    qtbot.waitUntil(label.isVisible, timeout=WAIT)
    assert label.text().startswith("Indexing ")
    qtbot.waitUntil(lambda: label.width() >= label.sizeHint().width(), timeout=5000)  # laid out, it fits
    qtbot.keyClicks(find(w, QLineEdit, "searchField"), "kestrel")
    count = find(w, QLabel, "resultsCount")
    qtbot.waitUntil(lambda: "match" in count.text(), timeout=WAIT)
    assert "Still indexing" in count.text() and "of 1,500" in count.text()
    qtbot.waitUntil(lambda: not w.update_running, timeout=180_000)
    qtbot.waitUntil(lambda: "1500</b> matches" in count.text() and "Still indexing" not in count.text(), timeout=WAIT)
    w.close()


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside this checkout")
def test_real_articles_line_up_with_the_engine_text(qtbot, tmp_path, data):
    """Every 12th file of the corpora (code, tables, footnotes, raw HTML, images): the page
    holds the engine's text exactly, so a passage found by the engine is the one drawn."""
    from reader.ui.highlights import DocumentText

    files = sorted(p for p in CORPORA.rglob("*") if p.suffix in (".md", ".markdown"))[::12]
    library = tmp_path / "lib"
    for path in files:
        write(library, path.relative_to(CORPORA).as_posix(), path.read_bytes())
    w = open_window(qtbot, library, data, rows=len(files), timeout=60_000)
    for article_id in sorted(a.id for a in w.library.model.articles):
        w.open_article(article_id)
        qtbot.waitUntil(lambda a=article_id: w.reading.page is not None and w.reading.article_id == a
                        and w.reading.layer.page is w.reading.page, timeout=WAIT)
        assert DocumentText(view(w).document(), w.reading.page).ok, article_id
    w.close()
