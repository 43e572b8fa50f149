#!/usr/bin/env python3
"""Sync through a folder, measured through the commands as a user runs them: two data
folders on this machine (two "machines") share one sync folder.

- 10,000 notes made on one (brought in by `notes import` of a JSON export: one command) reach
  the other: the sending sync and the receiving sync, each a whole process, timed;
- a sync with nothing new, a whole process (median of 20);
- the sync folder's size for those 10,000 notes, and after 100 edits synced one at a time
  (each sync a file) and the compaction that folds a machine's files into one;
- SIGKILL in the middle of a sync, many times: the next sync finishes the job, and both
  machines end with the same notes.

    python bench/sync.py                 # prints a table; --json for one object; --notes N
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXE = str(Path(sys.executable).parent / "article-reader")
ARTICLES = sorted(str(p.relative_to(REPO / "library")) for p in (REPO / "library").rglob("*.md"))


def run(data: Path, library: Path, *args: str, check: bool = True) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARTICLE_READER")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: pip compiled the modules
    started = time.perf_counter()
    done = subprocess.run([EXE, "--library", str(library), "--data-dir", str(data), *args],
                          capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if check and done.returncode != 0:
        raise SystemExit(f"{args}: {done.stderr}")
    return seconds, done.stdout


def export_of(n: int, library: Path) -> dict:
    now = "2026-01-01T00:00:00.000Z"
    return {"format": "article-reader-notes", "version": 5, "exported": now, "notes": [
        {"uid": uuid.uuid4().hex, "library": str(library), "article": ARTICLES[i % len(ARTICLES)], "article_hash": "",
         "article_title": "", "text": f"Note number {i}: " + "words of a comment " * (i % 7 + 1),
         "created": now, "updated": now, "orphaned": False, "deleted": None, "quote": None}
        for i in range(n)]}


def folder_bytes(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def measure(n: int, kills: int) -> dict:
    base = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    folder = base / "Sync"
    folder.mkdir()
    machines = []
    for name in ("one", "two"):
        library, data = base / f"library-{name}", base / f"data-{name}"
        shutil.copytree(REPO / "library", library)
        run(data, library, "index")
        run(data, library, "sync", "--folder", str(folder))
        machines.append((data, library))
    (one_data, one_library), (two_data, two_library) = machines
    export = base / "notes.json"
    export.write_text(json.dumps(export_of(n, one_library)), encoding="utf-8")
    run(one_data, one_library, "notes", "import", str(export))
    send, out = run(one_data, one_library, "sync", "--json")
    sent = json.loads(out)["sent"]
    receive, out = run(two_data, two_library, "sync", "--json")
    received = json.loads(out)["received"]
    size, files = folder_bytes(folder)
    idle = statistics.median(run(two_data, two_library, "sync")[0] for _ in range(20))
    _, listed = run(two_data, two_library, "notes", "list", "--json")
    arrived = len(json.loads(listed))

    _, listed = run(one_data, one_library, "notes", "list", "--json")
    ids = [note["id"] for note in json.loads(listed)]
    for i in range(100):  # 100 edits, a sync each: a file each, until compaction folds them
        run(one_data, one_library, "notes", "edit", str(ids[i]), f"Edited {i}")
        run(one_data, one_library, "sync")
    after_edits, files_after = folder_bytes(folder)

    killed = 0
    rng = random.Random(7)
    for i in range(kills):
        run(one_data, one_library, "notes", "edit", str(ids[200 + i]), f"Killed {i}")
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARTICLE_READER")}
        proc = subprocess.Popen([EXE, "--library", str(two_library), "--data-dir", str(two_data), "sync"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        run(one_data, one_library, "sync")
        time.sleep(rng.uniform(0.0, 0.15))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed += proc.returncode == -signal.SIGKILL
    for _ in range(2):
        run(one_data, one_library, "sync")
        run(two_data, two_library, "sync")
    texts_one = [(n["text"]) for n in json.loads(run(one_data, one_library, "notes", "list", "--json")[1])]
    texts_two = [(n["text"]) for n in json.loads(run(two_data, two_library, "notes", "list", "--json")[1])]
    shutil.rmtree(base, ignore_errors=True)
    return {"notes": n, "sent": sent, "received": received, "arrived": arrived, "send_s": round(send, 3),
            "receive_s": round(receive, 3), "idle_sync_ms": round(idle * 1000, 1), "folder_bytes": size,
            "folder_files": files, "after_100_edits_bytes": after_edits, "after_100_edits_files": files_after,
            "kills": kills, "killed_mid_sync": killed, "same_notes_after": texts_one == texts_two}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.notes, args.kills)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:24} {value}")
    return 0 if result["same_notes_after"] and result["arrived"] == args.notes else 1


if __name__ == "__main__":
    sys.exit(main())
