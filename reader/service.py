"""One facade over the engine for both front ends: the CLI and the GUI's workers.

A ReaderService belongs to one thread (SQLite connections and Whoosh searchers
must not be shared): the GUI gives each of its worker threads its own.
"""

from __future__ import annotations

import json
from pathlib import Path

from reader.articles import Article, NotAnArticle
from reader.catalog import ArticleInfo
from reader.index import IndexReport, LibraryIndex, Progress, SearchResults
from reader.library import FileEntry, read_article
from reader.locations import remember_library
from reader.notes import Note, NotesError, NotesStore, notes_markdown


class ReaderService:
    def __init__(self, root: Path, data: Path):
        self.root = root
        self.data = data
        self.library = str(root)
        self._index: LibraryIndex | None = None
        self._notes: NotesStore | None = None

    # ------------------------------------------------------------ parts, opened lazily

    @property
    def notes(self) -> NotesStore:
        if self._notes is None:
            self._notes = NotesStore.open(self.data)
        return self._notes

    @property
    def index(self) -> LibraryIndex:
        if self._index is None:
            self._index = LibraryIndex(self.root, self.data, notes_text=self._notes_text)
        return self._index

    def _notes_text(self, article_id: str) -> str:
        return self.notes.text_for_index(self.library, article_id)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
        if self._notes is not None:
            self._notes.close()
            self._notes = None

    # ------------------------------------------------------------ the library

    def update(self, rebuild: bool = False, progress: Progress | None = None, listing=None) -> IndexReport:
        """Index what changed, then move, orphan or re-attach notes to match."""
        self.data.mkdir(parents=True, exist_ok=True)
        report = self.index.update(rebuild=rebuild, progress=progress, listing=listing)
        self.follow_notes()
        remember_library(self.data, self.root)
        return report

    def follow_notes(self) -> None:
        if not self.notes.has_notes(self.library):
            return  # nothing to follow: spare re-reading the whole catalog
        entries = self.index.catalog.entries()
        changed = self.notes.follow_library(self.library, entries)
        self.index.reindex_notes(sorted(i for i in changed if i in entries))

    def listed_articles(self) -> list[ArticleInfo]:
        """The last known list, from the catalog alone (fast, for a window at launch)."""
        return self.index.listed_articles()

    def articles(self) -> list[ArticleInfo]:
        """What the catalog knows, newest first: shown before any re-check."""
        if not self.index.exists():
            return []
        self.index.open(repair=False)  # only update() repairs, under the update lock
        return self.index.articles()

    def article(self, article_id: str) -> ArticleInfo | None:
        self.index.open(repair=False)
        return self.index.catalog.get(article_id) if self.index.catalog else None

    def read(self, article_id: str) -> Article:
        """The article as it is on disk now; raises NotAnArticle when it cannot be read."""
        path = self.root / article_id
        if not path.is_file():
            raise NotAnArticle("the file is no longer in the library")
        return read_article(FileEntry(article_id, path, 0, 0)).article

    def search(self, text: str, limit: int = 20, sort: str = "relevance", offset: int = 0) -> SearchResults:
        """Search as last committed; never repairs (the GUI searches beside its indexer)."""
        self.index.open(repair=False)
        return self.index.search(text, limit=limit, sort=sort, offset=offset)

    # ------------------------------------------------------------ notes

    def notes_on(self, article_id: str) -> list[Note]:
        return self.notes.notes(self.library, article_id)

    def note_counts(self) -> dict[str, int]:
        return self.notes.counts(self.library)

    def orphaned_notes(self) -> list[Note]:
        return self.notes.notes(self.library, orphaned=True)

    def export_notes(self, fmt: str) -> str:
        """Every note as Markdown ('md', grouped by article) or JSON ('json', to import again)."""
        if fmt == "json":
            return json.dumps(self.notes.export_json(), ensure_ascii=False, indent=2) + "\n"
        dates = {i.id: i.date.isoformat() for i in self.articles() if i.date}
        return notes_markdown(self.notes.all_notes(), dates)

    def add_note(self, article_id: str, text: str) -> Note:
        info = self.article(article_id)
        if info is None:
            raise NotesError(f"no article {article_id!r} in the library {self.root}")
        note = self.notes.add(self.library, info.id, info.hash, info.title, text)
        self.index.reindex_notes([info.id])
        return note

    def edit_note(self, note_id: int, text: str) -> Note:
        return self._reindexed(self.notes.edit(note_id, text))

    def delete_note(self, note_id: int) -> Note:
        return self._reindexed(self.notes.delete(note_id))

    def restore_note(self, note_id: int) -> Note:
        return self._reindexed(self.notes.restore(note_id))

    def _reindexed(self, note: Note) -> Note:
        if not note.orphaned:
            self.index.open(repair=False)
            if self.index.is_open:
                self.index.reindex_notes([note.article])
        return note
