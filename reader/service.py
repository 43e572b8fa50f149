"""One facade over the engine for both front ends: the CLI and the GUI's workers.

A ReaderService belongs to one thread (SQLite connections and Whoosh searchers
must not be shared): the GUI gives each of its worker threads its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reader.index.index import Progress
from reader.index.writing import IndexReport
from reader.library.article import Article
from reader.library.catalog import ArticleInfo
from reader.library.tagging import TagEdits, tag_key, tags_with
from reader.library import pdf
from reader.library.scanning import article_at, parsed_at
from reader.library.shown_text import ShownText
from reader.locations import remember_library
from reader.notes import annotations
from reader.notes.anchoring import Quote, find_passage, locate, occurrences, quote_at
from reader.notes.annotations import article_shown_text
from reader.notes.own_tags import OwnTags
from reader.notes.reading import ReadingState
from reader.notes.store import Note, NotesError, NotesStore
from reader.search.query import TEXT_FIELDS
from reader.search.saved_searches import SavedSearch, SavedSearches
from reader.search.searching import LibraryIndex
from reader.sync.syncing import Syncer, SyncReport

if TYPE_CHECKING:
    from reader.search.hits import SearchResults
    from reader.search.related import RelatedArticle

RECHECK_TIMEOUT_S = 300  # a library on a slow network drive may take long to scan


@dataclass(frozen=True)
class NotesListing:
    """Notes, newest first, with what the catalog knows of their articles (absent: gone)."""

    notes: list[Note]
    articles: dict[str, ArticleInfo]


@dataclass(frozen=True)
class ShownArticle:
    """One article as the reader sees it: its metadata, its shown text, its notes."""

    article: Article
    shown: ShownText
    notes: list[Note]
    warnings: list[str] = field(default_factory=list)  # what reading the file found to say

    def page_of(self, note: Note) -> int | None:
        """The page (1-based) a highlight of a PDF stands on; None for anything else."""
        layout = self.article.layout
        if layout is None or note.anchor is None or not note.anchor.attached:
            return None
        return layout.page_of(note.anchor.start) + 1


class ReaderService:
    def __init__(self, root: Path, data: Path, reading: ReadingState | None = None,
                 quick_first_searches: bool = False):
        self.root = root
        self.data = data
        self.library = str(root)
        self._index: LibraryIndex | None = None
        self._notes: NotesStore | None = None
        self._own_tags: OwnTags | None = None
        self._matcher = None
        # The window shares one with every thread's service, so what it marks read shows
        # in the very next search; a command reads it from the data folder.
        self._reading = reading
        self._saved: SavedSearches | None = None
        self.quick_first_searches = quick_first_searches  # the window's searcher: see warm_scoring

    # ------------------------------------------------------------ parts, opened lazily

    @property
    def notes(self) -> NotesStore:
        if self._notes is None:
            self._notes = NotesStore.open(self.data)
        return self._notes

    @property
    def own_tags(self) -> OwnTags:
        if self._own_tags is None:
            self._own_tags = OwnTags(self.notes)
        return self._own_tags

    @property
    def index(self) -> LibraryIndex:
        if self._index is None:
            self._index = LibraryIndex(self.root, self.data, notes_text=self._notes_text, own_tags=self._all_tag_edits)
        return self._index

    @property
    def reading(self) -> ReadingState:
        if self._reading is None:
            self._reading = ReadingState.of_library(self.data, self.root)
        return self._reading

    def _notes_text(self, article_id: str) -> str:
        return self.notes.text_for_index(self.library, article_id)

    def _all_tag_edits(self) -> dict[str, TagEdits]:
        return self.own_tags.all_edits(self.library)

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
        self.follow_notes(report)
        remember_library(self.data, self.root)
        return report

    def changes_pending(self) -> tuple[bool, int]:
        """Whether the library has changes its index has not taken, and how many files are
        skipped, asked of a child process (reader.index.recheck) so that this one's
        interpreter stays free; (True, 0) if the child cannot say."""
        command = [sys.executable, "-m", "reader.index.recheck", str(self.root), str(self.data)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=RECHECK_TIMEOUT_S)
            answer = json.loads(done.stdout)
            return bool(answer["pending"]), int(answer["skipped"])
        except (OSError, ValueError, KeyError, TypeError, subprocess.SubprocessError):
            return True, 0

    def follow_notes(self, report: IndexReport | None = None) -> None:
        """Notes follow their articles: renamed ones by content, renamed-and-edited ones
        by their passages; then every highlight is found again in its article as it is."""
        if not self.notes.has_notes(self.library) and not self.own_tags.has_any(self.library):
            return  # nothing to follow: spare re-reading the whole catalog
        entries = self.index.catalog.entries()
        changed = self.notes.follow_library(self.library, entries) | self.own_tags.follow_library(self.library, entries)
        if report is not None and report.new_ids:
            followed = annotations.recognise_renamed(
                self.notes, self.library, self.root, set(report.new_ids), self.index.phrase_ids,
                {i.id: (i.hash, i.title) for i in entries.values()})
            report.followed.extend(followed)
            changed.update(f.new for f in followed)
        hashes = {i.id: i.hash for i in entries.values()}
        annotations.reanchor_stale(self.notes, self.library, self.root, hashes)
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
        return article_at(self.root, article_id)

    def pdf_page(self, article_id: str, stamp: str, number: int, scale: float) -> tuple[int, int, bytes]:
        """A page of a PDF of the library drawn (see reader.library.pdf.page_image)."""
        return pdf.page_image(self.root, article_id, stamp, number, scale)

    def pdf_sizes(self, article_id: str) -> tuple[str, tuple[tuple[float, float], ...]]:
        """A PDF's version and its pages' sizes, without its text (see reader.library.pdf.page_sizes)."""
        return pdf.page_sizes(self.root, article_id)

    def pdf_chars(self, article_id: str, stamp: str, number: int) -> tuple[str, bytes]:
        """A page of a PDF's characters and their boxes (see reader.library.pdf.page_chars)."""
        return pdf.page_chars(self.root, article_id, stamp, number)

    def show(self, article_id: str) -> ShownArticle:
        """The article as the reader sees it, with its notes anchored on this version."""
        parsed = parsed_at(self.root, article_id)
        article = self.as_seen(parsed.article)
        return ShownArticle(article, article_shown_text(article), self.notes_on(article_id), parsed.warnings)

    def search(self, text: str, limit: int = 20, sort: str = "relevance", offset: int = 0) -> SearchResults:
        """Search as last committed; never repairs (the GUI searches beside its indexer).
        @name stands for a saved search; limit 0 counts without hits."""
        self.index.open(repair=False)
        asked = self.expanded(text)
        columns = not self.quick_first_searches or "reader.search.column_scoring" in sys.modules
        results = self.index.search(asked, limit=limit, sort=sort, offset=offset, marks=self.marked, columns=columns)
        results.query = text
        return results

    def expanded(self, text: str) -> str:
        """The query with its @names replaced by the saved searches they name."""
        if "@" not in text:
            return text
        self.saved_searches.reload_if_changed()
        return self.saved_searches.expanded(text)

    @property
    def saved_searches(self) -> SavedSearches:
        if self._saved is None:
            self._saved = SavedSearches(self.data)
        return self._saved

    def saved_counts(self) -> list[tuple[SavedSearch, int]]:
        """Each saved search with how many articles it finds now."""
        self.saved_searches.reload_if_changed()
        return [(s, self.search(s.query, limit=0).total) for s in self.saved_searches.items]

    def related(self, article_id: str, limit: int = 5) -> list[RelatedArticle]:
        """Up to limit articles of the library most like this one, best first."""
        self.index.open(repair=False)
        return self.index.related(article_id, limit)

    def marked(self, mark: str) -> frozenset[str]:
        """The articles that carry one of the reader's marks (reader.search.filters): read, notes,
        highlights, edited (changed since a note on them was written)."""
        if mark == "read":
            return frozenset(self.reading.read)
        if mark == "edited":
            return frozenset(self.edited_articles())
        return frozenset(self.notes.annotated(self.library, highlights_only=mark == "highlights"))

    def set_read(self, article_id: str, read: bool = True) -> None:
        """Mark an article read or unread, and keep it so."""
        (self.reading.read.add if read else self.reading.read.discard)(article_id)
        self.reading.save()

    def prepare_search(self) -> None:
        """Make the first search as quick as the next: open the index, read its vocabulary
        and languages, and map each segment's term tables. The window asks this on its
        searcher thread at once, beside the list being read (warm_scoring goes elsewhere)."""
        from reader.search.hits import ranked  # noqa: F401 - the searching side, imported now

        self.index.open(repair=False)
        if not self.index.is_open:
            return
        self.index.vocabulary()
        self.index.languages()
        searcher = self.index.searcher()
        reader = searcher.reader()
        for name in TEXT_FIELDS:
            reader.doc_frequency(name, "")
            for leaf, _ in reader.leaf_readers():
                leaf.doc_field_length(0, name)  # each segment's lengths, read now

    @staticmethod
    def warm_scoring() -> None:
        """Import what whole-column scoring needs (numpy and its modules: ~70 ms). Until it
        is imported, a service with quick_first_searches has Whoosh collect its searches:
        the same answers, without the first words typed waiting for numpy."""
        import reader.search.column_scoring  # noqa: F401

    # ------------------------------------------------------------ your tags

    def change_tags(self, article_id: str, add: list[str] = (), remove: list[str] = ()) -> tuple[str, ...]:
        """Add and remove the reader's tags of an article (kept in the data folder; a tag of
        the file removed is hidden); the article is re-indexed with them. Its tags now."""
        info = self._known(article_id)
        article = self.read(info.id)
        tags = self.own_tags.change(self.library, info.id, article.hash, article.tags, list(add), list(remove))
        if add or remove:
            self.index.reindex_notes([info.id])
        return tags

    def as_seen(self, article: Article) -> Article:
        """The article with the tags the reader sees (theirs added, those they removed gone)."""
        edits = self.own_tags.edits(self.library, article.id)
        return replace(article, tags=tags_with(article.tags, edits)) if edits else article

    def library_tags(self) -> list[str]:
        """Every tag of the library as first written, most used first (for completion)."""
        counts: dict[str, list] = {}
        for info in self.articles():
            for tag in info.tags:
                counts.setdefault(tag_key(tag), [tag, 0])[1] += 1
        return [tag for tag, _ in sorted(counts.values(), key=lambda c: (-c[1], c[0].lower()))]

    # ------------------------------------------------------------ sync through a folder

    def syncer(self) -> Syncer:
        return Syncer(self.notes, self.library, self.reading, self.saved_searches)

    def sync(self) -> SyncReport | None:
        """Sync once through the library's sync folder (reader.sync), what arrived re-indexed;
        None when there is no folder. FolderMissing when it is not there."""
        syncer = self.syncer()
        if syncer.folder is None:
            return None
        report = syncer.sync()
        self.reindex_notes(report.articles)
        return report

    # ------------------------------------------------------------ notes

    def notes_on(self, article_id: str) -> list[Note]:
        """An article's notes, oldest first, its highlights anchored on the file as it is now."""
        return annotations.current_notes(self.notes, self.library, self.root, article_id)

    def all_notes(self) -> list[Note]:
        """Every note of the library (orphaned ones too), not the trash."""
        return self.notes.notes(self.library)

    def notes_matching(self, query: str = "") -> NotesListing:
        """Every note of the library, newest first, that the query (the query language,
        asked of each note: see notes_query) finds; all of them for an empty query."""
        from reader.notes.query import NotesMatcher

        notes = sorted(self.all_notes(), key=lambda n: (n.created, n.id), reverse=True)
        self.index.open(repair=False)
        catalog = self.index.catalog
        articles = {}
        for article_id in {n.article for n in notes if not n.orphaned}:
            info = catalog.get(article_id) if catalog else None
            if info is not None:
                articles[article_id] = info
        if query.strip():
            self._matcher = self._matcher or NotesMatcher()
            notes = self._matcher.matching(notes, query, articles)
        return NotesListing(notes, {i: articles[i] for i in {n.article for n in notes} if i in articles})

    def edited_articles(self) -> set[str]:
        """Articles changed since a note on them was written."""
        if not self.notes.has_notes(self.library):
            return set()
        self.index.open(repair=False)
        stats = self.index.catalog.stats() if self.index.catalog else {}
        return self.notes.edited_since_notes(self.library, {i: s.hash for i, s in stats.items()})

    def note_counts(self) -> dict[str, int]:
        return self.notes.counts(self.library)

    def orphaned_notes(self) -> list[Note]:
        return self.notes.notes(self.library, orphaned=True)

    def add_note(self, article_id: str, text: str, reindex: bool = True, info: ArticleInfo | None = None) -> Note:
        """A comment on the whole article. reindex=False leaves making it searchable to the
        caller (the window does it on its indexer thread, not while saving); info, what
        the caller knows of the article (the window lists articles before they are indexed)."""
        info = info or self._known(article_id)
        note = self.notes.add(self.library, info.id, info.hash, info.title, text)
        if reindex:
            self.index.reindex_notes([info.id])
        return note

    def add_highlight(self, article_id: str, quote: Quote, hint: int | None, text: str = "",
                      color: str | None = None, reindex: bool = True, info: ArticleInfo | None = None) -> Note:
        """A highlight of the quoted passage (a comment on it, if text), anchored on the
        article as it is now; refused when the passage is not in it."""
        info = info or self._known(article_id)
        article = self.read(article_id)
        anchor, position = locate(article_shown_text(article), quote, hint)
        if not anchor.attached:
            raise NotesError("that passage is not in the article as it is now")
        note = self.notes.add(self.library, info.id, article.hash, info.title, text, quote, anchor, position, color)
        if reindex:
            self.index.reindex_notes([info.id])
        return note

    def add_quoted(self, article_id: str, passage: str, occurrence: int = 1, text: str = "",
                   color: str | None = None) -> Note:
        """A highlight of a passage given as text (white space need not match)."""
        self._known(article_id)
        shown = article_shown_text(self.read(article_id))
        found = find_passage(shown.flat, passage, occurrence)
        if found is None:
            count = len(occurrences(shown.flat, " ".join(passage.split())))
            if count == 0:
                raise NotesError(f"the passage is not in {article_id}")
            raise NotesError(f"the passage is in {article_id} {count} time{'s' if count != 1 else ''}, "
                             f"not {occurrence}")
        return self.add_highlight(article_id, quote_at(shown.flat, *found), found[0], text, color)

    def set_color(self, note_id: int, color: str) -> Note:
        return self.notes.set_color(note_id, color)

    def _known(self, article_id: str) -> ArticleInfo:
        info = self.article(article_id)
        if info is None:
            raise NotesError(f"no article {article_id!r} in the library {self.root}")
        return info

    def edit_note(self, note_id: int, text: str) -> Note:
        return self._reindexed(self.notes.edit(note_id, text))

    def delete_note(self, note_id: int) -> Note:
        return self._reindexed(self.notes.delete(note_id))

    def restore_note(self, note_id: int) -> Note:
        return self._reindexed(self.notes.restore(note_id))

    def _reindexed(self, note: Note) -> Note:
        if not note.orphaned:
            self.reindex_notes([note.article])
        return note

    def reindex_notes(self, article_ids) -> None:
        """Make these articles' notes and tags searchable now, when the library has an index
        (else the next update indexes them with everything)."""
        if article_ids and self.index.exists():
            self.index.open(repair=False)
            self.index.reindex_notes(sorted(article_ids))
