"""The notes database on disk: opening it safely, its schema and migrations, backups.

SQLite in WAL mode with synchronous=FULL. A database that is damaged is moved
aside untouched (never overwritten); a disk that is full, read-only or failing is
not damage, and is said in words. Migrations only ever add: each keeps every note.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import shutil
import sqlite3
from pathlib import Path

NOTES_FILE = "notes.sqlite"
BACKUP_DIR = "backups"
BACKUPS_KEPT = 7

# Forward migrations, applied in order in one transaction each.
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
    # Highlights: a note may quote a passage (a W3C TextQuoteSelector on the shown text)
    # and then needs no text of its own. SQLite cannot change a CHECK, so the table is
    # copied, ids and the id sequence with it.
    """
    CREATE TABLE notes_v2(
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        library TEXT NOT NULL,
        article TEXT NOT NULL,
        article_hash TEXT NOT NULL,
        article_title TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        orphaned INTEGER NOT NULL DEFAULT 0,
        deleted TEXT,
        made_on TEXT NOT NULL DEFAULT '',
        quote_exact TEXT,
        quote_prefix TEXT NOT NULL DEFAULT '',
        quote_suffix TEXT NOT NULL DEFAULT '',
        position INTEGER,
        color TEXT,
        anchor_state TEXT,
        anchor_start INTEGER,
        anchor_end INTEGER,
        anchor_text TEXT,
        anchored_on TEXT,
        CHECK (length(trim(text)) > 0 OR length(quote_exact) > 0)
    );
    INSERT INTO notes_v2(id, uid, library, article, article_hash, article_title, text, created, updated,
                         orphaned, deleted, made_on)
        SELECT id, uid, library, article, article_hash, article_title, text, created, updated, orphaned,
               deleted, article_hash FROM notes;
    DELETE FROM sqlite_sequence WHERE name = 'notes_v2';
    INSERT INTO sqlite_sequence(name, seq) SELECT 'notes_v2', seq FROM sqlite_sequence WHERE name = 'notes';
    DROP TABLE notes;
    ALTER TABLE notes_v2 RENAME TO notes;
    CREATE INDEX notes_by_article ON notes(library, article);
    """,
    # The reader's own tags: added to an article, or one of its file's tags hidden. Keyed
    # by the tag folded (reader.library.tagging.tag_key), following the article as notes do.
    """
    CREATE TABLE own_tags(
        library TEXT NOT NULL,
        article TEXT NOT NULL,
        article_hash TEXT NOT NULL,
        key TEXT NOT NULL,
        tag TEXT NOT NULL,
        hidden INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL,
        PRIMARY KEY (library, article, key)
    );
    """,
    # Sync through a folder (reader.sync): where each note was first made, for one order on
    # every machine; every text a note has had, kept; and the sync's own state beside the
    # notes, so that applying what arrived and recording it are one transaction.
    """
    ALTER TABLE notes ADD COLUMN origin TEXT NOT NULL DEFAULT '';
    ALTER TABLE notes ADD COLUMN origin_seq INTEGER;
    CREATE TABLE note_versions(
        uid TEXT NOT NULL,
        text TEXT NOT NULL,
        updated TEXT NOT NULL,
        PRIMARY KEY (uid, text)
    );
    CREATE TABLE sync_registers(
        library TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        hlc TEXT NOT NULL,
        PRIMARY KEY (library, key)
    );
    CREATE TABLE sync_outbox(
        library TEXT NOT NULL,
        hlc TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        file TEXT,
        PRIMARY KEY (library, hlc, key)
    );
    CREATE TABLE sync_files(
        library TEXT NOT NULL,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        PRIMARY KEY (library, path)
    );
    CREATE TABLE sync_meta(
        library TEXT NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (library, name)
    );
    CREATE TABLE sync_changes(n INTEGER NOT NULL);
    INSERT INTO sync_changes VALUES (0);
    CREATE TRIGGER notes_inserted AFTER INSERT ON notes BEGIN UPDATE sync_changes SET n = n + 1; END;
    CREATE TRIGGER notes_updated AFTER UPDATE ON notes BEGIN UPDATE sync_changes SET n = n + 1; END;
    CREATE TRIGGER notes_deleted AFTER DELETE ON notes BEGIN UPDATE sync_changes SET n = n + 1; END;
    CREATE TRIGGER tags_inserted AFTER INSERT ON own_tags BEGIN UPDATE sync_changes SET n = n + 1; END;
    CREATE TRIGGER tags_updated AFTER UPDATE ON own_tags BEGIN UPDATE sync_changes SET n = n + 1; END;
    CREATE TRIGGER tags_deleted AFTER DELETE ON own_tags BEGIN UPDATE sync_changes SET n = n + 1; END;
    """,
]


class NotesError(Exception):
    """A refused or failed notes operation; the message is for the user."""


def open_database(path: Path) -> tuple[sqlite3.Connection, Path | None]:
    """The database at path, checked and migrated; a damaged one is set aside first
    (returned as the second value). One process at a time does this: two opening a
    fresh database at once made one fail with "database is locked" while the other
    switched it to WAL. Held for milliseconds; the store itself needs no lock."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path.parent / "notes.lock", "a+b")
    except OSError as exc:
        raise NotesError(f"cannot open the notes database {path}: {os_problem(exc)}") from None
    with lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            set_aside = move_aside(path) if path.exists() and is_damaged(path) else None
            try:
                db = connect(path)
                migrate(db)
            except sqlite3.DatabaseError as exc:
                raise NotesError(f"cannot open the notes database {path}: {write_problem(exc, path)}") from None
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    return db, set_aside


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.execute("PRAGMA busy_timeout=30000")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # a note is saved when the disk has it
    db.execute("PRAGMA foreign_keys=ON")
    return db


def is_damaged(path: Path) -> bool:
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
        raise NotesError(f"cannot open the notes database {path}: {write_problem(exc, path)}") from None


def migrate(db: sqlite3.Connection) -> None:
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
    # One statement at a time: executescript() would commit in the middle. A trigger's body
    # (BEGIN … END) holds semicolons of its own: sqlite3.complete_statement says where one ends.
    statements, current = [], ""
    for part in script.split(";"):
        current += part + ";"
        if sqlite3.complete_statement(current):
            if current.strip(" \n;"):
                statements.append(current.strip())
            current = ""
    return statements


def has_notes_table(path: Path) -> bool:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT 1 FROM sqlite_master WHERE name='notes'").fetchone() is not None
    except sqlite3.Error:
        return False
    finally:
        db.close()


def move_aside(path: Path, why: str = "damaged") -> Path:
    """Rename the database (and its WAL) out of the way, untouched; returns where to."""
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


# ---------------------------------------------------------------- backups


def backups(path: Path) -> list[Path]:
    """Verified daily backups of the database at path, newest first."""
    return sorted((path.parent / BACKUP_DIR).glob("notes-*.sqlite"), reverse=True)


def back_up_if_due(db: sqlite3.Connection, path: Path, today: dt.date | None = None) -> Path | None:
    """Once a day, on first use: SQLite's online backup to a temp file, checked with
    integrity_check before it takes its place; the last 7 are kept. A failure to
    back up never stops the store from working."""
    today = today or dt.date.today()
    folder = path.parent / BACKUP_DIR
    target = folder / f"notes-{today.isoformat()}.sqlite"
    if target.exists() or not db.execute("SELECT count(*) FROM notes").fetchone()[0]:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        copy = sqlite3.connect(temporary)
        try:
            db.backup(copy)
            ok = copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            copy.close()
        if not ok:
            temporary.unlink(missing_ok=True)
            return None
        os.replace(temporary, target)
        for old in backups(path)[BACKUPS_KEPT:]:
            old.unlink(missing_ok=True)
        return target
    except (OSError, sqlite3.Error):
        return None


def restore_backup(db: sqlite3.Connection, path: Path, backup: Path) -> tuple[sqlite3.Connection, Path]:
    """Replace the database with a backup's; the current one is set aside, not lost.
    Returns the new connection and where the replaced database went."""
    backup = Path(backup).expanduser().absolute()
    if not backup.is_file() or is_damaged(backup) or not has_notes_table(backup):
        raise NotesError(f"{backup} is not a readable notes backup")
    db.close()
    aside = move_aside(path, "replaced")
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    db = connect(path)
    migrate(db)
    return db, aside


# ---------------------------------------------------------------- saying what went wrong


def os_problem(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "the notes folder is read-only"
    return exc.strerror or str(exc)


def write_problem(exc: sqlite3.Error, path: Path) -> str:
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
