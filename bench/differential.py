#!/usr/bin/env python3
"""The columnar codec against Whoosh's own W3 codec, on the same documents and queries.

    .venv/bin/python bench/differential.py            # the benchmark's 10,000 articles
    .venv/bin/python bench/differential.py -n 2000

Builds the library twice in this process (the same segments, so the same document
numbers): once as the product does, once with Whoosh's stock SegmentWriter. Then asks
both the benchmark's query mix: every hit of the top 60 with its score (to 1e-6
relative), their order, the total, the page and did-you-mean the product shows, and the
newest-first page must be the same. tests/test_columnar.py runs the same check on small
libraries (with updates, deletions and an optimize) in CI; this is the 10k run.
"""

from __future__ import annotations

import math
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import corpus  # noqa: E402


def stock_writer(ix, **kwargs):
    from whoosh.writing import SegmentWriter

    return SegmentWriter(ix, **kwargs)


def product_writer(ix, **kwargs):
    from reader.index.columnar import ColumnarWriter

    return ColumnarWriter(ix, **kwargs)


def answers(index, queries: list[str]) -> dict:
    """What each query gives: the raw scores of the top 60, the total, the page and the
    suggestion the product shows, and the newest-first page."""
    from reader.search.compiler import compile_query
    from reader.search.hits import CountingTopCollector

    searcher = index.searcher()
    out = {}
    for text in queries:
        compiled = compile_query(text, searcher.reader(), index.vocabulary(), index.languages())
        collector = CountingTopCollector(60)
        searcher.search_with_collector(compiled.query, collector)
        results = collector.results()
        top = [(searcher.stored_fields(hit.docnum)["id"], hit.score) for hit in results[:60]]
        shown = index.search(text, limit=10)
        by_date = index.search(text, limit=10, sort="date")
        out[text] = (len(results), top, shown.total, [h.id for h in shown.hits], shown.suggestion,
                     [h.id for h in by_date.hits])
    return out


SHAPES = [  # query shapes beyond the benchmark's mix, for the whole-column scoring check
    "{a} OR {b}", "{a} -{b}", "-{a}", "{a} {b} {c}", "({a} OR {b}) {c}", "title:{a} OR body:{b}",
    "{p}* {b}", "{a} date:>2015-01-01", "date:2012..2016", "minutes:<3 {a}", "{a} minutes:>2",
    "tag:{t}", "{a} tag:{t}", "path:{f}", "lang:en {a}", '"{a} {b}" OR {c}', "{a}~ {b}", "{a} -tag:{t}",
    "{many}",  # an OR of 25 words: past 24, one array union instead of a tree
]


def scoring_answers(index, queries: list[str], columns: bool, limit: int = 60) -> dict:
    """What each query gives, scored a column at a time or by Whoosh's collector: the
    total and the top `limit` (id, raw score) by relevance, and by date (id, date number).
    Also, under "unsupported", the queries the columns handed back to Whoosh."""
    from reader.search.column_scoring import Unsupported, ranked_columns
    from reader.search.compiler import compile_query
    from reader.search.hits import CountingTopCollector, _ranked_by_whoosh

    searcher = index.searcher()
    ids = lambda found: [(searcher.stored_fields(d)["id"], s) for d, s in found]  # noqa: E731
    out: dict = {"unsupported": []}
    for text in queries:
        compiled = compile_query(text, searcher.reader(), index.vocabulary(), index.languages())
        answer = []
        for sort in ("relevance", "date"):
            if columns:
                try:
                    total, found = ranked_columns(searcher, compiled.query, CountingTopCollector(limit), limit, sort)
                except Unsupported:
                    out["unsupported"].append(text)
                    total, found = _ranked_by_whoosh(searcher, compiled, limit, sort)
            else:
                total, found = _ranked_by_whoosh(searcher, compiled, limit, sort)
            answer.append((total, ids(found)))
        out[text] = answer
    return out


def scoring_differences(columns: dict, whoosh: dict) -> list[str]:
    """The queries whose whole-column answers are not Whoosh's, bit for bit."""
    found = []
    for text, answer in whoosh.items():
        if text == "unsupported":
            continue
        for sort, (total, top), (their_total, their_top) in zip(("relevance", "date"), columns[text], answer):
            if total != their_total:
                found.append(f"{text} ({sort}): {total} matches, Whoosh {their_total}")
            elif [i for i, _ in top] != [i for i, _ in their_top]:
                found.append(f"{text} ({sort}): another order or other hits")
            elif [s for _, s in top] != [s for _, s in their_top]:
                worst = max(abs(a - b) / max(abs(b), 1e-300) for (_, a), (_, b) in zip(top, their_top))
                found.append(f"{text} ({sort}): scores differ, at most {worst:.2e} relative")
    return found


def shaped_queries(words: list[str], tags: list[str], folders: list[str], count: int = 3) -> list[str]:
    """SHAPES filled with the library's own words, tags and folders."""
    out = []
    for n in range(count):
        a, b, c = words[n % len(words)], words[(n + 7) % len(words)], words[(n + 13) % len(words)]
        t, f = tags[n % len(tags)] if tags else "none", folders[n % len(folders)] if folders else "none"
        many = " OR ".join(words[(n + k) % len(words)] for k in range(25))
        out += [shape.format(a=a, b=b, c=c, p=a[:3], t=t, f=f, many=many) for shape in SHAPES]
    return out


def differences(ours: dict, stock: dict) -> list[str]:
    """The queries whose answers differ, each with what differs first."""
    found = []
    for text in stock:
        (total, top, *rest), (stock_total, stock_top, *stock_rest) = ours[text], stock[text]
        if total != stock_total:
            found.append(f"{text}: {total} matches, stock {stock_total}")
        elif [i for i, _ in top] != [i for i, _ in stock_top]:
            found.append(f"{text}: another order or other hits")
        elif any(not math.isclose(a, b, rel_tol=1e-6) for (_, a), (_, b) in zip(top, stock_top)):
            found.append(f"{text}: other scores")
        elif rest != stock_rest:
            found.append(f"{text}: another page, newest-first page or suggestion")
    return found


def in_one_process(writer):
    """Patch the index to write with this writer, in this process only (no workers)."""
    from reader.index import parallel, writing as index_writing

    index_writing.segment_writer = writer
    parallel.worker_count = lambda files, per_worker: 1


def main() -> int:
    args, library = corpus.bench_arguments(__doc__, 10_000)
    from reader.library.scanning import library_root
    from reader.search.searching import LibraryIndex

    queries = [q for _, q, _ in corpus.queries()]
    results = {}
    for kind, writer in (("columnar", product_writer), ("stock", stock_writer)):
        data = args.work / f"differential-{kind}"
        shutil.rmtree(data, ignore_errors=True)
        in_one_process(writer)
        index = LibraryIndex(library_root(library), data)
        started = time.perf_counter()
        index.update()
        print(f"{kind}: built in {time.perf_counter() - started:.1f} s (one process)", file=sys.stderr)
        results[kind] = answers(index, queries)
        index.close()
        shutil.rmtree(data, ignore_errors=True)
    found = differences(results["columnar"], results["stock"])
    print(f"{len(queries) - len(found)} of {len(queries)} queries answer the same with both codecs")
    for line in found:
        print("  " + line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
