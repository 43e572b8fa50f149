"""The live library: the list follows the folder without a restart.

A watcher on every folder of the library (and on the open article's file) asks for an
incremental update a moment after anything changes, and a re-check runs every 30 s
for edits a watcher cannot see. Updates run one at a time on the indexer thread;
what they find comes back as signals. Each first asks a child process whether anything
changed (reader.index.recheck): the scan is Python that would hold the window's
interpreter against the first searches typed at launch, and it nearly always finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from reader.library.catalog import ArticleInfo
from reader.library.scanning import library_folders
from reader.service import ReaderService
from reader.ui.workers import Cancelled, Worker, Workers

WATCH_DELAY_MS = 300
RESCAN_EVERY_MS = 30_000


@dataclass
class Refreshed:
    """What reading the library sends back to the window."""

    articles: list[ArticleInfo]
    counts: dict[str, int]
    orphans: int
    folders: list[Path]
    edited: set[str] = field(default_factory=set)
    skipped: int = 0
    rebuilt: str | None = None
    changed: bool = False
    followed: list[str] = field(default_factory=list)
    unchanged: bool = False  # a re-check found nothing to do: articles is empty, the list stands


def refreshed(service: ReaderService, report=None, changed: bool = False) -> Refreshed:
    """The library as the catalog knows it now: after an update (with its report), after a
    change the window asked for (changed), else the last known list."""
    full = report is not None or changed
    return Refreshed(
        articles=service.articles() if full else service.listed_articles(), counts=service.note_counts(),
        orphans=len(service.orphaned_notes()), folders=library_folders(service.root),
        edited=service.edited_articles() if full else set(),
        skipped=len(report.skipped) if report else 0, rebuilt=report.rebuilt if report else None,
        changed=changed or bool(report and (report.added or report.updated or report.removed)),
        followed=[f.message() for f in report.followed] if report else [],
    )


class LiveLibrary(QObject):
    listed = Signal(object)  # Refreshed: the last known list, at once
    updated = Signal(object)  # Refreshed: after an update
    batch = Signal(object)  # list[ArticleInfo]: articles read so far, during a long update
    progress = Signal(int, int)  # files read, files to read
    failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.workers: Workers | None = None
        self.running = False
        self.pending = False
        self.watcher = QFileSystemWatcher(self)
        self.watch_timer = QTimer(self, singleShot=True, interval=WATCH_DELAY_MS)
        self.rescan_timer = QTimer(self, interval=RESCAN_EVERY_MS)
        self.watcher.directoryChanged.connect(lambda _: self.watch_timer.start())
        self.watcher.fileChanged.connect(self._on_file_changed)
        self.watch_timer.timeout.connect(self.request_update)
        self.rescan_timer.timeout.connect(self.request_update)

    def start(self, workers: Workers) -> None:
        self.workers = workers
        workers.indexer.progress.connect(self.progress)
        workers.call(workers.indexer, refreshed, self.listed.emit, self.failed.emit)
        self.request_update()
        self.rescan_timer.start()

    def stop(self) -> None:
        for timer in (self.watch_timer, self.rescan_timer):
            timer.stop()  # none may fire into a window whose workers are gone
        for paths in (self.watcher.directories(), self.watcher.files()):
            if paths:
                self.watcher.removePaths(paths)
        self.workers = None
        self.running = self.pending = False

    def request_update(self, rebuild: bool = False) -> None:
        """Re-check the library (incrementally) on the indexer thread; one at a time."""
        if self.workers is None:
            return
        if self.running:
            self.pending = True
            return
        self.running = True

        def job(svc: ReaderService, worker: Worker, job_id: int) -> Refreshed:
            def progress(done: int, total: int) -> None:
                if worker.cancelling:
                    raise Cancelled()
                if done == total or done % 25 == 0:
                    worker.progress.emit(done, total)

            if not rebuild and svc.index.exists():  # (never indexed: there is work, no need to ask)
                pending, skipped = svc.changes_pending()  # in a child: this process stays free
                if not pending:
                    return Refreshed([], svc.note_counts(), 0, [], edited=svc.edited_articles(), skipped=skipped,
                                     unchanged=True)
            report = svc.update(rebuild=rebuild, progress=progress, listing=lambda b: worker.partial.emit(job_id, b))
            return refreshed(svc, report)

        self.workers.submit(self.workers.indexer, job, self._on_updated, self._on_failed, partial=self.batch.emit)

    def change(self, fn: Callable, done: Callable, failed: Callable, progress: Callable | None = None,
               refresh: Callable[[object], bool] | None = None) -> None:
        """fn(svc, progress) on the indexer thread (an import, a change of tags, a sync: each
        writes the index), then the library as the catalog has it now goes to the window as an
        update's does (unless refresh(answer) says nothing changed), and fn's answer to done.
        progress(done, total) is called in the GUI thread."""
        if self.workers is None:
            return

        def job(svc: ReaderService, worker: Worker, job_id: int):
            answer = fn(svc, lambda n, total: worker.partial.emit(job_id, (n, total)))
            return answer, refreshed(svc, changed=True) if refresh is None or refresh(answer) else None

        def finished(result) -> None:
            answer, after = result
            if after is not None:
                self.updated.emit(after)
            done(answer)

        self.workers.submit(self.workers.indexer, job, finished, failed,
                            partial=(lambda p: progress(*p)) if progress else None)

    def _on_updated(self, result: Refreshed) -> None:
        self.running = False
        self.updated.emit(result)
        if self.pending:
            self.pending = False
            self.request_update()

    def _on_failed(self, message: str) -> None:
        self.running = False
        self.failed.emit(message)

    def watch(self, folders: list[Path]) -> None:
        wanted = {str(f) for f in folders}
        current = set(self.watcher.directories())
        if wanted - current:
            self.watcher.addPaths(sorted(wanted - current))
            if current:
                # Files made in a new folder before it was watched would go unseen: look once more.
                self.watch_timer.start()
        if current - wanted:
            self.watcher.removePaths(sorted(current - wanted))

    def watch_file(self, path: Path | None) -> None:
        """Watch the open article's file (edits in place do not touch its folder)."""
        if self.watcher.files():
            self.watcher.removePaths(self.watcher.files())
        if path is not None and path.exists():
            self.watcher.addPath(str(path))

    def _on_file_changed(self, path: str) -> None:
        if not Path(path).exists():
            self.watcher.removePath(path)
        self.watch_timer.start()
