#!/usr/bin/env python3
"""The SQLite FTS5 reference: the same work on the same files, for side-by-side numbers.

    python bench/fts5_ref.py index LIBRARY DB     # full build, or re-check/update when DB exists
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from pathlib import Path

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(path UNINDEXED, title, body, date UNINDEXED,
    tokenize='porter unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS manifest(path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, rowid_ INTEGER);
"""


def walk(root: Path):
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.endswith((".md", ".markdown", ".txt")) and not name.startswith("."):
                path = os.path.join(folder, name)
                st = os.stat(path)
                yield os.path.relpath(path, root), path, st.st_size, st.st_mtime_ns


def parse(path: str) -> tuple[str, str, str]:
    text = open(path, encoding="utf-8").read()
    meta, body = {}, text
    if text.startswith("---\n"):
        front, _, body = text[4:].partition("\n---\n")
        try:
            meta = yaml.load(front, Loader=LOADER) or {}
        except yaml.YAMLError:
            meta = {}
    date = str(meta.get("date", ""))[:10]
    return str(meta.get("title", "")), body, date


def index(root: Path, db_path: Path) -> dict:
    started = time.perf_counter()
    db = sqlite3.connect(db_path)
    db.executescript(SCHEMA)
    known = {p: (s, m, r) for p, s, m, r in db.execute("SELECT path, size, mtime, rowid_ FROM manifest")}
    seen, changed = set(), 0
    with db:
        for rel, path, size, mtime in walk(root):
            seen.add(rel)
            old = known.get(rel)
            if old and old[:2] == (size, mtime):
                continue
            if old:
                db.execute("DELETE FROM docs WHERE rowid=?", (old[2],))
            title, body, date = parse(path)
            rowid = db.execute("INSERT INTO docs(path, title, body, date) VALUES (?,?,?,?)",
                               (rel, title, body, date)).lastrowid
            db.execute("INSERT OR REPLACE INTO manifest VALUES (?,?,?,?)", (rel, size, mtime, rowid))
            changed += 1
        for rel in set(known) - seen:
            db.execute("DELETE FROM docs WHERE rowid=?", (known[rel][2],))
            db.execute("DELETE FROM manifest WHERE path=?", (rel,))
    db.close()
    return {"changed": changed, "seconds": time.perf_counter() - started}


class Searcher:
    def __init__(self, db_path: Path):
        self.db = sqlite3.connect(db_path)

    def search(self, fts_query: str, limit: int = 20) -> tuple[int, list[tuple[str, str]]]:
        """(total matches, [(path, snippet)]) for the top hits by bm25 rank."""
        year = None
        if "\t" in fts_query:
            fts_query, year = fts_query.split("\t")
        where = "docs MATCH ?" + (" AND date BETWEEN ? AND ?" if year else "")
        params = [fts_query] + ([f"{year}-01-01", f"{year}-12-31"] if year else [])
        rows = self.db.execute(
            f"SELECT path, snippet(docs, 2, '[', ']', '…', 16) FROM docs WHERE {where} ORDER BY rank LIMIT ?",
            params + [limit]).fetchall()
        total = self.db.execute(f"SELECT count(*) FROM docs WHERE {where}", params).fetchone()[0]
        return total, rows

    def all_paths(self, fts_query: str) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT path FROM docs WHERE docs MATCH ?", (fts_query,))}


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "index":
        sys.exit(__doc__)
    print(index(Path(sys.argv[2]), Path(sys.argv[3])))
