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
