"""Building one index on all cores: worker processes that each write a Whoosh segment.

Whoosh spends ~15 µs of pure Python per posting, so a large build is CPU-bound in
one process. Each worker gets a share of the files, reads, parses and indexes them
into a segment of its own (as Whoosh's MpWriter does with multisegment=True) and
streams small reports back; the parent, which holds the index's write lock, adds the
finished segments to its own commit. Workers are spawned, not forked: the parent may
be the desktop app with Qt and SQLite threads running, which a fork would copy mid-use.
"""

from __future__ import annotations

import importlib
import os
import pickle
import selectors
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

WORKERS_MAX = 4
_LENGTH = 8


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def worker_count(files: int, per_worker: int) -> int:
    """How many worker processes a batch of files is worth (1 means: do it in-process)."""
    return max(1, min(cores(), WORKERS_MAX, files // per_worker))


def messages(target: Callable, parts: list[Any], shared: tuple) -> Iterator[tuple]:
    """Run target(part, *shared, send) in one worker process per part and yield what
    they send, as they send it, until each has sent ("done", ...).

    Workers are plain `python -m reader.index.parallel` processes fed a pickle on stdin
    (multiprocessing's spawn would re-run the caller's main script). A worker's error
    ends the whole run with RuntimeError; so does the consumer stopping early or
    raising, and in every case no worker outlives this generator."""
    job = (target.__module__, target.__qualname__)
    workers = []
    selector = selectors.DefaultSelector()
    try:
        for part in parts:
            errors = tempfile.TemporaryFile()
            proc = subprocess.Popen([sys.executable, "-m", "reader.index.parallel"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=errors, start_new_session=True)
            workers.append((proc, errors))
            selector.register(proc.stdout.fileno(), selectors.EVENT_READ, (proc, errors, bytearray()))
            proc.stdin.write(pickle.dumps((job, part, shared), protocol=pickle.HIGHEST_PROTOCOL))
            proc.stdin.close()
        running = len(parts)
        while running:
            for key, _ in selector.select():
                proc, errors, pending = key.data
                # Raw reads into our own buffer: a buffered reader could hold a whole
                # message that select() then never reports.
                chunk = os.read(key.fd, 1 << 16)
                pending += chunk
                for message in _complete(pending):
                    if message[0] == "error":
                        raise RuntimeError(f"an indexing worker failed: {message[1]}")
                    if message[0] == "done":
                        selector.unregister(key.fd)
                        running -= 1
                    yield message
                if not chunk and key.fd in selector.get_map():
                    raise RuntimeError(f"an indexing worker failed: {_failure(proc, errors)}")
        for proc, _ in workers:
            proc.wait()
    finally:
        selector.close()
        for proc, errors in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            errors.close()


def _complete(pending: bytearray) -> Iterator[tuple]:
    """The whole messages at the start of pending, removed from it as they are read."""
    while len(pending) >= _LENGTH:
        size = int.from_bytes(pending[:_LENGTH], "big")
        if len(pending) < _LENGTH + size:
            return
        message = pickle.loads(pending[_LENGTH:_LENGTH + size])
        del pending[:_LENGTH + size]
        yield message


def _failure(proc: subprocess.Popen, errors: BinaryIO) -> str:
    """Why a worker stopped without saying it was done: its exit code and last words."""
    proc.wait()
    errors.seek(0)
    lines = errors.read().decode("utf-8", "replace").strip().splitlines()
    return f"exit code {proc.returncode}" + (f": {lines[-1]}" if lines else "")


def _work() -> None:
    """A worker process: run the job read from stdin, send its messages to stdout."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the message stream

    def send(message: tuple) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(len(data).to_bytes(_LENGTH, "big") + data)
        out.flush()

    try:
        (module, name), part, shared = pickle.load(sys.stdin.buffer)
        target = getattr(importlib.import_module(module), name)
        target(part, *shared, send)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
        send(("error", f"{type(exc).__name__}: {exc}"))


def _die_with_parent() -> None:
    # A killed parent must not leave workers writing into an index it no longer owns.
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def commit_with_segments(writer, segments: list) -> None:
    """Commit a Whoosh SegmentWriter together with segments written by workers: what
    MpWriter._commit does with multisegment=True (existing small segments may merge)."""
    final = writer._merge_segments(None, None, None)
    final.extend(segments)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final)
    writer._finish()


if __name__ == "__main__":
    _work()
