"""The notes of the open article: loading them, and every change the reader makes —
a comment, a highlight (with or without a comment), an edit, a colour, a deletion and
its undo. Writes go to the notes thread one after another and are committed before
`saved` says so; then the indexer makes the change findable by search."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from reader.library.catalog import ArticleInfo
from reader.notes.anchoring import Quote
from reader.notes.store import Note
from reader.ui.workers import Workers


class ArticleNotes(QObject):
    loaded = Signal(object)  # list[Note]: the open article's notes, as stored now
    saved = Signal(object)  # Note: added, edited or recoloured
    deleted = Signal(object)  # Note: moved to the trash (undo is offered)
    restored = Signal(object)  # Note: back from the trash
    failed = Signal(str)  # a write failed; the message is for the reader
    reindexed = Signal(object)  # (note counts, orphans, edited articles) once search sees the change

    def __init__(self, parent=None):
        super().__init__(parent)
        self.workers: Workers | None = None
        self.article_id: str | None = None
        self.notes: list[Note] = []
        self.last_deleted: int | None = None

    def set_workers(self, workers: Workers | None) -> None:
        self.workers = workers
        self.article_id = None
        self.notes = []
        self.last_deleted = None

    def load(self, article_id: str | None) -> None:
        """Ask for an article's notes (its highlights anchored on the file as it is now)."""
        self.article_id = article_id
        if article_id is None or self.workers is None:
            self.notes = []
            self.loaded.emit([])
            return
        self.workers.call(self.workers.notes, lambda svc: svc.notes_on(article_id),
                          lambda notes: self._on_loaded(article_id, notes))

    def _on_loaded(self, article_id: str, notes: list[Note]) -> None:
        if article_id == self.article_id:
            self.notes = notes
            self.loaded.emit(notes)

    def get(self, note_id: int | None) -> Note | None:
        return next((n for n in self.notes if n.id == note_id), None)

    # ------------------------------------------------------------ changes

    def post(self, info: ArticleInfo, text: str, quote: Quote | None = None, hint: int | None = None,
             color: str | None = None, then: Callable | None = None, failed: Callable | None = None) -> None:
        """A comment on the article, or with a quote a highlight of that passage; then()
        once it is saved, failed(message) if it is not (besides the signals)."""
        if quote is None:
            job = lambda svc: svc.add_note(info.id, text, reindex=False, info=info)  # noqa: E731
        else:
            job = lambda svc: svc.add_highlight(info.id, quote, hint, text, color, reindex=False, info=info)  # noqa: E731
        self._write(job, self.saved.emit, then, failed)

    def edit(self, note_id: int, text: str, then: Callable | None = None, failed: Callable | None = None) -> None:
        self._write(lambda svc: svc.notes.edit(note_id, text), self.saved.emit, then, failed)

    def set_color(self, note_id: int, color: str) -> None:
        self._write(lambda svc: svc.notes.set_color(note_id, color), self.saved.emit)

    def delete(self, note_id: int) -> None:
        self._write(lambda svc: svc.notes.delete(note_id), self._on_deleted)

    def undo(self) -> bool:
        """Bring back the note deleted last; False when there is nothing to undo."""
        if self.last_deleted is None:
            return False
        note_id, self.last_deleted = self.last_deleted, None
        self._write(lambda svc: svc.notes.restore(note_id), self.restored.emit)
        return True

    def _on_deleted(self, note: Note) -> None:
        self.last_deleted = note.id
        self.deleted.emit(note)

    def _write(self, job, announce: Callable, then: Callable | None = None, failed: Callable | None = None) -> None:
        if self.workers is None:
            return

        def done(note: Note) -> None:
            announce(note)
            if then:
                then()
            self._after_change(note)

        def refused(message: str) -> None:
            if failed:
                failed(message)
            self.failed.emit(message)

        self.workers.call(self.workers.notes, job, done, refused)

    def _after_change(self, note: Note) -> None:
        """Show the change, count it, and make it findable by search at once."""
        if note.article == self.article_id:
            self.load(self.article_id)

        def reindex(svc):
            svc.reindex_notes([note.article])
            return svc.note_counts(), len(svc.orphaned_notes()), svc.edited_articles()

        self.workers.call(self.workers.indexer, reindex, self.reindexed.emit)
