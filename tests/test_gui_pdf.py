"""A PDF in the real window: shown as its pages (pdfView), drawn on a background thread;
text selected on a page with the mouse, highlighted with H, drawn over the words; a click
on it selects its comment, choosing the comment flashes it; the searched words marked;
find on the pages; View → Text (pdfTextModeAction) with the same highlights; zoom; an
EPUB read with its pictures from inside the book."""

import shutil
from collections import Counter

import pytest
from PySide6.QtCore import QBuffer, QEvent, QIODevice, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QColor, QImage, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QTextBrowser

from conftest import REPO
from qt_helpers import WAIT, comments, find, open_window, search
from test_books import book, CHAPTER
from test_gui_highlights import highlighted

PDFS = REPO.parent / "shared" / "pdf"
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/pdf is not beside this checkout")]
PAPER = "gats.pdf"
PASSAGE = "Where to start, where to start..."


@pytest.fixture
def window(qtbot, library, data):
    shutil.copy(PDFS / "rust-gats-stabilization-push.pdf", library / PAPER)
    shutil.copy(PDFS / "web-lemonde-1.pdf", library / "lemonde.pdf")
    w = open_window(qtbot, library, data, rows=2)
    w.resize(1280, 900)
    yield w
    w.close()


def action(w, name) -> QAction:
    return w.findChild(QAction, name)


def open_pdf(qtbot, w, article=PAPER, source="library"):
    w.open_article(article, source)
    view = w.reading.pdf_view
    qtbot.waitUntil(lambda: w.reading.surfaces.currentWidget() is view and view.layout_ is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: 0 in view.images and 0 in view.chars, timeout=WAIT)
    qtbot.waitUntil(lambda: w.reading.page is not None and w.reading.article_id == article, timeout=WAIT)
    return view


def viewport_point(view, offset: int) -> QPointF:
    """The middle of the character at an offset of the text, in the view's viewport."""
    page, rects = next(iter(view.boxes(offset, offset + 1).items()))
    return view._to_view(page, rects[0]).center()


def drag(view, start: QPointF, end: QPointF) -> None:
    for kind, where, buttons in ((QEvent.MouseButtonPress, start, Qt.LeftButton),
                                 (QEvent.MouseMove, (start + end) / 2, Qt.LeftButton),
                                 (QEvent.MouseMove, end, Qt.LeftButton),
                                 (QEvent.MouseButtonRelease, end, Qt.NoButton)):
        QApplication.sendEvent(view.viewport(), QMouseEvent(kind, where, view.viewport().mapToGlobal(where),
                                                             Qt.LeftButton, buttons, Qt.NoModifier))


def colour_at(view, point: QPointF) -> Counter:
    """The colours of a small square of the screen around a point (the page as drawn)."""
    image = view.viewport().grab().toImage()
    x, y = int(point.x()), int(point.y())
    return Counter(image.pixelColor(i, j).name() for i in range(x - 3, x + 4) for j in range(y - 6, y - 2))


def test_a_pdf_is_shown_as_its_pages_drawn_in_the_background(qtbot, window):
    view = open_pdf(qtbot, window)
    assert view.objectName() == "pdfView" and len(view.layout_.sizes) == 2
    scale, image = view.images[0]
    assert image.width() >= view.page_rect(0).width() * 0.98  # drawn for the size shown: sharp
    assert not action(window, "pdfTextModeAction").isChecked() and action(window, "pdfTextModeAction").isEnabled()
    before = view.page_rect(0).width()
    action(window, "zoomInAction").trigger()
    qtbot.waitUntil(lambda: view.images[0][0] > scale, timeout=WAIT)  # drawn again, sharper
    assert view.page_rect(0).width() > before * 1.05
    action(window, "zoomResetAction").trigger()


def test_select_highlight_click_and_show_on_the_page(qtbot, window):
    view = open_pdf(qtbot, window)
    text = view.layout_.text.text
    at = text.index(PASSAGE)
    drag(view, viewport_point(view, at), viewport_point(view, at + len(PASSAGE) - 1))
    assert view.selection == (at, at + len(PASSAGE))
    qtbot.waitUntil(lambda: window.reading.pdf_popup.isVisible(), timeout=WAIT)  # the small buttons by it
    view.copy()
    assert QApplication.clipboard().text() == PASSAGE
    action(window, "highlightAction").trigger()
    qtbot.waitUntil(lambda: comments(window) == [PASSAGE], timeout=WAIT)
    qtbot.waitUntil(lambda: [(m.start, m.end) for m in view.layers.get("highlights", [])] == [(at, at + len(PASSAGE))],
                    timeout=WAIT)
    note = window.reading.notes.notes[0]
    assert note.quote.exact == PASSAGE and note.anchor.start == at
    middle = viewport_point(view, at + 4)
    view.viewport().repaint()
    shown = colour_at(view, middle)
    assert QColor("#fff0a0").name() in shown  # the yellow, over the words
    listing = find(window, QAbstractItemView, "commentsList")
    listing.clearSelection()
    QApplication.sendEvent(view.viewport(), QMouseEvent(QEvent.MouseButtonPress, middle, view.viewport().mapToGlobal(middle),
                                                        Qt.LeftButton, Qt.LeftButton, Qt.NoModifier))
    QApplication.sendEvent(view.viewport(), QMouseEvent(QEvent.MouseButtonRelease, middle,
                                                        view.viewport().mapToGlobal(middle), Qt.LeftButton,
                                                        Qt.NoButton, Qt.NoModifier))
    qtbot.waitUntil(lambda: window.reading.comments.selected_id() == note.id, timeout=WAIT)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    window.reading.show_note(note.id)
    assert view.layers["flash"] and view.verticalScrollBar().value() < view.verticalScrollBar().maximum()


def test_the_searched_words_and_find_on_the_pages(qtbot, window):
    search(qtbot, window, "renseignement")
    view = open_pdf(qtbot, window, "lemonde.pdf", "search")
    marks = view.layers.get("search", [])
    assert marks and {view.layout_.text.text[m.start:m.end].lower() for m in marks} <= {"renseignement"}
    window.reading.find_bar.start()
    field = find(window, QLineEdit, "findField")
    field.setText("loi")
    count = len(view.layers["find"])
    assert count == window.reading.pdf.match_count > 1
    qtbot.keyClick(field, Qt.Key_Return)
    assert window.reading.pdf.current == 1
    window.reading.find_bar.close_bar()
    assert view.layers["find"] == []
    qtbot.keyClick(find(window, QLineEdit, "searchField"), Qt.Key_Escape)
    qtbot.waitUntil(lambda: view.layers.get("search") == [], timeout=WAIT)


def test_view_text_reads_the_pdf_as_text_with_the_same_highlights_and_is_remembered(qtbot, window, library, data):
    view = open_pdf(qtbot, window)
    at = view.layout_.text.text.index(PASSAGE)
    drag(view, viewport_point(view, at), viewport_point(view, at + len(PASSAGE) - 1))
    action(window, "highlightAction").trigger()
    qtbot.waitUntil(lambda: comments(window) == [PASSAGE], timeout=WAIT)
    action(window, "pdfTextModeAction").trigger()
    text_view = find(window, QTextBrowser, "articleView")
    qtbot.waitUntil(lambda: window.reading.surfaces.currentWidget() is text_view, timeout=WAIT)
    qtbot.waitUntil(lambda: highlighted(window) == [PASSAGE], timeout=WAIT)
    assert action(window, "pdfTextModeAction").isChecked()
    window.close()
    again = open_window(qtbot, library, data, rows=2)
    again.open_article(PAPER)
    qtbot.waitUntil(lambda: again.reading.page is not None and again.reading.surfaces.currentWidget()
                    is find(again, QTextBrowser, "articleView"), timeout=WAIT)
    assert action(again, "pdfTextModeAction").isChecked()
    action(again, "pdfTextModeAction").trigger()  # back to the pages
    qtbot.waitUntil(lambda: again.reading.surfaces.currentWidget() is again.reading.pdf_view, timeout=WAIT)
    again.close()


def test_an_epub_shows_its_pictures_from_inside_the_book(qtbot, library, data):
    picture = QImage(8, 8, QImage.Format_RGB32)
    picture.fill(QColor("#2a7ab0"))
    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    picture.save(buffer, "PNG")
    png = bytes(buffer.data())
    (library / "small.epub").write_bytes(book({"one.xhtml": CHAPTER.format("The Engine", 'A plate: <img src="p.png" '
                                                                           'alt="plate"/> and more text.')},
                                              ["one.xhtml"], {"p.png": png}))
    w = open_window(qtbot, library, data, rows=1)
    w.open_article("small.epub")
    view = find(w, QTextBrowser, "articleView")
    qtbot.waitUntil(lambda: "A plate:" in view.toPlainText(), timeout=WAIT)
    resource = view.loadResource(2, QUrl("reader-book:small.epub!/OEBPS/p.png"))
    assert (resource.width(), resource.height()) == (8, 8)  # the picture itself, not a placeholder
    w.close()


def test_the_pages_thread_keeps_one_sandbox_child_between_requests(qtbot, window):
    """Drawing a page costs PDFium's drawing, not a new process: every request of the pages
    thread is answered by the same child, and no child is left behind."""
    from reader.library.sandbox import sandboxed

    open_pdf(qtbot, window)
    workers, answers = window.reading.workers, []
    for _ in range(4):
        workers.call(workers.pages, lambda svc: sandboxed("os", "getpid"), answers.append)
    qtbot.waitUntil(lambda: len(answers) == 4, timeout=WAIT)
    assert len(set(answers)) == 1


def test_the_pages_show_before_the_text_is_read_and_are_kept_when_it_comes(qtbot, window):
    """Reading a long PDF's text takes a second; its pages are laid out from their sizes and
    the first ones drawn meanwhile, and the text, when it comes, joins the same drawing."""
    import threading

    gate = threading.Event()
    workers = window.reading.workers
    workers.call(workers.renderer, lambda svc: gate.wait(WAIT / 1000))  # the text is slow to come
    window.open_article(PAPER)
    view = window.reading.pdf_view
    qtbot.waitUntil(lambda: window.reading.surfaces.currentWidget() is view and 0 in view.images, timeout=WAIT)
    assert window.reading.page is None and not view.layout_.text.text
    drawn = view.images[0][1]
    gate.set()
    qtbot.waitUntil(lambda: window.reading.page is not None, timeout=WAIT)
    assert view.images[0][1] is drawn
    assert PASSAGE in view.layout_.text.text


def test_the_place_in_a_pdf_is_remembered(qtbot, window, library, data):
    """Scrolled to the second page, away to another article, back: the second page; and so
    after the window is closed and opened again."""
    view = open_pdf(qtbot, window)
    view.verticalScrollBar().setValue(int(view.page_rect(1).top()) + 40)
    assert view.visible_pages()[0] == 1
    open_pdf(qtbot, window, "lemonde.pdf")
    assert view.visible_pages()[0] == 0

    def back_on_the_second_page(w):
        w.open_article(PAPER)
        qtbot.waitUntil(lambda: w.reading.page is not None and w.reading.article_id == PAPER, timeout=WAIT)
        shown = w.reading.pdf_view
        qtbot.waitUntil(lambda: shown.visible_pages()[0] == 1 and 1 in shown.images, timeout=WAIT)

    back_on_the_second_page(window)
    window.close()
    again = open_window(qtbot, library, data, rows=2)
    again.resize(1280, 900)
    back_on_the_second_page(again)
    again.close()


def test_after_the_last_page_the_related_articles_and_the_next_one(qtbot, library, data):
    """The page view ends as any article does: its related articles, then the link to the
    next article in the list; a click on a related one opens it."""
    from PySide6.QtTest import QTest

    shutil.copy(PDFS / "rust-gats-stabilization-push.pdf", library / PAPER)
    (library / "gats-notes.md").write_text(
        "---\ntitle: Notes on generic associated types\ndate: 2020-01-01\n---\n\nGeneric associated types (GATs) "
        "let a trait's associated types have generic parameters; the stabilization of GATs, their RFC 1598, "
        "lifetimes in associated types, the LendingIterator and the tracking issue on GitHub.\n")
    (library / "other.md").write_text("---\ntitle: Sourdough\ndate: 2021-01-01\n---\n\nFlour, water, salt.\n")
    w = open_window(qtbot, library, data, rows=3)
    w.resize(1280, 900)
    view = open_pdf(qtbot, w)
    footer = view.footer
    qtbot.waitUntil(lambda: w.reading.related.answered == PAPER and "generic associated" in footer.text(),
                    timeout=WAIT)
    assert "Next article: <a href='reader-nav:next'>Sourdough" in footer.text()
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: footer.isVisible() and view.viewport().rect().contains(footer.geometry().center()),
                    timeout=WAIT)
    line = footer.fontMetrics().height()
    for y in range(line + 2, 3 * line, 3):  # the first related article's line, under the heading
        QTest.mouseClick(footer, Qt.LeftButton, Qt.NoModifier, QPointF(12, y).toPoint())
        if w.reading.article_id == "gats-notes.md":
            break
    qtbot.waitUntil(lambda: w.reading.article_id == "gats-notes.md", timeout=WAIT)
    w.close()
