#!/usr/bin/env python3
"""Take docs/screenshot.png from the real app on the sample library (run under Xvfb).

    xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb .venv/bin/python scripts/screenshot.py docs/screenshot.png
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from reader.app import build_window
from reader.locations import sample_library

ARTICLE = "world/harbour-city-flood-defences.md"


def main(target: str, query: str = "") -> int:
    data = Path(tempfile.mkdtemp(prefix="reader-shot-"))
    window = build_window(sample_library(), data)
    app = QApplication.instance()
    window.setGeometry(0, 0, 1280, 800)
    window.show()
    window.activateWindow()

    def stage_one():
        window.open_article(ARTICLE)
        window.comments.editor.setPlainText("Worth comparing with the 2019 evacuations — ask the council for the cost figures.")
        window.comments.submit()
        if query:
            window.search_field.setText(query)

    def shoot():
        try:
            if window.screen() and sys.platform.startswith("linux"):
                subprocess.run(["import", "-window", "root", target], check=True, timeout=30)
            else:
                window.grab().save(target)
        finally:
            window.close()
            app.quit()

    QTimer.singleShot(1500, stage_one)
    QTimer.singleShot(4000, shoot)
    QTimer.singleShot(20000, app.quit)  # never hang
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
