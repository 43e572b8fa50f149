"""The notes store: the reader's comments and highlights, the one thing we cannot rebuild.

Every change is committed (WAL, synchronous=FULL; see notes_db) before the caller is
told it is saved. A note is a comment on a whole article, or a highlight: a passage
quoted from the article (with or without a comment on it), anchored to where that
passage is now. Notes follow their article by content hash when it is renamed or
moved; when it disappears they are kept as orphaned, and nothing but the user ever
deletes one (and deleting goes to a trash first).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from reader.notes import database as notes_db
from reader.notes.anchoring import Anchor, Quote
from reader.notes.database import MIGRATIONS, NOTES_FILE, NotesError  # noqa: F401 - the store's public names

COLORS = ("yellow", "green", "blue", "pink", "purple")
DEFAULT_COLOR = "yellow"


@dataclass(frozen=True)
class Note:
    id: int
    uid: str
    library: str
    article: str
    article_hash: str  # the article's content as last seen (how renames are followed)
    article_title: str
    text: str  # the comment; empty for a bare highlight
    created: str  # ISO 8601, UTC
    updated: str
    orphaned: bool
    deleted: str | None
    made_on: str = ""  # the hash of the article content the note was written on
    quote: Quote | None = None  # a highlight's passage
    position: int | None = None  # where the passage was last found (flat offset): a hint
    color: str | None = None
    anchor: Anchor | None = None  # where the passage is now, in the article's shown text
    anchored_on: str | None = None  # the hash of the content that anchor was found in
    earlier: tuple[str, ...] = ()  # other texts kept by a sync: edits made at once on two machines

    @property
    def is_highlight(self) -> bool:
        return self.quote is not None

    @property
    def searchable_text(self) -> str:
        """What search finds a note by: its comment and the passage it quotes."""
        return "\n\n".join(t for t in (self.quote.exact if self.quote else "", self.text) if t)


def utc_now() -> str:
    """Now, ISO 8601 UTC to the millisecond: which of two edits made on two machines in the
    same second came later is told by it (reader.sync)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def local_time(stamp: str) -> str:
    """An ISO UTC time as the reader's local time, e.g. '2025-10-01 14:03'."""
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


_COLUMNS = ("id, uid, library, article, article_hash, article_title, text, created, updated, orphaned, deleted, "
            "made_on, quote_exact, quote_prefix, quote_suffix, position, color, "
            "anchor_state, anchor_start, anchor_end, anchor_text, anchored_on, "
            "(SELECT group_concat(v.text, char(31)) FROM note_versions v WHERE v.uid = notes.uid AND v.text != notes.text)")


def _note(row) -> Note:
    (note_id, uid, library, article, article_hash, title, text, created, updated, orphaned, deleted,
     made_on, exact, prefix, suffix, position, color, state, start, end, anchor_text, anchored_on, earlier) = row
    quote = Quote(exact, prefix or "", suffix or "") if exact else None
    anchor = Anchor(state, start, end, anchor_text) if quote and state else None
    return Note(note_id, uid, library, article, article_hash, title, text, created, updated, bool(orphaned),
                deleted, made_on or "", quote, position, color if quote else None, anchor, anchored_on,
                tuple(earlier.split("\x1f")) if earlier else ())


class NotesStore:
    def __init__(self, db: sqlite3.Connection, path: Path, set_aside: Path | None = None):
        self.db = db
        self.path = path
        self.set_aside = set_aside  # where a damaged database was moved, if one was

    # ------------------------------------------------------------ opening and backups

    @classmethod
    def open(cls, data: Path) -> "NotesStore":
        path = data / NOTES_FILE
        db, set_aside = notes_db.open_database(path)
        store = cls(db, path, set_aside)
        if set_aside is None:
            store.back_up_if_due()
        return store

    @property
    def backup_dir(self) -> Path:
        return self.path.parent / notes_db.BACKUP_DIR

    def backups(self) -> list[Path]:
        return notes_db.backups(self.path)

    def back_up_if_due(self, today: dt.date | None = None) -> Path | None:
        return notes_db.back_up_if_due(self.db, self.path, today)

    def restore_backup(self, backup: Path) -> Path:
        """Replace the notes with a backup's; the current database is set aside, not lost."""
        self.db, aside = notes_db.restore_backup(self.db, self.path, backup)
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
        # Where a note was first made breaks ties of time: the same order on every machine it syncs to.
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM notes WHERE {where} ORDER BY created, origin, origin_seq, id",
                               params)
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

    def versions(self, note_id: int) -> list[tuple[str, str]]:
        """A note's earlier texts kept by a sync (the other of two edits made at once on two
        machines), oldest first: (text, when it was written)."""
        note = self._existing(note_id)
        return self.db.execute("SELECT text, updated FROM note_versions WHERE uid=? AND text != ? ORDER BY updated, text",
                               (note.uid, note.text)).fetchall()

    def has_notes(self, library: str) -> bool:
        return self.db.execute("SELECT 1 FROM notes WHERE library=? LIMIT 1", (library,)).fetchone() is not None

    def counts(self, library: str) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT article, count(*) FROM notes WHERE library=? AND deleted IS NULL AND orphaned=0 GROUP BY article",
            (library,),
        )
        return dict(rows.fetchall())

    def annotated(self, library: str, highlights_only: bool = False) -> set[str]:
        """The articles with notes (or only those with highlights) not in the trash."""
        extra = " AND quote_exact IS NOT NULL AND quote_exact != ''" if highlights_only else ""
        rows = self.db.execute(
            f"SELECT DISTINCT article FROM notes WHERE library=? AND deleted IS NULL AND orphaned=0{extra}", (library,))
        return {row[0] for row in rows}

    def edited_since_notes(self, library: str, hashes: dict[str, str]) -> set[str]:
        """The articles (of those given, id -> current hash) changed since a note on them was written."""
        rows = self.db.execute(
            "SELECT DISTINCT article, made_on FROM notes WHERE library=? AND deleted IS NULL AND orphaned=0",
            (library,),
        )
        return {article for article, made_on in rows if made_on and hashes.get(article, made_on) != made_on}

    def text_for_index(self, library: str, article: str) -> str:
        return "\n\n".join(n.searchable_text for n in self.notes(library, article) if not n.orphaned)

    def search(self, library: str, query: str) -> list[Note]:
        """Notes (attached or orphaned) whose own text or passage has every word of the query."""
        from reader.text.analysis import stem, words  # the stemmers: not for a sync or a note added

        wanted = {stem(w) for w in words(query)}
        if not wanted:
            return []
        return [n for n in self.notes(library) if wanted <= {stem(w) for w in words(n.searchable_text)}]

    def stale_highlights(self, library: str, hashes: dict[str, str]) -> dict[str, list[Note]]:
        """Highlights whose anchor was not found in their article as it is now (id -> hash)."""
        stale: dict[str, list[Note]] = {}
        for note in self._select("library=? AND quote_exact IS NOT NULL AND orphaned=0", (library,)):
            current = hashes.get(note.article)
            if current is not None and note.anchored_on != current:
                stale.setdefault(note.article, []).append(note)
        return stale

    # ------------------------------------------------------------ writing

    @contextmanager
    def _writing(self):
        """One write transaction; a failure to write (disk full, read-only folder) rolls
        it back whole and says so in words, so nothing saved before is touched."""
        try:
            with self.db:
                if not self.db.in_transaction:
                    # The connection commits each statement by itself (isolation_level=None): many
                    # rows written one by one were as many commits (fsyncs), and not one change.
                    self.db.execute("BEGIN IMMEDIATE")
                yield
        except sqlite3.OperationalError as exc:
            problem = notes_db.write_problem(exc, self.path)
            raise NotesError(f"{problem}, so nothing was changed ({self.path})") from None

    def add(self, library: str, article: str, article_hash: str, title: str, text: str,
            quote: Quote | None = None, anchor: Anchor | None = None, position: int | None = None,
            color: str | None = None, created: str = "") -> Note:
        """A comment (text), or a highlight (a quote, with or without text) anchored as given;
        created, when it was made if not now (an imported highlight's own time)."""
        text = clean_text(text, allow_empty=quote is not None)
        if quote is not None and not quote.exact.strip():
            raise NotesError("a highlight needs a passage")
        now = created or utc_now()
        with self._writing():
            cursor = self.db.execute(
                "INSERT INTO notes(uid, library, article, article_hash, article_title, text, created, updated, made_on,"
                " quote_exact, quote_prefix, quote_suffix, position, color, anchor_state, anchor_start, anchor_end,"
                " anchor_text, anchored_on) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (uuid.uuid4().hex, library, article, article_hash, title, text, now, now, article_hash,
                 *_quote_columns(quote), position, _color(color) if quote else None,
                 *_anchor_columns(anchor), article_hash if anchor else None),
            )
        return self.get(cursor.lastrowid)

    def edit(self, note_id: int, text: str) -> Note:
        note = self._existing(note_id)
        text = clean_text(text, allow_empty=note.is_highlight)
        with self._writing():
            self.db.execute("UPDATE notes SET text=?, updated=? WHERE id=?", (text, utc_now(), note_id))
        return self.get(note_id)

    def set_color(self, note_id: int, color: str) -> Note:
        note = self._existing(note_id)
        if not note.is_highlight:
            raise NotesError(f"note {note_id} is not a highlight")
        with self._writing():
            self.db.execute("UPDATE notes SET color=? WHERE id=?", (_color(color), note_id))
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

    def set_anchors(self, found: list[tuple[Note, Anchor, int | None, str]]) -> list[Note]:
        """Store where highlights are now: (note, anchor, new position hint, the hash of
        the content it was found in), all in one transaction."""
        if found:
            with self._writing():
                self.db.executemany(
                    "UPDATE notes SET anchor_state=?, anchor_start=?, anchor_end=?, anchor_text=?, position=?,"
                    " anchored_on=? WHERE id=?",
                    [(*_anchor_columns(anchor), position, content, note.id) for note, anchor, position, content in found],
                )
        return [replace(note, anchor=anchor, position=position, anchored_on=content)
                for note, anchor, position, content in found]

    def move_notes(self, note_ids: list[int], article: str, article_hash: str, title: str) -> None:
        """Give notes to another article (a renamed and edited one, recognised by its passages)."""
        with self._writing():
            self.db.executemany("UPDATE notes SET article=?, article_hash=?, article_title=?, orphaned=0 WHERE id=?",
                                [(article, article_hash, title, i) for i in note_ids])

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
        by_hash = articles_by_content(catalog_entries)
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

    # ------------------------------------------------------------ import

    def insert_exported(self, rows: list[tuple]) -> int:
        """Add notes given as export rows (see notes_export) unless their uid is here; how many."""
        with self._writing():
            cursor = self.db.executemany(
                "INSERT OR IGNORE INTO notes(uid, library, article, article_hash, article_title, text, created, updated,"
                " orphaned, deleted, made_on, quote_exact, quote_prefix, quote_suffix, position, color)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            return max(cursor.rowcount, 0)  # rows added (total_changes would count the triggers' too)


def articles_by_content(catalog_entries: dict) -> dict[str, str]:
    """Each content hash of the catalog and the first article (by id) that has it: where a
    renamed or moved article is found again, by notes and by the reader's tags alike."""
    by_hash: dict[str, str] = {}
    for info in sorted(catalog_entries.values(), key=lambda i: i.id):
        by_hash.setdefault(info.hash, info.id)
    return by_hash


def _quote_columns(quote: Quote | None) -> tuple:
    return (quote.exact, quote.prefix, quote.suffix) if quote else (None, "", "")


def _anchor_columns(anchor: Anchor | None) -> tuple:
    return (anchor.state, anchor.start, anchor.end, anchor.text) if anchor else (None, None, None, None)


def _color(color: str | None) -> str:
    if color is None:
        return DEFAULT_COLOR
    if color not in COLORS:
        raise NotesError(f"no colour {color!r}; choose one of {', '.join(COLORS)}")
    return color


def clean_text(text: str, allow_empty: bool = False) -> str:
    """A note's text as stored: valid UTF-8, Unix line ends, no white space at its ends."""
    from reader.library.article import valid_text

    text = valid_text(text).replace("\r\n", "\n").strip()
    if not text and not allow_empty:
        raise NotesError("a note cannot be empty")
    return text

