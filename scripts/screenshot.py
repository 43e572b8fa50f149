#!/usr/bin/env python3
"""Take docs/screenshot.png from the real app on the sample library (run under Xvfb).

    xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb .venv/bin/python scripts/screenshot.py docs/screenshot.png

Options after the file name: --size WxH (the window, default 1280x800), --query TEXT
(type a search, and open the article again from its results, its words marked), --notes
(show All notes), --dark, --bare (the article alone: no notes, no selection), --pdf FILE
(that PDF as its pages, in a library of its own, with a highlight, a commented highlight
and a selection with its buttons: the passages --passage TEXT, given three times, or the
text's first sentences).

    ... scripts/screenshot.py docs/screenshot-pdf.png --pdf ../shared/pdf/rust-gats-stabilization-push.pdf \
        --passage "Where to start, where to start..." --passage "this is a very exciting post" \
        --passage "Some people reading this"
"""

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import QApplication

from reader.app import build_window
from reader.locations import sample_library

ARTICLE = "world/harbour-city-flood-defences.md"


def select(window, text: str, occurrence: int = 1) -> None:
    view = window.reading.view
    cursor = QTextCursor(view.document())
    for _ in range(occurrence):
        cursor = view.document().find(text, cursor)
    view.setTextCursor(cursor)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("target")
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--query", default="")
    parser.add_argument("--notes", action="store_true")
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--bare", action="store_true")
    parser.add_argument("--pdf", type=Path)
    parser.add_argument("--passage", action="append", default=[])
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    data = Path(tempfile.mkdtemp(prefix="reader-shot-"))
    library = sample_library()
    if args.pdf:
        library = data / "library"
        library.mkdir()
        shutil.copy(args.pdf, library / args.pdf.name)
    window = build_window(library, data)
    app = QApplication.instance()
    window.setGeometry(0, 0, width, height)
    window.show()
    window.activateWindow()
    if args.dark:
        window.look.set_theme("dark")

    if args.pdf:
        return pdf_stages(window, app, args)

    def stage_one():
        window.open_article(ARTICLE)
        if args.bare:
            return
        window.reading.comments.editor.setPlainText("Ask the council for the cost figures of each phase.")
        window.reading.comments.submit()

    def stage_two():
        if not args.bare:
            select(window, "the movable flood barrier across the Harbour City estuary")
            window.reading.highlight_action.trigger()

    def stage_three():
        if not args.bare:
            select(window, "Residents who had been evacuated twice in 2019")
            window.reading.comment_action.trigger()
            window.reading.comments.editor.setPlainText("Compare with the 2019 evacuations.")
            window.reading.comments.submit()
        if args.query:
            window.search.field.setText(args.query)

    def stage_four():
        if args.query:
            window.open_article(ARTICLE, "search")
        if args.notes:
            window.show_all_notes()
        window.reading.view.verticalScrollBar().setValue(0)
        if not args.bare:
            select(window, "four centimetres")  # a selection, with its small buttons
            window.reading.view.verticalScrollBar().setValue(0)
            window.reading.popup.show_by_selection()

    return run_stages(window, app, args.target, [stage_one, stage_two, stage_three, stage_four])


def pdf_stages(window, app, args) -> int:
    """A PDF as its pages: a highlight, a highlight with its comment, a selection with its buttons."""
    reading = window.reading

    def passages() -> list[tuple[int, int]]:
        text = reading.pdf_view.layout_.text.text
        wanted = args.passage or [m.group() for m in re.finditer(r"[A-Z][^.!?]{20,80}[.!?]", text)][:3]
        return [(text.index(p), text.index(p) + len(p)) for p in wanted]

    def stage_one():
        window.open_article(args.pdf.name)

    def stage_two():
        reading.pdf_view.select_text(*passages()[0])
        reading.highlight_action.trigger()

    def stage_three():
        reading.pdf_view.select_text(*passages()[1])
        reading.highlight_color = "green"
        reading.comment_action.trigger()
        reading.comments.editor.setPlainText("The motivating example: worth showing the team.")
        reading.comments.submit()

    def stage_four():
        reading.pdf_view.select_text(*passages()[2])
        reading.pdf_popup.show_by_selection()

    return run_stages(window, app, args.target, [stage_one, stage_two, stage_three, stage_four])


def run_stages(window, app, target: str, stages) -> int:
    """Each stage a second after the last, then the screen saved to target (never hanging)."""

    def shoot():
        try:
            screen = QGuiApplication.primaryScreen()
            image = screen.grabWindow(0) if sys.platform.startswith("linux") and window.screen() else window.grab()
            image.save(target)
        finally:
            window.close()
            app.quit()

    for n, stage in enumerate(stages):
        QTimer.singleShot(1500 + 1000 * n, stage)
    QTimer.singleShot(1500 + 1000 * len(stages) + 500, shoot)
    QTimer.singleShot(20000, app.quit)  # never hang
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
