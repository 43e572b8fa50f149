#!/usr/bin/env python3
"""Search and build as the library grows, beside SQLite FTS5 at each size.

    .venv/bin/python bench/scale.py                      # 10,000 and 100,000 articles
    .venv/bin/python bench/scale.py --sizes 10000,40000 --passes 3
    .venv/bin/python bench/scale.py --sizes 100000 --no-differential

For each size (the same generated library as bench.py): builds both indexes from nothing
in a fresh process (wall time, peak resident memory of the whole process tree), times the
bench.py query mix warm in one process, FTS5 beside each query (p50 / p95 / worst per
kind), then checks that whole-column scoring answers the mix and every query shape
exactly as Whoosh's collector does (bench/differential.py). Prints a table with each
size's p95 against the first size's, and writes bench/out/scale.json. Medians, never
assertions.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import corpus  # noqa: E402
import fts5_ref  # noqa: E402

import bench  # noqa: E402


def builds(library: Path, work: Path, count: int) -> dict:
    """Each engine's full build from nothing, in a fresh process."""
    out = {}
    for engine in ("ours", "fts5"):
        target = work / f"scale-{engine}-{count}"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        cmd = bench._index_cmd(engine, library, target)
        if engine == "ours":
            cmd.insert(cmd.index("index") + 1, "--rebuild")
        wall, peak, _ = bench.run_measured(cmd)
        out[engine] = {"build_s": round(wall, 1), "peak_mib": round(peak)}
        print(f"  {engine}: built in {wall:.1f} s, peak {peak:.0f} MiB", file=sys.stderr, flush=True)
    return out


def searches(library: Path, work: Path, count: int, passes: int) -> dict:
    """Per kind of query, each engine's p50 / p95 / worst (ms), in one warm process each."""
    from reader.library.scanning import library_root
    from reader.search.searching import LibraryIndex

    index = LibraryIndex(library_root(library), work / f"scale-ours-{count}")
    index.open()
    fts = fts5_ref.Searcher(work / f"scale-fts5-{count}" / "fts.db")
    mix = corpus.queries()
    for _, ours_q, fts_q in mix:  # warm both
        index.search(ours_q, limit=20)
        fts.search(fts_q, limit=20)
    times: dict[str, dict[str, list[float]]] = {}
    for _ in range(passes):
        for kind, ours_q, fts_q in mix:
            for engine, run in (("ours", lambda: index.search(ours_q, limit=20)), ("fts5", lambda: fts.search(fts_q, limit=20))):
                started = time.perf_counter()
                run()
                times.setdefault(kind, {}).setdefault(engine, []).append((time.perf_counter() - started) * 1000)
    times["all"] = {engine: [ms for kind in list(times) for ms in times[kind][engine]] for engine in ("ours", "fts5")}
    segments = [s.doc_count_all() for s in index._ix._segments()]
    index.close()
    summary = {kind: {engine: {k: round(v, 2) for k, v in bench.latency(values).items()}
                      for engine, values in by_engine.items()} for kind, by_engine in times.items()}
    return {"segments": segments, **summary}


def differential(library: Path, work: Path, count: int) -> dict:
    """Whole-column scoring against Whoosh's collector on the mix and the query shapes."""
    from differential import scoring_answers, scoring_differences, shaped_queries

    from reader.library.scanning import library_root
    from reader.search.searching import LibraryIndex

    index = LibraryIndex(library_root(library), work / f"scale-ours-{count}")
    index.open()
    reader = index.searcher().reader()
    tags = sorted(t.decode() if isinstance(t, bytes) else t for t in reader.lexicon("tag"))
    folders = sorted(t.decode() if isinstance(t, bytes) else t for t in reader.lexicon("folder"))
    words = [q for kind, q, _ in corpus.queries() if kind == "word"]
    queries = [q for _, q, _ in corpus.queries()] + shaped_queries(words, tags, folders)
    started = time.perf_counter()
    columns = scoring_answers(index, queries, columns=True)
    whoosh = scoring_answers(index, queries, columns=False)
    found = scoring_differences(columns, whoosh)
    index.close()
    print(f"  differential: {len(queries) - len(found)} of {len(queries)} queries the same "
          f"({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    return {"queries": len(queries), "same": len(queries) - len(found), "differences": found[:20],
            "handed_to_whoosh": len(columns["unsupported"])}


def table(results: dict) -> str:
    sizes = list(results)
    first = sizes[0]
    head = "| work | " + " | ".join(f"{int(n):,} ours | {int(n):,} FTS5" for n in sizes)
    head += "".join(f" | p95 {int(n):,} / {int(first):,}" for n in sizes[1:]) + " |"
    lines = [head, "|" + "---|" * (1 + 2 * len(sizes) + len(sizes) - 1)]
    build = "| full build (s, peak MiB) | " + " | ".join(
        f"{results[n]['build']['ours']['build_s']} s, {results[n]['build']['ours']['peak_mib']} | "
        f"{results[n]['build']['fts5']['build_s']} s, {results[n]['build']['fts5']['peak_mib']}" for n in sizes)
    lines.append(build + " |" * (len(sizes) - 1) + " |")
    for kind in results[first]["search"]:
        if kind == "segments":
            continue
        cells = []
        for n in sizes:
            for engine in ("ours", "fts5"):
                s = results[n]["search"][kind][engine]
                cells.append(f"{s['p50']:.1f} / {s['p95']:.1f} / {s['worst']:.0f}")
        for n in sizes[1:]:
            cells.append(f"{results[n]['search'][kind]['ours']['p95'] / max(results[first]['search'][kind]['ours']['p95'], 1e-9):.1f}×")
        lines.append(f"| {kind}: p50 / p95 / worst ms | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--no-differential", action="store_true")
    parser.add_argument("--work", type=Path, default=HERE / "out")
    args = parser.parse_args()
    results: dict = {}
    for count in (int(n) for n in args.sizes.split(",")):
        print(f"{count:,} articles", file=sys.stderr, flush=True)
        library = corpus.library_at(args.work, count)
        results[count] = {"build": builds(library, args.work, count)}
        results[count]["search"] = searches(library, args.work, count, args.passes)
        if not args.no_differential:
            results[count]["differential"] = differential(library, args.work, count)
        (args.work / "scale.json").write_text(json.dumps(results, indent=2))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
