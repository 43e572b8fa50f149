#!/usr/bin/env python3
"""A long PDF in the real window (offscreen): the first page on screen, and memory while
scrolling through it to the end.

    .venv/bin/python bench/pdf_view.py                 # 300-page PDFs, 3 rounds; bench/out/pdf_view.json
    .venv/bin/python bench/pdf_view.py --pages 1000 --rounds 2

The PDFs are real ones (../shared/pdf: the 24 with known text and the 40 revision
PDFs) bound into one by PDFium, page after page until --pages; four such books, each
starting at another PDF, so that reopening one finds it closed (the page drawer keeps
three open). The window is opened on a library of the four and a short article; each
round opens every book and times, on the GUI thread, from the click to the first page
drawn in `pdfView` and to the text read (highlights and comments can be drawn). Then
the first book is scrolled to its end a screen at a time, each screen waited for until
its pages are drawn, sampling the memory of the window and its sandbox children.
Medians; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
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

from bench import tree_rss_mib  # noqa: E402

SHARED = HERE.parent.parent / "shared" / "pdf"


def real_pdfs() -> list[Path]:
    return sorted(SHARED.glob("*.pdf")) + sorted(SHARED.glob("revisions/*/*.pdf"))


def bind(sources: list[Path], pages: int, target: Path) -> None:
    """One PDF of `pages` pages, the sources' pages in turn (PDFium's import_pages)."""
    import pypdfium2 as pdfium

    book = pdfium.PdfDocument.new()
    at = 0
    while len(book) < pages:
        source = pdfium.PdfDocument(str(sources[at % len(sources)]))
        take = min(len(source), pages - len(book))
        book.import_pages(source, list(range(take)))
        source.close()
        at += 1
    book.save(str(target))
    book.close()


def _children() -> list[str]:
    with open(f"/proc/{os.getpid()}/task/{os.getpid()}/children") as handle:
        found = handle.read().split()
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        with open(f"/proc/{os.getpid()}/task/{task}/children") as handle:
            found += handle.read().split()
    return sorted(set(found))


def own_rss_mib() -> float:
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmRSS")) / 1024


def wait(app, condition, seconds: float = 60.0) -> float:
    """Process events until condition(); the time it took (inf when it never held)."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > seconds:
            return float("inf")
        app.processEvents()
        time.sleep(0.001)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--books", type=int, default=4)
    args = parser.parse_args()

    sources = real_pdfs()
    if not sources:
        print(f"no PDFs under {SHARED}", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="reader-pdfview-"))
    library, data = work / "lib", work / "data"
    library.mkdir()
    names = []
    for n in range(args.books):
        name = f"book-{n}.pdf"
        bind(sources[n * 7:] + sources[:n * 7], args.pages, library / name)
        names.append(name)
    (library / "note.md").write_text("---\ntitle: A short article\n---\n\nSomething to open between the books.\n")

    from PySide6.QtWidgets import QApplication

    from reader.app import build_window

    app = QApplication.instance() or QApplication([])
    window = build_window(library, data)
    window.resize(1280, 900)
    window.show()
    wait(app, lambda: not window.update_running and window.library.model.rowCount() == len(names) + 1, 600)
    reading, view = window.reading, window.reading.pdf_view
    base_mib = tree_rss_mib(os.getpid())

    first_page, text_read = [], []  # milliseconds, the first open first
    for _ in range(args.rounds):
        for name in names:
            window.open_article("note.md")
            wait(app, lambda: reading.page is not None and reading.article_id == "note.md")
            reading.reading.positions.pop(name, None)  # open at the top
            started = time.perf_counter()
            window.open_article(name)
            drawn = wait(app, lambda: view.key is not None and view.key[0] == name and 0 in view.images)
            wait(app, lambda: reading.page is not None and reading.article_id == name)
            first_page.append(1000 * drawn)
            text_read.append(1000 * (time.perf_counter() - started))
    cold, warm = first_page[0], first_page[1:]

    window.open_article(names[0])
    wait(app, lambda: reading.page is not None and reading.article_id == names[0] and 0 in view.images)
    wait(app, lambda: all(n in view.images for n in view.visible_pages()), 20)
    opened_mib, opened_own = tree_rss_mib(os.getpid()), own_rss_mib()
    bar, peak, peak_own, screens = view.verticalScrollBar(), 0.0, 0.0, 0
    started = time.perf_counter()
    while True:
        wait(app, lambda: all(n in view.images for n in view.visible_pages()), 20)
        peak = max(peak, tree_rss_mib(os.getpid()))
        peak_own = max(peak_own, own_rss_mib())
        screens += 1
        if bar.value() >= bar.maximum():
            break
        bar.setValue(bar.value() + bar.pageStep())
    scrolled = time.perf_counter() - started
    cache_mib = sum(image.sizeInBytes() for _, image in view.images.values()) / 2 ** 20
    cached = len(view.images)
    end_mib = tree_rss_mib(os.getpid())
    children = sorted(round(tree_rss_mib(int(pid))) for pid in _children())
    window.close()
    shutil.rmtree(work, ignore_errors=True)
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / "pdf_view.json").write_text(json.dumps({
        "pages": args.pages, "first_page_cold_ms": cold, "first_page_ms": warm, "text_read_ms": text_read,
        "screens": screens, "scroll_s": scrolled, "mib_before": base_mib, "mib_open": opened_mib, "mib_peak": peak,
        "mib_end": end_mib, "window_mib_open": opened_own, "window_mib_peak": peak_own, "images_mib": cache_mib,
        "children_mib": children}, indent=2))

    print(f"{args.books} PDFs of {args.pages} pages bound from {len(sources)} real ones; window 1280×900, offscreen")
    print(f"first page drawn after the click: first open {cold:.0f} ms (starts the page drawer), then median "
          f"{statistics.median(warm):.0f} ms, worst {max(warm):.0f} ms ({len(warm)} opens)")
    print(f"text read (highlights, comments, find ready): median "
          f"{statistics.median(text_read):.0f} ms")
    print(f"scrolled to the end: {screens} screens in {scrolled:.1f} s, each drawn before the next")
    print(f"memory (window + sandbox children): {base_mib:.0f} MiB before opening, {opened_mib:.0f} MiB open at "
          f"the first page, peak {peak:.0f} MiB while scrolling, {end_mib:.0f} MiB at the end; the window alone "
          f"{opened_own:.0f} MiB at the first page, peak {peak_own:.0f} MiB; page images kept {cache_mib:.0f} MiB "
          f"({cached} pages); sandbox children at the end (MiB): {children}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
