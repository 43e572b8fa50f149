#!/usr/bin/env python3
"""Article Reader against SQLite FTS5, side by side, on the same generated library.

    .venv/bin/python bench/bench.py                 # 10,000 articles, 3 runs of each timing
    .venv/bin/python bench/bench.py -n 2000 --runs 1

Measures (whole processes where a user would run one): full index build, no-change
re-check, re-index after 1% of files changed, search latency with snippets per query
kind (warm, in one process), the desktop app (launch to a filled list, indexed and
never indexed; keystroke to results shown), and peak memory. Prints a table with the
ratios to FTS5 and writes bench/out/results.json. Also checks that both engines
match the same articles for every plain-word query, and (bench/differential.py) that
the index answers the whole mix exactly as Whoosh's own codec does. Medians, never
assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import corpus  # noqa: E402
import fts5_ref  # noqa: E402

PYTHON = sys.executable
CLI = [PYTHON, "-m", "reader"]
# Measured as installed: pip writes each module's bytecode at install, while this machine sets
# PYTHONDONTWRITEBYTECODE=1, which made every process measured compile ~70 modules (~100 ms of
# a launch, ~70 ms of a re-check) that no user's installation compiles.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def run_measured(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Wall time, peak memory and stdout of a command. Peak memory is the largest sum of
    the resident sets of the process and all its descendants at one moment (sampled
    every 50 ms; the index build runs worker processes side by side)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=HERE.parent)
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], tree_rss_mib(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return wall, peak[0], out.decode()


def tree_rss_mib(root: int) -> float:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status") as handle:
                fields = dict(line.split(":", 1) for line in handle if ":" in line)
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields["PPid"])
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total = 0
    for pid in rss:
        walk = pid
        while walk and walk != root:
            walk = parents.get(walk, 0)
        if walk == root:
            total += rss[pid]
    return total / 1024


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def latency(values: list[float]) -> dict:
    return {"p50": median(values), "p95": percentile(values, 95), "worst": max(values)}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# ---------------------------------------------------------------- indexing


def index_timings(library: Path, work: Path, runs: int) -> dict:
    results = {"ours": {}, "fts5": {}}
    for engine in ("ours", "fts5"):
        builds, rechecks, mems = [], [], []
        for _ in range(runs):
            target = work / f"{engine}-data"
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            cmd = _index_cmd(engine, library, target)
            wall, rss, _ = run_measured(cmd)
            builds.append(wall)
            mems.append(rss)
            wall, _, _ = run_measured(cmd)
            rechecks.append(wall)
        results[engine]["full_build_s"] = median(builds)
        results[engine]["full_build_peak_mib"] = max(mems)
        results[engine]["recheck_s"] = median(rechecks)
    return results


def _index_cmd(engine: str, library: Path, target: Path) -> list[str]:
    if engine == "ours":
        return CLI + ["--library", str(library), "--data-dir", str(target), "index"]
    return [PYTHON, str(HERE / "fts5_ref.py"), "index", str(library), str(target / "fts.db")]


def change_one_percent(library: Path, round_no: int) -> int:
    files = sorted(library.rglob("*.md"))
    step = 100
    changed = 0
    for path in files[round_no % step::step]:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"\nA changed paragraph, round {round_no}, kalomi.\n")
        changed += 1
    return changed


def reindex_timings(library: Path, work: Path, runs: int, results: dict) -> None:
    for engine in ("ours", "fts5"):
        walls = []
        for round_no in range(runs):
            change_one_percent(library, round_no + 1)
            wall, _, _ = run_measured(_index_cmd(engine, library, work / f"{engine}-data"))
            # the other engine must see the same change: re-run it after
            walls.append(wall)
            other = "fts5" if engine == "ours" else "ours"
            run_measured(_index_cmd(other, library, work / f"{other}-data"))
        results[engine]["reindex_1pct_s"] = median(walls)


# ---------------------------------------------------------------- search


def search_timings(library: Path, work: Path, passes: int) -> dict:
    from reader.library.scanning import library_root
    from reader.search.searching import LibraryIndex

    index = LibraryIndex(library_root(library), work / "ours-data")
    index.open()
    fts = fts5_ref.Searcher(work / "fts5-data" / "fts.db")
    mix = corpus.queries()
    by_kind: dict[str, dict[str, list[float]]] = {}
    for _, ours_q, fts_q in mix:  # warm both
        index.search(ours_q, limit=20)
        fts.search(fts_q, limit=20)
    for _ in range(passes):
        for kind, ours_q, fts_q in mix:
            started = time.perf_counter()
            index.search(ours_q, limit=20)
            ours_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            fts.search(fts_q, limit=20)
            fts_ms = (time.perf_counter() - started) * 1000
            slot = by_kind.setdefault(kind, {"ours": [], "fts5": []})
            slot["ours"].append(ours_ms)
            slot["fts5"].append(fts_ms)
    out = {}
    for kind, slot in by_kind.items():
        out[kind] = {engine: latency(v) for engine, v in slot.items()}
    everything = {engine: [x for slot in by_kind.values() for x in slot[engine]] for engine in ("ours", "fts5")}
    out["all"] = {engine: latency(v) for engine, v in everything.items()}
    out["agreement"] = agreement(index, fts, mix)
    index.close()
    return out


def agreement(index, fts, mix) -> dict:
    """For every one-word query, do both engines match the same articles? Like for like:
    FTS5 indexes title and body only, so ours is asked for those two fields (a plain
    word also matches tags, authors, source and notes)."""
    checked, disagree = 0, []
    for kind, ours_q, fts_q in mix:
        if kind != "word":
            continue
        ours = {h.id for h in index.search(f"title:{ours_q} OR body:{ours_q}", limit=100_000).hits}
        theirs = fts.all_paths(fts_q)
        checked += 1
        if ours != theirs:
            disagree.append({"query": ours_q, "only_ours": len(ours - theirs), "only_fts5": len(theirs - ours)})
    return {"queries": checked, "disagreements": disagree}


# ---------------------------------------------------------------- desktop

DESKTOP = r"""
import json, sys, time
started = time.perf_counter()
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import QTimer
from reader.app import build_window
library, data, expected, query_words = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
window = build_window(library, data)
window.show()
app = QApplication.instance()
result = {}
def poll():
    rows = window.library.model.rowCount()
    if "list_s" not in result and rows >= expected:
        result["list_s"] = time.perf_counter() - started
        if not query_words[0]:
            finish()
            return
        keystrokes()
        return
    QTimer.singleShot(5, poll)
def keystrokes():
    timings = []
    def one(i):
        if i >= len(query_words):
            result["keystroke_ms"] = timings
            finish()
            return
        t = time.perf_counter()
        before = window.search.seq
        window.search.field.setText(query_words[i])
        def wait():
            if window.search.seq > before and window.middle.currentIndex() == 1 and window.search.count.text() and not window.search.timer.isActive() and window.search.shown_seq == window.search.seq:
                timings.append((time.perf_counter() - t) * 1000)
                QTimer.singleShot(20, lambda: one(i + 1))
            else:
                QTimer.singleShot(1, wait)
        wait()
    one(0)
def finish():
    import resource
    result["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result), flush=True)
    window.close()
    app.quit()
QTimer.singleShot(0, poll)
QTimer.singleShot(600_000, app.quit)
app.exec()
"""


def desktop_timings(library: Path, work: Path, count: int, runs: int) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    words = [q for kind, q, _ in corpus.queries() if kind == "word"][:15]
    indexed, keys, rss = [], [], []
    for _ in range(runs):
        _, _, out = run_measured([PYTHON, "-c", DESKTOP, str(library), str(work / "ours-data"), str(count),
                                  ",".join(words)], env)
        data = json.loads(out.strip().splitlines()[-1])
        indexed.append(data["list_s"])
        keys.extend(data["keystroke_ms"])
        rss.append(data["rss_mib"])
    fresh = []
    for _ in range(runs):
        target = work / "never-indexed"
        shutil.rmtree(target, ignore_errors=True)
        _, _, out = run_measured([PYTHON, "-c", DESKTOP, str(library), str(target), str(count), ""], env)
        fresh.append(json.loads(out.strip().splitlines()[-1])["list_s"])
    return {"launch_to_list_indexed_s": median(indexed), "keystroke_to_results_ms_p50": median(keys),
            "keystroke_to_results_ms_p95": percentile(keys, 95), "launch_to_list_never_indexed_s": median(fresh),
            "app_peak_mib": max(rss)}


# ---------------------------------------------------------------- report


def table(results: dict) -> str:
    ix, se, de = results["index"], results["search"], results["desktop"]

    def ratio(a, b):
        return f"{a / b:.1f}×" if b else "—"

    rows = [
        "| work | Article Reader | SQLite FTS5 | ratio |",
        "|---|---|---|---|",
        f"| full index build (whole process) | {ix['ours']['full_build_s']:.1f} s | {ix['fts5']['full_build_s']:.2f} s | {ratio(ix['ours']['full_build_s'], ix['fts5']['full_build_s'])} |",
        f"| no-change re-check (whole process) | {ix['ours']['recheck_s']:.2f} s | {ix['fts5']['recheck_s']:.2f} s | {ratio(ix['ours']['recheck_s'], ix['fts5']['recheck_s'])} |",
        f"| re-index after 1% changed | {ix['ours']['reindex_1pct_s']:.2f} s | {ix['fts5']['reindex_1pct_s']:.2f} s | {ratio(ix['ours']['reindex_1pct_s'], ix['fts5']['reindex_1pct_s'])} |",
        f"| peak memory, full build | {ix['ours']['full_build_peak_mib']:.0f} MiB | {ix['fts5']['full_build_peak_mib']:.0f} MiB | {ratio(ix['ours']['full_build_peak_mib'], ix['fts5']['full_build_peak_mib'])} |",
    ]
    for kind in [k for k in se if k not in ("all", "agreement")] + ["all"]:
        o, f = se[kind]["ours"], se[kind]["fts5"]
        rows.append(f"| search + snippets, {kind}: p50 / p95 / worst | {o['p50']:.1f} / {o['p95']:.1f} / {o['worst']:.0f} ms "
                    f"| {f['p50']:.1f} / {f['p95']:.1f} / {f['worst']:.0f} ms | {ratio(o['p50'], f['p50'])} / {ratio(o['p95'], f['p95'])} |")
    rows += [
        f"| app: launch to filled list, indexed | {de['launch_to_list_indexed_s']:.2f} s | | |",
        f"| app: launch to list, never indexed | {de['launch_to_list_never_indexed_s']:.2f} s | | |",
        f"| app: keystroke to results shown, p50 / p95 | {de['keystroke_to_results_ms_p50']:.0f} / {de['keystroke_to_results_ms_p95']:.0f} ms | | |",
        f"| app: peak memory | {de['app_peak_mib']:.0f} MiB | | |",
    ]
    agree = se["agreement"]
    rows.append(f"\nOne-word queries where both engines match the same articles: "
                f"{agree['queries'] - len(agree['disagreements'])} of {agree['queries']}.")
    if "differential" in results:
        rows.append(results["differential"])
    return "\n".join(rows)


def differential(articles: int, work: Path) -> str:
    """bench/differential.py in its own process (it patches the index's writer): the
    product's columnar codec against Whoosh's own on the whole query mix."""
    proc = subprocess.run([PYTHON, str(HERE / "differential.py"), "-n", str(articles), "--work", str(work)],
                          capture_output=True, text=True)
    return "Against Whoosh's own codec: " + (proc.stdout.strip() or proc.stderr.strip().splitlines()[-1]) + "."


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=HERE / "out")
    args = parser.parse_args()
    work = args.work
    library = corpus.library_at(work, args.articles)
    size_mb = sum(p.stat().st_size for p in library.rglob("*.md")) / 1e6
    results = {"articles": args.articles, "megabytes": round(size_mb, 1), "runs": args.runs,
               "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    out = work / f"results-{args.articles}.json"

    def save(phase: str) -> None:
        out.write_text(json.dumps(results, indent=2))
        print(f"[{time.strftime('%H:%M:%S')}] {phase} done", file=sys.stderr, flush=True)

    results["index"] = index_timings(library, work, args.runs)
    save("index")
    results["search"] = search_timings(library, work, passes=args.runs)
    save("search")
    results["desktop"] = desktop_timings(library, work, args.articles, args.runs)
    save("desktop")
    reindex_timings(library, work, args.runs, results["index"])
    save("re-index")
    results["differential"] = differential(args.articles, work)
    save("differential")
    print(f"{args.articles} articles, {size_mb:.1f} MB, {results['machine']}; medians of {args.runs} runs\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
