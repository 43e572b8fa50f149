#!/usr/bin/env python3
"""Kill -9 a process in the middle of a burst of note writes, many times over.

Each run starts a writer that adds, edits and deletes notes as fast as it can and
prints one line per operation only after the store returned (the point where the
app says "saved"). The writer is killed with SIGKILL at a random moment. Then:
every acknowledged operation must be in the database, and PRAGMA integrity_check
must say ok. Prints a summary; exits 1 if anything was lost.

    python bench/notes_crash.py --runs 200          # the long version
    python bench/notes_crash.py --runs 20 --json    # what CI runs
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

WRITER = r"""
import random, sys
from pathlib import Path
from reader.notes import NotesStore
store = NotesStore.open(Path(sys.argv[1]))
rng = random.Random(int(sys.argv[2]))
mine = []
n = 0
print("ready", flush=True)
while True:
    n += 1
    # "try" names the one operation that may commit without being acknowledged.
    if mine and n % 5 == 0:
        target = rng.choice(mine)
        print(f"try {target}", flush=True)
        note = store.edit(target, f"edited {n}")
        print(f"edit {note.id} edited {n}", flush=True)
    elif mine and n % 7 == 0:
        victim = mine.pop(rng.randrange(len(mine)))
        print(f"try {victim}", flush=True)
        store.delete(victim)
        print(f"del {victim}", flush=True)
    else:
        print("try new", flush=True)
        note = store.add("/library", f"a{n % 13}.md", "hash", "Title", f"note {n}\nsecond line")
        mine.append(note.id)
        print(f"add {note.id} note {n}", flush=True)
"""


def one_run(data: Path, seed: int, rng: random.Random) -> dict:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(data), str(seed)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            if line == "ready\n":
                ready.set()
            elif line.endswith("\n"):  # a cut-off line was never acknowledged
                lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not ready.wait(30):
        proc.kill()
        raise RuntimeError(f"writer did not start: {proc.stderr.read()}")
    time.sleep(rng.uniform(0.02, 0.4))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join(10)
    return check(data, lines)


def check(data: Path, acked: list[str]) -> dict:
    expected_text: dict[int, str] = {}
    deleted: set[int] = set()
    in_flight = None
    for line in acked:
        kind, note_id, *rest = line.split(" ", 2)
        if kind == "try":
            in_flight = note_id
            continue
        in_flight = None
        if kind == "add":
            expected_text[int(note_id)] = rest[0] + "\nsecond line"
        elif kind == "edit":
            expected_text[int(note_id)] = rest[0]
        else:
            deleted.add(int(note_id))
    db = sqlite3.connect(data / "notes.sqlite")
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        rows = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, text, deleted FROM notes")}
    finally:
        db.close()
    # The unacknowledged operation may or may not have committed: its note may hold either state.
    unsure = int(in_flight) if in_flight and in_flight.isdigit() else None
    lost = sum(1 for i, text in expected_text.items() if i not in rows or (rows[i][0] != text and i != unsure))
    lost += sum(1 for i in deleted if i not in rows or rows[i][1] is None)
    acks = sum(1 for line in acked if not line.startswith("try "))
    return {"acked": acks, "lost": lost, "integrity_ok": integrity == "ok"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    totals = {"runs": 0, "acked": 0, "lost": 0, "integrity_failures": 0}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)  # one database across runs: each run adds to what survived the last
        for run in range(args.runs):
            result = one_run(data, args.seed * 100_000 + run, rng)
            totals["runs"] += 1
            totals["acked"] += result["acked"]
            totals["lost"] += result["lost"]
            totals["integrity_failures"] += not result["integrity_ok"]
    totals["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(totals))
    else:
        print(f"SIGKILL during note writes: {totals['runs']} runs, {totals['acked']} acknowledged writes, "
              f"{totals['lost']} lost, {totals['integrity_failures']} integrity failures ({totals['seconds']} s)")
    return 1 if totals["lost"] or totals["integrity_failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
