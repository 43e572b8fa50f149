"""The desktop app: build the main window (for tests and embedding) or run it."""

from __future__ import annotations

import os
import sys

from reader.library.scanning import LibraryError, library_root
from reader.locations import APP_NAME, choose_library, data_dir, resource


def _application():
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Article Reader")
        app.setOrganizationName(APP_NAME)
        app.setDesktopFileName(APP_NAME)
        app.setStyle("Fusion")
        icon = resource("article-reader.svg")
        if icon:
            app.setWindowIcon(QIcon(str(icon)))
    return app


def build_window(library: str | os.PathLike | None = None, data: str | os.PathLike | None = None):
    """The main window on a library (chosen as the CLI chooses), shown but not run."""
    _application()
    from reader.ui.mainwindow import MainWindow

    data_path = data_dir(data)
    data_path.mkdir(parents=True, exist_ok=True)
    chosen = choose_library(library, data_path)
    try:
        root, problem = library_root(chosen), None
    except LibraryError as exc:
        root, problem = None, str(exc)
    window = MainWindow(root, data_path, problem)
    return window


def main(library: str | os.PathLike | None = None, data: str | os.PathLike | None = None) -> int:
    app = _application()
    window = build_window(library, data)
    window.show()
    return app.exec()


def open_in_window(target: str | None, note: int | None = None, library: str | os.PathLike | None = None,
                   data: str | os.PathLike | None = None) -> int:
    """`article-reader open [ARTICLE | article-reader://open?library=…&article=…&note=N] [--note N]`:
    the window at the article (and the note's passage), handed to the window already running
    on this data folder if there is one, else in a new one."""
    from urllib.parse import parse_qs, urlsplit

    article = target
    if target and target.startswith("article-reader:"):
        query = parse_qs(urlsplit(target).query)
        library = (query.get("library") or [library])[0]
        article = (query.get("article") or [None])[0]
        asked_note = (query.get("note") or [""])[0]
        note = int(asked_note) if asked_note.isdigit() else note
    data_path = data_dir(data)
    if article:
        from reader.ui.handoff import hand_to_running

        try:
            root = str(library_root(choose_library(library, data_path)))
        except LibraryError:
            root = ""
        if hand_to_running(data_path, {"library": root, "article": article, "note": note}):
            return 0
    app = _application()
    window = build_window(library, data)
    if article:
        window.asked = (article, note)  # opened once the list is there
    window.show()
    return app.exec()
