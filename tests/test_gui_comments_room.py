"""Reading comes first: on a laptop's 1280×720 screen the article gets its pane, and the
comments take only the room they need — one line with none yet, growing as comments
come, up to a limit — unless the reader has put the divider somewhere themselves."""

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from qt_helpers import DRILLS, SAMPLE_ROWS, WAIT, comments, find, leave_comment, open_window, wait_article

from reader.ui.commentsroom import COMMENTS_SHARE

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
OTHER = "world/harbour-city-flood-defences.md"


@pytest.fixture
def laptop(qtbot, sample_copy, data):
    w = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS)
    w.resize(1280, 720)
    qtbot.waitUntil(lambda: w.height() == 720)
    yield w
    w.close()


def article_share(w) -> float:
    """The article view's part of the reading pane's height."""
    return w.reading.view.height() / w.reading.height()


def comments_height(w) -> int:
    return w.reading.comments.height()


def open_article(qtbot, w, article, text):
    w.open_article(article)
    wait_article(qtbot, w, text)
    qtbot.wait(50)


def drag_divider(qtbot, w, dy: int) -> None:
    """Drag the divider above the comments by dy pixels, as a mouse does."""
    handle = w.reading.handle(1)
    start = QPointF(handle.rect().center())
    for kind, where, buttons in ((QEvent.MouseButtonPress, start, Qt.LeftButton),
                                 (QEvent.MouseMove, start + QPointF(0, dy / 2), Qt.LeftButton),
                                 (QEvent.MouseMove, start + QPointF(0, dy), Qt.LeftButton),
                                 (QEvent.MouseButtonRelease, start + QPointF(0, dy), Qt.NoButton)):
        event = QMouseEvent(kind, where, handle.mapToGlobal(where), Qt.LeftButton, buttons, Qt.NoModifier)
        QApplication.sendEvent(handle, event)
    qtbot.wait(20)


def test_with_no_comments_the_article_takes_nearly_all_its_pane(qtbot, laptop):
    open_article(qtbot, laptop, DRILLS, "Keen Sword")
    assert comments(laptop) == []
    assert laptop.reading.height() > 550
    assert article_share(laptop) >= 0.85, (laptop.reading.view.height(), comments_height(laptop))
    box = find(laptop, QPlainTextEdit, "commentEdit")
    line = box.fontMetrics().lineSpacing()
    assert box.height() < 2.5 * line + 20  # one line, ready to open
    qtbot.mouseClick(box.viewport(), Qt.LeftButton)
    qtbot.waitUntil(lambda: box.height() >= 4 * line, timeout=WAIT)  # opened to write in
    assert article_share(laptop) >= 0.75
    box.clearFocus()
    laptop.reading.view.setFocus()
    qtbot.waitUntil(lambda: box.height() < 2.5 * line + 20, timeout=WAIT)  # nothing typed: back to one line
    assert article_share(laptop) >= 0.85


def test_comments_take_more_room_as_they_come_up_to_a_limit(qtbot, laptop):
    open_article(qtbot, laptop, DRILLS, "Keen Sword")
    heights = [comments_height(laptop)]
    for n in range(1, 7):
        leave_comment(qtbot, laptop, f"Comment number {n}: worth checking against the ministry's own figures.")
        qtbot.waitUntil(lambda n=n: len(comments(laptop)) == n, timeout=WAIT)
        laptop.reading.view.setFocus()
        qtbot.wait(50)
        heights.append(comments_height(laptop))
    assert heights[1] > heights[0] and heights[2] > heights[1]  # each comment shows
    assert heights == sorted(heights)  # never shrinking as comments come
    total = laptop.reading.height()
    assert heights[-1] <= COMMENTS_SHARE * total + 2  # then the list scrolls
    assert article_share(laptop) >= 1 - COMMENTS_SHARE - 0.01
    # another article, with none: the comments give the room back
    open_article(qtbot, laptop, OTHER, "flood barrier")
    assert article_share(laptop) >= 0.85


def test_a_divider_the_reader_moved_stays_where_they_put_it(qtbot, laptop, sample_copy, data):
    open_article(qtbot, laptop, DRILLS, "Keen Sword")
    before = comments_height(laptop)
    drag_divider(qtbot, laptop, -200)
    chosen = comments_height(laptop)
    assert chosen >= before + 150
    leave_comment(qtbot, laptop, "One comment should not move a divider I placed.")
    qtbot.waitUntil(lambda: len(comments(laptop)) == 1, timeout=WAIT)
    open_article(qtbot, laptop, OTHER, "flood barrier")
    assert abs(comments_height(laptop) - chosen) <= 2
    laptop.close()
    again = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS)  # kept between runs
    again.resize(1280, 720)
    qtbot.waitUntil(lambda: again.height() == 720)
    open_article(qtbot, again, OTHER, "flood barrier")
    assert abs(comments_height(again) - chosen) <= 2
    handle = again.reading.handle(1)
    qtbot.mouseDClick(handle, Qt.LeftButton, pos=QPoint(handle.width() // 2, 0))  # fit the comments again
    qtbot.waitUntil(lambda: article_share(again) >= 0.85, timeout=WAIT)
    again.close()
