"""Sync through a folder, in the window: File → Sync Notes Through a Folder… chooses it; then
the window syncs at launch, a few seconds after each change, when the folder's files change
(a watcher on it and on each machine's folder in it) and every minute, and says when it last
did in the status bar (`syncStatus`). A sync runs on the indexer thread (it writes notes and
re-indexes their articles); what arrived reaches the panes as an update's changes do."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer
from PySide6.QtWidgets import QFileDialog

AFTER_CHANGE_MS = 3_000
EVERY_MS = 60_000


class SyncLoop(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.folder: Path | None = None
        self.running = self.again = False
        self.watcher = QFileSystemWatcher(self)
        self.soon_timer = QTimer(self, singleShot=True, interval=AFTER_CHANGE_MS)
        self.every_timer = QTimer(self, interval=EVERY_MS)
        self.soon_timer.timeout.connect(self.sync_now)
        self.every_timer.timeout.connect(self.sync_now)
        self.watcher.directoryChanged.connect(lambda _: self.soon_timer.start(300))

    def start(self) -> None:
        """Ask the engine for the library's sync folder; sync at once if there is one."""
        workers = self.window.workers
        if workers is not None:
            workers.call(workers.notes, lambda svc: svc.syncer().folder, self._started)

    def _started(self, folder: Path | None) -> None:
        self.folder = folder
        if folder is not None:
            self.every_timer.start()
            self.sync_now()

    def stop(self) -> None:
        for timer in (self.soon_timer, self.every_timer):
            timer.stop()
        self._watch([])
        self.folder = None
        self.running = self.again = False

    def soon(self) -> None:
        """Something changed here: sync in a few seconds (one sync for a burst of changes)."""
        if self.folder is not None:
            self.soon_timer.start(AFTER_CHANGE_MS)

    def choose(self) -> None:
        start = str(self.folder or Path.home())
        chosen = QFileDialog.getExistingDirectory(self.window, "Sync Notes Through a Folder", start)
        if chosen:
            self.use(Path(chosen))

    def use(self, folder: Path) -> None:
        workers = self.window.workers
        if workers is None:
            return
        workers.call(workers.notes, lambda svc: svc.syncer().set_folder(folder), lambda _: self._started(folder))

    def sync_now(self) -> None:
        if self.folder is None or self.window.workers is None:
            return
        if self.running:
            self.again = True
            return
        self.running = True
        self.window.live.change(lambda svc, _progress: svc.sync(), self._done, self._failed,
                                refresh=lambda report: bool(report and (report.received or report.reading)))

    def _done(self, report) -> None:
        self.running = False
        label = self.window.status.sync_label
        if report is not None:
            label.setText(f"Synced {time.strftime('%H:%M')}")
            label.setToolTip(f"Through {report.folder}: {report.sent} sent, {report.received} received, "
                             f"{report.conflicts} conflicts kept as earlier versions")
            self._watch([Path(report.folder)])
        self._again()

    def _failed(self, message: str) -> None:
        self.running = False
        self.window.status.sync_label.setText("Not synced")
        self.window.status.sync_label.setToolTip(message)
        self._again()

    def _again(self) -> None:
        if self.again:
            self.again = False
            self.soon()

    def _watch(self, folders: list[Path]) -> None:
        wanted = set()
        for folder in folders:
            wanted.add(str(folder))
            try:
                wanted.update(str(p) for p in folder.iterdir() if p.is_dir())
            except OSError:
                pass
        current = set(self.watcher.directories())
        if current - wanted:
            self.watcher.removePaths(sorted(current - wanted))
        if wanted - current:
            self.watcher.addPaths(sorted(wanted - current))
