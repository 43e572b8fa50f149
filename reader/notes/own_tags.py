"""The reader's own tags, kept beside the notes (same database, same care): tags added to
an article and tags of its file hidden, never written into the file. They follow a
renamed or moved article by its content, as notes do, and are kept when it is gone."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from reader.library.tagging import NO_EDITS, TagEdits, clean_tag, tag_key, tags_with
from reader.notes.store import NotesError, NotesStore, articles_by_content


@dataclass(frozen=True)
class OwnTag:
    """One row of the reader's tags, as exported and imported."""

    library: str
    article: str
    article_hash: str
    tag: str
    hidden: bool
    created: str


class OwnTags:
    def __init__(self, store: NotesStore):
        self.store = store

    @property
    def db(self):
        return self.store.db

    def edits(self, library: str, article: str) -> TagEdits:
        rows = self.db.execute("SELECT key, tag, hidden FROM own_tags WHERE library=? AND article=? ORDER BY created, key",
                               (library, article)).fetchall()
        return _edits(rows) if rows else NO_EDITS

    def all_edits(self, library: str) -> dict[str, TagEdits]:
        by_article: dict[str, list] = {}
        for article, key, tag, hidden in self.db.execute(
                "SELECT article, key, tag, hidden FROM own_tags WHERE library=? ORDER BY created, key", (library,)):
            by_article.setdefault(article, []).append((key, tag, hidden))
        return {article: _edits(rows) for article, rows in by_article.items()}

    def has_any(self, library: str) -> bool:
        return self.db.execute("SELECT 1 FROM own_tags WHERE library=? LIMIT 1", (library,)).fetchone() is not None

    def rows(self) -> list[OwnTag]:
        return [OwnTag(*row[:4], bool(row[4]), row[5]) for row in self.db.execute(
            "SELECT library, article, article_hash, tag, hidden, created FROM own_tags ORDER BY created, key")]

    def change(self, library: str, article: str, article_hash: str, file_tags: tuple[str, ...],
               add: list[str] = (), remove: list[str] = ()) -> tuple[str, ...]:
        """Add and remove tags of an article (a file's tag removed is hidden; added again,
        shown again); returns the tags it has now. Raises NotesError for an empty tag."""
        file_keys = {tag_key(t) for t in file_tags}
        moments = _moments()
        with self.store._writing():
            for tag in remove:
                key = _key_of(tag)
                self.db.execute("DELETE FROM own_tags WHERE library=? AND article=? AND key=? AND hidden=0",
                                (library, article, key))
                if key in file_keys:
                    self.db.execute("INSERT OR IGNORE INTO own_tags VALUES (?,?,?,?,?,1,?)",
                                    (library, article, article_hash, key, clean_tag(tag), next(moments)))
            for tag in add:
                key = _key_of(tag)
                self.db.execute("DELETE FROM own_tags WHERE library=? AND article=? AND key=? AND hidden=1",
                                (library, article, key))
                if key not in file_keys:
                    self.db.execute("INSERT OR IGNORE INTO own_tags VALUES (?,?,?,?,?,0,?)",
                                    (library, article, article_hash, key, clean_tag(tag), next(moments)))
        return tags_with(file_tags, self.edits(library, article))

    def insert(self, rows: list[OwnTag]) -> int:
        """Add exported rows not here yet (same article, same tag); how many."""
        with self.store._writing():
            cursor = self.db.executemany(
                "INSERT OR IGNORE INTO own_tags VALUES (?,?,?,?,?,?,?)",
                [(r.library, r.article, r.article_hash, tag_key(r.tag), clean_tag(r.tag), int(r.hidden), r.created)
                 for r in rows if tag_key(r.tag)])
            return max(cursor.rowcount, 0)  # rows added (total_changes would count the triggers' too)

    def follow_library(self, library: str, catalog_entries: dict) -> set[str]:
        """Move each article's tags to where the catalog now has it: by path, else by
        content (renamed or moved); tags of an article gone stay where they were, and come
        back with it. Returns the article ids whose tags moved (to re-index)."""
        by_hash = articles_by_content(catalog_entries)
        moves, rehashed = set(), []
        for article, article_hash in self.db.execute(
                "SELECT DISTINCT article, article_hash FROM own_tags WHERE library=?", (library,)).fetchall():
            info = catalog_entries.get(article)
            if info is not None:
                if info.hash != article_hash:
                    rehashed.append((info.hash, library, article, article_hash))
            elif article_hash in by_hash and by_hash[article_hash] != article:
                moves.add((article, article_hash, by_hash[article_hash]))
        if not (moves or rehashed):
            return set()
        with self.store._writing():
            self.db.executemany("UPDATE own_tags SET article_hash=? WHERE library=? AND article=? AND article_hash=?",
                                rehashed)
            for old, article_hash, new in moves:
                # A tag the new place already has wins: OR IGNORE keeps it, the old row goes.
                self.db.execute("UPDATE OR IGNORE own_tags SET article=? WHERE library=? AND article=? "
                                "AND article_hash=?", (new, library, old, article_hash))
                self.db.execute("DELETE FROM own_tags WHERE library=? AND article=? AND article_hash=?",
                                (library, old, article_hash))
        return {new for _, _, new in moves}


def _moments():
    """Times to the microsecond, each after the last: tags keep the order they were added in,
    the same on every machine (ties of time go by the tag)."""
    start = dt.datetime.now(dt.timezone.utc)
    for n in itertools.count():
        yield (start + dt.timedelta(microseconds=n)).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _edits(rows) -> TagEdits:
    return TagEdits(tuple(tag for _, tag, hidden in rows if not hidden),
                    frozenset(key for key, _, hidden in rows if hidden))


def _key_of(tag: str) -> str:
    key = tag_key(clean_tag(tag))
    if not key:
        raise NotesError(f"{tag!r} is not a tag: it needs a letter or a digit")
    return key
