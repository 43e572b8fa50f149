#!/usr/bin/env python3
"""Kill -9 a process in the middle of a burst of note writes, many times over.

Each run starts a writer that adds, edits and deletes notes (comments and highlights,
whose anchors it also moves) as fast as it can and
prints one line per operation only once it is saved: for the engine writer when the
store returned, for the window (--gui) when the comment (or the highlight of a passage
selected on the page) shows in the list under the article, after clicks on the real
buttons. The writer is killed with SIGKILL at a
random moment. Then every acknowledged operation must be in the database, and
PRAGMA integrity_check must say ok. Prints a summary; exits 1 if anything was lost.

    python bench/notes_crash.py --runs 200          # the long version, engine
    python bench/notes_crash.py --runs 200 --gui    # the long version, the window
    python bench/notes_crash.py --runs 20 --json    # what CI runs (and 20 with --gui)
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
from reader.notes.anchoring import Anchor, Quote
from reader.notes.store import NotesStore
store = NotesStore.open(Path(sys.argv[1]))
rng = random.Random(int(sys.argv[2]))
mine = []
highlights = []
n = 0
print("ready", flush=True)
while True:
    n += 1
    # "try" names the one operation that may commit without being acknowledged.
    if highlights and n % 11 == 0:
        target = rng.choice(highlights)
        print(f"try {target}", flush=True)
        note = store.get(target)
        store.set_anchors([(note, Anchor("moved", n, n + 9, f"passage {n}"), n, f"hash {n}")])
        print(f"anchor {target} {n}", flush=True)
    elif n % 3 == 0:
        print("try new", flush=True)
        text = f"note {n}\nsecond line" if n % 2 else ""
        note = store.add("/library", f"a{n % 13}.md", "hash", "Title", text, Quote(f"passage {n}", "before ", " after"),
                         Anchor("exact", 0, 9, f"passage {n}"), 0, "green")
        highlights.append(note.id)
        print(f"quote {note.id} {n}", flush=True)
    elif mine and n % 5 == 0:
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

GUI_WRITER = r"""
import os, random, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from reader.app import build_window

window = build_window(Path(sys.argv[3]), Path(sys.argv[1]))
window.show()
panel = window.reading.comments
rng = random.Random(int(sys.argv[2]))

def wait_until(condition):
    while not condition():
        QTest.qWait(2)

def texts():
    return {note.id: note.text for note in panel.notes}

def click(button):
    QTest.mouseClick(button, Qt.LeftButton)

def select(note_id):
    row = [note.id for note in panel.notes].index(note_id)
    panel.list.setCurrentRow(row)

def select_passage():
    # A few words of the article, selected on the page as the mouse would.
    words = window.reading.page.shown.flat.split(" ")
    first = rng.randrange(max(1, len(words) - 6))
    text = " ".join(words[first:first + rng.randint(2, 6)])
    start = len(" ".join(words[:first])) + (1 if first else 0)
    shown = window.reading.layer.document_text()
    window.reading.view.setTextCursor(shown.cursor(window.reading.view.document(), start, start + len(text)))
    return text

wait_until(lambda: not window.update_running and window.library.model.rowCount() > 0)
ARTICLE = rng.choice(sorted(a.id for a in window.library.model.articles))  # spread over the library
window.open_article(ARTICLE)
wait_until(lambda: panel.article_id == ARTICLE and panel.editor.isEnabled())
QTest.qWait(300)  # the article's existing comments arrive
mine = []
n = 0
print("ready", flush=True)
while True:
    n += 1
    if mine and n % 5 == 0:
        target = rng.choice(mine)
        select(target)
        click(panel.edit_button)
        panel.editor.setPlainText(f"edited {n}")
        print(f"try {target}", flush=True)
        click(panel.post_button)
        wait_until(lambda: texts().get(target) == f"edited {n}")
        print(f"edit {target} edited {n}", flush=True)
    elif mine and n % 7 == 0:
        victim = mine.pop(rng.randrange(len(mine)))
        select(victim)
        print(f"try {victim}", flush=True)
        click(panel.delete_button)
        wait_until(lambda: victim not in texts())
        print(f"del {victim}", flush=True)
    elif n % 4 == 0:
        wait_until(lambda: window.reading.page is not None)
        passage = select_passage()
        before = set(texts())
        print("try new", flush=True)
        window.reading.highlight_action.trigger()
        fresh = lambda: [m for m in panel.notes if m.id not in before and m.quote and m.quote.exact == passage]
        wait_until(lambda: fresh())
        mine.append(fresh()[0].id)
        print(f"mark {fresh()[0].id} {passage}", flush=True)
    else:
        before = set(texts())
        panel.editor.setFocus()
        QTest.keyClicks(panel.editor, f"note {n}")
        QTest.keyClick(panel.editor, Qt.Key_Return)
        QTest.keyClicks(panel.editor, "second line")
        print("try new", flush=True)
        click(panel.post_button)
        posted = f"note {n}\nsecond line"
        wait_until(lambda: any(i not in before and t == posted for i, t in texts().items()))
        # By its text: the article's older comments may arrive after `before` was taken.
        new = next(i for i, t in texts().items() if i not in before and t == posted)
        mine.append(new)
        print(f"add {new} note {n}", flush=True)
"""


def one_run(data: Path, seed: int, rng: random.Random, gui: bool = False) -> dict:
    writer = [GUI_WRITER, str(data), str(seed), str(REPO / "library")] if gui else [WRITER, str(data), str(seed)]
    proc = subprocess.Popen([sys.executable, "-c", *writer], cwd=REPO,
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
    if not ready.wait(60):
        proc.kill()
        raise RuntimeError(f"writer did not start: {proc.stderr.read()}")
    time.sleep(rng.uniform(0.3, 3.0) if gui else rng.uniform(0.02, 0.4))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join(10)
    return check(data, lines)


def check(data: Path, acked: list[str]) -> dict:
    expected_text: dict[int, str] = {}
    expected_quote: dict[int, str] = {}
    expected_anchor: dict[int, int] = {}
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
        elif kind == "quote":  # a highlight: its passage, and a comment on odd turns
            n = int(rest[0])
            expected_quote[int(note_id)] = f"passage {n}"
            expected_text[int(note_id)] = f"note {n}\nsecond line" if n % 2 else ""
        elif kind == "mark":  # a highlight made in the window: its passage, no comment
            expected_quote[int(note_id)] = rest[0]
            expected_text[int(note_id)] = ""
        elif kind == "anchor":
            expected_anchor[int(note_id)] = int(rest[0])
        else:
            deleted.add(int(note_id))
    db = sqlite3.connect(data / "notes.sqlite")
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        rows = {r[0]: r[1:] for r in db.execute("SELECT id, text, deleted, quote_exact, anchor_start FROM notes")}
    finally:
        db.close()
    # The unacknowledged operation may or may not have committed: its note may hold either state.
    unsure = int(in_flight) if in_flight and in_flight.isdigit() else None
    lost = sum(1 for i, text in expected_text.items() if i not in rows or (rows[i][0] != text and i != unsure))
    lost += sum(1 for i in deleted if i not in rows or rows[i][1] is None)
    lost += sum(1 for i, exact in expected_quote.items() if i not in rows or rows[i][2] != exact)
    lost += sum(1 for i, start in expected_anchor.items() if i not in rows or (rows[i][3] != start and i != unsure))
    acks = sum(1 for line in acked if not line.startswith("try "))
    highlights = sum(1 for line in acked if line.startswith(("quote ", "mark ", "anchor ")))
    return {"acked": acks, "highlights": highlights, "lost": lost, "integrity_ok": integrity == "ok"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--gui", action="store_true", help="write through the real window's comment box")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    totals = {"path": "window" if args.gui else "engine", "runs": 0, "acked": 0, "highlights": 0, "lost": 0,
              "integrity_failures": 0}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)  # one database across runs: each run adds to what survived the last
        for run in range(args.runs):
            result = one_run(data, args.seed * 100_000 + run, rng, args.gui)
            totals["runs"] += 1
            totals["acked"] += result["acked"]
            totals["highlights"] += result["highlights"]
            totals["lost"] += result["lost"]
            totals["integrity_failures"] += not result["integrity_ok"]
    totals["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(totals))
    else:
        where = "comment and highlight saves in the window" if args.gui else "note writes"
        print(f"SIGKILL during {where}: {totals['runs']} runs, {totals['acked']} acknowledged writes "
              f"({totals['highlights']} of them highlights or their anchors), {totals['lost']} lost, "
              f"{totals['integrity_failures']} integrity failures ({totals['seconds']} s)")
    return 1 if totals["lost"] or totals["integrity_failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
