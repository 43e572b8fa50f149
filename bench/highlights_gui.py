#!/usr/bin/env python3
"""What drawing highlights adds to showing an article, in the real window (offscreen).

    .venv/bin/python bench/highlights_gui.py              # 50 highlights on a ~20 KB article
    .venv/bin/python bench/highlights_gui.py --highlights 200

Takes the corpora article nearest 20 KB of shown text, highlights N of its sentences
through the engine, then opens it in the window again and again, timing on the GUI
thread: the page put on screen (setHtml and layout), and the highlights drawn on it
(the document lined up with the engine's text, then one extra selection each).
Medians of the runs; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from anchoring import CORPORA, flat_of, prose_sentences  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--highlights", type=int, default=50)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from reader.app import build_window
    from reader.render import article_css
    from reader.service import ReaderService
    from reader.ui import theme

    candidates = []
    for path in sorted(CORPORA.rglob("*.md")):
        if 15_000 <= path.stat().st_size <= 40_000:
            flat = flat_of(path)
            if len(prose_sentences(flat)) >= args.highlights:
                candidates.append((abs(len(flat) - 20_000), path, flat))
    _, source, flat = min(candidates, key=lambda c: c[0])
    work = Path(tempfile.mkdtemp(prefix="reader-hl-"))
    library, data = work / "lib", work / "data"
    library.mkdir()
    shutil.copy(source, library / "article.md")
    service = ReaderService(library.resolve(), data)
    service.update()
    rng = random.Random(5)
    for start, end in sorted(rng.sample(prose_sentences(flat), args.highlights)):
        service.add_quoted("article.md", flat[start:end], text="a comment" if start % 2 else "")
    service.close()

    app = QApplication.instance() or QApplication([])
    window = build_window(library, data)
    window.show()
    while window.update_running or not window.library.model.rowCount():
        app.processEvents()
    window.open_article("article.md")
    reading = window.reading
    while reading.page is None or len(reading.notes.notes) < args.highlights:
        app.processEvents()
    page, notes = reading.page, reading.notes.notes
    show_ms, draw_ms = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        reading.view.show_html(page.html, article_css(theme.is_dark()))
        reading.view.document().documentLayout().documentSize()  # laid out, as it is to be shown
        middle = time.perf_counter()
        reading.layer.set_page(page)
        reading.layer.draw(notes, theme.is_dark())
        done = time.perf_counter()
        show_ms.append(1000 * (middle - started))
        draw_ms.append(1000 * (done - middle))
        app.processEvents()
    drawn = len(reading.layer.spans)
    window.close()
    shutil.rmtree(work, ignore_errors=True)
    print(f"{source.relative_to(CORPORA)}: {len(flat):,} characters of shown text, {args.highlights} highlights "
          f"({drawn} drawn)")
    print(f"page on screen: median {statistics.median(show_ms):.1f} ms; highlights drawn on it: median "
          f"{statistics.median(draw_ms):.1f} ms, worst {max(draw_ms):.1f} ms ({args.runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
