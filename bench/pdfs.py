#!/usr/bin/env python3
"""PDFs as the product reads them: text quality, speed, a library of 1,000, hostile files.

    .venv/bin/python bench/pdfs.py                  # all four parts, and bench/out/pdfs.json
    .venv/bin/python bench/pdfs.py quality speed    # some of them
    .venv/bin/python bench/pdfs.py library -n 300

- quality: the 24 PDFs of ../shared/pdf with their known text, scored as py-pdf's
  benchmark scores (Levenshtein ratio, 2·LCS/(|a|+|b|) over characters after collapsing
  whitespace) and as word F1 (lower-cased \\w+ tokens), with the running header/footer
  lines left in the text and the soft-hyphenated words found whole. Beside it
  pypdfium2's raw text (get_text_range() of each page joined by "\\n", run here) and
  pypdf and pdfminer.six as ../shared/pdf/baselines.json measured them on the same files.
- speed: pages a second, the product's whole read of a PDF (in its sandbox child: text
  cleaned, metadata, language) against pypdfium2's own text extraction in-process, on
  the 64 real PDFs (24 + the 40 revision PDFs) and on one of 300 pages bound from them.
- library: N PDFs (default 1,000; the real ones, each bound anew from a turn of their
  pages so that no two are the same file) indexed from nothing by `article-reader
  index` (a whole process, worker processes included), beside SQLite FTS5 fed the same
  files' pypdfium2 text in one process.
- hostile: every file of ../shared/pdf/hostile read as the indexer reads it: read,
  skipped with a reason, or (never, we hope) crashed or hung.

Medians; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench import CLI, run_measured  # noqa: E402
from pdf_view import bind, real_pdfs  # noqa: E402

SHARED = HERE.parent.parent / "shared" / "pdf"


def raw_text(path: Path) -> tuple[str, int]:
    """pypdfium2's own text: every page's get_text_range(), joined by newlines."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(pdf[n].get_textpage().get_text_range() for n in range(len(pdf))), len(pdf)
    finally:
        pdf.close()


def ours(path: Path):
    from reader.library.formats import parse_article

    return parse_article(path.read_bytes(), path.name).article


def lev(a: str, b: str) -> float:
    from rapidfuzz.distance import Indel

    return Indel.normalized_similarity(" ".join(a.split()), " ".join(b.split()))


def f1(a: str, b: str) -> float:
    left, right = Counter(re.findall(r"\w+", a.lower())), Counter(re.findall(r"\w+", b.lower()))
    common = sum((left & right).values())
    if not common:
        return 0.0
    precision, recall = common / sum(left.values()), common / sum(right.values())
    return 2 * precision * recall / (precision + recall)


def whole_words(text: str, hyphenated: dict[str, int]) -> int:
    """The soft-hyphenated words found whole everywhere the truth has them (baselines.json's hyph_ok)."""
    return sum(len(re.findall(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)) >= n for word, n in hyphenated.items())


def furniture_left(text: str, truth: str, furniture: list[str]) -> int:
    """Running header/footer lines in the text beyond where the truth has the same words (a
    title is also the heading), bare page numbers not counted (baselines.json's furniture_left)."""
    return sum(max(0, text.count(line) - truth.count(line)) for line in furniture if not line.strip().isdigit())


# ---------------------------------------------------------------- quality


def quality() -> dict:
    manifest = json.loads((SHARED / "pdfs.json").read_text())["pdfs"]
    baselines = json.loads((SHARED / "baselines.json").read_text())
    rows: dict[str, list] = {}
    totals = Counter()
    for entry in manifest:
        path = SHARED / entry["file"]
        truth = (SHARED / entry["truth"]).read_text()
        article, (raw, _) = ours(path), raw_text(path)
        mine = article.text
        totals.update({f"cleaned: {what}": n for what, n in article.layout.text.cleaned.items()})
        paragraphs = {" ".join(p.split()) for p in re.split(r"\n\s*\n", truth) if p.strip()}
        totals["paragraphs"] += len(paragraphs)
        totals["paragraphs as the truth has them"] += sum(" ".join(b.text.split()) in paragraphs
                                                          for b in article.layout.text.blocks)
        hyphenated = entry.get("hyphenated") or {}
        totals["ours furniture"] += furniture_left(mine, truth, entry["furniture"])
        totals["raw furniture"] += furniture_left(raw, truth, entry["furniture"])
        totals["hyphenated"] += len(hyphenated)
        totals["ours whole"] += whole_words(mine, hyphenated)
        totals["raw whole"] += whole_words(raw, hyphenated)
        scores = [lev(mine, truth), f1(mine, truth), lev(raw, truth), f1(raw, truth)]
        others = baselines["pdfs"].get(entry["file"], {})
        for name in ("pypdf", "pdfminer"):
            scores += [others.get(name, {}).get("lev", float("nan")), others.get(name, {}).get("f1", float("nan"))]
        for key in ("all", entry["layout"]):
            rows.setdefault(key, []).append(scores)
    print(f"Text of {len(manifest)} real PDFs with known text (Levenshtein ratio / word F1; pypdf and pdfminer.six "
          "from baselines.json)\n")
    print("| layout | PDFs | Article Reader | pypdfium2 raw | pypdf | pdfminer.six |")
    print("|---|---|---|---|---|---|")
    for key, scores in rows.items():
        means = [statistics.mean(s[i] for s in scores) for i in range(8)]
        cells = [f"{means[i]:.4f} / {means[i + 1]:.4f}" for i in range(0, 8, 2)]
        print(f"| {key} | {len(scores)} | " + " | ".join(cells) + " |")
    print(f"\nrunning header/footer lines left in the text: ours {totals['ours furniture']}, pypdfium2 raw "
          f"{totals['raw furniture']}; soft-hyphenated words whole wherever the truth has them: ours "
          f"{totals['ours whole']} of {totals['hyphenated']}, raw {totals['raw whole']}; paragraphs exactly as the "
          f"truth has them: {totals['paragraphs as the truth has them']} of {totals['paragraphs']}")
    print("what the cleaning did: " + ", ".join(f"{what[9:]} {n}" for what, n in sorted(totals.items())
                                                 if what.startswith("cleaned: ")) + "\n")
    names = ("ours_lev", "ours_f1", "raw_lev", "raw_f1", "pypdf_lev", "pypdf_f1", "pdfminer_lev", "pdfminer_f1")
    return {"by_layout": {key: dict(zip(names, (statistics.mean(s[i] for s in scores) for i in range(8))))
                          for key, scores in rows.items()}, "counts": dict(totals)}


# ---------------------------------------------------------------- speed


def timed(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def speed(work: Path) -> dict:
    sources = real_pdfs()
    ours(sources[0])  # the sandbox child started, PDFium loaded: what a running indexer has
    ratios, our_time, raw_time, pages = [], 0.0, 0.0, 0
    for path in sources:
        mine, raw = timed(lambda: ours(path)), timed(lambda: raw_text(path))
        count = raw_text(path)[1]
        ratios.append(mine / raw)
        our_time, raw_time, pages = our_time + mine, raw_time + raw, pages + count
    book = work / "book-300.pdf"
    bind(sources, 300, book)
    book_ours, book_raw = timed(lambda: ours(book)), timed(lambda: raw_text(book))
    print(f"Speed: {len(sources)} real PDFs, {pages} pages: Article Reader {pages / our_time:.0f} pages/s, "
          f"pypdfium2's own text {pages / raw_time:.0f} pages/s: {our_time / raw_time:.2f}× its time in all "
          f"(median per file {statistics.median(ratios):.2f}×; small files pay the sandbox's round trip)")
    print(f"One PDF of 300 pages: Article Reader {book_ours:.2f} s ({300 / book_ours:.0f} pages/s), pypdfium2 "
          f"{book_raw:.2f} s ({300 / book_raw:.0f} pages/s): {book_ours / book_raw:.2f}×\n")
    return {"pdfs": len(sources), "pages": pages, "ours_s": our_time, "raw_s": raw_time,
            "median_ratio": statistics.median(ratios), "book_300_ours_s": book_ours, "book_300_raw_s": book_raw}


# ---------------------------------------------------------------- a library of PDFs


def make_library(folder: Path, count: int) -> int:
    """count PDFs bound from the real ones, each a turn of one's pages (no two the same file)."""
    import pypdfium2 as pdfium

    sources = real_pdfs()
    folder.mkdir(parents=True)
    pages = 0
    for n in range(count):
        source = pdfium.PdfDocument(str(sources[n % len(sources)]))
        turn = (n // len(sources)) % len(source)
        order = list(range(turn, len(source))) + list(range(turn))
        book = pdfium.PdfDocument.new()
        book.import_pages(source, order)
        target = folder / f"{n // 100:02d}" / f"paper-{n:04d}.pdf"  # folders of 100, as people file them
        target.parent.mkdir(exist_ok=True)
        book.save(str(target))
        pages += len(order)
        book.close()
        source.close()
    return pages


def fts5_build(folder: Path, db: Path) -> tuple[float, float]:
    """SQLite FTS5 fed every PDF's pypdfium2 text: the whole time, and the extraction's part."""
    started, extracting = time.perf_counter(), 0.0
    connection = sqlite3.connect(db)
    connection.execute("CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, body, "
                       "tokenize='porter unicode61 remove_diacritics 2')")
    with connection:
        for path in sorted(folder.rglob("*.pdf")):
            began = time.perf_counter()
            text = raw_text(path)[0]
            extracting += time.perf_counter() - began
            connection.execute("INSERT INTO docs VALUES (?, ?)", (str(path), text))
    connection.close()
    return time.perf_counter() - started, extracting


def library(work: Path, count: int) -> dict:
    folder = work / "pdfs"
    pages = make_library(folder, count)
    data = work / "data"
    wall, peak, out = run_measured(CLI + ["--library", str(folder), "--data-dir", str(data), "index", "--json"])
    report = json.loads(out)
    fts5, extracting = fts5_build(folder, work / "fts5.db")
    size = sum(p.stat().st_size for p in folder.rglob("*.pdf")) >> 20
    print(f"A library of {count} PDFs ({pages} pages, {size} MB) indexed from nothing by `article-reader index`: "
          f"{wall:.1f} s ({pages / wall:.0f} pages/s, {count / wall:.0f} PDFs/s; worker processes on every core), "
          f"peak memory {peak:.0f} MiB, {len(report.get('skipped', []))} skipped. pypdfium2's own text of the same "
          f"files in one process: {extracting:.1f} s ({pages / extracting:.0f} pages/s); SQLite FTS5 fed it: "
          f"{fts5:.1f} s in all ({wall / fts5:.2f}× ours/FTS5)\n")
    return {"pdfs": count, "pages": pages, "megabytes": size, "index_s": wall, "peak_mib": peak,
            "skipped": len(report.get("skipped", [])), "pypdfium2_text_s": extracting, "fts5_s": fts5}


# ---------------------------------------------------------------- hostile files


def hostile() -> dict:
    from reader.library.article import NotAnArticle
    from reader.library.formats import parse_article

    files = sorted(p for p in (SHARED / "hostile").iterdir() if p.suffix in (".pdf", ".epub"))
    outcomes, slowest, reasons = Counter(), (0.0, ""), Counter()
    started = time.perf_counter()
    for path in files:
        began = time.perf_counter()
        try:
            parsed = parse_article(path.read_bytes(), path.name)
            outcomes["read" if not parsed.warnings else "read, with a warning"] += 1
        except NotAnArticle as exc:
            outcomes["skipped with a reason"] += 1
            reasons[str(exc).split(":")[0].split("(")[0].strip()] += 1
        slowest = max(slowest, (time.perf_counter() - began, path.name))
    print(f"Hostile files: {len(files)} in {time.perf_counter() - started:.1f} s: " +
          ", ".join(f"{n} {what}" for what, n in outcomes.most_common()) +
          f"; none crashed or hung (slowest {slowest[1]}, {slowest[0]:.2f} s)")
    print("reasons: " + "; ".join(f"{why} ({n})" for why, n in reasons.most_common()) + "\n")
    return {"files": len(files), "outcomes": dict(outcomes), "reasons": dict(reasons), "slowest": slowest}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", metavar="PART", help="quality, speed, library, hostile (default: all)")
    parser.add_argument("-n", type=int, default=1000, help="PDFs in the library (default 1000)")
    args = parser.parse_args()
    parts = args.parts or ["quality", "speed", "library", "hostile"]
    if set(parts) - {"quality", "speed", "library", "hostile"}:
        parser.error("the parts are quality, speed, library and hostile")
    if not SHARED.is_dir():
        print(f"no PDFs at {SHARED}", file=sys.stderr)
        return 1
    work, results = Path(tempfile.mkdtemp(prefix="reader-pdfs-")), {}
    try:
        for part in parts:
            if part == "library":
                results[part] = library(work, args.n)
            elif part == "speed":
                results[part] = speed(work)
            else:
                results[part] = globals()[part]()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "pdfs.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
