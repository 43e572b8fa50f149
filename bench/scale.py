#!/usr/bin/env python3
"""The 100,000-article check: bounded memory while building, search within 3x of 10k.

    .venv/bin/python bench/scale.py              # 100,000 articles (~500 MB of files)
    .venv/bin/python bench/scale.py -n 20000

Generates the library (same generator as bench.py), builds the index with
`article-reader index` in a fresh process (wall time and the peak resident memory of
the whole process tree), then times the bench.py query mix, warm, and writes
bench/out/scale-N.json. Compare with the same mix at 10,000 in results-10000.json.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import corpus  # noqa: E402

import bench  # noqa: E402


def ours_search_timings(library: Path, data: Path, passes: int) -> dict:
    from reader.library.scanning import library_root
    from reader.search.searching import LibraryIndex

    index = LibraryIndex(library_root(library), data)
    index.open()
    mix = corpus.queries()
    for _, query, _ in mix:  # warm
        index.search(query, limit=20)
    by_kind: dict[str, list[float]] = {}
    for _ in range(passes):
        for kind, query, _ in mix:
            started = time.perf_counter()
            index.search(query, limit=20)
            by_kind.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    by_kind["all"] = [ms for kind, values in list(by_kind.items()) for ms in values]
    segments = [s.doc_count_all() for s in index._ix._segments()]
    index.close()
    stats = {kind: {k: round(v, 1) for k, v in bench.latency(values).items()} for kind, values in by_kind.items()}
    return {"segments": segments, **stats}


def main() -> int:
    args, library = corpus.bench_arguments(__doc__, 100_000)
    data = args.work / f"scale-data-{args.articles}"
    wall, peak, out = bench.run_measured([*bench.CLI, "--data-dir", str(data), "--library", str(library),
                                          "index", "--rebuild", "--json"])
    report = json.loads(out)
    print(f"build: {wall:.1f} s, peak {peak:.0f} MiB, {report['added']} added", file=sys.stderr)
    search = ours_search_timings(library, data, passes=2)
    result = {"articles": args.articles, "build_s": round(wall, 1), "build_peak_mib": round(peak),
              "added": report["added"], "search": search}
    (args.work / f"scale-{args.articles}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
