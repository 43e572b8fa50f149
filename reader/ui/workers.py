"""Running engine calls off the GUI thread and getting their answers back as signals.

Each Worker owns one engine object (a ReaderService) on its own QThread, so the
SQLite connections and the Whoosh searcher inside it are only ever used by that
thread. The GUI submits jobs (callables taking the engine) through a Bridge that
lives in the GUI thread; answers come back through queued signals to the Bridge's
slots, so callbacks always run in the GUI thread.
"""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from reader.library.sandbox import close_sandbox


class Cancelled(Exception):
    """Raised inside a job to stop it early (the window is closing)."""


class _Job:
    def __init__(self, job_id: int, fn: Callable[[Any], Any], stale: Callable[[], bool] | None):
        self.id = job_id
        self.fn = fn
        self.stale = stale


class Worker(QObject):
    """Runs jobs one after another on its thread, with the engine object it made there."""

    finished = Signal(int, object)  # job id, result
    failed = Signal(int, str)  # job id, message for the user
    progress = Signal(int, int)  # done, total (for jobs that report it)
    partial = Signal(int, object)  # job id, a batch of results before the end

    def __init__(self, name: str, factory: Callable[[], Any]):
        super().__init__()
        self.name = name
        self._factory = factory
        self.engine = None
        self.cancelling = False

    @Slot(object)
    def run(self, job: _Job) -> None:
        if self.cancelling or (job.stale and job.stale()):
            return
        try:
            if self.engine is None:
                self.engine = self._factory()
            result = job.fn(self.engine, self, job.id)
        except Cancelled:
            return
        except Exception as exc:  # noqa: BLE001 - every failure reaches the user as a message
            message = str(exc) or type(exc).__name__
            traceback.print_exc()
            self.failed.emit(job.id, message)
            return
        self.finished.emit(job.id, result)

    @Slot()
    def shut_down(self) -> None:
        close_sandbox()  # this thread's child, if it read or drew a file
        close = getattr(self.engine, "close", None)
        if close:
            try:
                close()
            except Exception:  # noqa: BLE001
                traceback.print_exc()
        self.engine = None


class Bridge(QObject):
    """The GUI thread's end: submits jobs to workers and routes answers to callbacks."""

    _submit = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable | None, Callable | None, Callable | None]] = {}
        self._threads: list[tuple[QThread, Worker]] = []
        self._signals: dict[Worker, Signal] = {}

    def add_worker(self, worker: Worker) -> Worker:
        thread = QThread(self)
        thread.setObjectName(worker.name)
        worker.moveToThread(thread)
        relay = _Relay(self)
        relay.submit.connect(worker.run)
        relay.close.connect(worker.shut_down)
        self._signals[worker] = relay
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        worker.partial.connect(self._on_partial)
        thread.start()
        self._threads.append((thread, worker))
        return worker

    def submit(self, worker: Worker, fn: Callable, done: Callable | None = None, failed: Callable | None = None,
               partial: Callable | None = None, stale: Callable[[], bool] | None = None) -> int:
        """Run fn(engine, worker, job_id) on the worker's thread; done(result) / failed(message)
        / partial(batch) are called in the GUI thread."""
        job_id = next(self._ids)
        self._callbacks[job_id] = (done, failed, partial)
        self._signals[worker].submit.emit(_Job(job_id, fn, stale))
        return job_id

    @Slot(int, object)
    def _on_finished(self, job_id: int, result: object) -> None:
        done, _, _ = self._callbacks.pop(job_id, (None, None, None))
        if done:
            done(result)

    @Slot(int, str)
    def _on_failed(self, job_id: int, message: str) -> None:
        _, failed, _ = self._callbacks.pop(job_id, (None, None, None))
        if failed:
            failed(message)

    @Slot(int, object)
    def _on_partial(self, job_id: int, batch: object) -> None:
        _, _, partial = self._callbacks.get(job_id, (None, None, None))
        if partial:
            partial(batch)

    def shut_down(self) -> None:
        """Stop every worker after its current job; close engines on their own threads."""
        for thread, worker in self._threads:
            worker.cancelling = True
            self._signals[worker].close.emit()
            thread.quit()
        for thread, _ in self._threads:
            thread.wait()
        self._threads.clear()


class _Relay(QObject):
    """Signals emitted in the GUI thread, received by a worker in its thread."""

    submit = Signal(object)
    close = Signal()


class Workers:
    """The engine threads of one open library, each with its own ReaderService:

    - indexer: the only index writer (updates, re-indexing after note changes);
    - searcher: searches, never repairs the index;
    - notes: note reads and writes, in the order they were asked for;
    - renderer: reading and rendering articles;
    - pages: drawing a PDF's pages and reading their characters (by PDFium, in a sandbox child).
    """

    def __init__(self, parent: QObject, root, data, reading=None):
        from reader.service import ReaderService

        self.bridge = Bridge(parent)
        # One engine per thread; the reading state is shared, so what the window marks
        # read is what the searcher's is:unread leaves out.
        make = lambda: ReaderService(root, data, reading)  # noqa: E731
        self.indexer = self.bridge.add_worker(Worker("indexer", make))
        # Its first searches are collected by Whoosh until numpy and the column scoring are
        # imported (ReaderService.warm_scoring, on another thread).
        quick = lambda: ReaderService(root, data, reading, quick_first_searches=True)  # noqa: E731
        self.searcher = self.bridge.add_worker(Worker("searcher", quick))
        self.notes = self.bridge.add_worker(Worker("notes", make))
        self.renderer = self.bridge.add_worker(Worker("renderer", make))
        self.pages = self.bridge.add_worker(Worker("pages", make))

    def submit(self, worker: Worker, fn: Callable, done: Callable | None = None, failed: Callable | None = None,
               partial: Callable | None = None, stale: Callable[[], bool] | None = None) -> int:
        """fn(engine, worker, job_id) on the worker's thread; callbacks in the GUI thread."""
        return self.bridge.submit(worker, fn, done, failed, partial, stale)

    def call(self, worker: Worker, method: Callable, done: Callable | None = None,
             failed: Callable | None = None, stale: Callable[[], bool] | None = None) -> int:
        """method(engine) on the worker's thread: for jobs that need only the engine."""
        return self.bridge.submit(worker, lambda engine, _worker, _job: method(engine), done, failed, stale=stale)

    def shut_down(self) -> None:
        self.bridge.shut_down()
        self.bridge.deleteLater()
