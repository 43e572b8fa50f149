"""The notes store: the reader's comments on articles, the one thing we cannot rebuild.

SQLite in the data directory, WAL with synchronous=FULL, every change committed
before the caller is told it is saved. Notes follow their article by content hash
when it is renamed or moved; when it disappears they are kept as orphaned, and
nothing but the user ever deletes one (and deleting goes to a trash first).
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import shutil
import sqlite3
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from reader.analysis import stem, words
from reader.articles import valid_text

NOTES_FILE = "notes.sqlite"
BACKUP_DIR = "backups"
BACKUPS_KEPT = 7
EXPORT_FORMAT = "article-reader-notes"

# Forward migrations, applied in order; each keeps every existing note.
MIGRATIONS = [
    """
    CREATE TABLE notes(
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        library TEXT NOT NULL,
        article TEXT NOT NULL,
        article_hash TEXT NOT NULL,
        article_title TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL CHECK (length(trim(text)) > 0),
        quote TEXT,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        orphaned INTEGER NOT NULL DEFAULT 0,
        deleted TEXT
    );
    CREATE INDEX notes_by_article ON notes(library, article);
    """,
]


class NotesError(Exception):
    """A refused or failed notes operation; the message is for the user."""


@dataclass(frozen=True)
class Note:
    id: int
    uid: str
    library: str
    article: str
    article_hash: str
    article_title: str
    text: str
    quote: str | None
    created: str  # ISO 8601, UTC
    updated: str
    orphaned: bool
    deleted: str | None

    def to_json(self) -> dict:
        return asdict(self)


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def local_time(stamp: str) -> str:
    """An ISO UTC time as the reader's local time, e.g. '2025-10-01 14:03'."""
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


_COLUMNS = "id, uid, library, article, article_hash, article_title, text, quote, created, updated, orphaned, deleted"


def _note(row) -> Note:
    return Note(*row[:10], bool(row[10]), row[11])


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.execute("PRAGMA busy_timeout=30000")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # a note is saved when the disk has it
    db.execute("PRAGMA foreign_keys=ON")
    return db


def _damaged(path: Path) -> bool:
    """Whether the database file itself is broken. A disk that is full, read-only or
    failing is not damage: that raises NotesError, and the file is left where it is
    (setting it aside then would hide every note behind an empty new store)."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            return db.execute("PRAGMA quick_check").fetchone()[0] != "ok"
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            return True
        raise NotesError(f"cannot open the notes database {path}: {_write_problem(exc, path)}") from None


class NotesStore:
    def __init__(self, db: sqlite3.Connection, path: Path, set_aside: Path | None = None):
        self.db = db
        self.path = path
        self.set_aside = set_aside  # where a damaged database was moved, if one was

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, data: Path) -> "NotesStore":
        path = data / NOTES_FILE
        try:
            data.mkdir(parents=True, exist_ok=True)
            lock = open(data / "notes.lock", "a+b")
        except OSError as exc:
            raise NotesError(f"cannot open the notes database {path}: {_os_problem(exc)}") from None
        # One process at a time checks, sets aside, creates and migrates: two opening a
        # fresh database at once made one fail with "database is locked" while the other
        # switched it to WAL. Held for milliseconds; the store itself needs no lock.
        with lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                set_aside = None
                if path.exists() and _damaged(path):
                    set_aside = _set_aside(path)
                try:
                    db = _connect(path)
                    _migrate(db)
                except sqlite3.DatabaseError as exc:
                    raise NotesError(f"cannot open the notes database {path}: {_write_problem(exc, path)}") from None
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
        store = cls(db, path, set_aside)
        if set_aside is None:
            store.back_up_if_due()
        return store

    # ------------------------------------------------------------ backups

    @property
    def backup_dir(self) -> Path:
        return self.path.parent / BACKUP_DIR

    def backups(self) -> list[Path]:
        """Verified daily backups, newest first."""
        return sorted(self.backup_dir.glob("notes-*.sqlite"), reverse=True)

    def back_up_if_due(self, today: dt.date | None = None) -> Path | None:
        """Once a day, on first use: SQLite's online backup to a temp file, checked
        with integrity_check before it takes its place; the last 7 are kept.
        A failure to back up never stops the store from working."""
        today = today or dt.date.today()
        target = self.backup_dir / f"notes-{today.isoformat()}.sqlite"
        if target.exists() or not self.db.execute("SELECT count(*) FROM notes").fetchone()[0]:
            return None
        try:
            self.backup_dir.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(".tmp")
            copy = sqlite3.connect(temporary)
            try:
                self.db.backup(copy)
                ok = copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            finally:
                copy.close()
            if not ok:
                temporary.unlink(missing_ok=True)
                return None
            os.replace(temporary, target)
            for old in self.backups()[BACKUPS_KEPT:]:
                old.unlink(missing_ok=True)
            return target
        except (OSError, sqlite3.Error):
            return None

    def restore_backup(self, backup: Path) -> Path:
        """Replace the notes with a backup's; the current database is set aside, not lost."""
        backup = Path(backup).expanduser().absolute()
        if not backup.is_file() or _damaged(backup) or not _has_notes_table(backup):
            raise NotesError(f"{backup} is not a readable notes backup")
        self.db.close()
        aside = _set_aside(self.path, "replaced")
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        target = sqlite3.connect(self.path)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        self.db = _connect(self.path)
        _migrate(self.db)
        return aside

    def damage_message(self) -> str | None:
        if self.set_aside is None:
            return None
        newest = self.backups()[:1]
        offer = (f" The newest backup is {newest[0]}: restore it with "
                 f"'article-reader notes restore-backup {newest[0]}'." if newest else "")
        return (
            f"the notes database was damaged; it was moved, untouched, to {self.set_aside}.{offer} "
            f"Or recover its notes with: sqlite3 '{self.set_aside}' .recover | sqlite3 recovered.sqlite"
        )

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------ reading

    def _select(self, where: str, params: tuple = ()) -> list[Note]:
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM notes WHERE {where} ORDER BY created, id", params)
        return [_note(r) for r in rows]

    def get(self, note_id: int) -> Note | None:
        found = self._select("id=?", (note_id,))
        return found[0] if found else None

    def notes(self, library: str, article: str | None = None, orphaned: bool = False, trash: bool = False) -> list[Note]:
        if trash:
            return self._select("library=? AND deleted IS NOT NULL", (library,))
        if article is not None:
            return self._select("library=? AND article=? AND deleted IS NULL", (library, article))
        if orphaned:
            return self._select("library=? AND orphaned=1 AND deleted IS NULL", (library,))
        return self._select("library=? AND deleted IS NULL", (library,))

    def all_notes(self) -> list[Note]:
        return self._select("1=1")

    def has_notes(self, library: str) -> bool:
        return self.db.execute("SELECT 1 FROM notes WHERE library=? LIMIT 1", (library,)).fetchone() is not None

    def counts(self, library: str) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT article, count(*) FROM notes WHERE library=? AND deleted IS NULL AND orphaned=0 GROUP BY article",
            (library,),
        )
        return dict(rows.fetchall())

    def text_for_index(self, library: str, article: str) -> str:
        return "\n\n".join(n.text for n in self.notes(library, article) if not n.orphaned)

    def search(self, library: str, query: str) -> list[Note]:
        """Notes (attached or orphaned) whose own text has every word of the query."""
        wanted = {stem(w) for w in words(query)}
        if not wanted:
            return []
        return [n for n in self.notes(library) if wanted <= {stem(w) for w in words(n.text)}]

    # ------------------------------------------------------------ writing

    @contextmanager
    def _writing(self):
        """One write transaction; a failure to write (disk full, read-only folder) rolls
        it back whole and says so in words, so nothing saved before is touched."""
        try:
            with self.db:
                yield
        except sqlite3.OperationalError as exc:
            raise NotesError(f"{_write_problem(exc, self.path)}, so nothing was changed ({self.path})") from None

    def add(self, library: str, article: str, article_hash: str, title: str, text: str,
            quote: str | None = None) -> Note:
        text = _clean(text)
        now = utc_now()
        with self._writing():
            cursor = self.db.execute(
                "INSERT INTO notes(uid, library, article, article_hash, article_title, text, quote, created, updated)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (uuid.uuid4().hex, library, article, article_hash, title, text, quote, now, now),
            )
        return self.get(cursor.lastrowid)

    def edit(self, note_id: int, text: str) -> Note:
        text = _clean(text)
        self._existing(note_id)
        with self._writing():
            self.db.execute("UPDATE notes SET text=?, updated=? WHERE id=?", (text, utc_now(), note_id))
        return self.get(note_id)

    def delete(self, note_id: int) -> Note:
        note = self._existing(note_id)
        if note.deleted:
            raise NotesError(f"note {note_id} is already in the trash")
        with self._writing():
            self.db.execute("UPDATE notes SET deleted=? WHERE id=?", (utc_now(), note_id))
        return self.get(note_id)

    def restore(self, note_id: int) -> Note:
        note = self._existing(note_id)
        if not note.deleted:
            raise NotesError(f"note {note_id} is not in the trash")
        with self._writing():
            self.db.execute("UPDATE notes SET deleted=NULL WHERE id=?", (note_id,))
        return self.get(note_id)

    def _existing(self, note_id: int) -> Note:
        note = self.get(note_id)
        if note is None:
            raise NotesError(f"no note with id {note_id}")
        return note

    # ------------------------------------------------------------ following articles

    def follow_library(self, library: str, catalog_entries: dict) -> set[str]:
        """Re-attach every note of the library to its article as the catalog now
        knows it: by path, else by content (renamed or moved), else orphaned.
        Returns the article ids whose set of notes changed (to re-index)."""
        by_hash: dict[str, str] = {}
        for info in sorted(catalog_entries.values(), key=lambda i: i.id):
            by_hash.setdefault(info.hash, info.id)
        changed: set[str] = set()
        updates = []
        for note in self._select("library=?", (library,)):
            info = catalog_entries.get(note.article)
            if info is None and note.article_hash in by_hash:
                info = catalog_entries[by_hash[note.article_hash]]
            if info is None:
                if not note.orphaned:
                    updates.append((note.article, note.article_hash, note.article_title, 1, note.id))
                    changed.add(note.article)
                continue
            if (info.id, info.hash, info.title, False) != (note.article, note.article_hash, note.article_title, note.orphaned):
                updates.append((info.id, info.hash, info.title, 0, note.id))
                changed.update({note.article, info.id})
        if updates:
            with self._writing():
                self.db.executemany(
                    "UPDATE notes SET article=?, article_hash=?, article_title=?, orphaned=? WHERE id=?", updates
                )
        return changed

    # ------------------------------------------------------------ export / import

    def export_json(self) -> dict:
        return {
            "format": EXPORT_FORMAT,
            "version": len(MIGRATIONS),
            "exported": utc_now(),
            "notes": [n.to_json() for n in self.all_notes()],
        }

    def import_json(self, payload: dict) -> int:
        """Add the notes of an export that are not here yet (by uid); returns how many."""
        if not isinstance(payload, dict) or payload.get("format") != EXPORT_FORMAT:
            raise NotesError("not an article-reader notes export")
        rows = []
        for item in payload.get("notes") or []:
            try:
                rows.append((
                    str(item["uid"]), str(item["library"]), str(item["article"]), str(item.get("article_hash", "")),
                    str(item.get("article_title", "")), _clean(str(item["text"])), item.get("quote"),
                    str(item["created"]), str(item["updated"]), int(bool(item.get("orphaned"))), item.get("deleted"),
                ))
            except (KeyError, TypeError, NotesError) as exc:
                raise NotesError(f"malformed note in export: {exc}") from None
        with self._writing():
            before = self.db.total_changes
            self.db.executemany(
                "INSERT OR IGNORE INTO notes(uid, library, article, article_hash, article_title, text, quote,"
                " created, updated, orphaned, deleted) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            return self.db.total_changes - before


def notes_markdown(notes: list[Note], dates: dict[str, str]) -> str:
    by_article: dict[tuple[str, str], list[Note]] = defaultdict(list)
    for note in notes:
        if not note.deleted:
            by_article[(note.library, note.article)].append(note)
    out = ["# Notes from Article Reader", ""]
    for (library, article), items in sorted(by_article.items()):
        title = items[-1].article_title or article
        out.append(f"## {title}")
        out.append("")
        details = [f"`{article}`", f"in {library}"]
        if dates.get(article):
            details.insert(0, dates[article])
        if any(n.orphaned for n in items):
            details.append("**article missing**")
        out.append(" · ".join(details))
        out.append("")
        for note in items:
            stamp = local_time(note.created)
            if note.updated != note.created:
                stamp += f" (edited {local_time(note.updated)})"
            out += [f"### {stamp}", "", note.text, ""]
    return "\n".join(out).rstrip() + "\n"


def _os_problem(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "the notes folder is read-only"
    return exc.strerror or str(exc)


def _write_problem(exc: sqlite3.Error, path: Path) -> str:
    name = getattr(exc, "sqlite_errorname", "")
    if name.startswith("SQLITE_READONLY") or "readonly" in str(exc):
        return "the notes folder is read-only"
    # SQLite says SQLITE_FULL for the database, but a full disk met while growing its
    # shared-memory file comes back as a plain I/O error.
    if name == "SQLITE_FULL" or (name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) and _disk_full(path)):
        return "the disk is full"
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")):
        return "the notes could not be written to disk"
    return f"the notes database refused the change ({exc})"


def _disk_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < 64 * 1024
    except OSError:
        return False


def _clean(text: str) -> str:
    text = valid_text(text).replace("\r\n", "\n").strip()
    if not text:
        raise NotesError("a note cannot be empty")
    return text


def _migrate(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)")
    row = db.execute("SELECT version FROM schema_version").fetchone()
    version = row[0] if row else 0
    if version > len(MIGRATIONS):
        raise NotesError("the notes database was written by a newer version of Article Reader")
    for number in range(version, len(MIGRATIONS)):
        with db:
            db.execute("BEGIN IMMEDIATE")
            for statement in _statements(MIGRATIONS[number]):
                db.execute(statement)
            db.execute("DELETE FROM schema_version")
            db.execute("INSERT INTO schema_version(version) VALUES (?)", (number + 1,))


def _statements(script: str) -> list[str]:
    # One statement at a time: executescript() would commit in the middle.
    return [s.strip() for s in script.split(";") if s.strip()]


def _has_notes_table(path: Path) -> bool:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT 1 FROM sqlite_master WHERE name='notes'").fetchone() is not None
    except sqlite3.Error:
        return False
    finally:
        db.close()


def _set_aside(path: Path, why: str = "damaged") -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{why}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{why}-{stamp}-{n}")
    os.replace(path, target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    return target

