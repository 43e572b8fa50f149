#!/usr/bin/env python3
"""Daily reading at scale: related articles, smart filters and saved-search counts on the
generated library, side by side with SQLite FTS5 doing the same work on the same files.

    .venv/bin/python bench/daily.py [-n 10000] [--work bench/out]

Related articles: ours (key terms, BM25 on the columns, time nearness) against FTS5 asked
the same key terms as one OR query ranked by its bm25 (no time term). Smart filters: with
20% of the articles read and 200 with notes, `is:unread WORD` and the like against FTS5
with the reading state in a table beside it (`path NOT IN read`). Medians and p95 in ms.
"""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import fts5_ref  # noqa: E402


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"median": round(statistics.median(ordered), 2), "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2)}


def fts5_db(library: Path, work: Path) -> Path:
    db = work / "fts5-data" / "fts.db"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        fts5_ref.index(library, db)
    return db


def related_timings(service, fts: sqlite3.Connection, ids: list[str]) -> dict:
    from reader.search.related import CANDIDATES, key_terms, related_articles

    searcher = service.index.searcher()
    ours, theirs = [], []
    for article_id in ids:
        ms, _ = timed(lambda: related_articles(searcher, article_id))
        ours.append(ms)
        stored = searcher.stored_fields(searcher.document_number(id=article_id))
        terms = [t for t in key_terms(searcher.reader(), stored) if t.isalnum()]
        query = " OR ".join(f'"{t}"' for t in terms)
        ms, _ = timed(lambda: fts.execute("SELECT path, date FROM docs WHERE docs MATCH ? AND path != ? "
                                          "ORDER BY rank LIMIT ?", (query, article_id, CANDIDATES)).fetchall())
        theirs.append(ms)
    return {"ours": summary(ours), "fts5": summary(theirs)}


def filter_timings(service, fts: sqlite3.Connection, words: list[str]) -> dict:
    fts.execute("CREATE TEMP TABLE read(path TEXT PRIMARY KEY)")
    fts.executemany("INSERT INTO read VALUES (?)", [(i,) for i in service.reading.read])
    out = {}
    asks = {
        "WORD (no filter, for reference)": ("{w}", "SELECT path FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 20",
                                            "SELECT count(*) FROM docs WHERE docs MATCH ?"),
        "is:unread": ("is:unread", "SELECT path FROM docs WHERE path NOT IN read ORDER BY date DESC LIMIT 20",
                      "SELECT count(*) FROM docs WHERE path NOT IN read"),
        "is:unread WORD": ("is:unread {w}", "SELECT path FROM docs WHERE docs MATCH ? AND path NOT IN read "
                                            "ORDER BY rank LIMIT 20",
                           "SELECT count(*) FROM docs WHERE docs MATCH ? AND path NOT IN read"),
        "has:notes": ("has:notes", None, None),
        "minutes:<5 WORD": ("minutes:<5 {w}", None, None),
    }
    for name, (ours_q, fts_top, fts_count) in asks.items():
        ours, theirs = [], []
        for word in words:
            text = ours_q.format(w=word)
            ms, _ = timed(lambda: service.search(text, limit=20))
            ours.append(ms)
            if fts_top:
                params = (word,) if "?" in fts_top else ()
                ms, _ = timed(lambda: (fts.execute(fts_top, params).fetchall(), fts.execute(fts_count, params).fetchone()))
                theirs.append(ms)
        out[name] = {"ours": summary(ours)} | ({"fts5": summary(theirs)} if theirs else {})
    return out


def main() -> int:
    args, library = corpus.bench_arguments(__doc__, 10_000)
    from reader.library.scanning import library_root
    from reader.service import ReaderService

    data = args.work / f"daily-data-{args.articles}"
    service = ReaderService(library_root(library), data)
    build_ms, _ = timed(service.update)
    articles = [a.id for a in service.articles()]
    rng = random.Random(7)
    service.reading.read = set(rng.sample(articles, len(articles) // 5))
    for article_id in rng.sample(articles, 200):
        if not service.notes.notes(service.library, article_id):
            service.add_note(article_id, "A note for the benchmark.", reindex=False)
    fts = sqlite3.connect(fts5_db(library, args.work))
    words = [w for _, w, _ in corpus.queries(seed=11, per_kind=10) if w.isalpha()][:40]
    for word in words[:5]:  # warm both
        service.search(word)
    results = {
        "articles": len(articles), "update_ms": round(build_ms),
        "related": related_timings(service, fts, rng.sample(articles, 100)),
        "filters": filter_timings(service, fts, words),
    }
    ms = [timed(service.saved_counts)[0] for _ in range(10)]
    results["saved_counts_3_builtins"] = summary(ms)
    service.close()
    print(json.dumps(results, indent=2))
    (args.work / f"daily-{args.articles}.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
